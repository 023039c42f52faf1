# The jar proofs of scripts/test-release.sh (sourced there: uses its step, work, url,
# version, dist, unpacked and helpers). tests/release/JarProbe.java is compiled against the
# jar and run with the jar alone on the classpath: no java.library.path, no
# taptalk.library.path, no TAPTALK_LIBRARY unless a step sets it on purpose.

# Exactly the header's tt_* exports plus the JNI entry points, for an x86_64 or aarch64 file.
jar_library_ok() {
  local lib="$1" machine="$2"
  readelf -h "$lib" | grep -q "Machine:.*$machine" || { echo "$lib is not $machine"; return 1; }
  tarball_exports_are_the_header "$lib" || return 1
  local jni
  jni="$(readelf --dyn-syms -W "$lib" | awk '$7 != "UND" && $8 ~ /^Java_io_taptalk_sdk_/' | wc -l)"
  echo "$jni Java_io_taptalk_sdk_* entry points"
  [ "$jni" -gt 0 ] && glibc_at_most_2_17 "$lib"
}

prove_jar() {
  local inside="$unpacked/taptalk-$version.jar/io/taptalk/sdk/native"
  step "jar: linux-x86_64/libtaptalk.so is x86-64 with the JNI and tt_* entry points, glibc <= 2.17" \
    jar_library_ok "$inside/linux-x86_64/libtaptalk.so" X86-64
  step "jar: linux-aarch64/libtaptalk.so is AArch64 with the JNI and tt_* entry points, glibc <= 2.17" \
    jar_library_ok "$inside/linux-aarch64/libtaptalk.so" AArch64
  local sources="$unpacked/taptalk-$version-sources.jar" javadoc="$unpacked/taptalk-$version-javadoc.jar"
  step "sources jar has the Java sources, javadoc jar the API pages" bash -c "
    diff <(cd '$root/bindings/java/src/main/java' && find . -name '*.java' | sort) \
         <(cd '$sources' && find . -name '*.java' | sort) &&
    test -f '$javadoc/index.html' && grep -q 'TapTalkClient' '$javadoc/io/taptalk/sdk/TapTalkClient.html'"

  local probe="$work/jar-probe" tmp="$work/jar-tmp"
  mkdir -p "$probe" "$tmp"
  local sha copy
  sha="$(sha256sum "$inside/linux-x86_64/libtaptalk.so" | cut -d' ' -f1)"
  copy="$tmp/libtaptalk-$sha.so"
  step "JarProbe.java compiles against the jar alone" \
    javac --release 8 -Xlint:all -Werror -cp "$jar" -d "$probe" "$root/tests/release/JarProbe.java"
  local from_jar="jar:/io/taptalk/sdk/native/linux-x86_64/libtaptalk.so as $copy"
  step "java -cp taptalk-$version.jar: loads its linux-x86_64 library from a copy named by its SHA-256, sends" \
    first_jar_run "$from_jar" "$copy" "$sha"
  local before
  before="$(stat -c '%i %Y' "$copy" 2>/dev/null)"
  step "a second run reuses that copy (same file, not rewritten)" reused_jar_run "$from_jar" "$copy" "$before"
  step "an altered copy is never loaded: it is replaced by the jar's and the run sends" \
    altered_jar_run "$from_jar" "$copy" "$sha"
  step "a copy others may write is not trusted: replaced by one only its owner can write" \
    shared_jar_run "$from_jar" "$copy"
  cp "$copy" "$work/explicit-libtaptalk.so"
  step "TAPTALK_LIBRARY still wins over the jar's library" \
    env TAPTALK_LIBRARY="$work/explicit-libtaptalk.so" bash -c \
      'java -Djava.io.tmpdir="$1" -cp "$2" JarProbe "$3" | grep -qxF "source: $TAPTALK_LIBRARY"' \
      _ "$tmp" "$jar:$probe" "$url"
  step "taptalk.library.path still wins: a wrong one fails, naming it, instead of falling back to the jar" \
    wrong_explicit_path "$work/none/libtaptalk.so"
}

# java.io.tmpdir is the JVM's own setting, pointed at an empty directory to watch the copy.
jar_run() { env -u TAPTALK_LIBRARY java -Djava.io.tmpdir="$work/jar-tmp" -cp "$jar:$work/jar-probe" "$@" JarProbe "$url"; }
# expect_run WANT_SOURCE [JAVA OPTIONS]: the run sends, and names WANT_SOURCE as the library.
expect_run() {
  local want="$1" output
  shift
  output="$(jar_run "$@" 2>&1)" || { echo "$output"; return 1; }
  echo "$output"
  echo "$output" | grep -qxF "source: $want" && echo "$output" | grep -q '^data: .*"success":true'
}
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
first_jar_run() { expect_run "$1" && [ "$(sha_of "$2")" = "$3" ] && [ "$(stat -c %a "$2")" = 600 ]; }
reused_jar_run() { expect_run "$1" && [ "$(stat -c '%i %Y' "$2")" = "$3" ]; }
altered_jar_run() { printf 'not a library' >"$2" && expect_run "$1" && [ "$(sha_of "$2")" = "$3" ]; }
shared_jar_run() { chmod 666 "$2" && expect_run "$1" && [ "$(stat -c %a "$2")" = 600 ]; }
wrong_explicit_path() {
  local output
  if output="$(jar_run -Dtaptalk.library.path="$1" 2>&1)"; then
    echo "the run succeeded: $output"
    return 1
  fi
  echo "$output"
  echo "$output" | grep -qF "could not load libtaptalk from system property taptalk.library.path ($1)"
}
