#!/usr/bin/env bash
# The Python binding's tests (bindings/python), run against the debug build in target/.
#
#   bash scripts/test-python.sh
#
# Environment:
#   TAPTALK_PIP_INSTALL_CHECK=0|1  pip-install ./bindings/python into a fresh virtualenv,
#                                  import it and run one call. Default: on when CI=true,
#                                  off otherwise (it builds the release library: minutes).
#   TAPTALK_LEAK_CALLS=N           calls in the leak check (default here 100000, the
#                                  issue's full check, about a minute; pytest run by hand
#                                  defaults to 20000).
#   PYTEST_ADDOPTS                 extra pytest options, e.g. "-k iterator -x".
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

echo "== cargo build (libtaptalk) and cargo build -p taptalk-sandbox"
cargo build --quiet
cargo build --quiet -p taptalk-sandbox

python=${PYTHON:-python3}
if ! "$python" -c "import pytest" 2>/dev/null; then
  echo "== installing pytest"
  "$python" -m pip install --quiet --disable-pip-version-check pytest
fi

export TAPTALK_LEAK_CALLS="${TAPTALK_LEAK_CALLS:-100000}"
echo "== pytest bindings/python/tests (library: target/debug/libtaptalk.so)"
# The checkout has no bundled library, so TAPTALK_LIBRARY decides which build is tested.
TAPTALK_LIBRARY="$repo/target/debug/libtaptalk.so" \
TAPTALK_SANDBOX="$repo/target/debug/taptalk-sandbox" \
  "$python" -m pytest -q -p no:cacheprovider bindings/python/tests

default_check=0
if [ "${CI:-}" = "true" ]; then default_check=1; fi
if [ "${TAPTALK_PIP_INSTALL_CHECK:-$default_check}" = "1" ]; then
  echo "== pip install ./bindings/python into a fresh virtualenv"
  venv=$(mktemp -d)
  trap 'rm -rf "$venv"' EXIT
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check ./bindings/python
  # Run from elsewhere so the installed package is imported, not the checkout.
  (cd "$venv" && env -u TAPTALK_LIBRARY "$venv/bin/python" \
    "$repo/bindings/python/tests/smoke_installed.py" "$repo/target/debug/taptalk-sandbox")
else
  echo "== skipped the pip-install check (TAPTALK_PIP_INSTALL_CHECK=1 or CI=true runs it)"
fi
echo "== Python binding: all passed"
