#!/usr/bin/env bash
# taptalk as an installed C/C++ library: installs into temporary prefixes with CMake, then
# builds consumers that live outside the source tree and know only the prefix (pkg-config
# shared and --static, find_package with taptalk::taptalk and taptalk::taptalk_static, the
# C++ example, an add_subdirectory project), runs each against a fresh taptalk-sandbox (C
# and C++ under valgrind: no errors, no leaks), and checks the install tree, the SONAME, the
# export list, the header in every language mode and the ABI baseline. For taptalk.hpp
# (tests/packaging/cpp/): its operations against tt_operations(), a reply's lifetime under
# ASan + UBSan, cancellation (taptalk::Cancel, the std::future calls) plain and under ASan +
# UBSan, and a snippet that must not compile.
#
#   bash scripts/test-c-packaging.sh        # ends with "c-packaging: N passed, M failed"
#
# TAPTALK_CARGO_PROFILE (default dev) picks the cargo build to install: dev reuses the
# target/debug build that scripts/test.sh has just made, so nothing is compiled twice.
# TAPTALK_NO_VALGRIND=1 runs the programs directly.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
profile="${TAPTALK_CARGO_PROFILE:-dev}"
work="$(mktemp -d "${TMPDIR:-/tmp}/taptalk-packaging.XXXXXX")"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | tail -40; }
# step NAME COMMAND...: runs the command with its output in a log, shown only on failure.
step() {
  local name="$1" log="$work/log.$((passed + failed))"
  shift
  if "$@" >"$log" 2>&1; then
    pass "$name"
    grep -h 'checks passed' "$log" | sed 's/^/     /'
  else
    fail "$name" "$log"
  fi
}
die() { echo "c-packaging: $*"; echo "c-packaging: $passed passed, $((failed + 1)) failed"; exit 1; }

for tool in cmake pkg-config gcc g++ readelf nm abidw abidiff; do
  command -v "$tool" >/dev/null || die "$tool is not installed (.ci/run installs it)"
done
use_valgrind=0
if [ -z "${TAPTALK_NO_VALGRIND:-}" ] && command -v valgrind >/dev/null; then use_valgrind=1; fi

# --- The sandbox: one fresh server per program, so every program sees an empty one ------
sandbox="$root/target/debug/taptalk-sandbox"
[ -x "$sandbox" ] || (cd "$root" && cargo build -q -p taptalk-sandbox) || die "cannot build the sandbox"
start_sandbox() {
  local out="$work/sandbox.out"
  # The previous sandbox's address must not be read before this one truncates the file.
  rm -f "$out"
  "$sandbox" --listen 127.0.0.1:0 --delivery-delay-ms 0 >"$out" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 100); do
    url="$(awk 'NR == 1 { print $NF }' "$out")"
    case "$url" in http://*) return 0 ;; esac
    sleep 0.1
  done
  die "the sandbox did not print its address"
}
stop_sandbox() { kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; sandbox_pid=""; }
# run_program PROGRAM: against a fresh sandbox, under memcheck when available.
run_program() {
  start_sandbox
  local status=0
  if [ "$use_valgrind" -eq 1 ]; then
    valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect --quiet "$1" "$url" || status=$?
  else
    "$1" "$url" || status=$?
  fi
  stop_sandbox
  return "$status"
}
# Whether PROGRAM depends on any libtaptalk.so at run time.
needs_shared() { readelf -d "$1" | grep -q 'NEEDED.*libtaptalk'; }
static_program_ok() { ! needs_shared "$1" && run_program "$1"; }

# --- Build and install --------------------------------------------------------------------
build="$work/build"
prefix="$work/prefix"
step "cmake configure + build (cargo profile $profile)" \
  bash -c "cmake -S '$root' -B '$build' -DTAPTALK_CARGO_PROFILE='$profile' && cmake --build '$build'"
step "cmake --install --prefix" cmake --install "$build" --prefix "$prefix"
step "DESTDIR=stage cmake --install --prefix /usr/local" \
  bash -c "DESTDIR='$work/stage' cmake --install '$build' --prefix /usr/local &&
           test -f '$work/stage/usr/local/include/taptalk.h' &&
           grep -qx 'prefix=/usr/local' '$work/stage/usr/local/lib/pkgconfig/taptalk.pc'"
