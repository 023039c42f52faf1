#!/usr/bin/env bash
# The size-optimised library for phones, built for this machine (Linux x86_64) with the same
# choices the Android build makes, so its size can be measured here (bench/run prints it):
#   - the `mobile` profile: opt-level "z", fat LTO, one codegen unit, stripped, panics unwind;
#   - features `jni` (what an Android app loads) and `mobile` (dependencies' `log` statements
#     compiled out);
#   - packed relative relocations (-z pack-relative-relocs, DT_RELR): ~6,500 relocations of
#     24 bytes each become a few KB. glibc >= 2.36 loads such a library; Android's equivalent
#     is --pack-dyn-relocs (scripts/build-android.sh). Server builds keep the plain format;
#   - identical code folding (lld --icf=all; the NDK links with lld too), when ld.lld is
#     installed (Debian: lld).
# `cargo rustc` passes the linker flag to this crate's link only, so dependencies are shared
# with other builds of the profile.
#
# Usage: bash scripts/build-mobile.sh            -> target/mobile/libtaptalk.so
#        bash scripts/build-mobile.sh --print-args   (the cargo arguments, for reports)
set -euo pipefail
cd "$(dirname "$0")/.."
args=(rustc --profile mobile --lib --features jni,mobile -- -C link-arg=-Wl,-z,pack-relative-relocs)
if command -v ld.lld >/dev/null; then
  args+=(-C link-arg=-fuse-ld=lld -C link-arg=-Wl,--icf=all)
fi
if [ "${1:-}" = --print-args ]; then
  echo "${args[*]}"
  exit 0
fi
cargo "${args[@]}"
ls -l target/mobile/libtaptalk.so
