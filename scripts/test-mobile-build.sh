#!/usr/bin/env bash
# The mobile build must pass the tests, not only be small:
#   1. builds it (scripts/build-mobile.sh: mobile profile, jni + mobile features, packed
#      relocations, identical code folding) and runs the whole Java suite against that very
#      file (every operation, every error kind, 8 x 200 sends, close, bad input, a 20,000-call
#      leak check under -Xcheck:jni);
#   2. runs every Rust test with the `mobile` feature on (`cargo test --workspace --features
#      mobile`), which is what the feature changes.
# Prints "java (mobile build): N passed, M failed" and cargo's own summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-mobile.sh
TAPTALK_JAVA_LIB=target/mobile/libtaptalk.so TAPTALK_JAVA_LABEL="java (mobile build)" \
  TAPTALK_JAVA_LEAK_CALLS="${TAPTALK_JAVA_LEAK_CALLS:-20000}" bash scripts/test-java.sh
cargo test --workspace --features mobile
