#!/usr/bin/env bash
# Runs every test suite: Rust (with the C programs it compiles), Python, and a short run of
# the benchmark script (it checks the script still works; it asserts no timing).
set -euo pipefail
cd "$(dirname "$0")/.."

# A plain build refreshes target/debug/libtaptalk.so and the sandbox binary, which the C and
# Python suites load as users would.
cargo build --workspace --all-targets
cargo test --workspace
bash scripts/test-python.sh
bash bench/smoke.sh
if [ -x scripts/fuzz-smoke.sh ] && command -v cargo-fuzz >/dev/null 2>&1; then
  bash scripts/fuzz-smoke.sh
fi
