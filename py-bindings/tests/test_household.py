"""Household.from_dict / Claim.from_dict: dicts go through the CLI's parser,
so validation and error codes are exactly those of `fupin evaluate`."""

from __future__ import annotations

import datetime
import enum
import pickle
from decimal import Decimal

import fupin
import pytest
from conftest import interface_household, single_person


def test_the_interface_example_reads_and_round_trips_through_to_dict() -> None:
    h = fupin.Household.from_dict(interface_household())
    assert h.id == "H1"
    d = h.to_dict()
    assert d["income"]["wage"] == Decimal("18000.00")
    assert d["members"][0]["birth_date"] == datetime.date(1970, 6, 15)
    assert d["credit"] == {"rating": "excellent", "outstanding": Decimal("0.00")}
    again = fupin.Household.from_dict(d)
    assert again.to_dict() == d


def test_repr_masks_names_and_identity_numbers() -> None:
    h = fupin.Household.from_dict(single_person("1000"))
    assert repr(h) == "Household(id='H2', members=1)"
    assert repr(fupin.Household.from_dict(interface_household())) == "Household(id='H1', members=4)"
    assert "640122201603010017" not in repr(fupin.Household.from_dict(interface_household()))


def test_a_bad_money_value_is_a_validation_error_listing_the_problem() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(interface_household(wage="1.005"))
    assert info.value.errors() == [
        {
            "code": "invalid_money",
            "record_id": "H1",
            "field": "income.wage",
            "message": 'income.wage: invalid money "1.005": money must be a non-negative '
            'amount of yuan with at most two decimals, like "1234.50"',
        }
    ]
    assert info.value.code == "invalid_money"
    assert info.value.record_id == "H1"
    assert info.value.field == "income.wage"


def test_an_unknown_field_is_a_validation_error_listing_the_problem() -> None:
    d = interface_household()
    d["colour"] = "red"
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(d)
    assert info.value.errors() == [
        {
            "code": "unknown_field",
            "record_id": "H1",
            "field": "colour",
            "message": "unknown field `colour`, expected one of `id`, `town`, `village`, "
            "`attribute`, `status`, `identified_on`, `exited_on`, `returned_on`, `causes`, "
            "`relocated`, `exit_steps`, `income`, `last_year_income`, `rigid_expenses`, "
            "`guarantees`, `assets`, `credit`, `members`",
        }
    ]


def test_float_money_is_read_from_its_shortest_repr() -> None:
    h = fupin.Household.from_dict(interface_household(wage=1234.5))
    assert h.to_dict()["income"]["wage"] == Decimal("1234.50")
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(interface_household(wage=0.1 + 0.2))
    assert info.value.code == "invalid_money"
    assert "0.30000000000000004" in str(info.value)


@pytest.mark.parametrize(
    ("wage", "code"),
    [
        (Decimal("1234.56"), None),
        (1234, None),
        (Decimal("1E+3"), "invalid_money"),
        (Decimal("-0"), "invalid_money"),
        (-0.0, "invalid_money"),
        (Decimal("NaN"), "invalid_money"),
        (Decimal("Infinity"), "invalid_money"),
        (float("inf"), "invalid_money"),
        (float("nan"), "invalid_money"),
        (-5, "invalid_money"),
        (True, "wrong_type"),
        (object(), "wrong_type"),
        (b"12", "wrong_type"),
    ],
)
def test_money_values_of_every_python_type(wage: object, code: str | None) -> None:
    if code is None:
        fupin.Household.from_dict(interface_household(wage=wage))
        return
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(interface_household(wage=wage))
    assert info.value.code == code
    assert info.value.field == "income.wage"
    assert info.value.record_id == "H1"


class Amount(enum.IntEnum):
    WAGE = 18000


def test_an_int_enum_is_read_as_its_value_not_its_name() -> None:
    h = fupin.Household.from_dict(interface_household(wage=Amount.WAGE))
    assert h.to_dict()["income"]["wage"] == Decimal("18000.00")


