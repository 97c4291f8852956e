"""The pandas baseline of the Python benchmark (benches/python/pandas_rules.py)
computes the same household rules as fupin: on a synthetic county every
decision agrees, and the money amounts differ only where float64 must
(a quotient that is exactly half a fen in decimal), by one fen.

This keeps the benchmark honest: a baseline that computed something else
would make its timings meaningless."""

from __future__ import annotations

import importlib
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import fupin
import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import pytest
from conftest import run_cli_text

BENCH = Path(__file__).resolve().parents[2] / "benches" / "python"


@pytest.fixture(scope="module")
def pandas_rules() -> Any:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("pandas_rules")
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def both(pandas_rules: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    out = tmp_path_factory.mktemp("bench-baseline")
    run_cli_text(["synth", "--households", "2000", "--seed", "2020", "--out", str(out)])
    ids = {"id": str, "household_id": str, "id_number": str}
    hh = pd.read_csv(out / "households.csv", dtype=ids)
    mm = pd.read_csv(out / "members.csv", dtype=ids)
    exact = fupin.evaluate_frame(hh, mm, as_of="2020-12-31")
    baseline = pandas_rules.evaluate(hh, mm, as_of="2020-12-31")
    assert exact["error_code"].isna().all()
    return exact, baseline


def test_decisions_agree_with_fupin_unless_float_moved_the_income(
    pandas_rules: Any, both: tuple[Any, Any]
) -> None:
    # A household whose per-capita income float64 rounded a fen away from the
    # exact one (an exact half-fen quotient) may also cross a line that sits
    # on it (the synthetic county puts some households exactly on the
    # income-drop line); every other household must agree on every decision.
    exact, baseline = both
    codes = {
        "exit_failed": pandas_rules.EXIT_CODES,
        "monitoring_triggers": pandas_rules.TRIGGER_CODES,
        "dibao_failed": pandas_rules.DIBAO_CODES,
    }
    assert list(baseline["household_id"]) == list(exact["household_id"])
    moved = [
        Decimal(repr(float(b))) != Decimal(e)
        for e, b in zip(exact["per_capita_income"], baseline["per_capita_income"])
    ]
    assert 0 < sum(moved) < len(moved) // 50
    for column in ("size", "exit_eligible", "monitoring_category", "dibao_eligible", *codes):
        want = list(exact[column])
        got = list(baseline[column])
        if column in codes:
            want = [list(v) for v in want]
            got = [pandas_rules.decode(int(m), codes[column]) for m in got]
        bad = [i for i, (w, g) in enumerate(zip(want, got)) if w != g and not moved[i]]
        assert bad == [], (column, bad[:5])
    # the county exercises every code somewhere, so agreement means something
    assert set().union(*map(set, exact["exit_failed"])) == set(pandas_rules.EXIT_CODES)


def test_money_differs_only_where_float_must(both: tuple[Any, Any]) -> None:
    exact, baseline = both
    net = [Decimal(v) for v in exact["net_income"]]
    assert [float(v) for v in net] == list(baseline["net_income"].round(2))
    for column in ("per_capita_income", "dibao_monthly_benefit"):
        diffs = [
            abs(Decimal(repr(float(b))) - Decimal(e)) for e, b in zip(exact[column], baseline[column])
        ]
        assert max(diffs) <= Decimal("0.01"), column
    # a per-capita income off by a fen is always an exact half-fen quotient
    for n, total, e, b in zip(exact["size"], net, exact["per_capita_income"], baseline["per_capita_income"]):
        if Decimal(repr(float(b))) != Decimal(e):
            assert (total / n * 1000) % 10 == 5, (total, n)
