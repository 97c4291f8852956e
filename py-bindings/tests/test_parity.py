"""Parity over a generated county: for every line of `fupin synth` output
(plus corrupted copies), the Python path gives the CLI's line — the same
decision bytes, or the same error code, field, record id and message."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import fupin
import pytest
from conftest import run_cli_text


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    run_cli_text(["synth", "--households", "3000", "--seed", "7", "--out", str(out)])
    return out


def read(line: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(line, parse_float=Decimal)
    return record


def corrupt(lines: list[str]) -> list[str]:
    """Every 97th line broken in one of several ways the parser must name."""
    out = []
    for n, line in enumerate(lines):
        out.append(line)
        if n % 97 == 0:
            d = read(line)
            kind = (n // 97) % 4
            if kind == 0:
                d.setdefault("income", {})["wage"] = "1.005"
            elif kind == 1:
                d["members"][0]["colour"] = "red"
            elif kind == 2:
                d["members"][-1]["birth_date"] = "1980-02-30"
            else:
                d["members"] = []
            out.append(json.dumps(d, ensure_ascii=False))
    return out


def python_line(n: int, run: Any) -> str:
    """What the CLI writes for line n: the result's JSON, or the error line."""
    try:
        result = run()
    except fupin.ValidationError as e:
        body: dict[str, Any] = {"line": n, "id": e.record_id}
        if e.record_id is None:
            del body["id"]
        err: dict[str, Any] = {"code": e.code}
        if e.field is not None:
            err["field"] = e.field
        err["message"] = str(e)
        body["error"] = err
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    text: str = result.to_json()
    return text


def test_every_generated_household_evaluates_as_the_cli(
    county: Path, ningxia: fupin.Policy
) -> None:
    lines = corrupt((county / "households.jsonl").read_text(encoding="utf-8").splitlines())
    assert len(lines) > 3000
    text = "\n".join(lines) + "\n"
    cli = run_cli_text(["evaluate", "--as-of", "2020-12-31"], text)
    ours = [
        python_line(n, lambda line=line: ningxia.evaluate(fupin.Household.from_dict(read(line))))
        for n, line in enumerate(lines, start=1)
    ]
    assert sum('"error"' in line for line in cli) > 30
    mismatches = [(a, b) for a, b in zip(cli, ours, strict=True) if a != b]
    assert mismatches[:3] == []


def test_a_sample_explained_as_the_cli(county: Path, ningxia: fupin.Policy) -> None:
    lines = (county / "households.jsonl").read_text(encoding="utf-8").splitlines()[::25]
    cli = run_cli_text(["evaluate", "--explain", "--as-of", "2020-06-30"], "\n".join(lines) + "\n")
    ours = [
        ningxia.evaluate(read(line), as_of="2020-06-30", explain=True).to_json() for line in lines
    ]
    assert cli == ours


def test_every_generated_claim_settles_as_the_cli(county: Path, ningxia: fupin.Policy) -> None:
    lines = (county / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    lines = lines + lines[:5]  # resubmitted ids: duplicate_claim_id, the ledger unchanged
    cli = run_cli_text(["settle"], "\n".join(lines) + "\n")
    ledger = fupin.Ledger()
    ours = [
        python_line(n, lambda line=line: ledger.settle(read(line), ningxia))
        for n, line in enumerate(lines, start=1)
    ]
    assert len(lines) > 500
    assert sum("duplicate_claim_id" in line for line in cli) == 5
    mismatches = [(a, b) for a, b in zip(cli, ours, strict=True) if a != b]
    assert mismatches[:3] == []
