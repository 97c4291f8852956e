"""Decisions, settlements and input records survive pickle and deepcopy
whole: equal objects, the same JSON line, trace and explanation kept."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from typing import Any

import fupin
import pytest
from conftest import interface_household, single_person

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


def pickled(x: Any, protocol: int = pickle.HIGHEST_PROTOCOL) -> Any:
    return pickle.loads(pickle.dumps(x, protocol=protocol))


def claim(cid: str = "C1") -> dict[str, Any]:
    return {
        "id": cid,
        "person_id": "P1",
        "admitted_on": "2020-03-01",
        "hospital_level": "county",
        "total_cost": "30000",
        "in_policy_cost": "27000",
    }


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_decision_round_trips_through_pickle(ningxia: fupin.Policy, protocol: int) -> None:
    d = ningxia.evaluate(interface_household())
    back = pickled(d, protocol)
    assert type(back) is fupin.Decision
    assert back == d
    assert back.to_json() == d.to_json()
    assert back.to_dict() == d.to_dict()
    assert repr(back) == repr(d)
    assert back.trace is None
    # Explained after unpickling, without the policy or household it came from.
    assert back.explain("zh") == d.explain("zh")
    assert back.explain("en") == d.explain("en")


def test_an_explained_decision_keeps_its_trace_and_explanation(ningxia: fupin.Policy) -> None:
    d = ningxia.evaluate(single_person("3999.99"), explain=True)
    back = pickled(d)
    assert back == d
    assert back.trace is not None
    assert back.trace == d.trace
    assert back.to_json() == d.to_json()
    assert '"trace"' in back.to_json()
    assert back.explain("en") == d.explain("en")
    assert "3999.99" in back.explain("en")


def test_a_negative_net_income_survives(ningxia: fupin.Policy) -> None:
    hh = {
        "id": "H9",
        "income": {"operating": "100", "operating_cost": "1000.50"},
        "members": [
            {"id": "P1", "relation": "head", "sex": "male", "birth_date": "1970-01-01"},
            {"id": "P2", "relation": "spouse", "sex": "female", "birth_date": "1971-01-01"},
        ],
    }
    d = ningxia.evaluate(hh)
    # The income arithmetic of domain.md: 100 - 1000.50, shared by two.
    assert (d.net_income, d.per_capita_income) == (Decimal("-900.50"), Decimal("-450.25"))
    back = pickled(d)
    assert back == d
    assert (back.net_income, back.per_capita_income) == (Decimal("-900.50"), Decimal("-450.25"))


def test_decisions_deepcopy_equal_and_differ_from_other_decisions(ningxia: fupin.Policy) -> None:
    d = ningxia.evaluate(interface_household())
    other = ningxia.evaluate(interface_household(wage="18000.01"))
    c = copy.deepcopy(d)
    assert c == d and c is not d
    assert c != other
    assert pickled([d, other]) == [d, other]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_settlement_round_trips_through_pickle(ningxia: fupin.Policy, protocol: int) -> None:
    s = fupin.Ledger().settle(claim(), ningxia)
    back = pickled(s, protocol)
    assert type(back) is fupin.Settlement
    assert back == s
    assert back.to_json() == s.to_json()
    assert back.to_dict() == s.to_dict()
    assert repr(back) == repr(s)
    assert back.trace is None
    # The worked example of domain.md §5, read from the unpickled object.
    assert back.basic_insurance == Decimal("21400.00")
    assert back.self_pay == Decimal("3962.40")


def test_an_explained_settlement_keeps_its_trace(ningxia: fupin.Policy) -> None:
    ledger = fupin.Ledger()
    ledger.settle(claim("C0"), ningxia)
    s = ledger.settle(claim("C1"), ningxia, explain=True)
    back = pickled(s)
    assert back == s
    assert back.trace is not None
    assert back.trace == s.trace
    assert [step["rule"] for step in back.trace] == [
        "basic",
        "critical",
        "supplementary",
        "assistance",
        "backstop",
    ]
    assert back.to_json() == s.to_json()
    assert copy.deepcopy(s) == s


def test_records_deepcopy_and_pickle_equal() -> None:
    h = fupin.Household.from_dict(interface_household())
    c = fupin.Claim.from_dict(claim())
    m = h.members[0]
    for x in (h, c, m):
        assert copy.deepcopy(x) == x
        assert pickled(x) == x
        assert pickled(x, 0) == x


def test_a_damaged_pickle_state_raises_validation_error() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Decision._from_pickle('{"household_id": "H1"}', "", "")
    assert info.value.code == "invalid_json"
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Settlement._from_pickle("[]")
    assert info.value.code == "invalid_json"
