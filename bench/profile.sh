#!/usr/bin/env bash
# bench/profile.sh: profiles the taptalk-from-C contender of bench/run.
#   1. callgrind over CALLS (default 2000) SendTalk sends: where the user-space instructions go;
#   2. callgrind instructions per call, taptalk against libcurl, plain HTTP and HTTPS
#      (PROFILE_PER_CALL=0 skips it);
#   3. strace (when installed): system calls and threads created per call;
#   4. the floor with and without the library's timeout configuration (bench/README.md).
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

# Instructions per call, taptalk against libcurl, plain and over TLS: two runs of different
# lengths, so that start-up (library init, the TLS handshake, loading the roots) cancels out.
per_call() {  # label, CA file or "", command... (CALLS and WARMUP are appended)
    local label="$1" ca="$2"; shift 2
    local counts=()
    for n in 500 2500; do
        BENCH_CA="$ca" valgrind --tool=callgrind --callgrind-out-file="$TMP/pc.out" "$@" "$n" 50 > /dev/null 2> "$TMP/pc.log"
        counts+=("$(sed -n 's/.*Collected : //p' "$TMP/pc.log" | head -1)")
    done
    printf '  %-34s %8d instructions per call\n' "$label" $(( (counts[1] - counts[0]) / 2000 ))
}
if [ "${PROFILE_PER_CALL:-1}" = 1 ]; then
    echo
    echo "== callgrind: instructions per call (2,500 calls minus 500 calls, / 2,000) =="
    HAVE_CURL=0
    gcc -O2 -I "$BENCH/c" "$BENCH/c/bench_curl.c" -o "$OUT/bench_curl" -lcurl -lcjson 2>/dev/null && HAVE_CURL=1
    per_call "taptalk (C ABI)" "" "$OUT/bench_taptalk" send "$BASE" "$API_KEY"
    [ "$HAVE_CURL" = 1 ] && per_call "libcurl easy + cJSON (C)" "" "$OUT/bench_curl" "$BASE" "$API_KEY"
    per_call "taptalk (C ABI), HTTPS" "$BENCH_CA_FILE" "$OUT/bench_taptalk" send "$BASE_TLS" "$API_KEY"
    [ "$HAVE_CURL" = 1 ] && per_call "libcurl easy + cJSON (C), HTTPS" "$BENCH_CA_FILE" "$OUT/bench_curl" "$BASE_TLS" "$API_KEY"
fi

if command -v strace >/dev/null; then
    echo
    echo "== strace, 200 sends: system calls and threads per call =="
    strace -f -c -o "$TMP/strace.txt" "$OUT/bench_taptalk" send "$BASE" "$API_KEY" 200 0 > /dev/null
    awk 'NR <= 2 || /clone|futex|sendto|recvfrom|setsockopt|ioctl|poll|mmap|munmap|madvise|total/' "$TMP/strace.txt"
fi

echo
echo "== the floor with the library's timeout configuration =="
for mode in "" timeout timeout-literal; do
    FLOOR_MODE=$mode "$OUT/floor-target/release/taptalk-bench-floor" "$BASE" "$API_KEY" 5000 500 |
        awk -F'\t' '{ printf "  %-40s median %6.1f us\n", $2, $5 / 1000 }'
done
"$OUT/bench_taptalk" send "$BASE" "$API_KEY" 5000 500 | awk -F'\t' '{ printf "  %-40s median %6.1f us\n", $2, $5 / 1000 }'
