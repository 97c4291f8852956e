"""from_dict lists every problem of a record (interfaces.md §6), each with the
code, field and masked message the command line would give for it, the first
being the command line's own error (§4)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import fupin
import pytest

HOUSEHOLD_FIELDS = (
    "`id`, `town`, `village`, `attribute`, `status`, `identified_on`, `exited_on`, "
    "`returned_on`, `causes`, `relocated`, `exit_steps`, `income`, `last_year_income`, "
    "`rigid_expenses`, `guarantees`, `assets`, `credit`, `members`"
)
MONEY_FORM = 'money must be a non-negative amount of yuan with at most two decimals, like "1234.50"'


def test_a_household_with_five_problems_lists_them_all_in_order() -> None:
    d = {
        "id": "H1",
        "colour": "red",
        "income": {"wage": "12.345"},
        "members": [
            {
                "id": "P1",
                "name": "张三丰",
                "id_number": "64012219800101123X",
                "sex": "male",
                "birth_date": datetime.date(1980, 1, 1),
            },
            {
                "id": "P2",
                "sex": "female",
                # An identity number typed into the wrong column.
                "relation": "64012219800101123X",
                "birth_date": "1981-02-30",
                "health": "sick",
            },
        ],
    }
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(d)
    e = info.value
    assert e.errors() == [
        {
            "code": "unknown_field",
            "record_id": "H1",
            "field": "colour",
            "message": f"unknown field `colour`, expected one of {HOUSEHOLD_FIELDS}",
        },
        {
            "code": "invalid_money",
            "record_id": "H1",
            "field": "income.wage",
            "message": f'income.wage: invalid money "12.345": {MONEY_FORM}',
        },
        {
            "code": "invalid_enum",
            "record_id": "H1",
            "field": "members[1].relation",
            "message": 'members[1].relation: invalid relation "640122********123X": expected '
            "one of head, spouse, child, parent, grandchild, grandparent, sibling, other",
        },
        {
            "code": "invalid_date",
            "record_id": "H1",
            "field": "members[1].birth_date",
            "message": 'members[1].birth_date: invalid date "1981-02-30": expected a real date '
            "written YYYY-MM-DD",
        },
        {
            "code": "invalid_enum",
            "record_id": "H1",
            "field": "members[1].health",
            "message": 'members[1].health: invalid health "sick": expected one of healthy, '
            "chronic, serious_illness, disabled",
        },
    ]
    assert (e.code, e.record_id, e.field) == ("unknown_field", "H1", "colour")
    assert str(e).startswith("5 problems: unknown field `colour`")
    assert "640122********123X" in str(e)
    assert "19800101" not in str(e)
    assert all("19800101" not in p["message"] for p in e.errors())  # type: ignore[operator]


def test_record_checks_are_listed_after_the_field_problems() -> None:
    d = {
        "id": "H3",
        "exit_steps": [
            {"step": "proposed", "on": "2020-01-01"},
            {"step": "proposed", "on": "2020-13-01"},
        ],
        "members": [],
    }
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(d)
    assert [(p["code"], p["field"]) for p in info.value.errors()] == [
        ("invalid_date", "exit_steps[1].on"),
        ("duplicate_exit_step", "exit_steps[1].step"),
        ("empty_members", "members"),
    ]


def test_a_claim_lists_its_field_problems_and_both_cost_checks() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Claim.from_dict(
            {
                "id": "C3",
                "person_id": 7,
                "admitted_on": datetime.date(2020, 5, 1),
                "hospital_level": "clinic",
                "total_cost": 0,
                "in_policy_cost": Decimal("10"),
            }
        )
    assert info.value.errors() == [
        {
            "code": "wrong_type",
            "record_id": "C3",
            "field": "person_id",
            "message": "person_id: expected a string, found a number",
        },
        {
            "code": "invalid_enum",
            "record_id": "C3",
            "field": "hospital_level",
            "message": 'hospital_level: invalid hospital_level "clinic": expected one of '
            "township, county, city, provincial, out_of_region",
        },
        {
            "code": "zero_total_cost",
            "record_id": "C3",
            "field": "total_cost",
            "message": "total_cost must be above zero",
        },
        {
            "code": "in_policy_cost_exceeds_total",
            "record_id": "C3",
            "field": "in_policy_cost",
            "message": "in_policy_cost 10.00 exceeds total_cost 0.00",
        },
    ]
    assert (info.value.code, info.value.field) == ("wrong_type", "person_id")


def test_a_claim_missing_its_required_fields_names_each() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Claim.from_dict({"id": "C4", "total_cost": "abc"})
    assert [(p["code"], p["field"]) for p in info.value.errors()] == [
        ("invalid_money", "total_cost"),
        ("missing_field", "person_id"),
        ("missing_field", "admitted_on"),
        ("missing_field", "hospital_level"),
    ]
    assert len(info.value.errors()) == 4


def test_a_member_lists_its_problems_too() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Member.from_dict(
            {"id": "P9", "name": 5, "sex": "man", "birth_date": "1980-01-01", "disability_grade": 0}
        )
    assert [(p["code"], p["record_id"], p["field"]) for p in info.value.errors()] == [
        ("wrong_type", "P9", "name"),
        ("invalid_enum", "P9", "sex"),
        ("out_of_range", "P9", "disability_grade"),
    ]


def test_one_problem_keeps_its_own_message() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict({"id": "H6", "members": []})
    assert str(info.value) == "members must list at least one person"
    assert len(info.value.errors()) == 1
