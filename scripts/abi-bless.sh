#!/usr/bin/env bash
# Records the current exported C ABI as the baseline in abi/ (commit the result).
#
#   scripts/abi-bless.sh [path/to/libtaptalk.so] [--force]
#
# Run it after adding exports, or after bumping TT_ABI_VERSION for an incompatible change.
# While TT_ABI_VERSION is still the baseline's it records additions only: it refuses an export
# removed or changed (its parameters, return or their types), since callers built against
# the old header would break without the SONAME telling them; --force records it anyway.
source "$(dirname "$0")/abi-common.sh"
force=0
args=()
for arg in "$@"; do
  if [ "$arg" = "--force" ]; then force=1; else args+=("$arg"); fi
done
lib="$(locate_library "${args[0]:-}")"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
describe "$lib" "$fresh"

if [ -f "$abi_dir/taptalk.abi" ] && [ "$force" -eq 0 ] &&
  [ "$(header_abi_version)" = "$(baseline_abi_version)" ]; then
  for file in libtaptalk.so.abi taptalk.abi; do
    report="$(abidiff --no-show-locs "$abi_dir/$file" "$fresh/$file" || true)"
    # Summary lines read "N Removed, N Changed, N Added ..."; only additions keep the ABI.
    if grep -qE '(^|[^0-9])[1-9][0-9]* (Removed|Changed)' <<<"$report"; then
      echo "$report" | sed 's/^/  /'
      echo "abi-bless: an export was removed or changed while TT_ABI_VERSION is still $(header_abi_version);"
      echo "           bump it in src/ffi/mod.rs (then TAPTALK_BLESS_HEADER=1 cargo build), or pass --force."
      exit 1
    fi
  done
fi
mkdir -p "$abi_dir"
cp "$fresh/libtaptalk.so.abi" "$fresh/taptalk.abi" "$abi_dir/"
echo "abi-bless: recorded ABI $(header_abi_version) ($(grep -c '<elf-symbol ' "$abi_dir/libtaptalk.so.abi") exports) in abi/; commit abi/"
