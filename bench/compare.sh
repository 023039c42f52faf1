#!/usr/bin/env bash
# bench/compare.sh: taptalk from C against libcurl, interleaved, over plain HTTP and HTTPS.
#
#   bash bench/compare.sh            # 5 rounds of 10,000 calls per contender and transport
#   ROUNDS=9 CALLS=20000 bash bench/compare.sh
#   BEFORE_LIB=/path/to/other/target/release bash bench/compare.sh   # also an older libtaptalk.so
#
# One bench/run table is one sample of a noisy machine: a neighbour's build during one row
# moves its median by more than the gap being measured. Here each round runs taptalk and
# libcurl back to back on the same server (taptalk first in odd rounds, libcurl first in even
# ones), and the table gives each round's ratios, so a target is judged by how many rounds
# meet it. Uses bench/run's build products (bench/out/); run bench/run once first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
OUT="$BENCH/out"
ROUNDS="${ROUNDS:-5}"
CALLS="${CALLS:-10000}"
WARMUP=1000
TMP="$(mktemp -d)"
log() { echo "bench/compare: $*" >&2; }
# shellcheck source=bench/server.sh
. "$BENCH/server.sh"
trap 'stop_server; rm -rf "$TMP"' EXIT

for bin in "$OUT/bench_taptalk" "$OUT/bench_curl" "$ROOT/target/release/taptalk-sandbox"; do
    [ -x "$bin" ] || { log "$bin is missing: run bash bench/run first"; exit 1; }
done
start_server
log "server: $SERVER; $ROUNDS rounds of $CALLS calls per contender"

# Prints "median_ns p99_ns calls_per_s" for one run.
one() {  # ca base command...
    local ca="$1" base="$2"; shift 2
    BENCH_CA="$ca" "$@" "$base" "$API_KEY" "$CALLS" "$WARMUP" | awk -F'\t' '/^RESULT/ { print $5, $6, $7 }'
}

# The same C program against BEFORE_LIB's libtaptalk.so (its RUNPATH yields to LD_LIBRARY_PATH).
before() {  # ca base
    if [ -n "${BEFORE_LIB:-}" ]; then
        one "$1" "$2" env LD_LIBRARY_PATH="$BEFORE_LIB" "$OUT/bench_taptalk" send | awk '{ printf "%.1f", $1 / 1000 }'
    else
        printf -- '-'
    fi
}

printf '| round | transport | taptalk median us | libcurl median us | median ratio | calls/s ratio | p99 ratio | before: median us |\n'
printf '|------:|-----------|------------------:|------------------:|-------------:|--------------:|----------:|------------------:|\n'
for round in $(seq "$ROUNDS"); do
    for transport in plain HTTPS; do
        if [ "$transport" = plain ]; then ca=""; base="$BASE"; else ca="$BENCH_CA_FILE"; base="$BASE_TLS"; fi
        if [ $((round % 2)) = 1 ]; then
            t="$(one "$ca" "$base" "$OUT/bench_taptalk" send)"; c="$(one "$ca" "$base" "$OUT/bench_curl")"
            b="$(before "$ca" "$base")"
        else
            b="$(before "$ca" "$base")"
            c="$(one "$ca" "$base" "$OUT/bench_curl")"; t="$(one "$ca" "$base" "$OUT/bench_taptalk" send)"
        fi
        # shellcheck disable=SC2086
        set -- $t $c
        echo "$round $transport $1 $2 $3 $4 $5 $6" >> "$TMP/rows"
        awk -v r="$round" -v tr="$transport" -v tm="$1" -v tp="$2" -v tc="$3" -v cm="$4" -v cp="$5" -v cc="$6" -v b="$b" 'BEGIN {
            printf "| %5d | %-9s | %17.1f | %17.1f | %11.2fx | %12.2fx | %8.2fx | %17s |\n",
                r, tr, tm / 1000, cm / 1000, tm / cm, tc / cc, tp / cp, b }'
    done
done

echo
awk '{
    n[$2]++
    m = $3 / $6; c = $5 / $8; p = $4 / $7
    if (m <= 1) mok[$2]++
    if (c >= 1) cok[$2]++
    if (p <= 1.5) pok[$2]++
    if (!($2 in mlo) || m < mlo[$2]) mlo[$2] = m; if (m > mhi[$2]) mhi[$2] = m
    if (!($2 in clo) || c < clo[$2]) clo[$2] = c; if (c > chi[$2]) chi[$2] = c
    if (!($2 in plo) || p < plo[$2]) plo[$2] = p; if (p > phi[$2]) phi[$2] = p
} END {
    for (t in n) {
        printf "%s: median %.2fx-%.2fx (at or below libcurl in %d of %d), calls/s %.2fx-%.2fx (at or above in %d of %d), p99 %.2fx-%.2fx (within 1.5x in %d of %d)\n",
            t, mlo[t], mhi[t], mok[t] + 0, n[t], clo[t], chi[t], cok[t] + 0, n[t], plo[t], phi[t], pok[t] + 0, n[t]
    }
}' "$TMP/rows" | sort
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
