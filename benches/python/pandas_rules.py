"""The household rules of domain.md §1–§4 (income, exit, monitoring, dibao)
in vectorized pandas, written as an analyst would from the spec: float64
money straight from ``pd.read_csv``, a ``groupby`` over the member table for
the per-household facts (size on ``as_of``, ages, schooling, insurance,
covered dibao persons), and whole-column arithmetic for the rest.

This is the benchmark's first baseline (benches/python/run.py). It is not
part of fupin and it is not exact:

* money is float64, so an amount such as ``net / N`` that is exactly half a
  fen in decimal (``4000.01 / 2 = 2000.005``) may be a hair below or above
  it in binary, and round the other way than fupin's decimal rounding (half
  away from zero, interfaces.md §1). ``round_fen`` below rounds half away
  from zero on the float it is given; it cannot know the decimal value;
* a sum of float amounts (``0.1 + 0.2``) carries a representation error
  that can move a result across a strict comparison (``pci > line``)
  only when the decimal result sits exactly on the line.

The parameters are the 2020 values of the built-in policy ``ningxia-2020``
(domain.md §9); a date outside 2020 is refused rather than silently mixed
with the wrong year's parameters.

Output (one row per household, in the households frame's order):
``household_id, size, net_income, per_capita_income, exit_eligible,
exit_failed, monitoring_category, monitoring_triggers, dibao_eligible,
dibao_monthly_benefit, dibao_failed``, with the code lists as bitmasks
(bit ``i`` = the ``i``-th code of ``EXIT_CODES`` …, spec order) — use
``decode`` to turn a mask into the list of codes. Households with no member
counted on ``as_of`` (a validation error in fupin) get ``size`` 0 and null
results.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd
from common import DIBAO_CODES, EXIT_CODES, INCOME_PARTS, TRIGGER_CODES, decode, encode, round_fen

__all__ = ["DIBAO_CODES", "EXIT_CODES", "TRIGGER_CODES", "decode", "encode", "evaluate"]

#: ningxia-2020 (domain.md §9), the values in force throughout 2020.
PARAMS_2020: dict[str, float | int] = {
    "poverty_line.exit": 4000.0,
    "monitoring.income_factor": 1.5,
    "monitoring.income_drop_ratio": 0.5,
    "education.compulsory_age_min": 6,
    "education.compulsory_age_max": 15,
    "dibao.standard_annual": 4560.0,
    "dibao.deposit_months": 24,
}

def _money(frame: pd.DataFrame, column: str) -> pd.Series:
    """A money column as float64, an absent column or empty cell as 0."""
    if column not in frame:
        return pd.Series(0.0, index=frame.index)
    return frame[column].astype("float64").fillna(0.0)


def _flag(frame: pd.DataFrame, column: str, default: bool) -> pd.Series:
    """A boolean column (``true``/``false`` in the CSV, read as bool or, when a
    cell is empty, as object), empty cells taking the spec's default."""
    if column not in frame:
        return pd.Series(default, index=frame.index)
    col = frame[column]
    if col.dtype == bool:
        return col
    text = col.astype("string").str.lower()
    return text.map({"true": True, "1": True, "false": False, "0": False}).fillna(default).astype(bool)


def _text(frame: pd.DataFrame, column: str, default: str) -> pd.Series:
    """An enum column, empty cells taking the default."""
    if column not in frame:
        return pd.Series(default, index=frame.index)
    return frame[column].fillna(default)


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    return pd.to_datetime(frame[column], format="ISO8601")