step "static-only install (components dev + static)" \
  bash -c "cmake --install '$build' --prefix '$work/static' --component dev &&
           cmake --install '$build' --prefix '$work/static' --component static &&
           ! ls '$work/static/lib/'libtaptalk.so* 2>/dev/null"
step "PREFIX=... cmake -B (no --prefix) installs there" \
  bash -c "PREFIX='$work/env-prefix' cmake -S '$root' -B '$work/build-env' -DTAPTALK_CARGO_PROFILE='$profile' &&
           cmake --build '$work/build-env' && cmake --install '$work/build-env' &&
           ls '$work/env-prefix/lib/'libtaptalk.so.*.*.* >/dev/null &&
           grep -qx 'prefix=$work/env-prefix' '$work/env-prefix/lib/pkgconfig/taptalk.pc'"
[ -f "$prefix/include/taptalk.h" ] || die "nothing was installed"

lib="$prefix/lib"
version="$(awk '$2 == "TAPTALK_VERSION_STRING" { gsub(/"/, "", $3); print $3 }' "$prefix/include/taptalk.h")"
abi="$(awk '$2 == "TT_ABI_VERSION" { print $3 }' "$prefix/include/taptalk.h")"
echo "     installed taptalk $version, TT_ABI_VERSION $abi:"
(cd "$prefix" && find . -mindepth 1 | sort | while read -r f; do
  if [ -L "$f" ]; then echo "       $f -> $(readlink "$f")"; else echo "       $f"; fi
done)
step "install tree: .so.$version, links, .a, headers, .pc, CMake package" bash -c "
  test -f '$lib/libtaptalk.so.$version' && ! test -L '$lib/libtaptalk.so.$version' &&
  test \"\$(readlink '$lib/libtaptalk.so.$abi')\" = libtaptalk.so.$version &&
  test \"\$(readlink '$lib/libtaptalk.so')\" = libtaptalk.so.$abi &&
  test -f '$lib/libtaptalk.a' && test -f '$prefix/include/taptalk.h' && test -f '$prefix/include/taptalk.hpp' &&
  test -f '$lib/pkgconfig/taptalk.pc' && test -f '$lib/cmake/taptalk/taptalkConfig.cmake' &&
  test -f '$lib/cmake/taptalk/taptalkConfigVersion.cmake'"
soname="$(readelf -d "$lib/libtaptalk.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
echo "     SONAME: $soname"
step "SONAME is libtaptalk.so.<TT_ABI_VERSION> and that file is installed" \
  bash -c "test '$soname' = 'libtaptalk.so.$abi' && test -e '$lib/$soname'"
nm -D --defined-only "$lib/libtaptalk.so.$version" | awk '{ print $3 }' | sort >"$work/exports"
grep -E '^[A-Za-z]' "$prefix/include/taptalk.h" | grep -oE '\btt_[a-z0-9_]+\(' | tr -d '(' | sort -u >"$work/declared"
echo "     exports: $(tr '\n' ' ' <"$work/exports")"
step "nm -D --defined-only lists only tt_* functions" bash -c "test -s '$work/exports' && ! grep -v '^tt_' '$work/exports'"
step "the exports are exactly the header's functions" diff "$work/declared" "$work/exports"
step "ABI matches the committed baseline (scripts/abi-check.sh)" \
  bash "$root/scripts/abi-check.sh" "$lib/libtaptalk.so.$version"