def test_dates_may_be_datetime_date_but_not_datetime() -> None:
    d = interface_household()
    d["members"][0]["birth_date"] = datetime.date(1970, 6, 15)
    assert fupin.Household.from_dict(d).to_dict()["members"][0]["birth_date"] == datetime.date(
        1970, 6, 15
    )
    d["members"][0]["birth_date"] = datetime.datetime(1970, 6, 15, 12, 0)
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(d)
    assert info.value.code == "wrong_type"
    assert info.value.field == "members[0].birth_date"


def test_errors_name_nested_fields_and_mask_personal_data() -> None:
    d = single_person("1000")
    d["members"][0]["sex"] = "张三丰"
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(d)
    assert info.value.code == "invalid_enum"
    assert info.value.field == "members[0].sex"
    d = single_person("1000")
    d["members"][0]["id_number"] = 640122201603010017
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(d)
    assert info.value.code == "wrong_type"
    assert "640122201603010017" not in str(info.value)


def test_a_non_dict_or_a_non_str_key_is_wrong_type() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(["H1"])  # type: ignore[arg-type]
    assert info.value.code == "wrong_type"
    d = interface_household()
    d["income"] = {1: "18000"}
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict(d)
    assert (info.value.code, info.value.field) == ("wrong_type", "income")


def test_empty_members_is_the_parsers_error() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Household.from_dict({"id": "H3", "members": []})
    assert (info.value.code, info.value.record_id) == ("empty_members", "H3")


def test_a_claim_reads_from_a_dict_and_round_trips() -> None:
    c = fupin.Claim.from_dict(
        {
            "id": "C1",
            "person_id": "P1",
            "admitted_on": datetime.date(2020, 3, 1),
            "hospital_level": "county",
            "total_cost": 30000,
            "in_policy_cost": Decimal("27000"),
        }
    )
    assert (c.id, c.person_id) == ("C1", "P1")
    assert repr(c) == "Claim(id='C1', person_id='P1', admitted_on=2020-03-01)"
    d = c.to_dict()
    assert d == {
        "id": "C1",
        "person_id": "P1",
        "admitted_on": datetime.date(2020, 3, 1),
        "hospital_level": "county",
        "total_cost": Decimal("30000.00"),
        "in_policy_cost": Decimal("27000.00"),
        "registered_poor": True,
        "backstop_eligible": True,
        "major_illness": False,
    }
    assert fupin.Claim.from_dict(d).to_dict() == d


def test_a_claim_with_in_policy_cost_above_total_is_refused() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Claim.from_dict(
            {
                "id": "C2",
                "person_id": "P1",
                "admitted_on": "2020-03-01",
                "hospital_level": "county",
                "total_cost": "100",
                "in_policy_cost": "200",
            }
        )
    assert (info.value.code, info.value.record_id) == ("in_policy_cost_exceeds_total", "C2")


def test_records_compare_by_value_and_pickle() -> None:
    h = fupin.Household.from_dict(interface_household())
    assert h == fupin.Household.from_dict(interface_household())
    assert h != fupin.Household.from_dict(interface_household(wage="18000.01"))
    assert pickle.loads(pickle.dumps(h)) == h
    c = fupin.Claim.from_dict(
        {
            "id": "C1",
            "person_id": "P1",
            "admitted_on": "2020-03-01",
            "hospital_level": "county",
            "total_cost": "30000",
        }
    )
    assert pickle.loads(pickle.dumps(c)) == c


def test_members_are_read_and_their_repr_is_masked() -> None:
    m = fupin.Member.from_dict(
        {
            "id": "P1",
            "name": "张三丰",
            "id_number": "64012219800101123X",
            "sex": "male",
            "birth_date": "1980-01-01",
        }
    )
    assert repr(m) == (
        "Member(id='P1', name='张**', id_number='640122********123X', birth_date=1980-01-01)"
    )
    assert m.to_dict()["name"] == "张三丰"
    assert pickle.loads(pickle.dumps(m)) == m
    h = fupin.Household.from_dict({"id": "H5", "members": [m]})
    assert h.members == [m]
    assert [x.id for x in fupin.Household.from_dict(interface_household()).members] == [
        "P1",
        "P2",
        "P3",
        "P4",
    ]
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Member.from_dict({"id": "P2", "sex": "male", "birth_date": "1980-01-01",
                                "disability_grade": 5})
    assert (info.value.code, info.value.record_id, info.value.field) == (
        "out_of_range",
        "P2",
        "disability_grade",
    )
