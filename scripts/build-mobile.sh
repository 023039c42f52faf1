#!/usr/bin/env bash
# The size-optimised library for phones, built for this machine (Linux x86_64) with the same
# choices the Android build makes, so its size can be measured here (bench/run prints it):
#   - the `mobile` profile: opt-level "z", fat LTO, one codegen unit, stripped, panics unwind;
#   - features `jni` (what an Android app loads) and `mobile` (dependencies' `log` statements
#     compiled out), without the default `bundled-roots`: a phone trusts the OS's store
#     (tls.verifier "platform", the default in such a build), so the Mozilla roots stay out;
#   - with a nightly toolchain and its rust-src: the standard library rebuilt without its
#     backtrace printer, for size, without panic locations, and direct calls instead of GOT
#     slots (scripts/mobile-flags.sh, shared with the Android and Apple scripts). Without
#     them it falls back to stable, says so on stderr, and the library is larger;
#   - packed relative relocations (-z pack-relative-relocs, DT_RELR): ~6,500 relocations of
#     24 bytes each become a few KB. glibc >= 2.36 loads such a library; Android's equivalent
#     is --pack-dyn-relocs (scripts/build-android.sh). Server builds keep the plain format;
#   - identical code folding (lld --icf=all; the NDK links with lld too), when ld.lld is
#     installed (Debian: lld).
# `cargo rustc` passes the linker flags to this crate's link only.
#
# Usage: bash scripts/build-mobile.sh            -> target/mobile/libtaptalk.so, and beside it
#                                                   libtaptalk.so.recipe (the command used)
#        bash scripts/build-mobile.sh --print-args   (that command, for reports)
#        TAPTALK_MOBILE_STABLE=1 bash scripts/build-mobile.sh   (the stable recipe)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/mobile-flags.sh
. scripts/mobile-flags.sh
mobile_flags
link=(-C link-arg=-Wl,-z,pack-relative-relocs)
if command -v ld.lld >/dev/null; then
  link+=(-C link-arg=-fuse-ld=lld -C link-arg=-Wl,--icf=all)
fi
# Sets args, built (where cargo leaves the library), rustflags and recipe for the MOBILE_* flags.
plan() {
  args=(rustc ${MOBILE_CARGO_Z[@]+"${MOBILE_CARGO_Z[@]}"})
  built=target/mobile/libtaptalk.so
  if [ "$MOBILE_RECIPE" != stable ]; then
    # build-std needs an explicit target; the result lands in target/<triple>/mobile.
    local host
    host="$(rustc "$MOBILE_TOOLCHAIN" -vV | sed -n 's/^host: //p')"
    args+=(--target "$host")
    built="target/$host/mobile/libtaptalk.so"
  fi
  args+=(--profile mobile --lib --no-default-features --features jni,mobile -- "${link[@]}")
  rustflags="${RUSTFLAGS:-}"
  [ -z "$MOBILE_RUSTFLAGS" ] || rustflags="${rustflags:+$rustflags }$MOBILE_RUSTFLAGS"
  recipe="$MOBILE_RECIPE: $cflags_var=\"${!cflags_var}\" ${rustflags:+RUSTFLAGS=\"$rustflags\" }cargo $MOBILE_TOOLCHAIN${MOBILE_TOOLCHAIN:+ }${args[*]}"
}
host_triple="$(rustc -vV | sed -n 's/^host: //p')"
mobile_c_flags "$host_triple"
cflags_var="CFLAGS_${host_triple//-/_}"
plan
if [ "${1:-}" = --print-args ]; then
  echo "$recipe"
  exit 0
fi
if ! RUSTFLAGS="$rustflags" cargo $MOBILE_TOOLCHAIN "${args[@]}"; then
  # A nightly that no longer takes these flags must not stop the build; a real error in the
  # code fails the stable build too.
  [ "$MOBILE_RECIPE" != stable ] || exit 1
  mobile_flags_stable "the nightly build failed (above)"
  plan
  RUSTFLAGS="$rustflags" cargo "${args[@]}"
fi
if [ "$built" != target/mobile/libtaptalk.so ]; then
  mkdir -p target/mobile
  # Not through cargo's hard link: replace the file, leave cargo's own copy alone.
  cp --remove-destination "$built" target/mobile/libtaptalk.so
fi
echo "$recipe" > target/mobile/libtaptalk.so.recipe
ls -l target/mobile/libtaptalk.so
