"""Registry.read_excel (interfaces.md §4.1, §6): a workbook with the sheets
households, members and villages, written here with openpyxl from the CSV
files of `fupin synth` (English and Chinese headers and labels), reads into
the same decisions as `fupin evaluate` gives on the same households as JSON
Lines; a bad cell is listed with its table, row, column and value."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import fupin
import pytest
from conftest import run_cli_text

openpyxl = pytest.importorskip("openpyxl")

N = 120


def synth(out: Path, chinese: bool) -> Path:
    args = ["synth", "--households", str(N), "--seed", "5", "--out", str(out)]
    run_cli_text([*args, "--chinese"] if chinese else args)
    assert (out / "households.csv").is_file()
    return out


def is_money(cell: str) -> bool:
    whole, dot, frac = cell.partition(".")
    return bool(dot) and whole.isdigit() and len(frac) == 2 and frac.isdigit()


def workbook(county: Path, path: Path, edit: dict[tuple[str, int, str], Any] | None = None) -> Path:
    """The three CSV tables as sheets; two-decimal amounts become numbers, as
    a spreadsheet keeps them. `edit[(sheet, data_row, header)]` replaces a cell."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in ("households", "members", "villages"):
        ws = wb.create_sheet(name)
        with open(county / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        ws.append(header)
        for r, row in enumerate(rows[1:], start=1):
            cells: list[Any] = [float(c) if is_money(c) else (c or None) for c in row]
            for (sheet, at, column), value in (edit or {}).items():
                if sheet == name and at == r:
                    cells[header.index(column)] = value
            ws.append(cells)
    wb.save(path)
    return path


def cli_decisions(county: Path) -> list[dict[str, Any]]:
    lines = run_cli_text(["evaluate", str(county / "households.jsonl")])
    return [json.loads(line, parse_float=Decimal) for line in lines]


@pytest.mark.parametrize("chinese", [False, True], ids=["english", "chinese"])
def test_a_workbook_evaluates_like_the_cli_and_like_the_csv_files(
    tmp_path: Path, chinese: bool
) -> None:
    county = synth(tmp_path / "county", chinese)
    reg = fupin.Registry.read_excel(workbook(county, tmp_path / "registry.xlsx"))
    assert len(reg) == N
    assert len(reg.errors) == 0
    df = reg.evaluate()
    assert df["error_code"].isna().all()

    cli = cli_decisions(county)
    assert df["household_id"].tolist() == [d["household_id"] for d in cli]
    assert df["size"].tolist() == [d["size"] for d in cli]
    assert df["per_capita_income"].tolist() == [Decimal(d["per_capita_income"]) for d in cli]
    assert df["exit_eligible"].tolist() == [d["exit"]["eligible"] for d in cli]
    assert df["exit_failed"].tolist() == [d["exit"]["failed"] for d in cli]
    assert df["monitoring_category"].tolist() == [d["monitoring"]["category"] for d in cli]
    assert df["dibao_monthly_benefit"].tolist() == [
        Decimal(d["dibao"]["monthly_benefit"]) for d in cli
    ]
    assert df["credit_max_new_loan"].tolist() == [
        Decimal(d["credit"]["max_new_loan"]) for d in cli
    ]
    assert df["findings"].tolist() == [d["findings"] for d in cli]

    from_csv = fupin.Registry.read_csv(
        county / "households.csv", county / "members.csv", county / "villages.csv"
    )
    assert df.to_dict("records") == from_csv.evaluate().to_dict("records")
    # The villages sheet was read: the report is the CSV registry's.
    assert reg.report() == from_csv.report()


@pytest.mark.parametrize(
    ("chinese", "header"),
    [(False, "income_wage"), (True, "工资性收入")],
    ids=["english", "chinese"],
)
def test_a_bad_cell_is_listed_and_fails_only_its_household(
    tmp_path: Path, chinese: bool, header: str
) -> None:
    county = synth(tmp_path / "county", chinese)
    row = 7
    path = workbook(county, tmp_path / "bad.xlsx", {("households", row, header): 12.345})
    reg = fupin.Registry.read_excel(path)
    assert len(reg) == N
    errors = reg.errors.to_dict("records")
    assert len(errors) == 1
    e = errors[0]
    # The column as its header reads in the workbook; the value as the
    # number's shortest round-trip text (§4.1).
    assert (e["table"], e["row"], e["column"], e["value"]) == ("households", row, header, "12.345")
    assert "12.345" in e["message"]

    df = reg.evaluate()
    failed = df[df["error_code"].notna()]
    assert failed.index.tolist() == [row - 1]
    assert failed["error_code"].tolist() == ["invalid_money"]
    assert failed["exit_eligible"].tolist() == [None]
    ok = df[df["error_code"].isna()]
    assert len(ok) == N - 1


def test_a_missing_sheet_or_a_file_that_is_no_workbook_raises(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "households"
    wb.save(tmp_path / "one-sheet.xlsx")
    with pytest.raises(fupin.ValidationError):
        fupin.Registry.read_excel(tmp_path / "one-sheet.xlsx")
    (tmp_path / "not.xlsx").write_text("id,town\n", encoding="utf-8")
    with pytest.raises(fupin.ValidationError):
        fupin.Registry.read_excel(tmp_path / "not.xlsx")
    with pytest.raises(OSError):
        fupin.Registry.read_excel(tmp_path / "absent.xlsx")
