#!/usr/bin/env bash
# The Python benchmark's own environment, outside the test command:
#   bash benches/python/setup.sh
# Creates benches/python/.venv-openfisca (OpenFisca pins pytest < 10 and pulls
# numexpr and pendulum, so it never goes into the test command's .venv),
# installs openfisca-core, pandas and pyarrow, builds the fupin extension in
# RELEASE into it (timings of a debug build mean nothing), and builds the
# release CLI that writes the synthetic registries (`fupin synth`).
#
# Then:  benches/python/.venv-openfisca/bin/python benches/python/run.py --sizes 10000,100000
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=benches/python/.venv-openfisca
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    'openfisca-core>=46,<47' 'pandas>=2.2' 'pyarrow>=17' 'maturin>=1.8,<2'

echo "== fupin extension (release) into $VENV =="
VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" \
    maturin develop --release --quiet --locked -m py-bindings/Cargo.toml

echo "== fupin CLI (release): target/release/fupin =="
cargo build --release --locked -p fupin

"$VENV/bin/python" - <<'PY'
import importlib.metadata as md
for name in ("openfisca-core", "pandas", "pyarrow", "numpy", "fupin"):
    print(f"{name:16} {md.version(name)}")
PY