# --- The header in every language mode ----------------------------------------------------
cat >"$work/header.c" <<'EOF'
#include <taptalk.h>
#if TAPTALK_VERSION_NUMBER != TAPTALK_VERSION_MAJOR * 10000 + TAPTALK_VERSION_MINOR * 100 + TAPTALK_VERSION_PATCH
#error "version macros disagree"
#endif
int main(void) { return tt_abi_version() == TT_ABI_VERSION && TAPTALK_VERSION_STRING[0] ? 0 : 1; }
EOF
cp "$work/header.c" "$work/header.cpp"
printf '#include <taptalk.hpp>\nint main() { return taptalk::abi_compatible() ? 0 : 1; }\n' >"$work/hpp.cpp"
flags=(-Wall -Wextra -Werror -pedantic -I "$prefix/include" -fsyntax-only)
for std in c99 c11; do step "taptalk.h compiles as $std -Wall -Wextra -Werror -pedantic" gcc -std=$std "${flags[@]}" "$work/header.c"; done
for std in c++11 c++17; do step "taptalk.h compiles as $std -Wall -Wextra -Werror -pedantic" g++ -std=$std "${flags[@]}" "$work/header.cpp"; done
step "taptalk.hpp compiles as c++17 -Wall -Wextra -Werror -pedantic" g++ -std=c++17 "${flags[@]}" "$work/hpp.cpp"
step "taptalk.hpp compiles as c++17 with -fno-exceptions" g++ -std=c++17 -fno-exceptions "${flags[@]}" "$work/hpp.cpp"

# --- Consumers outside the tree, knowing only the prefix ----------------------------------
consumers="$work/consumers"
mkdir -p "$consumers"
cp "$root/tests/packaging/consumer.c" "$consumers/"
cp -r "$root/tests/packaging/cmake-shared" "$root/tests/packaging/cmake-static" "$consumers/"
cp "$root/tests/packaging/consumer.c" "$consumers/cmake-shared/"
cp "$root/tests/packaging/consumer.c" "$consumers/cmake-static/"
cp "$root/examples/cpp/send_all.cpp" "$consumers/"
cd "$consumers" || die "no consumers directory"

pc() { PKG_CONFIG_PATH="$1/lib/pkgconfig" pkg-config "${@:2}"; }
echo "     pkg-config --cflags --libs taptalk:          $(pc "$prefix" --cflags --libs taptalk)"
echo "     pkg-config --static --cflags --libs taptalk: $(pc "$prefix" --static --cflags --libs taptalk)"
step "C via pkg-config: build" bash -c "gcc -std=c99 -Wall -Wextra -Werror -pedantic -g consumer.c -o pc-shared \
  $(pc "$prefix" --cflags --libs taptalk) -Wl,-rpath,$(pc "$prefix" --variable=libdir taptalk)"
step "C via pkg-config: needs $soname, runs against the sandbox$([ $use_valgrind = 1 ] && echo ' under valgrind')" \
  eval "readelf -d pc-shared | grep -q 'NEEDED.*\[$soname\]' && run_program ./pc-shared"
step "C via pkg-config --static (static-only prefix): build" bash -c "gcc -std=c11 -Wall -Wextra -Werror -pedantic -g consumer.c -o pc-static \
  $(pc "$work/static" --static --cflags --libs taptalk)"
step "C via pkg-config --static: no libtaptalk.so needed, runs against the sandbox" \
  eval "static_program_ok ./pc-static"
step "C with libtaptalk.a beside the .so (README's static line): build" bash -c "gcc -std=c99 -g consumer.c -o pc-archive \
  $(pc "$prefix" --cflags taptalk) $(pc "$prefix" --variable=libdir taptalk)/libtaptalk.a $(pc "$prefix" --variable=native_static_libs taptalk)"
step "C with libtaptalk.a beside the .so: no libtaptalk.so needed, runs" \
  eval "use_valgrind=0 static_program_ok ./pc-archive"

for kind in shared static; do
  step "CMake find_package + taptalk::taptalk$([ $kind = static ] && echo _static): configure and build" \
    bash -c "cmake -S cmake-$kind -B cmake-$kind/build -DCMAKE_PREFIX_PATH='$prefix' -DCMAKE_BUILD_TYPE=Debug &&
             cmake --build cmake-$kind/build"
done
step "CMake taptalk::taptalk: runs against the sandbox" \
  eval "needs_shared cmake-shared/build/consumer && run_program cmake-shared/build/consumer"
