"""Arbitrary frames and dicts through the bulk and record APIs (hypothesis):
whatever the cells hold — NaN, None, wrong dtypes, huge or negative numbers,
empty frames, unknown or missing columns — only `fupin.FupinError`
subclasses escape, never `PanicException` or a bare Python error, and a
result always has one row per input row."""

from __future__ import annotations

import datetime
import math
import warnings
from decimal import Decimal
from typing import Any

import fupin
import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOUSEHOLD_COLUMNS = [
    "id", "town", "village", "attribute", "status", "identified_on", "exited_on",
    "causes", "relocated", "exit_steps", "income_wage", "income_dibao", "income_year",
    "last_year_income_wage", "rigid_expenses", "guarantees_food", "guarantees_housing",
    "assets_deposits", "credit_rating", "credit_outstanding",
]  # fmt: skip
MEMBER_COLUMNS = [
    "household_id", "id", "id_number", "name", "relation", "sex", "birth_date",
    "schooling", "health", "disability_grade", "labor", "medical_insurance", "deceased_on",
]  # fmt: skip
CLAIM_COLUMNS = [
    "id", "person_id", "admitted_on", "hospital_level", "total_cost", "in_policy_cost",
    "registered_poor", "major_illness",
]  # fmt: skip

WORDS = [
    "H1", "H2", "P1", "male", "female", "head", "poor", "exited", "general", "dibao",
    "illness;disability", "proposed:2020-03-01", "2020-06-30", "1980-02-30", "safe",
    "county", "good", "true", "false", "1234.5", "1.005", "-3", "1e3", "", "男",
    "640122198001011234", "张三丰",
]  # fmt: skip

cells = st.one_of(
    st.none(),
    st.just(math.nan),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**14),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.lists(st.sampled_from(["illness", "schooling", "proposed:2020-01-01", "x"]), max_size=3),
)


def frame(draw: Any, columns: list[str], rows: int, homogeneous: bool) -> pd.DataFrame:
    names = draw(st.lists(st.sampled_from([*columns, "junk"]), unique=True, max_size=8))
    data: dict[str, list[Any]] = {}
    for name in names:
        if homogeneous:
            values = draw(st.sampled_from([
                st.floats(allow_nan=True), st.integers(-5, 10**6), st.sampled_from(WORDS),
                st.booleans(), st.none(),
            ]))  # fmt: skip
            data[name] = [draw(values) for _ in range(rows)]
        else:
            data[name] = [draw(cells) for _ in range(rows)]
    return pd.DataFrame(data, index=range(rows))


@st.composite
def registries(draw: Any) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    rows = draw(st.integers(0, 6))
    homogeneous = draw(st.booleans())
    hh = frame(draw, HOUSEHOLD_COLUMNS, rows, homogeneous)
    if draw(st.booleans()):
        hh["id"] = [f"H{i}" for i in range(rows)]
    mm = frame(draw, MEMBER_COLUMNS, draw(st.integers(0, 8)), homogeneous)
    return hh, mm, draw(st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries())
def test_evaluate_frame_raises_only_fupin_errors(case: tuple[pd.DataFrame, pd.DataFrame, bool]) -> None:
    hh, mm, arrow = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fupin.DataWarning)
        try:
            if arrow:
                out = fupin.evaluate_frame(
                    fupin.frames._arrow_table(hh, "households"), mm, money="float"
                )
                assert isinstance(out, pa.Table)
                assert out.num_rows == len(hh)
            else:
                df = fupin.evaluate_frame(hh, mm)
                assert len(df) == len(hh)
                # A row has a decision or an error, never both, never neither.
                for code, size in zip(df["error_code"], df["size"], strict=True):
                    assert (code is None or code != code) != pd.isna(size)
        except fupin.FupinError:
            pass


@st.composite
def claim_frames(draw: Any) -> pd.DataFrame:
    return frame(draw, CLAIM_COLUMNS, draw(st.integers(0, 6)), draw(st.booleans()))


@settings(max_examples=100, deadline=None)
@given(claim_frames())
def test_settle_frame_raises_only_fupin_errors(claims: pd.DataFrame) -> None:
    try:
        st_ = fupin.settle_frame(claims)
        assert len(st_) == len(claims)
        parts = ["basic_insurance", "critical_illness_insurance", "supplementary_insurance",
                 "medical_assistance", "backstop", "self_pay"]  # fmt: skip
        for _, row in st_[st_["error_code"].isna()].iterrows():
            assert sum(row[p] for p in parts) == row["total_cost"]
    except fupin.FupinError:
        pass


json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(10**20), 10**20),
        st.floats(allow_nan=True), st.text(max_size=8), st.sampled_from(WORDS),
        st.decimals(allow_nan=True, places=3),
    ),  # fmt: skip
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "income", "members", "status", "causes", "credit", "x"]),
        json_values,
        max_size=5,
    )
)
def test_from_dict_raises_only_fupin_errors(d: dict[str, Any]) -> None:
    for build in (fupin.Household.from_dict, fupin.Claim.from_dict):
        try:
            build(d)
        except fupin.FupinError:
            pass


def test_huge_money_is_a_validation_error_never_an_overflow() -> None:
    # 10^12 yuan works exactly; 10^13 is the §1 validation error.
    hh = pd.DataFrame({"id": ["H1", "H2"], "income_wage": [Decimal("1000000000000.00"), Decimal("10000000000000")]})
    mm = pd.DataFrame({"household_id": ["H1", "H2"], "id": ["P1", "P2"], "sex": ["male"] * 2,
                       "birth_date": ["1980-01-01"] * 2})  # fmt: skip
    df = fupin.evaluate_frame(hh, mm)
    assert df.loc[0, "net_income"] == Decimal("1000000000000.00")
    assert df.loc[1, "error_code"] == "invalid_money"
