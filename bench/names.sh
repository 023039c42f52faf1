#!/usr/bin/env bash
# bench/names.sh: what a host name costs per call (issue 24), the same Python program and
# keep-alive client against nginx, only the base URL differing: 127.0.0.1 or localhost
# (/etc/hosts). Prints the median per call, and the threads created and files opened per
# call, counted with strace over two runs (N and 2N calls: the difference is N calls' worth,
# start-up and imports cancel out).
#
#   bash bench/names.sh                      this checkout's release library
#   BEFORE_LIB=/path/libtaptalk.so bash bench/names.sh   adds rows for an older library
#
# Needs nginx and strace (apt-get install nginx-light strace); run bench/run once first (it
# builds the release library and the bench venv), or it builds the library here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
CALLS=${BENCH_NAME_CALLS:-2000}
TMP="$(mktemp -d)"
log() { echo "bench/names.sh: $*" >&2; }
# shellcheck source=bench/server.sh
. "$BENCH/server.sh"
trap 'stop_server; rm -rf "$TMP"' EXIT
command -v strace >/dev/null || { log "needs strace (apt-get install strace)"; exit 1; }
(cd "$ROOT" && cargo build --release --quiet -p taptalk -p taptalk-sandbox)
PY=python3
[ -x "$BENCH/.venv/bin/python" ] && PY="$BENCH/.venv/bin/python"
start_server
export PYTHONPATH="$ROOT/bindings/python${PYTHONPATH:+:$PYTHONPATH}"

# Calls made by one run of bench.py (its warm-up included), and the syscalls counted.
counts() {  # lib base calls -> "clones opens"
    local out="$TMP/strace.out"
    TAPTALK_LIBRARY="$1" strace -f -qq -c -o "$out" -e trace=clone,clone3,openat \
        "$PY" "$BENCH/py/bench.py" taptalk "$2" "$API_KEY" "$3" 0 >/dev/null
    awk '$NF=="clone"||$NF=="clone3" {c+=$4} $NF=="openat" {o+=$4} END {print c+0, o+0}' "$out"
}
median_us() {  # lib base -> median us
    TAPTALK_LIBRARY="$1" "$PY" "$BENCH/py/bench.py" taptalk "$2" "$API_KEY" "$CALLS" 200 |
        awk -F'\t' '{printf "%.0f", $5 / 1000}'
}
row() {  # label lib base
    read -r c1 o1 <<<"$(counts "$2" "$3" "$CALLS")"
    read -r c2 o2 <<<"$(counts "$2" "$3" "$((CALLS * 2))")"
    printf '| %s | `%s` | %s us | %s | %s |\n' "$1" "$3" "$(median_us "$2" "$3")" \
        "$(awk "BEGIN {printf \"%.2f\", ($c2 - $c1) / $CALLS}")" \
        "$(awk "BEGIN {printf \"%.2f\", ($o2 - $o1) / $CALLS}")"
}

echo "| library | base URL | median per call | threads created per call | files opened per call |"
echo "|---|---|---|---|---|"
if [ -n "${BEFORE_LIB:-}" ]; then
    row before "$BEFORE_LIB" "$BASE"
    row before "$BEFORE_LIB" "$BASE_NAME"
fi
row now "$ROOT/target/release/libtaptalk.so" "$BASE"
row now "$ROOT/target/release/libtaptalk.so" "$BASE_NAME"
echo
echo "($CALLS calls per median; per-call counts from runs of $CALLS and $((CALLS * 2)) calls; server: $SERVER)"
