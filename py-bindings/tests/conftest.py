"""Shared records: the interface example household of interfaces.md §3.1,
written by hand, and the policy."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import fupin
import pytest


def interface_household(wage: object = "18000") -> dict[str, Any]:
    """4 persons, wage 18 000, no dibao received; P3's identity number fails its checksum."""
    return {
        "id": "H1",
        "credit": {"rating": "excellent"},
        "income": {"wage": wage},
        "members": [
            {"id": "P1", "relation": "head", "sex": "male", "birth_date": "1970-06-15"},
            {"id": "P2", "relation": "spouse", "sex": "female", "birth_date": "1972-03-01"},
            {
                "id": "P3",
                "relation": "child",
                "sex": "male",
                "birth_date": "2016-03-01",
                "schooling": "preschool",
                "id_number": "640122201603010017",
            },
            {"id": "P4", "relation": "child", "sex": "female", "birth_date": "2000-01-01"},
        ],
    }


def single_person(wage: object, hid: str = "H2") -> dict[str, Any]:
    """One adult head: per-capita income is the wage."""
    return {
        "id": hid,
        "income": {"wage": wage},
        "members": [
            {
                "id": "P9",
                "name": "张三丰",
                "relation": "head",
                "sex": "male",
                "birth_date": "1980-01-01",
            }
        ],
    }


@pytest.fixture(scope="session")
def ningxia() -> fupin.Policy:
    return fupin.Policy.builtin("ningxia-2020")


ROOT = Path(__file__).resolve().parents[2]


def fupin_binary() -> Path | None:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = target / "debug" / "fupin"
    return path if path.is_file() else None


def run_cli_text(args: list[str], text: str = "") -> list[str]:
    """The output lines of the built `fupin` binary (the test is skipped when it is absent)."""
    binary = fupin_binary()
    if binary is None:
        pytest.skip("target/debug/fupin is absent: run `cargo build` at the repository root first")
    out = subprocess.run(
        [str(binary), *args], input=text.encode(), capture_output=True, check=False
    )
    return out.stdout.decode().splitlines()


def run_cli(args: list[str], lines: list[dict[str, Any]]) -> list[str]:
    """`fupin ARGS` over records written as JSON Lines."""
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return run_cli_text(args, text)


def flatten(decision: dict[str, Any]) -> dict[str, Any]:
    """A CLI decision or settlement with its nested objects as
    `outer_inner` columns (interfaces.md §6), for comparing with frames."""
    flat: dict[str, Any] = {}
    for key, value in decision.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                flat[f"{key}_{sub}"] = v
        else:
            flat[key] = value
    return flat


def cell_as_json(v: Any) -> Any:
    """A frame cell written as the CLI writes the field."""
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, datetime.date):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v
