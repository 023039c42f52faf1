#!/usr/bin/env bash
# bench/profile.sh: profiles the taptalk-from-C contender of bench/run.
#   1. callgrind over CALLS (default 2000) SendTalk sends: where the user-space instructions go;
#   2. strace (when installed): system calls and threads created per call;
#   3. the floor with and without the library's timeout configuration (bench/README.md).
# Writes bench/out/callgrind.out; prints the summaries. Needs valgrind.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
OUT="$BENCH/out"
CALLS="${1:-2000}"
TMP="$(mktemp -d)"
log() { echo "bench/profile: $*" >&2; }
# shellcheck source=bench/server.sh
. "$BENCH/server.sh"
trap 'stop_server; rm -rf "$TMP"' EXIT
command -v valgrind >/dev/null || { log "valgrind is required (apt-get install valgrind)"; exit 1; }

mkdir -p "$OUT"
(cd "$ROOT" && cargo build --release --quiet -p taptalk -p taptalk-sandbox)
CARGO_TARGET_DIR="$OUT/floor-target" cargo build --release --quiet --manifest-path "$BENCH/rust-floor/Cargo.toml"
LIB="$ROOT/target/release"
gcc -O2 -g -I "$ROOT/include" -I "$BENCH/c" "$BENCH/c/bench_taptalk.c" -o "$OUT/bench_taptalk" \
    -L "$LIB" -ltaptalk -Wl,-rpath,"$LIB"
start_server
log "server: $SERVER at $BASE"

echo "== callgrind, $CALLS sends (inclusive instructions, taptalk and ureq frames) =="
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
    "$OUT/bench_taptalk" send "$BASE" "$API_KEY" "$CALLS" 50 > /dev/null 2> "$TMP/vg.log"
TOTAL="$(sed -n 's/.*Collected : //p' "$TMP/vg.log" | head -1)"
echo "total: ${TOTAL:-?} instructions, about $(( ${TOTAL:-0} / (CALLS + 50) )) per call"
callgrind_annotate --inclusive=yes "$OUT/callgrind.out" 2>/dev/null |
    grep -E 'taptalk::|ureq::(run::run|unversioned::resolver|body::)|serde_json::de::from_trait|start_thread \[|malloc.c:(free|malloc) ' |
    head -25 | sed -E 's/ \[[^]]*\]$//' | cut -c1-150

if command -v strace >/dev/null; then
    echo
    echo "== strace, 200 sends: system calls and threads per call =="
    strace -f -c -o "$TMP/strace.txt" "$OUT/bench_taptalk" send "$BASE" "$API_KEY" 200 0 > /dev/null
    awk 'NR <= 2 || /clone|futex|sendto|recvfrom|setsockopt|mmap|munmap|madvise|total/' "$TMP/strace.txt"
fi

echo
echo "== the floor with the library's timeout configuration =="
for mode in "" timeout timeout-literal; do
    FLOOR_MODE=$mode "$OUT/floor-target/release/taptalk-bench-floor" "$BASE" "$API_KEY" 5000 500 |
        awk -F'\t' '{ printf "  %-40s median %6.1f us\n", $2, $5 / 1000 }'
done
"$OUT/bench_taptalk" send "$BASE" "$API_KEY" 5000 500 | awk -F'\t' '{ printf "  %-40s median %6.1f us\n", $2, $5 / 1000 }'