step "CMake taptalk::taptalk_static: no libtaptalk.so needed, runs against the sandbox" \
  eval "static_program_ok cmake-static/build/consumer"

step "C++ example: g++ -std=c++17 -Wall -Wextra -Werror via pkg-config" bash -c "g++ -std=c++17 -Wall -Wextra -Werror -g send_all.cpp -o send_all \
  $(pc "$prefix" --cflags --libs taptalk) -Wl,-rpath,$(pc "$prefix" --variable=libdir taptalk)"
step "C++ example: every operation against the sandbox$([ $use_valgrind = 1 ] && echo ' under valgrind')" \
  eval "run_program ./send_all"

# taptalk.hpp's operations are exactly the library's own table (tt_operations()).
cp "$root/tests/packaging/cpp/"*.cpp "$consumers/"
cxx=(g++ -std=c++17 -Wall -Wextra -Werror -pedantic -g)
step "C++: taptalk.hpp has a method for exactly the operations of tt_operations()" bash -c "
  ${cxx[*]} operations.cpp -o operations $(pc "$prefix" --cflags --libs taptalk) -Wl,-rpath,$(pc "$prefix" --variable=libdir taptalk) &&
  ./operations"
# Issue 23 item 2: a reference bound to throw_if_error() on a temporary dangled. The fixed
# pattern, built with ASan and UBSan, runs against the sandbox without a report.
step "C++: reply_lifetime.cpp (a reference bound to throw_if_error() on a temporary) builds with ASan + UBSan" bash -c "
  ${cxx[*]} -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all reply_lifetime.cpp -o reply_lifetime \
    $(pc "$prefix" --cflags --libs taptalk) -Wl,-rpath,$(pc "$prefix" --variable=libdir taptalk)"
step "C++: reply_lifetime runs clean under ASan + UBSan against the sandbox" \
  eval "ASAN_OPTIONS=detect_stack_use_after_return=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        use_valgrind=0 run_program ./reply_lifetime"
# Issue 19: taptalk::Cancel, the calls that take it and the std::future calls, against a
# fresh sandbox, plain (under valgrind when present) and with ASan + UBSan.
step "C++: cancel.cpp (taptalk::Cancel, call_async, call_many) builds" bash -c "
  ${cxx[*]} cancel.cpp -o cancel -pthread $(pc "$prefix" --cflags --libs taptalk) -Wl,-rpath,$(pc "$prefix" --variable=libdir taptalk)"
step "C++: cancelled calls answer 91012 / 91010, nothing sent twice$([ $use_valgrind = 1 ] && echo ' (valgrind)')" \
  eval "run_program ./cancel"
step "C++: cancel.cpp builds with ASan + UBSan" bash -c "
  ${cxx[*]} -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all cancel.cpp -o cancel-asan -pthread \
    $(pc "$prefix" --cflags --libs taptalk) -Wl,-rpath,$(pc "$prefix" --variable=libdir taptalk)"
step "C++: cancel runs clean under ASan + UBSan against the sandbox" \
  eval "ASAN_OPTIONS=detect_stack_use_after_return=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        use_valgrind=0 run_program ./cancel-asan"
# A snippet that must NOT compile: value() on a named reply, stopped with a message that says
# what to write; the control (the same code written that way) compiles.
step "C++: value() on a named reply does not compile, and says why" bash -c "
  ! ${cxx[*]} -fsyntax-only $(pc "$prefix" --cflags taptalk) value_on_lvalue.cpp 2>value_on_lvalue.err &&
  grep -q 'taptalk::Reply::value() consumes the reply: call it on the temporary' value_on_lvalue.err &&
  ${cxx[*]} -fsyntax-only -DTAPTALK_CONTROL $(pc "$prefix" --cflags taptalk) value_on_lvalue.cpp"

