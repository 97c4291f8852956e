"""Policy.evaluate -> Decision: attributes mirror interfaces.md §3.1, and
to_json() is byte for byte the line `fupin evaluate` writes."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import fupin
import pytest
from conftest import interface_household, run_cli, single_person


def test_the_interface_example(ningxia: fupin.Policy) -> None:
    d = ningxia.evaluate(fupin.Household.from_dict(interface_household()))
    assert d.household_id == "H1"
    assert d.as_of == datetime.date(2020, 12, 31)
    assert d.size == 4
    assert d.net_income == Decimal("18000.00")
    assert d.per_capita_income == Decimal("4500.00")
    assert d.poverty_line == Decimal("4000.00")
    assert d.exit.eligible is True
    assert d.exit.failed == []
    assert (d.monitoring.category, d.monitoring.triggers) == ("poor", [])
    assert d.dibao.eligible is True
    assert d.dibao.monthly_benefit == Decimal("20.00")
    assert str(d.dibao.monthly_benefit) == "20.00"
    assert d.dibao.failed == []
    assert (d.identification.excluded, d.identification.reasons) == (False, [])
    assert d.entitlements.insurance_premiums == Decimal("280.00")
    assert d.entitlements.elderly_allowance == Decimal("0.00")
    assert d.entitlements.veterans_allowance == Decimal("0.00")
    assert d.entitlements.education_aid == Decimal("2400.00")
    assert d.entitlements.total == Decimal("2680.00")
    assert d.credit.eligible is True
    assert d.credit.max_new_loan == Decimal("50000.00")
    assert d.credit.failed == []
    assert d.findings == [{"code": "id_number_checksum", "person_id": "P3", "field": "id_number"}]
    assert d.trace is None


def test_to_dict_is_the_json_shape_with_decimal_money(ningxia: fupin.Policy) -> None:
    d = ningxia.evaluate(interface_household())
    assert d.to_dict() == {
        "household_id": "H1",
        "as_of": datetime.date(2020, 12, 31),
        "size": 4,
        "net_income": Decimal("18000.00"),
        "per_capita_income": Decimal("4500.00"),
        "poverty_line": Decimal("4000.00"),
        "exit": {"eligible": True, "failed": []},
        "monitoring": {"category": "poor", "triggers": []},
        "dibao": {"eligible": True, "monthly_benefit": Decimal("20.00"), "failed": []},
        "identification": {"excluded": False, "reasons": []},
        "entitlements": {
            "insurance_premiums": Decimal("280.00"),
            "elderly_allowance": Decimal("0.00"),
            "veterans_allowance": Decimal("0.00"),
            "education_aid": Decimal("2400.00"),
            "total": Decimal("2680.00"),
        },
        "credit": {"eligible": True, "max_new_loan": Decimal("50000.00"), "failed": []},
        "findings": [{"code": "id_number_checksum", "person_id": "P3", "field": "id_number"}],
    }
    assert list(d.to_dict()) == list(json.loads(d.to_json()))


def test_the_explanation_of_a_household_a_fen_below_the_line(ningxia: fupin.Policy) -> None:
    d = ningxia.evaluate(single_person("3999.99"))
    assert d.exit.eligible is False
    assert d.exit.failed == ["income_below_line"]
    assert "人均纯收入 3999.99 元，未超过 2020 年脱贫标准 4000.00 元" in d.explain("zh")
    assert d.explain() == d.explain("zh")
    assert "3999.99" in d.explain("en")
    assert "张三丰" not in d.explain("zh") + d.explain("en")
    with pytest.raises(fupin.ValidationError):
        d.explain("fr")  # type: ignore[arg-type]


def test_explain_true_gives_the_same_text_and_a_trace_in_rule_order(ningxia: fupin.Policy) -> None:
    plain = ningxia.evaluate(single_person("3999.99"))
    explained = ningxia.evaluate(single_person("3999.99"), explain=True)
    assert explained.explain("zh") == plain.explain("zh")
    assert explained.explain("en") == plain.explain("en")
    trace = explained.trace
    assert trace is not None
    assert [step["rule"] for step in trace] == [
        "income",
        "exit",
        "monitoring",
        "dibao",
        "identification",
        "entitlements",
        "credit",
        "findings",
    ]
    assert set(trace[0]) == {"rule", "inputs", "parameters", "result"}
    assert list(explained.to_dict())[-2:] == ["explanation", "trace"]


def test_as_of_is_a_str_or_a_date(ningxia: fupin.Policy) -> None:
    h = fupin.Household.from_dict(interface_household())
    a = ningxia.evaluate(h, as_of="2019-12-31")
    b = ningxia.evaluate(h, as_of=datetime.date(2019, 12, 31))
    assert a.to_json() == b.to_json()
    assert a.as_of == datetime.date(2019, 12, 31)
    with pytest.raises(fupin.ValidationError) as info:
        ningxia.evaluate(h, as_of="2019-02-30")
    assert (info.value.code, info.value.field) == ("invalid_date", "as_of")


def test_no_member_counted_on_as_of_is_a_validation_error(ningxia: fupin.Policy) -> None:
    with pytest.raises(fupin.ValidationError) as info:
        ningxia.evaluate(single_person("1000"), as_of="1979-12-31")
    assert (info.value.code, info.value.record_id) == ("no_counted_member", "H2")


def test_repr_and_html_show_no_personal_data(ningxia: fupin.Policy) -> None:
    d = ningxia.evaluate(single_person("3999.99"))
    assert repr(d) == (
        "Decision(household_id='H2', as_of=2020-12-31, per_capita_income=Decimal('3999.99'), "
        "exit_eligible=False, monitoring='poor')"
    )
    assert repr(d.exit) == "ExitResult(eligible=False, failed=['income_below_line'])"
    html = d._repr_html_()
    assert html.startswith("<table") and html.endswith("</table>")
    assert "3999.99" in html and "income_below_line" in html
    assert "张三丰" not in repr(d) + html


def test_a_decision_is_frozen(ningxia: fupin.Policy) -> None:
    d = ningxia.evaluate(interface_household())
    with pytest.raises(AttributeError):
        d.size = 5  # type: ignore[misc]


PARITY_HOUSEHOLDS: list[dict[str, Any]] = [
    interface_household(),
    single_person("3999.99"),
    single_person("4000.01", hid="H3"),
    {
        **single_person("0", hid="H4"),
        "status": "exited",
        "exited_on": "2019-11-30",
        "rigid_expenses": "9000",
        "assets": {"car": True},
    },
]


def test_to_json_equals_the_cli_line(ningxia: fupin.Policy) -> None:
    lines = run_cli(["evaluate"], PARITY_HOUSEHOLDS)
    assert lines == [ningxia.evaluate(h).to_json() for h in PARITY_HOUSEHOLDS]


def test_to_json_with_explain_equals_the_cli_line(ningxia: fupin.Policy) -> None:
    lines = run_cli(["evaluate", "--explain", "--as-of", "2020-06-30"], PARITY_HOUSEHOLDS)
    assert lines == [
        ningxia.evaluate(h, as_of="2020-06-30", explain=True).to_json() for h in PARITY_HOUSEHOLDS
    ]
