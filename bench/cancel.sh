#!/usr/bin/env bash
# bench/cancel.sh: how long a cancelled call takes to come back (issue 19), in the three
# places a call waits: on the reply (the sandbox answers after 60 s), while connecting (a
# listener whose accept queue is full), and between attempts (a 503, then a retry wait of
# up to 60 s). For each: the C ABI (tt_cancel from another thread), Python's Ctrl-C (a real
# SIGINT; until KeyboardInterrupt in the caller), and an AsyncClient task.cancel() (until
# CancelledError where the call is awaited). Prints the table and writes bench/out/cancel.txt.
#
#   bash bench/cancel.sh             20 rounds per row
#   bash bench/cancel.sh --quick     3 rounds per row (what bench/smoke.sh runs)
#
# The core's waits are cut into 50 ms slices (src/cancel.rs), so "about 50 ms" is the design;
# issue 19 asks for about 100 ms. Timing never fails anything: a row that does not answer
# the cancelled codes (91012; 91010 for a send) makes the exit status 1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
OUT="$BENCH/out"
ROUNDS=20
AFTER_MS=300
for arg in "$@"; do
    case "$arg" in
        --quick) ROUNDS=3 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "bench/cancel.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done
log() { echo "bench/cancel: $*" >&2; }
mkdir -p "$OUT"
TMP="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

log "building (release)"
(cd "$ROOT" && cargo build --release --quiet -p taptalk -p taptalk-sandbox)
LIB="$ROOT/target/release"
gcc -O2 -Wall -Wextra -I "$ROOT/include" -I "$BENCH/c" "$BENCH/c/bench_cancel.c" \
    -o "$TMP/bench_cancel" -L "$LIB" -ltaptalk -Wl,-rpath,"$LIB" -lpthread

# start_sandbox NAME FLAGS...: a sandbox of its own; sets URL.
start_sandbox() {
    local name="$1"; shift
    "$LIB/taptalk-sandbox" --listen 127.0.0.1:0 "$@" > "$TMP/$name.out" 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 100); do grep -q listening "$TMP/$name.out" && break; sleep 0.05; done
    URL="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$TMP/$name.out" | head -1)"
    [ -n "$URL" ] || { log "the sandbox did not start"; cat "$TMP/$name.out" >&2; exit 1; }
}
start_sandbox slow --latency-ms 60000
SLOW="$URL"
start_sandbox failing
FAILING="$URL"
# Every get_status answers 503 without an envelope: a read is retried after it.
python3 - "$FAILING" <<'EOF'
import json, sys, urllib.request
fault = {"path": "/api/v1/message/get_status", "kind": "status", "status": 503,
         "body": "Service Unavailable", "count": 10000}
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_sandbox/faults", method="POST",
                                              data=json.dumps(fault).encode())).read()
EOF

RESULTS="$TMP/results.tsv"
export TAPTALK_LIBRARY="$LIB/libtaptalk.so"
export PYTHONPATH="$ROOT/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
for mode in reply connect between; do
    case "$mode" in reply) url="$SLOW" ;; between) url="$FAILING" ;; connect) url=- ;; esac
    log "$mode: C ABI"
    "$TMP/bench_cancel" "$mode" "$url" "$ROUNDS" "$AFTER_MS" >> "$RESULTS"
    log "$mode: Python"
    python3 "$BENCH/py/cancel.py" "$mode" "$url" "$ROUNDS" "$AFTER_MS" >> "$RESULTS"
done

{
    echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds per row, each call cancelled ${AFTER_MS}-$((AFTER_MS + 50)) ms into it"
    echo
    python3 - "$RESULTS" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t")[1:] for line in open(sys.argv[1]) if line.startswith("CANCEL")]
table = [("while", "cancelled by", "runs", "median ms", "max ms", "answered")]
table += [(w, api, n, f"{int(m) / 1000:.1f}", f"{int(x) / 1000:.1f}", c) for w, api, n, m, x, c in rows]
widths = [max(len(r[i]) for r in table) for i in range(6)]
for i, r in enumerate(table):
    cells = [c.ljust(w) if j < 2 or j == 5 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))]
    print("| " + " | ".join(cells) + " |")
    if i == 0:
        print("|" + "|".join("-" * (w + 2) if j < 2 or j == 5 else "-" * (w + 1) + ":"
                             for j, w in enumerate(widths)) + "|")
EOF
} | tee "$OUT/cancel.txt"
# Every cancelled call answered as documented: 91012, or 91010 for a send already written.
awk -F'\t' '/^CANCEL/ { n = split($7, codes, ","); for (i = 1; i <= n; i++) if (codes[i] != "91012" && codes[i] != "91010") bad = 1 }
            END { exit bad }' "$RESULTS"
