#!/usr/bin/env bash
# Runs every test suite: Rust (with the C programs it compiles), then Python.
set -euo pipefail
cd "$(dirname "$0")/.."

# A plain build refreshes target/debug/libtaptalk.so and the sandbox binary, which the C and
# Python suites load as users would.
cargo build --workspace --all-targets
cargo test --workspace
bash scripts/test-python.sh
