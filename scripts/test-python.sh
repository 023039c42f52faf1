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
#   PYTHON                         the interpreter to test with (default python3), e.g.
#                                  PYTHON=/usr/bin/python3 for the distribution's own.
#
# pytest, gunicorn, celery and redis (tests/requirements.txt) are installed into
# target/python-venv/<interpreter>/, never into the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# The tests run in a virtual environment of their own under target/, created once per
# interpreter and reused: nothing is installed into the interpreter itself, which stock
# Debian/Ubuntu Pythons refuse anyway (PEP 668, "externally-managed-environment").
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
  echo "error: no Python interpreter '$python' (set PYTHON=/path/to/python3)" >&2
  exit 1
fi
# Debian and Ubuntu split venv's pip bootstrap (ensurepip) into the python3-venv package:
# without it `python3 -m venv` fails half-way, so check first and say what to install.
if ! "$python" -c "import venv, ensurepip" >/dev/null 2>&1; then
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3)
  echo "error: $python cannot create virtual environments (its venv/ensurepip module is missing)." >&2
  echo "On Debian or Ubuntu install it with: sudo apt-get install python3-venv   (or python$version-venv)" >&2
  exit 1
fi
# One venv per interpreter (its path and version), so PYTHON=/usr/bin/python3 and a pyenv
# python3 never share site-packages.
tag=$("$python" -c 'import sys, hashlib; print("%s-%s" % (sys.implementation.cache_tag, hashlib.sha1(sys.executable.encode()).hexdigest()[:8]))')
venv="$repo/target/python-venv/$tag"
# What the tests need (pytest, and gunicorn, Celery and redis-py for the fork tests) is in
# bindings/python/tests/requirements.txt; the venv keeps a copy of the list it was made
# from, and is made again when the list changes.
requirements="$repo/bindings/python/tests/requirements.txt"
if ! "$venv/bin/python" -c "import pytest" >/dev/null 2>&1 ||
   ! cmp -s "$requirements" "$venv/requirements.txt"; then
  echo "== creating $venv (test requirements for $("$python" -c 'import sys; print(sys.executable)'))"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi
# The webhook examples (examples/python/webhook_*.py) run on Flask's and FastAPI's own servers.
if ! "$venv/bin/python" -c "import flask, fastapi, uvicorn" >/dev/null 2>&1; then
  echo "== installing flask, fastapi and uvicorn into $venv (the webhook examples' tests)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check flask fastapi uvicorn
fi
test_python="$venv/bin/python"

echo "== cargo build (libtaptalk) and cargo build -p taptalk-sandbox"
cargo build --quiet
cargo build --quiet -p taptalk-sandbox

export TAPTALK_LEAK_CALLS="${TAPTALK_LEAK_CALLS:-100000}"
echo "== pytest bindings/python/tests (library: target/debug/libtaptalk.so)"
# The checkout has no bundled library, so TAPTALK_LIBRARY decides which build is tested.
TAPTALK_LIBRARY="$repo/target/debug/libtaptalk.so" \
TAPTALK_SANDBOX="$repo/target/debug/taptalk-sandbox" \
  "$test_python" -m pytest -q -p no:cacheprovider bindings/python/tests

default_check=0
if [ "${CI:-}" = "true" ]; then default_check=1; fi
if [ "${TAPTALK_PIP_INSTALL_CHECK:-$default_check}" = "1" ]; then
  echo "== pip install ./bindings/python into a fresh virtualenv"
  install_venv=$(mktemp -d)
  trap 'rm -rf "$install_venv"' EXIT
  "$python" -m venv "$install_venv"
  "$install_venv/bin/pip" install --quiet --disable-pip-version-check ./bindings/python
  # Run from elsewhere so the installed package is imported, not the checkout.
  (cd "$install_venv" && env -u TAPTALK_LIBRARY "$install_venv/bin/python" \
    "$repo/bindings/python/tests/smoke_installed.py" "$repo/target/debug/taptalk-sandbox")
else
  echo "== skipped the pip-install check (TAPTALK_PIP_INSTALL_CHECK=1 or CI=true runs it)"
fi
echo "== Python binding: all passed"
