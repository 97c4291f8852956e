"""The exception hierarchy: everything fupin raises is a FupinError."""

import fupin
import pytest


def test_every_fupin_exception_derives_from_fupin_error() -> None:
    for cls in (fupin.ValidationError, fupin.PolicyError, fupin.InternalError):
        assert issubclass(cls, fupin.FupinError)
        assert issubclass(cls, Exception)


def test_validation_error_lists_its_problems_with_record_and_field() -> None:
    err = fupin.ValidationError(
        "invalid money \"1.005\"", code="invalid_money", record_id="H1", field="income.wage"
    )
    assert err.errors() == [
        {
            "code": "invalid_money",
            "record_id": "H1",
            "field": "income.wage",
            "message": "invalid money \"1.005\"",
        }
    ]
    with pytest.raises(ValueError):
        raise err


def test_the_version_is_the_crate_version() -> None:
    assert fupin.__version__.count(".") == 2


def test_a_rust_panic_becomes_internal_error_and_prints_nothing(
    capfd: pytest.CaptureFixture[str],
) -> None:
    from fupin import _fupin

    with pytest.raises(fupin.InternalError) as info:
        _fupin._panic_for_tests("64012219800101123X")
    assert "64012219800101123X" not in str(info.value)
    out, err = capfd.readouterr()
    assert "64012219800101123X" not in out + err
    assert "panicked" not in err
