#!/usr/bin/env bash
# Shrinks fuzz/corpus/TARGET to at most MAX_FILES inputs (default 50) for committing:
# `cargo fuzz cmin` on edge coverage (no hit counters), then, if still too many, a greedy
# pick of the MAX_FILES inputs that together cover the most edges (from libFuzzer's merge
# control file). Prints the edges kept out of the corpus's total.
#
#   fuzz/minimize.sh request        # or: for t in request config ...; do fuzz/minimize.sh $t; done
set -euo pipefail
cd "$(dirname "$0")"
target="$1"
max="${2:-50}"
export RUSTC_BOOTSTRAP=1
corpus="corpus/$target"
# Inputs named regress-* (reproducers of past findings) are always kept as they are.
keep=$(mktemp -d)
find "$corpus" -name 'regress-*' -exec mv {} "$keep/" \;
nice -n 19 cargo fuzz cmin -a "$target" "$corpus" -- -use_counters=0 >/dev/null 2>&1
count=$(find "$corpus" -type f | wc -l)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
binary="target/x86_64-unknown-linux-gnu/release/$target"
# libFuzzer's merge control file lists, per input, only the edges no earlier input of the same
# process reached; a process per input gives each input's full edge set.
i=0
for file in "$corpus"/*; do
    i=$((i + 1))
    mkdir -p "$scratch/in$i" "$scratch/out$i"
    cp "$file" "$scratch/in$i/"
    nice -n 19 "$binary" "$scratch/out$i" "$scratch/in$i" -merge=1 -use_counters=0 \
        -merge_control_file="$scratch/control$i" >/dev/null 2>&1
    echo "$file $(grep '^COV ' "$scratch/control$i" | cut -d' ' -f3-)" >>"$scratch/edges"
done
python3 - "$scratch/edges" "$max" "$count" <<'PY'
import os, sys
edges, limit, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cov = {}
for line in open(edges):
    path, *ids = line.split()
    cov[path] = set(ids)
total = set().union(*cov.values()) if cov else set()
kept, covered = [], set()
while cov and len(kept) < limit:
    # Most new edges first; the smaller file on a tie.
    best = max(cov, key=lambda f: (len(cov[f] - covered), -os.path.getsize(f)))
    if not cov[best] - covered:
        break
    kept.append(best)
    covered |= cov.pop(best)
for path in cov:
    os.remove(path)
print(f"{count} inputs after cmin -> kept {len(kept)}, covering {len(covered)} of {len(total)} edges")
PY
mv "$keep"/* "$corpus/" 2>/dev/null || true
rmdir "$keep"
echo "$target: $(find "$corpus" -type f | wc -l) files, $(du -sb --apparent-size "$corpus" | cut -f1) bytes"