# The guides' first programs compile as shown against the installed prefix (they need a real
# key to run; scripts/test-docs.sh compiles every snippet against the tree as well).
awk '/^\/\* hello.c \*\//, /^```$/' "$root/docs/src/c.md" | grep -v '^```' >hello.c
awk '/^\/\/ hello.cpp/, /^```$/' "$root/docs/src/cpp.md" | grep -v '^```' >hello.cpp
step "the guides' hello.c and hello.cpp compile and link (-Wall -Wextra -Werror -pedantic)" bash -c "
  test -s hello.c && test -s hello.cpp &&
  gcc -std=c99 -Wall -Wextra -Werror -pedantic hello.c -o hello-c $(pc "$prefix" --cflags --libs taptalk) &&
  g++ -std=c++17 -Wall -Wextra -Werror -pedantic hello.cpp -o hello-cpp $(pc "$prefix" --cflags --libs taptalk)"

# The CMake consumer example (examples/cpp-cmake) as a user builds it: find_package and
# taptalk::taptalk, no standard of its own. Configured with C++11 on purpose: the target's
# cxx_std_17 must raise it, or taptalk.hpp would not compile.
cp -r "$root/examples/cpp-cmake" cpp-cmake
step "examples/cpp-cmake: find_package, CMAKE_CXX_STANDARD=11 raised to 17 by taptalk::taptalk, builds" \
  bash -c "cmake -S cpp-cmake -B cpp-cmake/build -DCMAKE_PREFIX_PATH='$prefix' -DCMAKE_CXX_STANDARD=11 \
             -DCMAKE_CXX_FLAGS='-Wall -Wextra -Werror' && cmake --build cpp-cmake/build"
printf '#!/bin/sh\nexec "%s/cpp-cmake/build/send_whatsapp" 6281212345678 "$1"\n' "$consumers" >send_whatsapp.sh
chmod +x send_whatsapp.sh
step "examples/cpp-cmake: sends one message to the sandbox" eval "use_valgrind=0 run_program ./send_whatsapp.sh"

# libtaptalk.a beside another Rust staticlib made by the same rustc (README: what clashes).
printf '#[no_mangle]\npub extern "C" fn other_answer() -> i32 { vec![1, 2, 3].iter().sum() }\n' >other.rs
printf '#include <stdio.h>\n#include <string.h>\n#include <taptalk.h>\nint other_answer(void);\nint main(void) {\n  char *r = tt_reply_get("{\\"a\\":[6]}", "/a/0");\n  int ok = r && atoi(r) == other_answer() && strcmp(tt_version(), TAPTALK_VERSION_STRING) == 0;\n  tt_string_free(r);\n  puts(ok ? "two staticlibs: ok" : "two staticlibs: wrong");\n  return !ok;\n}\n' >both.c
sed -i 's/#include <string.h>/#include <stdlib.h>\n#include <string.h>/' both.c
step "libtaptalk.a and another Rust staticlib (same rustc) link into one program and run" bash -c "
  rustc --crate-type staticlib -C panic=unwind -o libother.a other.rs &&
  gcc -std=c99 -Wall -Wextra -Werror both.c -o both $(pc "$prefix" --cflags taptalk) '$lib/libtaptalk.a' libother.a \
    $(pc "$prefix" --variable=native_static_libs taptalk) && ./both"

# A project that vendors the checkout: add_subdirectory(), both targets, no install.
mkdir -p subdir
cp consumer.c subdir/
cat >subdir/CMakeLists.txt <<EOF
cmake_minimum_required(VERSION 3.16)
project(taptalk_vendored LANGUAGES C)
set(TAPTALK_CARGO_PROFILE $profile CACHE STRING "")
add_subdirectory("$root" taptalk)
add_executable(consumer_shared consumer.c)
target_link_libraries(consumer_shared PRIVATE taptalk::taptalk)
add_executable(consumer_static consumer.c)
target_link_libraries(consumer_static PRIVATE taptalk::taptalk_static)
EOF
step "add_subdirectory(checkout): configure and build both targets" \
  bash -c "cmake -S subdir -B subdir/build && cmake --build subdir/build"
step "add_subdirectory: the shared and static programs run against the sandbox" \
  eval "needs_shared subdir/build/consumer_shared && use_valgrind=0 run_program subdir/build/consumer_shared &&
        use_valgrind=0 static_program_ok subdir/build/consumer_static"

echo "c-packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
