#!/usr/bin/env bash
# Fails when the exported C ABI differs from the committed baseline (abi/): a changed,
# added or removed export, or a new SONAME. The fix is always scripts/abi-bless.sh, after
# bumping TT_ABI_VERSION (src/ffi/mod.rs) when the change can break existing callers.
#
#   scripts/abi-check.sh [path/to/libtaptalk.so]     # default: linked from target/debug
source "$(dirname "$0")/abi-common.sh"
lib="$(locate_library "${1:-}")"
now="$(header_abi_version)"
base="$(baseline_abi_version)"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
describe "$lib" "$fresh"

status=0
soname="$(grep -o "soname='[^']*'" "$fresh/libtaptalk.so.abi")"
if [ "$soname" != "soname='libtaptalk.so.$now'" ]; then
  echo "abi: the library's $soname does not carry TT_ABI_VERSION $now from include/taptalk.h"
  exit 1
fi
if [ "$now" != "$base" ]; then
  echo "abi: TT_ABI_VERSION is $now but abi/ records ABI $base: run scripts/abi-bless.sh."
  exit 1
fi
for file in libtaptalk.so.abi taptalk.abi; do
  if ! report="$(abidiff --no-show-locs "$abi_dir/$file" "$fresh/$file")"; then
    status=1
    echo "abi: $file differs from the baseline:"
    echo "$report" | sed 's/^/  /'
  fi
done
if [ "$status" -eq 0 ]; then
  echo "abi: unchanged (TT_ABI_VERSION $now, $(grep -c '<elf-symbol ' "$abi_dir/libtaptalk.so.abi") exports)"
  exit 0
fi
echo "abi: the exported ABI changed while TT_ABI_VERSION stayed $now."
echo "     If the change can break existing callers, bump TT_ABI_VERSION in src/ffi/mod.rs and"
echo "     run TAPTALK_BLESS_HEADER=1 cargo build; then record it with scripts/abi-bless.sh."
exit 1
