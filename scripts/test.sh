#!/usr/bin/env bash
# Runs every test suite: Rust (with the C programs it compiles), Python, Java, the C/C++
# packaging suite (install, pkg-config, CMake, C++), the release artifacts, and a short run of
# the benchmark script (it checks the script still works; it asserts no timing). Ends with
# one line adding up the Rust, Python and Java test counts.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# A plain build refreshes target/debug/libtaptalk.so and the sandbox binary, which the C and
# Python suites load as users would.
cargo build --workspace --all-targets
cargo test --workspace 2>&1 | tee -a "$log"
bash scripts/test-python.sh 2>&1 | tee -a "$log"
# Installs with CMake from the debug build above and builds C/C++ consumers against it.
bash scripts/test-c-packaging.sh 2>&1 | tee -a "$log"
# Java: rebuilds libtaptalk with the `jni` feature; the leak check makes 100,000 calls (~2 min).
bash scripts/test-java.sh 2>&1 | tee -a "$log"
# The mobile build (size-optimised, packed relocations, ICF) passes the Java suite, and every
# Rust test passes with the `mobile` feature.
bash scripts/test-mobile-build.sh 2>&1 | tee -a "$log"
# Swift: only its module map can be checked here (clang -fmodules); no Swift compiler.
bash scripts/test-swift-modulemap.sh 2>&1 | tee -a "$log"
# The documentation: the book builds with no broken link, every snippet runs or compiles,
# the reference tables and binding lists match the code (scripts/test-docs.sh).
bash scripts/test-docs.sh 2>&1 | tee -a "$log"
# The release artifacts (scripts/release.sh: wheels, sdist, tarballs, jar for x86_64 and
# aarch64), each installed or linked as a user would with cargo out of reach, aarch64 under
# qemu, and the Rust suite built for aarch64 run under qemu (~9 minutes on a fresh machine).
bash scripts/test-release.sh 2>&1 | tee -a "$log"
bash bench/smoke.sh
if [ -x scripts/fuzz-smoke.sh ] && command -v cargo-fuzz >/dev/null 2>&1; then
  bash scripts/fuzz-smoke.sh
fi

# cargo: "test result: ok. 17 passed; 0 failed; ..."; pytest: "129 passed in 30.1s";
# java: "java: 34 passed, 0 failed"; release: "release: 44 passed, 0 failed".
count() { grep -hoE "[0-9]+ $1" "$log" | awk '{ n += $1 } END { print n + 0 }'; }
echo "total: $(count passed) passed, $(count failed) failed"
