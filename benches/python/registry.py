"""The synthetic registries the Python benchmark runs on.

``fupin synth --households N --seed S --out DIR`` (the release CLI,
``target/release/fupin``) writes ``households.csv`` and ``members.csv``
(interfaces.md §4.1), ``households.jsonl`` and ``claims.jsonl``. They are
cached per size and seed under ``benches/python/.data/`` (git-ignored), so a
second run reuses them.

``load(n)`` reads the two tables with ``pd.read_csv`` as an analyst would:
money columns come out float64, booleans as bool (object where a cell is
empty), dates and enums as text. Only the identifiers are read as text
explicitly (an identity number read as a number would lose its digits).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / ".data"
CLI = ROOT / "target" / "release" / "fupin"
SEED = 2020

#: Read as text whatever the cells look like.
ID_COLUMNS = {"id": str, "household_id": str, "id_number": str}


def directory(n: int, seed: int = SEED) -> Path:
    """The registry of ``n`` households (made on first use)."""
    out = DATA / f"n{n}-s{seed}"
    if (out / "members.csv").exists() and (out / ".complete").exists():
        return out
    if not CLI.exists():
        raise SystemExit(f"{CLI} is missing: run `cargo build --release -p fupin` (benches/python/setup.sh does)")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(CLI), "synth", "--households", str(n), "--seed", str(seed), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (out / ".complete").write_text("")
    return out


def load(n: int, seed: int = SEED) -> tuple[Any, Any]:
    """(households, members) as pandas DataFrames read from the CSV tables."""
    import pandas as pd

    d = directory(n, seed)
    households = pd.read_csv(d / "households.csv", dtype=ID_COLUMNS)
    members = pd.read_csv(d / "members.csv", dtype=ID_COLUMNS)
    return households, members


def load_arrow(n: int, seed: int = SEED) -> tuple[Any, Any]:
    """(households, members) as ``pyarrow.Table``: the pandas frames of
    ``load`` with every money column as ``decimal128(18, 2)`` (the Arrow
    money type of interfaces.md §6), as a pipeline that keeps money exact
    would hand them over."""
    households, members = load(n, seed)
    return _to_arrow(households), _to_arrow(members)


MONEY_PREFIXES = ("income_", "last_year_income_", "credit_outstanding", "assets_deposits", "rigid_expenses")


def _to_arrow(frame: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_pandas(frame, preserve_index=False)
    money = pa.decimal128(18, 2)
    cols = []
    for name, col in zip(table.column_names, table.columns):
        if name.startswith(MONEY_PREFIXES) and not name.endswith("_year") and pa.types.is_floating(col.type):
            # Arrow rounds a float to the nearest decimal of scale 2: the CSV's
            # 2-decimal text comes back exactly
            col = pc.cast(col, money)
        cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names)


if __name__ == "__main__":  # a manual helper: make the registries of the sizes given
    import sys

    for arg in sys.argv[1:] or ["10000"]:
        print(directory(int(arg)))