def evaluate(
    households: pd.DataFrame,
    members: pd.DataFrame,
    as_of: str | _dt.date = "2020-12-31",
) -> pd.DataFrame:
    """Income, exit, monitoring and dibao for every household (see module doc)."""
    as_of = _dt.date.fromisoformat(str(as_of))
    if as_of.year != 2020:
        raise ValueError("pandas_rules carries the 2020 parameters only")
    p = PARAMS_2020
    year = as_of.year
    stamp = pd.Timestamp(as_of)

    # ---- members: who counts on as_of, their ages, per-household facts ----
    birth = _dates(members, "birth_date")
    counted = (
        (birth <= stamp)
        & ~(_dates(members, "deceased_on") <= stamp)
        & ~(_dates(members, "moved_out_on") <= stamp)
    )
    # completed years by (month, day): a 29 February birthday on 1 March
    before_birthday = (birth.dt.month > as_of.month) | (
        (birth.dt.month == as_of.month) & (birth.dt.day > as_of.day)
    )
    age = year - birth.dt.year - before_birthday.astype("int64")
    out_of_school = (
        counted
        & age.between(p["education.compulsory_age_min"], p["education.compulsory_age_max"])
        & _text(members, "schooling", "none").isin(["none", "dropout"])
    )
    uninsured = counted & ~_flag(members, "medical_insurance", True) & (birth.dt.year != year)
    covered = counted & _flag(members, "dibao", False)

    per_member = pd.DataFrame(
        {
            "household_id": members["household_id"],
            "size": counted.astype("int64"),
            "out_of_school": out_of_school,
            "uninsured": uninsured,
            "covered": covered.astype("int64"),
        }
    )
    facts = per_member.groupby("household_id", sort=False).agg(
        size=("size", "sum"),
        out_of_school=("out_of_school", "any"),
        uninsured=("uninsured", "any"),
        covered=("covered", "sum"),
    )
    hid = households["id"]
    facts = facts.reindex(hid.to_numpy())
    n = facts["size"].fillna(0).to_numpy(dtype="int64")
    out_of_school = facts["out_of_school"].fillna(False).to_numpy(dtype=bool)
    uninsured = facts["uninsured"].fillna(False).to_numpy(dtype=bool)
    covered = facts["covered"].fillna(0).to_numpy(dtype="int64")
    valid = n > 0
    n_div = np.where(valid, n, 1)

    # ---- §1 income -----------------------------------------------------
    inc = {k: _money(households, f"income_{k}").to_numpy() for k in INCOME_PARTS}
    net = (
        inc["wage"] + inc["operating"] - inc["operating_cost"] + inc["property"]
        + inc["transfer"] + inc["dibao"]
    )
    pci = round_fen(net / n_div)
    pci_excl_dibao = round_fen((net - inc["dibao"]) / n_div)

    # ---- §2 exit ---------------------------------------------------------
    status = _text(households, "status", "poor")
    registered_poor = status.isin(["poor", "returned"]).to_numpy()
    exited = (status == "exited").to_numpy()
    unregistered = (status == "unregistered").to_numpy()
    identified = _dates(households, "identified_on")
    returned = _dates(households, "returned_on")
    new_this_year = (
        ((identified.dt.year == year) & (identified <= stamp))
        | ((returned.dt.year == year) & (returned <= stamp))
    ).to_numpy()
    line = p["poverty_line.exit"]
    unsafe = (_text(households, "guarantees_housing", "safe") == "unsafe").to_numpy()
    fails = [
        ~registered_poor,
        new_this_year,
        ~(pci > line),
        ~_flag(households, "guarantees_food", True).to_numpy(),
        ~_flag(households, "guarantees_clothing", True).to_numpy(),
        out_of_school,
        uninsured,
        unsafe,
        ~_flag(households, "guarantees_drinking_water", True).to_numpy(),
    ]
    exit_failed = np.zeros(len(households), dtype="int64")
    for bit, failed in enumerate(fails):
        exit_failed |= failed.astype("int64") << bit

    # ---- §3 monitoring ---------------------------------------------------
    rigid = _money(households, "rigid_expenses").to_numpy()
    # present iff some last_year_income_* cell is filled (interfaces.md §6)
    last_cols = [c for c in households.columns if c.startswith("last_year_income_")]
    has_last = (
        households[last_cols].notna().any(axis=1).to_numpy()
        if last_cols
        else np.zeros(len(households), dtype=bool)
    )
    last = {k: _money(households, f"last_year_income_{k}").to_numpy() for k in INCOME_PARTS}
    last_net = (
        last["wage"] + last["operating"] - last["operating_cost"] + last["property"]
        + last["transfer"] + last["dibao"]
    )
    last_pci = round_fen(last_net / n_div)
    triggers = (
        (pci < p["monitoring.income_factor"] * line).astype("int64")
        | ((rigid > 0) & (rigid > net)).astype("int64") << 1
        | (has_last & (pci <= (1 - p["monitoring.income_drop_ratio"]) * last_pci)).astype("int64") << 2
    )
    category = np.select(
        [registered_poor, exited & (triggers > 0), unregistered & (triggers > 0)],
        ["poor", "unstable_exited", "marginal"],
        "none",
    )
    triggers = np.where(registered_poor, 0, triggers)

    # ---- §4 dibao ----------------------------------------------------------
    s = p["dibao.standard_annual"]
    assets = (
        _flag(households, "assets_car", False).to_numpy()
        | _flag(households, "assets_commercial_housing", False).to_numpy()
        | _flag(households, "assets_business", False).to_numpy()
        | _flag(households, "assets_public_employee", False).to_numpy()
        | (_money(households, "assets_deposits").to_numpy() * 12 > p["dibao.deposit_months"] * s * n)
    )
    dibao_failed = (~(pci_excl_dibao < s)).astype("int64") | assets.astype("int64") << 1
    dibao_eligible = dibao_failed == 0
    c = np.where(covered > 0, covered, n)
    benefit = np.where(dibao_eligible, round_fen((s - pci_excl_dibao) * c / 12), 0.0)

    out = pd.DataFrame(
        {
            "household_id": hid.to_numpy(),
            "size": n,
            "net_income": net,
            "per_capita_income": pci,
            "exit_eligible": exit_failed == 0,
            "exit_failed": exit_failed,
            "monitoring_category": category,
            "monitoring_triggers": triggers,
            "dibao_eligible": dibao_eligible,
            "dibao_monthly_benefit": benefit,
            "dibao_failed": dibao_failed,
        },
        index=households.index,
    )
    if not valid.all():
        cols = [c for c in out.columns if c not in ("household_id", "size")]
        out[cols] = out[cols].astype(object)
        out.loc[~valid, cols] = None
    return out
