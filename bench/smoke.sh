#!/usr/bin/env bash
# bench/smoke.sh: checks that bench/run, bench/many and bench/cancel.sh still run end to end
# on a tiny count. It times nothing and asserts no target: a benchmark is never a timed
# test. Installs nothing; without nginx it uses the sandbox, and Python rows whose library is
# absent are reported as skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if ! bash "$ROOT/bench/run" --quick > "$LOG" 2>&1; then
    cat "$LOG"
    echo "bench smoke: bench/run --quick failed" >&2
    exit 1
fi
cat "$LOG"
# Every row that must always run printed a line in the table.
for row in "ureq (Rust, raw)" "taptalk (C ABI)" "taptalk (Python)" "taptalk C, validation only" \
           "taptalk Python, validation only" "taptalk (Python, 4 threads)" \
           "taptalk (C ABI), HTTPS" "taptalk (Python), HTTPS" \
           "taptalk (C ABI), by name" "taptalk (Python), by name"; do
    grep -qF "| $row " "$LOG" || { echo "bench smoke: row missing: $row" >&2; exit 1; }
done
grep -q '^RSS (taptalk from C)' "$LOG" || { echo "bench smoke: RSS line missing" >&2; exit 1; }
grep -q '^libtaptalk.so: ' "$LOG" || { echo "bench smoke: .so size line missing" >&2; exit 1; }
grep -q '^libtaptalk.so, mobile build ' "$LOG" || { echo "bench smoke: mobile size line missing" >&2; exit 1; }
# bench/names.sh (what a host name costs per call) runs too, tiny.
if command -v strace >/dev/null && command -v nginx >/dev/null; then
    BENCH_NAME_CALLS=50 bash "$ROOT/bench/names.sh" > "$LOG" 2>&1 || { cat "$LOG"; echo "bench smoke: bench/names.sh failed" >&2; exit 1; }
    grep -q '^| now | `http://localhost:' "$LOG" || { cat "$LOG"; echo "bench smoke: names.sh row missing" >&2; exit 1; }
else
    echo "bench smoke: bench/names.sh needs strace and nginx (.ci/run installs both)" >&2
    exit 1
fi

# bench/many and bench/cancel.sh (issue 19), as tiny: every taptalk row printed; their exit
# status already fails on a duplicate, a failed send, or a cancelled call answering another
# code than 91012/91010.
if ! bash "$ROOT/bench/many" --quick > "$LOG" 2>&1; then
    cat "$LOG"
    echo "bench smoke: bench/many --quick failed" >&2
    exit 1
fi
cat "$LOG"
for row in "reference: raw HTTP from Rust threads (64)" "taptalk call_many (concurrency 64)" \
           "taptalk AsyncClient, Semaphore(64)"; do
    grep -qF "| $row " "$LOG" || { echo "bench smoke: bench/many row missing: $row" >&2; exit 1; }
done
if ! bash "$ROOT/bench/cancel.sh" --quick > "$LOG" 2>&1; then
    cat "$LOG"
    echo "bench smoke: bench/cancel.sh --quick failed" >&2
    exit 1
fi
cat "$LOG"
for situation in "waiting on the reply" "connecting" "between attempts"; do
    for api in "C ABI, tt_cancel" "Python, Ctrl-C (SIGINT)" "Python AsyncClient, task.cancel()"; do
        grep -F "| $situation " "$LOG" | grep -qF "| $api " ||
            { echo "bench smoke: bench/cancel.sh row missing: $situation / $api" >&2; exit 1; }
    done
done
echo "bench smoke: ok (bench/run --quick, bench/names.sh, bench/many --quick and bench/cancel.sh --quick printed every row)"
