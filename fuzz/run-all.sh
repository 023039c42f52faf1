#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after another, at the lowest CPU
# priority and on one core, growing fuzz/corpus/<target>/ (minimize it afterwards, see
# README.md). Prints each target's final stats; a crash stops the script with the reproducer
# in fuzz/artifacts/<target>/.
#
#   fuzz/run-all.sh 270            # all targets, 270 s each
#   fuzz/run-all.sh 60 envelope    # some targets only
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(request config envelope validate call_options reply cursor raw_request webhook)
fi
# cargo-fuzz needs nightly flags (-Zsanitizer, -Cpasses=sancov); this unlocks them on stable.
export RUSTC_BOOTSTRAP=1
mkdir -p logs
nice -n 19 cargo fuzz build -a >/dev/null
for target in "${targets[@]}"; do
    echo "== $target (${seconds}s)"
    mkdir -p "corpus/$target"
    # -jobs=1 makes libFuzzer run one child that logs to fuzz-0.log in the working directory.
    status=0
    nice -n 19 cargo fuzz run -a "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -workers=1 -jobs=1 -dict=taptalk.dict \
        -print_final_stats=1 >"logs/$target.out" 2>&1 || status=$?
    [ -f fuzz-0.log ] && mv fuzz-0.log "logs/$target.log"
    grep -h -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb)|Done [0-9]+ runs|SUMMARY|panicked' \
        "logs/$target.log" "logs/$target.out" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        echo "$target FAILED (exit $status); see fuzz/logs/$target.log and fuzz/artifacts/$target/" >&2
        exit "$status"
    fi
done
