#!/usr/bin/env bash
# Replays every fuzz target over its committed corpus (fuzz/corpus/<target>/) once, with the
# same build as fuzz/run-all.sh (AddressSanitizer, debug assertions): a regression check,
# not a fuzzing run. Needs cargo-fuzz (`cargo install cargo-fuzz`); skips when it is missing.
# The first run builds the fuzz crate (about 3 minutes on 2 cores); later runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: cargo-fuzz is not installed; skipped"
    exit 0
fi
# cargo-fuzz needs nightly flags (-Zsanitizer, -Cpasses=sancov); this unlocks them on stable.
export RUSTC_BOOTSTRAP=1
targets=(request config envelope validate call_options reply cursor raw_request webhook)
cargo fuzz build -a
passed=0
failed=0
for target in "${targets[@]}"; do
    # -runs=0: run every corpus input once, mutate nothing.
    if out=$(cargo fuzz run -a "$target" "corpus/$target" -- -runs=0 2>&1); then
        echo "fuzz-smoke: $target ok ($(grep -o 'Done [0-9]* runs' <<<"$out"))"
        passed=$((passed + 1))
    else
        echo "$out" | tail -40
        echo "fuzz-smoke: $target FAILED"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
