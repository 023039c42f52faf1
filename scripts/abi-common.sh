# Shared by scripts/abi-check.sh and scripts/abi-bless.sh (sourced, not run).
#
# The ABI is pinned in two abidw descriptions under abi/:
#   abi/libtaptalk.so.abi  the installed libtaptalk.so as linked (SONAME and exported symbols),
#                          read without debug info;
#   abi/taptalk.abi        the C types of every export (parameters, returns, TtLogCallback),
#                          from a stand-in library compiled with -g from include/taptalk.h.
# The stand-in exists because the real library's debug info describes Rust types, including
# the private fields behind the opaque TtClient, so abidiff on it would flag every internal
# change as an ABI change. scripts/test-c-packaging.sh checks that the real library exports
# exactly the header's functions, which ties the two together.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
abi_dir="$root/abi"

# TT_ABI_VERSION as the header states it (build.rs writes it from src/ffi/mod.rs).
header_abi_version() {
  awk '$1 == "#define" && $2 == "TT_ABI_VERSION" { print $3 }' "$root/include/taptalk.h"
}

# The ABI version a baseline was recorded for: the number in its SONAME.
baseline_abi_version() {
  grep -o "soname='libtaptalk\.so\.[0-9]*'" "$abi_dir/libtaptalk.so.abi" | grep -o '[0-9]*' | tail -1
}

# The libtaptalk.so to describe: $1 if given, else one linked by CMake from the tree's debug
# build (cargo reuses target/debug; the link takes seconds).
locate_library() {
  if [ -n "${1:-}" ]; then
    readlink -f "$1"
    return
  fi
  local build="$root/target/cmake-abi"
  cmake -S "$root" -B "$build" -DTAPTALK_CARGO_PROFILE=dev >/dev/null
  cmake --build "$build" >/dev/null
  readlink -f "$build/libtaptalk.so"
}

# describe LIBRARY OUT_DIR: writes OUT_DIR/libtaptalk.so.abi and OUT_DIR/taptalk.abi.
describe() {
  local lib="$1" out="$2" work
  work="$(mktemp -d)"
  local soname
  soname="$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
  objcopy --strip-debug "$lib" "$work/$soname"
  abidw --no-corpus-path --no-show-locs --no-elf-needed "$work/$soname" >"$out/libtaptalk.so.abi"
  # Every prototype in the header becomes a definition with a dummy body.
  awk '
    /^[A-Za-z_].*[ *]tt_[a-z0-9_]+\(/ && !/^(typedef|#)/ { collecting = 1; text = "" }
    collecting {
      text = text $0 "\n"
      if ($0 ~ /\);[ \t]*$/) {
        sub(/;[ \t]*\n$/, "", text)
        body = (text ~ /^void [a-z]/) ? " {}" : " { return 0; }"
        printf "%s%s\n", text, body
        collecting = 0
      }
    }' "$root/include/taptalk.h" >"$work/model.c"
  mkdir -p "$work/model"
  gcc -std=c99 -g -O0 -fPIC -shared -I "$root/include" -include taptalk.h \
    -Wl,-soname,"$soname" -o "$work/model/$soname" "$work/model.c"
  abidw --no-corpus-path --no-show-locs --no-elf-needed "$work/model/$soname" >"$out/taptalk.abi"
  rm -rf "$work"
}
