"""The analyst notebook `examples/notebooks/county_analysis.ipynb` runs from top
to bottom in a fresh kernel of this interpreter, and what it shows agrees with
facts found another way: the `fupin` command line over the JSON Lines form of
the same synthetic county (evaluate, settle), the number of households asked
of `fupin synth`, and the backstop cap as domain.md states it.

The notebook runs on a copy in a temporary directory. One cell, appended to
the copy only, prints the figures the notebook computed as JSON; it reads
the notebook's own variables (`by_town`, `on_register`, `may_exit`,
`by_village`, `totals`, `protected`, `protected_reform`, `d`), so renaming
one of them means updating PROBE below.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, fupin_binary, run_cli_text

NOTEBOOK = ROOT / "examples" / "notebooks" / "county_analysis.ipynb"
HOUSEHOLDS = 3000  # what the notebook asks of `fupin synth` (with --seed 2020)
KERNEL = "fupin-notebook-test"
CELL_TIMEOUT = 300  # seconds per cell

# The what-if policy the notebook writes: medical assistance at 50 %.
REFORM = """\
name = "what-if: medical assistance at 50 %"
extends = "ningxia-2020"

[parameters."assistance.rate"]
source = "test"
values = { "2014-01-01" = "0.50" }
"""

# domain.md §5 and §9 (ningxia-2020): in-policy self-pay per person-year at
# most min(10 % of the in-policy cost, 5 000 yuan), half a fen per stay of
# rounding allowed.
CAP_RATIO = Decimal("0.10")
CAP_YUAN = Decimal("5000")

PROBE = """
import json as _json

def _people(frame):
    return [{"person_id": p, "year": int(y), "stays": int(r["stays"]),
             "backstop": str(r["backstop"]), "in_policy_self_pay": str(r["in_policy_self_pay"])}
            for (p, y), r in frame.iterrows()]

print("PROBE" + _json.dumps({
    "households": int(by_town["households"].sum()),
    "on_register": len(on_register),
    "may_exit": int(may_exit.sum()),
    "failures": {v: {c: int(n) for c, n in row.items() if n}
                 for v, row in by_village.drop(columns="households failing").iterrows()},
    "totals": {str(y): {k: str(v) for k, v in totals[y].items()} for y in (2019, 2020)},
    "protected": _people(protected),
    "protected_reform": _people(protected_reform),
    "explained": d.household_id,
}, ensure_ascii=False))
"""

LAYERS = [
    "basic_insurance",
    "critical_illness_insurance",
    "supplementary_insurance",
    "medical_assistance",
    "backstop",
    "self_pay",
]


def _write_kernelspec(jupyter_path: Path) -> None:
    """A kernel that runs this very interpreter (the venv with fupin built
    into it), found through JUPYTER_PATH: no user kernelspec is installed."""
    spec = jupyter_path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python (fupin tests)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    binary = fupin_binary()
    if binary is None:
        pytest.skip("target/debug/fupin is absent: run `cargo build` at the repository root first")
    tmp = tmp_path_factory.mktemp("notebook")
    _write_kernelspec(tmp / "jupyter")
    runtime = tmp / "runtime"
    runtime.mkdir(mode=0o700)
    work = tmp / "work"
    work.mkdir()
    copy = work / NOTEBOOK.name
    copy.write_bytes(NOTEBOOK.read_bytes())

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FUPIN_BIN", str(binary))
        mp.setenv("MPLBACKEND", "Agg")
        # Jupyter's own files in the temporary directory, nothing from the
        # user's; platformdirs paths now, so jupyter_core does not warn that
        # it is migrating to them.
        mp.setenv("JUPYTER_PLATFORM_DIRS", "1")
        mp.setenv("JUPYTER_PATH", str(tmp / "jupyter"))
        mp.setenv("JUPYTER_CONFIG_DIR", str(tmp / "config"))
        mp.setenv("JUPYTER_DATA_DIR", str(tmp / "data"))
        mp.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
        import nbformat
        from nbclient import NotebookClient

        nb = nbformat.read(copy, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
        client = NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=CELL_TIMEOUT,
            resources={"metadata": {"path": str(work)}},
        )
        start = time.monotonic()
        try:
            client.execute()
        finally:
            nbformat.write(nb, work / "executed.ipynb")  # kept for a look after a failure
        seconds = time.monotonic() - start

    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    probe_text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    match = re.search(r"^PROBE(.*)$", probe_text, re.M)
    assert match, f"the probe cell printed no figures: {probe_text!r}"
    return {"outputs": outputs, "probe": json.loads(match.group(1)), "seconds": seconds}


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same synthetic county, made again by the test (synth is deterministic)."""
    out = tmp_path_factory.mktemp("county")
    run_cli_text(["synth", "--households", str(HOUSEHOLDS), "--seed", "2020", "--out", str(out)])
    return out


def _text(output: dict[str, Any]) -> str:
    if output["output_type"] == "stream":
        return str(output["text"])
    data = output.get("data", {})
    return "".join(str(data[k]) for k in ("text/plain", "text/html") if k in data)


def test_the_notebook_runs_without_errors_or_warnings_and_draws_its_chart(
    executed: dict[str, Any],
) -> None:
    outputs = executed["outputs"]
    assert not [o for o in outputs if o["output_type"] == "error"]
    stderr = "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr")
    # A Python warning in the kernel (a missing glyph, a pandas deprecation) prints here.
    assert not re.search(r"\w+Warning\b", stderr), stderr
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert executed["seconds"] < 120, f"the notebook took {executed['seconds']:.0f} s"


