"""The registry-scale parity check of the performance issue: for 100 000
`fupin synth` households, the columnar batch path (`evaluate_frame`, from the
analyst's `pd.read_csv` frames and from Arrow tables), the single-household
path (`Policy.evaluate` on each JSON line) and the CLI (`fupin evaluate`)
give the same decision for every household.

The three paths share the rule code but not the reading: the CLI and
`Policy.evaluate` read JSON Lines, the batch path reads Arrow columns joined
to their members, in parallel chunks of 16 384 rows (so 100 000 rows cross
several chunk boundaries)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import fupin
import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pytest
from conftest import cell_as_json, flatten, fupin_binary

HOUSEHOLDS = 100_000
AS_OF = "2020-12-31"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The synth county's files and the CLI's decision lines for it."""
    binary = fupin_binary()
    if binary is None:
        pytest.skip("target/debug/fupin is absent: run `cargo build` at the repository root first")
    out = tmp_path_factory.mktemp("parity100k")
    subprocess.run(
        [str(binary), "synth", "--households", str(HOUSEHOLDS), "--seed", "7", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    decisions = out / "decisions.jsonl"
    with decisions.open("wb") as sink:
        done = subprocess.run(
            [str(binary), "evaluate", str(out / "households.jsonl"), "--as-of", AS_OF],
            stdout=sink,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode()[:2000]
    lines = decisions.read_text(encoding="utf-8").splitlines()
    assert len(lines) == HOUSEHOLDS
    return out, lines


def assert_columns_equal(columns: dict[str, list[Any]], want: list[dict[str, Any]]) -> None:
    """Every CLI field equals the frame's column cell, row by row."""
    assert all(len(col) == len(want) for col in columns.values())
    for name in want[0]:
        got = [cell_as_json(v) for v in columns[name]]
        expected = [w[name] for w in want]
        if got != expected:
            bad = next(i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e)
            raise AssertionError(f"column {name}, row {bad}: frame {got[bad]!r}, CLI {expected[bad]!r}")


def test_batch_single_and_cli_agree_on_100k_households(
    registry: tuple[Path, list[str]], ningxia: fupin.Policy
) -> None:
    folder, cli_lines = registry
    want = [flatten(json.loads(line)) for line in cli_lines]
    assert all(w["household_id"] for w in want)

    # The batch path from the analyst's frames (float64 money from read_csv).
    hh = pd.read_csv(folder / "households.csv")
    mm = pd.read_csv(folder / "members.csv")
    assert len(hh) == HOUSEHOLDS
    df = fupin.evaluate_frame(hh, mm, policy=ningxia, as_of=AS_OF)
    assert df["error_code"].isna().all()
    assert_columns_equal({c: df[c].tolist() for c in df.columns}, want)

    # The batch path from Arrow tables, Arrow out.
    table = fupin.evaluate_frame(
        pa.Table.from_pandas(hh, preserve_index=False),
        pa.Table.from_pandas(mm, preserve_index=False),
        policy=ningxia,
        as_of=AS_OF,
    )
    assert table.num_rows == HOUSEHOLDS
    assert_columns_equal({c: table.column(c).to_pylist() for c in table.column_names}, want)

    # The single-household path: each JSON line read and evaluated on its
    # own gives the CLI's line byte for byte.
    jsonl = (folder / "households.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(jsonl) == HOUSEHOLDS
    for i, (line, cli) in enumerate(zip(jsonl, cli_lines, strict=True)):
        decision = ningxia.evaluate(fupin.Household.from_dict(json.loads(line)), as_of=AS_OF)
        assert decision.to_json() == cli, i
