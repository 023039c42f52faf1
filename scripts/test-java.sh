#!/usr/bin/env bash
# The Java binding's tests (bindings/java): javac + the JUnit 5 console from Debian's packages
# (openjdk-17-jdk-headless, junit5), against libtaptalk built with the `jni` feature and the
# sandbox binary. Runs under -Xcheck:jni; any warning it prints (a local-reference overflow,
# a JNI call with an exception pending) counts as a failure. Ends with "java: N passed, M failed".
#
# TAPTALK_JAVA_LEAK_CALLS sets the leak check's call count (default 100000, the issue's).
set -euo pipefail
cd "$(dirname "$0")/.."
junit=/usr/share/java/junit-platform-console-standalone.jar
if ! command -v javac >/dev/null || [ ! -f "$junit" ]; then
  echo "java: needs javac and $junit (apt-get install openjdk-17-jdk-headless junit5)" >&2
  echo "java: 0 passed, 1 failed"
  exit 1
fi

# TAPTALK_JAVA_LIB: run the suite against that prebuilt library instead (scripts/test-mobile-build.sh
# uses it for the mobile build); the label then says so.
label=java
if [ -n "${TAPTALK_JAVA_LIB:-}" ]; then
  lib="$(realpath "$TAPTALK_JAVA_LIB")"
  label="${TAPTALK_JAVA_LABEL:-java ($TAPTALK_JAVA_LIB)}"
else
  cargo build --features jni --lib
  # The JNI layer's own unit tests (panic -> 90004, the reply's parts).
  cargo test --features jni --lib jni::
  lib="$PWD/target/debug/libtaptalk.so"
fi
cargo build -p taptalk-sandbox --bin taptalk-sandbox
out=bindings/java/build
rm -rf "$out" && mkdir -p "$out/classes" "$out/test-classes"
# Java 8 language level and API, so the same sources build for Android.
javac --release 8 -Xlint:all -Werror -d "$out/classes" $(find bindings/java/src/main/java -name '*.java')
(cd "$out/classes" && jar cf ../taptalk.jar .)
javac -Xlint:all -d "$out/test-classes" -cp "$out/classes:$junit" $(find bindings/java/src/test/java -name '*.java')
# A test-only JNI library that calls libtaptalk from threads the JVM does not know
# (NativeThreadTest); the JDK's own headers.
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
gcc -std=c11 -Wall -Wextra -Werror -shared -fPIC -I include -I "$java_home/include" \
  -I "$java_home/include/linux" bindings/java/src/test/native/native_threads.c -o "$out/libnative_threads.so" -ldl -lpthread

log="$out/junit.log"
set +e
# The heap is fixed and touched up front, so RSS growth in the leak check is native growth.
java -Xcheck:jni -Xms64m -Xmx64m -XX:+AlwaysPreTouch \
  -Dtaptalk.library.path="$lib" \
  -Dtaptalk.sandbox="$PWD/target/debug/taptalk-sandbox" \
  -Dtaptalk.leak.calls="${TAPTALK_JAVA_LEAK_CALLS:-100000}" \
  -Dtaptalk.test.native="$PWD/$out/libnative_threads.so" \
  -jar "$junit" --disable-banner --details=tree \
  --class-path "$out/classes:$out/test-classes" --select-package io.taptalk.sdk 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -oE '[0-9]+ tests successful' "$log" | awk '{print $1}' | tail -1)
failed=$(grep -oE '[0-9]+ tests failed' "$log" | awk '{print $1}' | tail -1)
passed=${passed:-0}
failed=${failed:-0}
if grep -qE 'WARNING in native method|JNI local refs' "$log"; then
  echo "$label: -Xcheck:jni reported a problem (see above)"
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$label: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
