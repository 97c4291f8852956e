#!/usr/bin/env bash
# The whole test suite, Rust and Python, from a fresh clone:
#   bash scripts/test.sh
# Creates .venv (unless it exists), builds the extension with maturin and runs
# pytest. Needs only the Rust toolchain, Python >= 3.11 and pip.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (Rust: core, CLI, doc tests)"
cargo test --locked

step "Python environment (.venv)"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate
python -m pip install --quiet --disable-pip-version-check --upgrade pip
python -m pip install --quiet --disable-pip-version-check -r py-bindings/requirements-dev.txt

step "maturin develop --release (fupin._fupin; the install test reuses this build)"
maturin develop --release --quiet --locked -m py-bindings/Cargo.toml

step "pytest"
set +e
python -m pytest py-bindings/tests
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no test: that is a failure here" >&2
    exit 1
fi
exit "$status"
