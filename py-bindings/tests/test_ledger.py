"""Ledger and Policy.settle: the settlement chain of domain.md §5, year-to-date
sums carried between claims, JSON and pickle round trips, duplicate ids."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from typing import Any

import fupin
import pytest
from conftest import run_cli


def claim(cid: str, total: str = "30000", in_policy: str = "27000", **kw: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "person_id": kw.pop("person_id", "P1"),
        "admitted_on": kw.pop("admitted_on", "2020-03-01"),
        "hospital_level": kw.pop("hospital_level", "county"),
        "total_cost": total,
        "in_policy_cost": in_policy,
        **kw,
    }


# A year of one person's claims, then another person's; the ledger carries
# the year-to-date sums that caps and deductibles depend on.
YEAR = [
    claim("C1"),
    claim("C2", "8000", "7000", admitted_on="2020-05-10"),
    claim("C3", "120000", "110000", admitted_on="2020-08-01", hospital_level="city",
          major_illness=True),
    claim("C4", "5000", "5000", person_id="P2", hospital_level="township"),
    claim("C5", "60000", "50000", admitted_on="2020-11-20", hospital_level="provincial"),
]


def test_the_worked_example_of_domain_md(ningxia: fupin.Policy) -> None:
    s = fupin.Ledger().settle(fupin.Claim.from_dict(claim("C1")), ningxia)
    assert (s.claim_id, s.person_id, s.year) == ("C1", "P1", 2020)
    assert s.total_cost == Decimal("30000.00")
    assert s.basic_insurance == Decimal("21400.00")
    assert s.critical_illness_insurance == Decimal("1560.00")
    assert s.supplementary_insurance == Decimal("832.00")
    assert s.medical_assistance == Decimal("2245.60")
    assert s.backstop == Decimal("0.00")
    assert s.self_pay == Decimal("3962.40")
    assert s.trace is None
    assert s.to_json() == (
        '{"claim_id":"C1","person_id":"P1","year":2020,"total_cost":"30000.00",'
        '"basic_insurance":"21400.00","critical_illness_insurance":"1560.00",'
        '"supplementary_insurance":"832.00","medical_assistance":"2245.60",'
        '"backstop":"0.00","self_pay":"3962.40"}'
    )
    assert s.to_dict() == {
        "claim_id": "C1",
        "person_id": "P1",
        "year": 2020,
        "total_cost": Decimal("30000.00"),
        "basic_insurance": Decimal("21400.00"),
        "critical_illness_insurance": Decimal("1560.00"),
        "supplementary_insurance": Decimal("832.00"),
        "medical_assistance": Decimal("2245.60"),
        "backstop": Decimal("0.00"),
        "self_pay": Decimal("3962.40"),
    }


def test_the_default_policy_is_ningxia_2020(ningxia: fupin.Policy) -> None:
    a = fupin.Ledger().settle(claim("C1"))
    b = fupin.Ledger().settle(claim("C1"), ningxia)
    assert a.to_json() == b.to_json()


def test_the_components_add_up_to_the_total(ningxia: fupin.Policy) -> None:
    for s in ningxia.settle(YEAR):
        parts = (
            s.basic_insurance,
            s.critical_illness_insurance,
            s.supplementary_insurance,
            s.medical_assistance,
            s.backstop,
            s.self_pay,
        )
        assert sum(parts) == s.total_cost
        assert all(p >= 0 for p in parts)


def test_policy_settle_equals_one_ledger_claim_by_claim(ningxia: fupin.Policy) -> None:
    ledger = fupin.Ledger()
    one_by_one = [ledger.settle(c, ningxia).to_json() for c in YEAR]
    assert [s.to_json() for s in ningxia.settle(YEAR)] == one_by_one
    assert ledger.claims_settled == len(YEAR)
    assert "C3" in ledger and "C9" not in ledger


def test_a_json_round_trip_continues_identically(ningxia: fupin.Policy) -> None:
    straight = fupin.Ledger()
    resumed = fupin.Ledger()
    for c in YEAR[:3]:
        straight.settle(c, ningxia)
        resumed.settle(c, ningxia)
    text = resumed.to_json()
    assert json.loads(text)["claim_ids"] == ["C1", "C2", "C3"]
    resumed = fupin.Ledger.from_json(text)
    assert resumed == straight
    for c in YEAR[3:]:
        assert resumed.settle(c, ningxia).to_json() == straight.settle(c, ningxia).to_json()
    assert resumed.to_json() == straight.to_json()


def test_a_pickle_round_trip_continues_identically(ningxia: fupin.Policy) -> None:
    straight = fupin.Ledger()
    for c in YEAR[:2]:
        straight.settle(c, ningxia)
    copy = pickle.loads(pickle.dumps(straight))
    assert isinstance(copy, fupin.Ledger)
    assert copy == straight
    for c in YEAR[2:]:
        assert copy.settle(c, ningxia).to_json() == straight.settle(c, ningxia).to_json()


def test_a_duplicate_claim_id_is_refused_and_the_ledger_is_unchanged(
    ningxia: fupin.Policy,
) -> None:
    ledger = fupin.Ledger()
    ledger.settle(claim("C1"), ningxia)
    before = ledger.to_json()
    with pytest.raises(fupin.ValidationError) as info:
        ledger.settle(claim("C1", "100", "100"), ningxia)
    assert info.value.errors() == [
        {
            "code": "duplicate_claim_id",
            "record_id": "C1",
            "field": "id",
            "message": 'claim "C1" has already been settled',
        }
    ]
    assert ledger.to_json() == before
    with pytest.raises(fupin.ValidationError) as info:
        ningxia.settle([claim("C1"), claim("C2"), claim("C1")])
    assert info.value.code == "duplicate_claim_id"


def test_a_rejected_claims_id_does_not_count(ningxia: fupin.Policy) -> None:
    ledger = fupin.Ledger()
    with pytest.raises(fupin.ValidationError) as info:
        ledger.settle(claim("C7", "100", "200"), ningxia)
    assert info.value.code == "in_policy_cost_exceeds_total"
    assert ledger.claims_settled == 0
    assert ledger.settle(claim("C7", "200", "100"), ningxia).total_cost == Decimal("200.00")


def test_not_a_ledger_is_a_validation_error() -> None:
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Ledger.from_json('{"format": "something else"}')
    assert info.value.code == "invalid_json"


def test_explain_gives_one_trace_step_per_layer(ningxia: fupin.Policy) -> None:
    s = fupin.Ledger().settle(claim("C1"), ningxia, explain=True)
    assert s.trace is not None
    assert len(s.trace) == 5
    assert "trace" in s.to_dict()


def test_settlements_equal_the_cli_lines(ningxia: fupin.Policy) -> None:
    assert run_cli(["settle"], YEAR) == [s.to_json() for s in ningxia.settle(YEAR)]
