"""`settle_frame` on a frame large enough to be split by person across
cores (65 536 claims or more on an empty ledger) gives what one run in row
order gives: every settlement field equals the CLI's (`fupin settle`, which
streams JSON Lines through one ledger), and so does the ledger, compared as
JSON with the file `fupin settle --ledger` writes.

The claims are generated here (seeded): 70 000 claims of 9 000 people over
2019–2020, so most people have several claims a year and their
year-to-date sums matter."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import fupin
import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import pytest
from conftest import cell_as_json, fupin_binary

CLAIMS = 70_000
PEOPLE = 9_000
LEVELS = ["township", "county", "city", "provincial", "out_of_region"]


def generate(seed: int) -> list[dict[str, Any]]:
    """Claims with two-decimal amounts given as text (exact)."""
    rng = random.Random(seed)
    out = []
    for i in range(CLAIMS):
        fen = rng.choice([rng.randint(10_000, 3_000_000), rng.randint(10_000, 30_000_000)])
        in_policy = fen * rng.randint(70, 100) // 100
        out.append(
            {
                "id": f"C{i:06d}",
                "person_id": f"P{rng.randrange(PEOPLE):05d}",
                "admitted_on": f"{rng.choice([2019, 2020])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "hospital_level": rng.choice(LEVELS),
                "total_cost": f"{fen // 100}.{fen % 100:02d}",
                "in_policy_cost": f"{in_policy // 100}.{in_policy % 100:02d}",
                "registered_poor": rng.random() < 0.9,
                "backstop_eligible": rng.random() < 0.9,
                "major_illness": rng.random() < 0.2,
            }
        )
    return out


def cli_settle(claims: list[dict[str, Any]], tmp: Path) -> tuple[list[dict[str, Any]], Any]:
    """`fupin settle --ledger` over the claims: its lines and its ledger."""
    binary = fupin_binary()
    if binary is None:
        pytest.skip("target/debug/fupin is absent: run `cargo build` at the repository root first")
    ledger = tmp / "ledger.json"
    text = "".join(json.dumps(c) + "\n" for c in claims)
    done = subprocess.run(
        [str(binary), "settle", "--ledger", str(ledger)],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    return lines, json.loads(ledger.read_text(encoding="utf-8"))


def assert_same_as_cli(claims: list[dict[str, Any]], tmp: Path) -> pd.DataFrame:
    want, want_ledger = cli_settle(claims, tmp)
    ledger = fupin.Ledger()
    st = fupin.settle_frame(pd.DataFrame(claims), ledger=ledger)
    assert len(st) == len(want) == len(claims)
    records = st.to_dict("records")
    for i, (row, w) in enumerate(zip(records, want)):
        if "error" in w:
            assert row["error_code"] == w["error"]["code"], i
            continue
        assert {k: cell_as_json(row[k]) for k in w} == w, i
    assert json.loads(ledger.to_json()) == want_ledger
    return st


def test_a_large_frame_split_by_person_settles_as_one_run(tmp_path: Path) -> None:
    claims = generate(2020)
    st = assert_same_as_cli(claims, tmp_path)
    assert st["error_code"].isna().all()


def test_a_repeated_claim_id_of_another_person_fails_as_in_one_run(tmp_path: Path) -> None:
    # Claim ids given again to other people (two parts would settle both
    # copies): the second copies are duplicate_claim_id, as in one run.
    claims = generate(7)
    for k in range(5):
        again = dict(claims[100 + k])
        again["person_id"] = "P-other"
        claims.append(again)
    st = assert_same_as_cli(claims, tmp_path)
    assert list(st["error_code"].iloc[-5:]) == ["duplicate_claim_id"] * 5
    assert st["error_code"].iloc[:-5].isna().all()
