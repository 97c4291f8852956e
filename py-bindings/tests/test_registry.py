"""fupin.Registry over a `fupin synth` county: the frames agree with the CLI
(evaluate and audit), summaries add up, bad cells are listed; one evaluation
is shared by summary, evaluate, audit and report; a workbook written with
openpyxl reads like the CSV files; Policy.show; and `import fupin` does not
import pandas."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import fupin
import pytest
from conftest import run_cli_text
from fupin.frames import DECISION_COLUMNS

N = 200


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("registry")
    run_cli_text(["synth", "--households", str(N), "--seed", "11", "--out", str(out)])
    return out


@pytest.fixture(scope="module")
def reg(county: Path) -> fupin.Registry:
    return fupin.Registry.read_csv(
        county / "households.csv", county / "members.csv", county / "villages.csv"
    )


def cli_lines(args: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line, parse_float=Decimal) for line in run_cli_text(args)]


def test_read_csv_reads_every_household_without_errors(reg: fupin.Registry) -> None:
    assert len(reg) == N
    assert list(reg.errors.columns) == ["table", "row", "column", "value", "message"]
    assert len(reg.errors) == 0
    assert repr(reg) == f"Registry(households={N}, errors=0)"


def test_evaluate_matches_the_cli(reg: fupin.Registry, county: Path) -> None:
    df = reg.evaluate(as_of="2020-12-31")
    assert list(df.columns) == list(DECISION_COLUMNS)
    cli = cli_lines(["evaluate", "--as-of", "2020-12-31", str(county / "households.jsonl")])
    assert len(df) == len(cli) == N
    assert df["household_id"].tolist() == [d["household_id"] for d in cli]
    assert df["exit_eligible"].tolist() == [d["exit"]["eligible"] for d in cli]
    ours = df["dibao_monthly_benefit"].tolist()
    assert all(isinstance(m, Decimal) for m in ours)
    assert ours == [Decimal(str(d["dibao"]["monthly_benefit"])) for d in cli]
    assert df["entitlements_total"].tolist() == [
        Decimal(str(d["entitlements"]["total"])) for d in cli
    ]
    assert df["error_code"].isna().all()


def test_summary_persons_add_up_to_the_evaluated_sizes(reg: fupin.Registry) -> None:
    sizes = sum(int(s) for s in reg.evaluate()["size"])
    by_town = reg.summary(by="town")
    assert list(by_town.columns) == ["town", "households", "persons"]
    assert int(by_town["households"].sum()) == N
    assert int(by_town["persons"].sum()) == sizes
    both = reg.summary(by=["town", "village"])
    assert list(both.columns) == ["town", "village", "households", "persons"]
    assert int(both["persons"].sum()) == sizes
    assert len(both) >= len(by_town)
    with pytest.raises(fupin.ValidationError):
        reg.summary(by="colour")  # type: ignore[arg-type]


def test_audit_matches_the_cli(reg: fupin.Registry, county: Path) -> None:
    df = reg.audit()
    assert list(df.columns) == ["household_id", "code", "person_id", "field"]
    cli = cli_lines(["audit", str(county / "households.jsonl")])
    ours = [
        (r["household_id"], r["code"], r["person_id"], r["field"]) for r in df.to_dict("records")
    ]
    assert ours == [(c["household_id"], c["code"], c["person_id"], c["field"]) for c in cli]


def test_one_bad_money_cell_is_listed_and_fails_its_household(
    county: Path, tmp_path: Path
) -> None:
    lines = (county / "households.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    column = "income_wage"
    assert column in header
    col = header.index(column)
    row = 5
    cells = lines[row].split(",")
    assert len(cells) == len(header), "the test needs a row without quoted commas"
    cells[col] = "12.345"
    lines[row] = ",".join(cells)
    bad = tmp_path / "households.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    reg = fupin.Registry.read_csv(bad, county / "members.csv")
    errors = reg.errors.to_dict("records")
    assert len(errors) == 1
    e = errors[0]
    assert (e["table"], e["row"], e["column"], e["value"]) == ("households", row, column, "12.345")
    assert e["message"]

    df = reg.evaluate()
    assert len(df) == N
    failed = df[df["error_code"].notna()]
    assert failed["error_code"].tolist() == ["invalid_money"]
    assert failed.index.tolist() == [row - 1]
    assert failed["exit_eligible"].tolist() == [None]
    assert failed["error_message"].tolist()[0]


def test_report_text_html_and_json(reg: fupin.Registry, tmp_path: Path) -> None:
    text = reg.report()
    assert isinstance(text, str) and text
    html = reg.report(out=tmp_path / "r.html")
    assert Path(html).read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    js = reg.report(out=tmp_path / "r.json")
    assert isinstance(json.loads(Path(js).read_text(encoding="utf-8")), dict)
    with pytest.raises(fupin.ValidationError, match="CLI"):
        reg.report(out=tmp_path / "r.xlsx")


def test_policy_show_lists_every_parameter(ningxia: fupin.Policy) -> None:
    df = ningxia.show()
    assert list(df.columns) == ["name", "value", "since", "status", "unit", "source"]
    assert len(df) == 58
    cap = df[df["name"] == "backstop.annual_self_pay_cap"].to_dict("records")
    assert len(cap) == 1
    assert cap[0]["value"] == Decimal("5000")
    assert str(cap[0]["since"]) == "2014-01-01"
    assert cap[0]["status"] == "seed"


def test_import_fupin_does_not_import_pandas() -> None:
    code = "import fupin, sys; assert 'pandas' not in sys.modules, 'pandas imported'"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def fresh(county: Path) -> fupin.Registry:
    return fupin.Registry.read_csv(
        county / "households.csv", county / "members.csv", county / "villages.csv"
    )


def records(df: Any) -> list[dict[str, Any]]:
    return list(df.to_dict("records"))


def test_summary_evaluate_audit_and_report_share_one_evaluation(county: Path) -> None:
    reg = fresh(county)
    assert reg._evaluations == 0
    summary = records(reg.summary(by="town"))
    evaluated = records(reg.evaluate())
    audited = records(reg.audit())
    report = reg.report()
    assert reg._evaluations == 1
    # The same frames again, from the cache.
    assert records(reg.summary(by="town")) == summary
    assert records(reg.evaluate(as_of="2020-12-31")) == evaluated
    assert records(reg.audit(as_of=datetime.date(2020, 12, 31))) == audited
    assert reg.report() == report
    assert reg._evaluations == 1
    # Each equals what a registry that never evaluated before gives.
    assert records(fresh(county).summary(by="town")) == summary
    assert records(fresh(county).evaluate()) == evaluated
    assert records(fresh(county).audit()) == audited
    assert fresh(county).report() == report
    # And the cached report is the CLI's, on the same tables.
    cli = run_cli_text(
        [
            "report",
            "--households",
            str(county / "households.csv"),
            "--members",
            str(county / "members.csv"),
            "--villages",
            str(county / "villages.csv"),
        ]
    )
    assert report.splitlines() == cli


def test_the_cache_is_keyed_by_policy_value_and_date(county: Path) -> None:
    reg = fresh(county)
    reg.evaluate()
    # An equal policy, another object: the same evaluation.
    reg.evaluate(policy=fupin.Policy.builtin("ningxia-2020"))
    assert reg._evaluations == 1
    june = records(reg.evaluate(as_of="2020-06-30"))
    assert reg._evaluations == 2
    assert june == records(fresh(county).evaluate(as_of="2020-06-30"))
    assert {str(d) for d in (r["as_of"] for r in june)} == {"2020-06-30"}
    # Back and forth between the two kept evaluations costs nothing ...
    reg.audit()
    reg.summary(as_of="2020-06-30")
    assert reg._evaluations == 2
    # ... another policy is a third evaluation, which pushes out the least
    # recently used one (2020-12-31 under ningxia-2020).
    national = fupin.Policy.builtin("national-2020")
    assert records(reg.evaluate(policy=national)) == records(
        fresh(county).evaluate(policy=national)
    )
    assert reg._evaluations == 3
    reg.evaluate(as_of="2020-06-30")
    assert reg._evaluations == 3
    reg.evaluate()
    assert reg._evaluations == 4


def test_a_bad_argument_raises_before_anything_is_evaluated(county: Path) -> None:
    reg = fresh(county)
    with pytest.raises(fupin.ValidationError):
        reg.summary(by="colour")  # type: ignore[arg-type]
    assert reg._evaluations == 0
