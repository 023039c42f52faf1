#!/usr/bin/env bash
# What of the Swift package can be checked on Linux without a Swift toolchain: its module map
# (bindings/swift/Sources/CTapTalk/module.modulemap), loaded by Debian's clang with -fmodules,
# from a C file that imports the CTapTalk module and calls tt_version() and tt_call() through
# it, linked to the built library and run; and its sources, read by check/operations.py
# against the operation table that program prints through the module (one typed method and
# one async twin per operation of tt_operations(), and no other) and the header's error codes
# (each with its kind). Prints "swift-modulemap: N passed, M failed".
# The Swift sources themselves are NOT compiled here (no Swift compiler on these machines).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang >/dev/null; then
  echo "swift-modulemap: needs clang (apt-get install clang)" >&2
  echo "swift-modulemap: 0 passed, 1 failed"
  exit 1
fi
cargo build --lib
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
passed=0
failed=0
# -fmodules with an explicit module map file: the map must parse, its header must resolve,
# and the module must compile on its own (no stray includes). -Werror keeps it honest.
if clang -std=c11 -Wall -Werror -fmodules -fmodules-cache-path="$out/cache" \
     -fmodule-map-file=bindings/swift/Sources/CTapTalk/module.modulemap \
     -c bindings/swift/check/import_module.c -o "$out/import_module.o" \
   && clang "$out/import_module.o" -L target/debug -ltaptalk -Wl,-rpath,"$PWD/target/debug" \
     -o "$out/import_module"; then
  # `link "taptalk"` in the map is honoured by Apple's linker (autolink); ELF needs -ltaptalk.
  expected="$(grep -m1 '^version' Cargo.toml | cut -d'"' -f2) 90001"
  got="$("$out/import_module")"
  if [ "$got" = "$expected" ]; then
    passed=$((passed + 1))
  else
    echo "swift-modulemap: expected '$expected', got '$got'"
    failed=$((failed + 1))
  fi
else
  failed=$((failed + 1))
fi
# A control: the same import against a map whose header does not resolve must fail, so the
# check above really went through the module map (and not a textual include).
mkdir -p "$out/broken"
sed 's/"shim.h"/"missing.h"/' bindings/swift/Sources/CTapTalk/module.modulemap > "$out/broken/module.modulemap"
if clang -std=c11 -fmodules -fmodules-cache-path="$out/cache2" \
     -fmodule-map-file="$out/broken/module.modulemap" \
     -fsyntax-only bindings/swift/check/import_module.c 2>/dev/null; then
  echo "swift-modulemap: a broken module map was accepted; the check proves nothing"
  failed=$((failed + 1))
else
  passed=$((passed + 1))
fi
# The Swift sources against the library's operation table and error codes, and a control:
# the same check over a copy missing one typed method must fail.
if [ -x "$out/import_module" ] && "$out/import_module" --operations >"$out/operations.json" &&
   python3 bindings/swift/check/operations.py "$out/operations.json" bindings/swift/Sources/TapTalk include/taptalk.h; then
  passed=$((passed + 1))
else
  echo "swift-modulemap: the Swift sources do not match tt_operations() or the error codes"
  failed=$((failed + 1))
fi
mkdir -p "$out/sources"
cp bindings/swift/Sources/TapTalk/*.swift "$out/sources/"
sed -i '/func sendtalkGetStatus(/d' "$out/sources/TapTalkClient.swift"
if python3 bindings/swift/check/operations.py "$out/operations.json" "$out/sources" include/taptalk.h >/dev/null; then
  echo "swift-modulemap: a Swift client without sendtalkGetStatus passed the check; it proves nothing"
  failed=$((failed + 1))
else
  passed=$((passed + 1))
fi
# The same for the async twins: a copy missing one must fail too.
rm -rf "$out/sources" && mkdir -p "$out/sources"
cp bindings/swift/Sources/TapTalk/*.swift "$out/sources/"
sed -i '/func sendtalkGetStatusAsync(/d' "$out/sources/TapTalkAsync.swift"
if python3 bindings/swift/check/operations.py "$out/operations.json" "$out/sources" include/taptalk.h >/dev/null; then
  echo "swift-modulemap: a Swift client without sendtalkGetStatusAsync passed the check; it proves nothing"
  failed=$((failed + 1))
else
  passed=$((passed + 1))
fi
echo "swift-modulemap: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