def test_the_summary_counts_the_households_synth_was_asked_for(executed: dict[str, Any]) -> None:
    assert executed["probe"]["households"] == HOUSEHOLDS


def test_exits_and_failures_by_village_agree_with_the_command_line(
    executed: dict[str, Any], county: Path
) -> None:
    villages = {}
    with open(county / "households.jsonl", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            villages[record["id"]] = record.get("village", "")
    decisions = [json.loads(line) for line in run_cli_text(["evaluate", str(county / "households.jsonl")])]
    assert len(decisions) == HOUSEHOLDS
    on_register = [d for d in decisions if "not_poor" not in d["exit"]["failed"]]
    failures: dict[str, Counter[str]] = defaultdict(Counter)
    for d in on_register:
        failures[villages[d["household_id"]]].update(d["exit"]["failed"])

    probe = executed["probe"]
    assert probe["on_register"] == len(on_register)
    assert probe["may_exit"] == sum(d["exit"]["eligible"] for d in on_register)
    assert 0 < probe["may_exit"] < probe["on_register"]
    assert probe["failures"] == {v: dict(c) for v, c in failures.items() if c}
    explained = next(d for d in decisions if d["household_id"] == probe["explained"])
    assert not explained["exit"]["eligible"]


def _settle(county: Path, *policy: str) -> list[dict[str, Any]]:
    lines = run_cli_text(["settle", *policy, str(county / "claims.jsonl")])
    rows = [json.loads(line) for line in lines]
    assert rows and not [r for r in rows if "error" in r]
    return rows


def test_layer_totals_agree_with_the_command_line(executed: dict[str, Any], county: Path) -> None:
    expected: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in _settle(county):
        for key in ["total_cost", *LAYERS]:
            expected[str(row["year"])][key] += Decimal(row[key])
    shown = {y: {k: Decimal(v) for k, v in t.items()} for y, t in executed["probe"]["totals"].items()}
    assert shown == expected
    for year in shown.values():
        assert sum(year[k] for k in LAYERS) == year["total_cost"]


def _in_policy_self_pay(county: Path, settlements: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Per person-year, over the stays the backstop covers (domain.md §5): the
    stays, the in-policy cost, the in-policy self-pay and the backstop paid."""
    claims = {}
    with open(county / "claims.jsonl", encoding="utf-8") as f:
        for line in f:
            c = json.loads(line)
            claims[c["id"]] = c
    first_poor: dict[tuple[str, int], bool] = {}
    sums: dict[tuple[str, int], dict[str, Any]] = {}
    for s in settlements:
        c = claims[s["claim_id"]]
        key = (s["person_id"], s["year"])
        poor = first_poor.setdefault(key, c.get("registered_poor", True))
        if not (poor and c.get("backstop_eligible", True) and c["hospital_level"] != "out_of_region"):
            continue
        total = Decimal(s["total_cost"])
        in_policy = Decimal(c.get("in_policy_cost", s["total_cost"]))
        acc = sums.setdefault(
            key, {"stays": 0, "in_policy": Decimal(0), "self_pay": Decimal(0), "backstop": Decimal(0)}
        )
        acc["stays"] += 1
        acc["in_policy"] += in_policy
        acc["self_pay"] += Decimal(s["self_pay"]) - (total - in_policy)
        acc["backstop"] += Decimal(s["backstop"])
    return sums


@pytest.mark.parametrize("case", ["built-in", "what-if"])
def test_the_persons_the_backstop_protected_stay_within_the_cap(
    executed: dict[str, Any], county: Path, tmp_path: Path, case: str
) -> None:
    if case == "built-in":
        settlements, shown = _settle(county), executed["probe"]["protected"]
    else:
        reform = tmp_path / "reform.toml"
        reform.write_text(REFORM, encoding="utf-8")
        settlements = _settle(county, "--policy", str(reform))
        shown = executed["probe"]["protected_reform"]
        assert shown, "the what-if policy should make the backstop pay for someone"
    sums = _in_policy_self_pay(county, settlements)
    protected = {k: v for k, v in sums.items() if v["backstop"] > 0}
    # The notebook lists exactly the person-years the command line's backstop paid for ...
    assert {(p["person_id"], p["year"]) for p in shown} == set(protected)
    for p in shown:
        mine = protected[(p["person_id"], p["year"])]
        assert Decimal(p["backstop"]) == mine["backstop"]
        assert Decimal(p["in_policy_self_pay"]) == mine["self_pay"]
        assert p["stays"] == mine["stays"]
    # ... and each of them paid no more than the cap.
    for v in protected.values():
        cap = min(CAP_RATIO * v["in_policy"], CAP_YUAN)
        assert v["self_pay"] <= cap + Decimal("0.005") * v["stays"]


def test_the_notebook_prints_no_names_or_identity_numbers(executed: dict[str, Any], county: Path) -> None:
    import csv

    with open(county / "members.csv", encoding="utf-8-sig", newline="") as f:
        members = list(csv.DictReader(f))
    secrets = {m["name"] for m in members if len(m["name"]) >= 2}
    secrets |= {m["id_number"] for m in members if m["id_number"]}
    shown = "\n".join(_text(o) for o in executed["outputs"])
    leaked = sorted(s for s in secrets if s in shown)
    assert not leaked, f"{len(leaked)} names or identity numbers appear in the notebook's outputs"
