"""The package installs (interfaces.md §6): `maturin build --release` makes
an abi3 wheel holding the compiled module, the stubs and py.typed; pip
installs it into a fresh virtualenv; there `import fupin` evaluates the
interface example household without pandas.

The slow test of the suite: the first release build of the extension takes
2-3 minutes on 2 cores (it reuses the workspace's target/release after
that: a few seconds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, interface_household

pytestmark = pytest.mark.slow

SCRIPT = """
import json, sys
import fupin
hh = json.loads(sys.argv[1])
d = fupin.Policy.builtin("ningxia-2020").evaluate(fupin.Household.from_dict(hh))
print(json.dumps({
    "file": fupin.__file__,
    "pandas_loaded": "pandas" in sys.modules,
    "decision": json.loads(d.to_json()),
}))
"""


def run(args: list[str], cwd: Path, timeout: float) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    out = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert out.returncode == 0, f"{args}\n{out.stdout}\n{out.stderr}"
    return out.stdout


def test_the_release_wheel_installs_into_a_fresh_virtualenv_and_evaluates(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        [
            sys.executable,
            "-m",
            "maturin",
            "build",
            "--release",
            "--locked",
            "-m",
            str(ROOT / "py-bindings" / "Cargo.toml"),
            "--out",
            str(dist),
        ],
        cwd=ROOT,
        timeout=1200,
    )
    wheels = list(dist.glob("fupin-*.whl"))
    assert len(wheels) == 1, wheels
    wheel = wheels[0]
    assert "-cp311-abi3-" in wheel.name
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("fupin/__init__.py", "fupin/_fupin.pyi", "fupin/py.typed", "fupin/frames.py"):
        assert f in names, f
    assert any(n.startswith("fupin/_fupin.") and n.endswith(".so") for n in names), names

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, timeout=300)
    python = venv / "bin" / "python"
    run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        cwd=tmp_path,
        timeout=300,
    )
    out = json.loads(
        run([str(python), "-c", SCRIPT, json.dumps(interface_household())], tmp_path, 120)
    )
    assert Path(out["file"]).is_relative_to(venv), out["file"]
    assert out["pandas_loaded"] is False
    d = out["decision"]
    # The interface example of interfaces.md §3.1.
    assert (d["household_id"], d["size"], d["per_capita_income"]) == ("H1", 4, "4500.00")
    assert d["exit"] == {"eligible": True, "failed": []}
    assert d["dibao"] == {"eligible": True, "monthly_benefit": "20.00", "failed": []}
    assert d["entitlements"]["total"] == "2680.00"
    assert d["credit"]["max_new_loan"] == "50000.00"
    assert d["findings"] == [{"code": "id_number_checksum", "person_id": "P3", "field": "id_number"}]
