#!/usr/bin/env bash
# Proves the release artifacts work where users meet them, on this machine with Rust hidden:
# runs scripts/release.sh, then
#   - dist/: SHA256SUMS verifies; nothing was written outside dist/ and target/; every
#     artifact carries both licenses and THIRD-PARTY-NOTICES.md; no build path inside;
#   - wheels: no glibc symbol newer than 2.17 (objdump -T), exactly the header's exports;
#     the x86_64 wheel installed into fresh venvs of two Pythons with cargo off PATH sends a
#     message to the sandbox; the musllinux wheel's library runs a musl-gcc program;
#   - the sdist, unpacked outside the checkout, builds a wheel that passes the same smoke test;
#   - each tarball, unpacked and moved elsewhere, links C through pkg-config (shared and
#     static) and CMake find_package (both targets), and C++; each program runs against the
#     sandbox, aarch64 ones under qemu-aarch64; a panic inside the library is caught;
#   - the musl build's libtaptalk.a linked statically with musl-gcc runs;
#   - the jar alone on the classpath sends a message (its library copied out by checksum,
#     reused, replaced when altered) and an explicit library path still wins;
#   - the Rust test suite built for aarch64-unknown-linux-gnu runs under qemu-aarch64.
# Each step prints its time. Ends with "release: N passed, M failed".
#
#   bash scripts/test-release.sh          (TAPTALK_RELEASE_SKIP_BUILD=1 reuses dist/)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d "${TMPDIR:-/tmp}/taptalk-release.XXXXXX")"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
# step NAME COMMAND...: runs the command with its output in a log, shown only on failure.
step() {
  local name="$1" log="$work/log.$((passed + failed))" start=$SECONDS
  shift
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    echo "FAIL $name ($((SECONDS - start)) s)"
    sed 's/^/     /' "$log" | tail -40
  fi
}
die() { echo "release: $*"; echo "release: $passed passed, $((failed + 1)) failed"; exit 1; }

for tool in gcc g++ cmake pkg-config objdump readelf nm musl-gcc aarch64-linux-gnu-gcc qemu-aarch64 \
  javac java; do
  command -v "$tool" >/dev/null || die "$tool is not installed (.ci/run installs it)"
done
[ -d /usr/aarch64-linux-gnu/lib ] || die "no aarch64 sysroot in /usr/aarch64-linux-gnu (libc6-dev-arm64-cross)"
version="$(awk -F'"' '/^\[/ { s = $0 } s == "[package]" && /^version *=/ { print $2; exit }' Cargo.toml)"
abi="$(awk '$2 == "TT_ABI_VERSION" { print $3 }' include/taptalk.h)"
dist="$root/dist"

# --- Build everything, and see that nothing outside dist/ and target/ changed ------------
# Every changed, new or ignored file of the checkout except under dist/ and target/.
outside() { git status --porcelain --ignored --untracked-files=all -- . ':!dist' ':!target'; }
outside >"$work/outside.before"
if [ -z "${TAPTALK_RELEASE_SKIP_BUILD:-}" ]; then
  start=$SECONDS
  bash scripts/release.sh 2>&1 | tee "$work/release.log" | grep -E '^(==|   |release:)'
  [ "${PIPESTATUS[0]}" -eq 0 ] || { tail -30 "$work/release.log"; die "scripts/release.sh failed"; }
  echo "     (scripts/release.sh: $((SECONDS - start)) s)"
fi
outside >"$work/outside.after"
step "release.sh wrote nothing outside dist/ and target/" diff "$work/outside.before" "$work/outside.after"

x86_wheel="$dist/taptalk-$version-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
arm_wheel="$dist/taptalk-$version-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl"
musl_wheel="$dist/taptalk-$version-py3-none-musllinux_1_2_x86_64.whl"
sdist="$dist/taptalk-$version.tar.gz"
jar="$dist/taptalk-$version.jar"
expected=("$x86_wheel" "$arm_wheel" "$musl_wheel" "$sdist" "$jar" "$dist/taptalk-$version-sources.jar"
  "$dist/taptalk-$version-javadoc.jar" "$dist/taptalk-$version-linux-x86_64.tar.gz"
  "$dist/taptalk-$version-linux-aarch64.tar.gz")
step "dist/ holds the nine artifacts and SHA256SUMS verifies them" bash -c '
  for f in "$@"; do test -s "$f" || { echo "missing: $f"; exit 1; }; done
  test "$(ls "'"$dist"'" | wc -l)" -eq 10 && cd "'"$dist"'" && sha256sum -c SHA256SUMS' _ "${expected[@]}"

# Every artifact unpacked once, for the checks below.
unpacked="$work/unpacked"
mkdir -p "$unpacked"
for f in "${expected[@]}"; do
  d="$unpacked/$(basename "$f")"
  mkdir -p "$d"
  case "$f" in *.whl | *.jar) python3 -m zipfile -e "$f" "$d" ;; *.tar.gz) tar -C "$d" -xzf "$f" ;; esac
