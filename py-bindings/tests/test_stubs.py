"""The type stubs match the compiled module (mypy's stubtest) and type-check
the tests that use them, so `.pyi` docs never drift from the real API."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

needs_mypy = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (py-bindings/requirements-dev.txt installs it)",
)


@needs_mypy
def test_stubtest_finds_the_stubs_equal_to_the_runtime_module() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "fupin"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@needs_mypy
def test_the_tests_type_check_against_the_stubs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull, str(HERE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=HERE,
    )
    assert out.returncode == 0, out.stdout + out.stderr
