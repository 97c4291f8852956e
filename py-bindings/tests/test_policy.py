"""fupin.Policy: built-in values of domain.md §9, typed values, errors."""

import datetime
from decimal import Decimal
from pathlib import Path

import fupin
import pytest


@pytest.fixture(scope="module")
def ningxia() -> fupin.Policy:
    return fupin.Policy.builtin("ningxia-2020")


def test_the_backstop_cap_is_5000_yuan(ningxia: fupin.Policy) -> None:
    assert ningxia.parameter("backstop.annual_self_pay_cap", on="2020-06-30") == Decimal("5000")


def test_the_major_illness_ceiling_rose_from_80000_to_160000_in_2020(ningxia: fupin.Policy) -> None:
    assert ningxia.parameter("assistance.major_illness_annual_ceiling", on="2019-06-30") == Decimal(
        "80000"
    )
    assert ningxia.parameter(
        "assistance.major_illness_annual_ceiling", on=datetime.date(2020, 6, 30)
    ) == Decimal("160000")


def test_values_have_their_python_types(ningxia: fupin.Policy) -> None:
    assert ningxia.parameter("exit.publicity_days") == 7
    assert ningxia.parameter("backstop.enabled", on="2017-12-31") is False
    assert ningxia.parameter("backstop.enabled", on="2018-01-01") is True
    assert ningxia.parameter("credit.marginal_from") == datetime.date(2020, 6, 1)
    assert ningxia.parameter("backstop.cap_mode") == "min"
    assert ningxia.parameter("credit.line") == {
        "excellent": Decimal("50000"),
        "good": Decimal("30000"),
        "fair": Decimal("10000"),
    }
    assert ningxia.parameter("critical.brackets") == [
        {"from": Decimal("0"), "rate": Decimal("0.60")},
        {"from": Decimal("50000"), "rate": Decimal("0.70")},
        {"from": Decimal("100000"), "rate": Decimal("0.80")},
    ]


def test_national_2020_has_no_ningxia_programme(ningxia: fupin.Policy) -> None:
    national = fupin.Policy.builtin("national-2020")
    assert national.parameter("supplementary.rate", on="2020-06-30") == Decimal("0")
    assert national.parameter("exit.village_incidence_max") == Decimal("0.02")
    assert ningxia.parameter("supplementary.rate", on="2020-06-30") == Decimal("0.80")


def test_parameters_lists_every_parameter_with_its_source(ningxia: fupin.Policy) -> None:
    rows = ningxia.parameters(on="2020-06-30")
    cap = next(r for r in rows if r["name"] == "backstop.annual_self_pay_cap")
    assert cap["value"] == Decimal("5000")
    assert cap["since"] == datetime.date(2014, 1, 1)
    assert cap["status"] == "seed"
    assert cap["unit"] == "yuan/person/year"
    assert cap["source"]


def test_an_unknown_parameter_is_a_policy_error(ningxia: fupin.Policy) -> None:
    with pytest.raises(fupin.PolicyError) as info:
        ningxia.parameter("backstop.no_such_thing")
    assert "backstop.no_such_thing" in str(info.value)
    assert info.value.parameter == "backstop.no_such_thing"


def test_a_date_before_the_first_value_names_the_parameter(ningxia: fupin.Policy) -> None:
    with pytest.raises(fupin.PolicyError) as info:
        ningxia.parameter("poverty_line.exit", on="2013-12-31")
    assert info.value.code == "parameter_not_in_force"
    assert "poverty_line.exit" in str(info.value)


def test_an_unknown_builtin_is_a_policy_error() -> None:
    with pytest.raises(fupin.PolicyError):
        fupin.Policy.builtin("atlantis-2020")


def test_a_reform_that_breaks_two_lines_in_one_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "reform.toml"
    f.write_text(
        'name = "reform"\nextends = "ningxia-2020"\n'
        '[parameters."dibao.standard_annual"]\nvalues = { "2020-01-01" = "3000" }\n',
        encoding="utf-8",
    )
    with pytest.raises(fupin.PolicyError) as info:
        fupin.Policy.from_file(f)
    assert "dibao.standard_annual" in str(info.value)


def test_a_county_file_overrides_one_value(tmp_path: Path) -> None:
    f = tmp_path / "county.toml"
    f.write_text(
        'name = "county"\nextends = "ningxia-2020"\n'
        '[parameters."backstop.annual_self_pay_cap"]\nsource = "县医保局 2020 年通知"\n'
        'values = { "2014-01-01" = "5000", "2021-01-01" = "3000" }\n',
        encoding="utf-8",
    )
    county = fupin.Policy.from_file(str(f))
    assert county.name == "county"
    assert county.parameter("backstop.annual_self_pay_cap", on="2021-06-30") == Decimal("3000")


def test_a_bad_date_argument_is_a_validation_error(ningxia: fupin.Policy) -> None:
    with pytest.raises(fupin.ValidationError) as info:
        ningxia.parameter("poverty_line.exit", on="2020-13-01")
    assert info.value.errors() == [
        {
            "code": "invalid_date",
            "record_id": None,
            "field": "on",
            "message": 'on: "2020-13-01" is not a date written YYYY-MM-DD',
        }
    ]
    with pytest.raises(fupin.ValidationError) as info:
        ningxia.parameter("poverty_line.exit", on=20200101)  # type: ignore[arg-type]
    assert info.value.code == "wrong_type"