done
step "every artifact carries LICENSE-MIT, LICENSE-APACHE and THIRD-PARTY-NOTICES.md" bash -c '
  for d in "'"$unpacked"'"/*; do
    for l in LICENSE-MIT LICENSE-APACHE THIRD-PARTY-NOTICES.md; do
      found="$(find "$d" -name "$l" | head -1)"
      test -n "$found" && cmp -s "$found" "'"$root"'/$l" || { echo "$(basename "$d"): no $l"; exit 1; }
    done
  done'
step "no artifact names this checkout or the build machine's cargo home" bash -c '
  ! grep -rlaF -e "'"$root"'" -e "'"${CARGO_HOME:-$HOME/.cargo}"'" "'"$unpacked"'"'

# --- The sandbox the programs talk to (host build): a fresh one for each C program, whose
# checks expect an empty server ---------------------------------------------------------------
sandbox="$root/target/debug/taptalk-sandbox"
[ -x "$sandbox" ] || cargo build -q -p taptalk-sandbox --bin taptalk-sandbox || die "cannot build the sandbox"
url=""
fresh_sandbox() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; fi
  rm -f "$work/sandbox.out"
  "$sandbox" --listen 127.0.0.1:0 --delivery-delay-ms 0 >"$work/sandbox.out" 2>&1 &
  sandbox_pid=$!
  url=""
  for _ in $(seq 100); do
    url="$(awk 'NR == 1 { print $NF }' "$work/sandbox.out" 2>/dev/null)"
    case "$url" in http://*) return 0 ;; esac
    sleep 0.1
  done
  die "the sandbox did not print its address"
}
fresh_sandbox
echo "     sandbox: $url"

# The header's functions, which every library must export exactly (and nothing else of C's).
grep -E '^[A-Za-z]' include/taptalk.h | grep -oE '\btt_[a-z0-9_]+\(' | tr -d '(' | sort -u >"$work/declared"
exports_are_the_header() { nm -D --defined-only "$1" | awk '$3 ~ /^tt_/ { print $3 }' | sort | diff "$work/declared" -; }
newest_glibc() { objdump -T "$1" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/GLIBC_//' | sort -uV | tail -1; }
glibc_at_most_2_17() {
  local newest
  newest="$(newest_glibc "$1")"
  echo "newest glibc symbol version in $(basename "$1"): $newest"
  [ -n "$newest" ] && [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -1)" = 2.17 ]
}

# --- Wheels ----------------------------------------------------------------------------------
wheel_lib() { echo "$unpacked/$(basename "$1")/taptalk/_libtaptalk.abi3.so"; }
for w in "$x86_wheel" "$arm_wheel"; do
  step "$(basename "$w"): no glibc symbol newer than 2.17" glibc_at_most_2_17 "$(wheel_lib "$w")"
done
for w in "$x86_wheel" "$arm_wheel" "$musl_wheel"; do
  step "$(basename "$w"): exports exactly the header's tt_* functions" exports_are_the_header "$(wheel_lib "$w")"
done
# No aarch64 Python here: the aarch64 wheel's library is the very file the aarch64 tarball
# ships, which the tarball proofs below run under qemu.
step "each manylinux wheel's library is byte-identical to its tarball's libtaptalk.so.$version" bash -c "
  cmp '$(wheel_lib "$x86_wheel")' '$unpacked/taptalk-$version-linux-x86_64.tar.gz/taptalk-$version-linux-x86_64/lib/libtaptalk.so.$version' &&
  cmp '$(wheel_lib "$arm_wheel")' '$unpacked/taptalk-$version-linux-aarch64.tar.gz/taptalk-$version-linux-aarch64/lib/libtaptalk.so.$version'"
step "musllinux wheel: needs only musl's libc, no glibc symbol" bash -c "
  readelf -d '$(wheel_lib "$musl_wheel")' | grep NEEDED | grep -vq 'libc.musl-x86_64.so.1' && exit 1
  ! objdump -T '$(wheel_lib "$musl_wheel")' | grep -q GLIBC"

# PATH without any directory that holds cargo or rustc: the wheels must not need them.
no_rust_path=""
IFS=: read -ra path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
  [ -x "$d/cargo" ] || [ -x "$d/rustc" ] || no_rust_path="${no_rust_path:+$no_rust_path:}$d"
done
# The interpreters: the one on PATH (pyenv's on this machine) and Debian's, when they differ.
pythons=("$(python3 -c 'import sys; print(sys.executable)')")
if [ -x /usr/bin/python3 ] && [ "$(realpath /usr/bin/python3)" != "$(realpath "${pythons[0]}")" ]; then
  pythons+=(/usr/bin/python3)
fi
# smoke_wheel PYTHON WHEEL: a fresh venv, the wheel installed offline, smoke_installed.py run
# from elsewhere with cargo off PATH (it asserts the bundled library was loaded and a message
# was sent to a sandbox it starts).
smoke_wheel() {
  local venv
  venv="$(mktemp -d "$work/venv.XXXXXX")"
  "$1" -m venv "$venv" && "$venv/bin/pip" install --quiet --no-index --no-deps --disable-pip-version-check "$2" &&
    (cd "$venv" && env -i PATH="$no_rust_path" HOME="$HOME" sh -c '! command -v cargo && ! command -v rustc' &&
      env -i PATH="$no_rust_path" HOME="$HOME" "$venv/bin/python" "$root/bindings/python/tests/smoke_installed.py" "$sandbox")
}
for py in "${pythons[@]}"; do
  label="$("$py" -c 'import sys; print("Python %d.%d (%s)" % (sys.version_info[:2] + (sys.executable,)))')"
  step "x86_64 wheel in a fresh venv of $label, cargo off PATH: sends a message" smoke_wheel "$py" "$x86_wheel"
done

# musl: the musllinux wheel's library itself, loaded by a program musl-gcc links to it and
# run by Debian's musl loader (no Python for musl here).
musl_dir="$work/musl-wheel-lib"
mkdir -p "$musl_dir"
cp "$(wheel_lib "$musl_wheel")" "$musl_dir/libtaptalk.so.$abi"
ln -s "libtaptalk.so.$abi" "$musl_dir/libtaptalk.so"
fresh_sandbox
step "musllinux wheel's library: a musl-gcc program linked to it runs against the sandbox" bash -c "
  musl-gcc -std=c99 -Wall -Wextra -Werror -I include tests/packaging/consumer.c -o '$musl_dir/consumer' \
    -L '$musl_dir' -ltaptalk -Wl,-rpath,'$musl_dir' -Wl,--allow-shlib-undefined &&
  readelf -l '$musl_dir/consumer' | grep -q 'ld-musl-x86_64.so.1' && '$musl_dir/consumer' '$url'"
musl_a="$root/target/x86_64-unknown-linux-musl/release/libtaptalk.a"
musl_self="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-musl/lib/self-contained"
fresh_sandbox
step "musl build: libtaptalk.a linked statically with musl-gcc runs against the sandbox" bash -c "
  musl-gcc -static -std=c99 -Wall -Wextra -Werror -I include tests/packaging/consumer.c '$musl_a' \
    -L '$musl_self' -lunwind -o '$work/consumer-musl-static' &&
  ! readelf -d '$work/consumer-musl-static' | grep -q NEEDED && '$work/consumer-musl-static' '$url'"

# --- The sdist, unpacked outside the checkout --------------------------------------------
sdist_build() (
  dir="$work/sdist-build" venv="$work/sdist-venv"
  mkdir -p "$dir" && tar -C "$dir" -xzf "$sdist" && cd "$dir/taptalk-$version" || exit 1
  test -f rust/Cargo.toml && test ! -e ../../Cargo.toml || exit 1
  # pip's own isolated build: setuptools and setuptools-rust from the index, cargo from PATH;
  # the crate's target directory is its own, inside the unpacked sdist.
  "${pythons[0]}" -m venv "$venv" &&
    env -u CARGO_TARGET_DIR "$venv/bin/pip" wheel --quiet --no-deps --disable-pip-version-check -w "$work/sdist-wheel" . &&
    ls "$work/sdist-wheel/taptalk-$version-py3-none-linux_x86_64.whl"
)
step "sdist unpacked in $work: pip builds a py3-none-linux_x86_64 wheel from it" sdist_build
step "the sdist's wheel in a fresh venv, cargo off PATH: sends a message" \
  smoke_wheel "${pythons[0]}" "$work/sdist-wheel/taptalk-$version-py3-none-linux_x86_64.whl"

# --- C/C++ tarballs --------------------------------------------------------------------------
source "$root/scripts/test-release-tarball.sh"
for arch in x86_64 aarch64; do
  prove_tarball "$arch"
done

# --- The jar ---------------------------------------------------------------------------------
source "$root/scripts/test-release-jar.sh"
prove_jar

# --- The Rust test suite on aarch64, under qemu ----------------------------------------------
source "$root/scripts/test-release-aarch64.sh"
prove_aarch64_suite

echo "release: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
