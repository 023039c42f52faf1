#!/usr/bin/env bash
# The mobile build must pass the tests, not only be small:
#   1. builds it (scripts/build-mobile.sh: mobile profile, jni + mobile features, with nightly
#      the rebuilt standard library, packed relocations, identical code folding);
#   2. proves a real panic inside that very file is caught and answered with the 90004
#      envelope (tests/c/panic_inside.c: libc's clock made to fail, std panics), the process
#      and the client going on;
#   3. runs the whole Java suite against it (every operation, every error kind, 8 x 200
#      sends, close, bad input, a 20,000-call leak check under -Xcheck:jni);
#   4. runs every Rust test as the phone build is configured: the `mobile` feature on and the
#      default `bundled-roots` off (`cargo test --workspace --no-default-features --features
#      mobile`), which is what those features change.
# Prints "c panic probe (mobile build): N passed, M failed",
# "java (mobile build): N passed, M failed" and cargo's own summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-mobile.sh
lib="$PWD/target/mobile"
probe="$lib/panic_inside"
gcc -std=c99 -Wall -Wextra -Werror -I include tests/c/panic_inside.c -L "$lib" -ltaptalk \
  -Wl,-rpath,"$lib" -o "$probe"
# Without a server: the panics, then a local refusal on the same client.
"$probe" | sed 's/^c panic probe:/c panic probe (mobile build):/'
TAPTALK_JAVA_LIB=target/mobile/libtaptalk.so TAPTALK_JAVA_LABEL="java (mobile build)" \
  TAPTALK_JAVA_LEAK_CALLS="${TAPTALK_JAVA_LEAK_CALLS:-20000}" bash scripts/test-java.sh
cargo test --workspace --no-default-features --features mobile
