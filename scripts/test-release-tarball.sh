# The C/C++ tarball proofs of scripts/test-release.sh (sourced there: uses its step, work,
# url, version, abi, dist, root and helpers). A tarball is unpacked, then moved to another
# directory, so nothing in it may depend on where it was built or first unpacked; every
# consumer knows only that directory, through pkg-config or CMake's find_package.

# run_on ARCH PROGRAM ARGS...: natively, or under qemu-aarch64 with Debian's arm64 sysroot.
run_on() {
  local arch="$1"
  shift
  if [ "$arch" = aarch64 ]; then
    qemu-aarch64 -L /usr/aarch64-linux-gnu "$@"
  else
    "$@"
  fi
}
# For the `bash -c` bodies of the steps below.
export -f run_on

# Defined symbols named tt_*, read with readelf (which reads any architecture).
tarball_exports_are_the_header() {
  readelf --dyn-syms -W "$1" | awk '$7 != "UND" && $8 ~ /^tt_/ { sub(/@.*/, "", $8); print $8 }' |
    sort | diff "$work/declared" -
}

prove_tarball() {
  local arch="$1" cc=gcc cmake_cross=() tag="linux-$1"
  if [ "$arch" = aarch64 ]; then
    cc=aarch64-linux-gnu-gcc
    cmake_cross=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 -DCMAKE_C_COMPILER=aarch64-linux-gnu-gcc)
  fi
  local base="$work/tarball-$arch" name="taptalk-$version-$tag"
  mkdir -p "$base/unpacked" "$base/moved"
  tar -C "$base/unpacked" -xzf "$dist/$name.tar.gz" || { step "$name.tar.gz unpacks" false; return; }
  mv "$base/unpacked/$name" "$base/moved/taptalk"
  local prefix="$base/moved/taptalk" lib="$base/moved/taptalk/lib"
  local so="$lib/libtaptalk.so.$version"
  local runner="" && [ "$arch" = aarch64 ] && runner=" under qemu-aarch64"

  step "$tag tarball: lib/libtaptalk.so.$version, its links, SONAME libtaptalk.so.$abi, .a, headers, .pc, CMake files" bash -c "
    test -f '$so' && ! test -L '$so' &&
    test \"\$(readlink '$lib/libtaptalk.so.$abi')\" = libtaptalk.so.$version &&
    test \"\$(readlink '$lib/libtaptalk.so')\" = libtaptalk.so.$abi &&
    readelf -d '$so' | grep -q 'Library soname: \[libtaptalk.so.$abi\]' &&
    test -f '$lib/libtaptalk.a' && test -f '$prefix/include/taptalk.h' && test -f '$prefix/include/taptalk.hpp' &&
    grep -qx 'prefix=\${pcfiledir}/../..' '$lib/pkgconfig/taptalk.pc' &&
    test -f '$lib/cmake/taptalk/taptalkConfig.cmake' && test -f '$lib/cmake/taptalk/taptalkConfigVersion.cmake' &&
    readelf -h '$so' | grep -q 'Machine:.*$([ "$arch" = aarch64 ] && echo AArch64 || echo X86-64)'"
  step "$tag tarball: the library exports exactly the header's tt_* functions" tarball_exports_are_the_header "$so"
  step "$tag tarball: no glibc symbol newer than 2.17" glibc_at_most_2_17 "$so"

  local out="$base/programs"
  mkdir -p "$out"
  cp -r "$root/tests/packaging/cmake-shared" "$root/tests/packaging/cmake-static" "$out/"
  cp "$root/tests/packaging/consumer.c" "$out/cmake-shared/"
  cp "$root/tests/packaging/consumer.c" "$out/cmake-static/"
  local pc="PKG_CONFIG_PATH=$lib/pkgconfig"
  fresh_sandbox
  step "$tag: C via pkg-config --cflags --libs ($cc) links libtaptalk.so.$abi and runs$runner" bash -c "
    $cc -std=c99 -Wall -Wextra -Werror -pedantic '$root/tests/packaging/consumer.c' -o '$out/pc-shared' \
      \$($pc pkg-config --cflags --libs taptalk) -Wl,-rpath,\$($pc pkg-config --variable=libdir taptalk) &&
    readelf -d '$out/pc-shared' | grep -q 'NEEDED.*\[libtaptalk.so.$abi\]' &&
    run_on $arch '$out/pc-shared' '$url'"
  fresh_sandbox
  step "$tag: C with libtaptalk.a and the .pc's native_static_libs needs no .so and runs$runner" bash -c "
    $cc -std=c11 -Wall -Wextra -Werror -pedantic '$root/tests/packaging/consumer.c' -o '$out/pc-static' \
      \$($pc pkg-config --cflags taptalk) '$lib/libtaptalk.a' \$($pc pkg-config --variable=native_static_libs taptalk) &&
    ! readelf -d '$out/pc-static' | grep -q 'NEEDED.*libtaptalk' &&
    run_on $arch '$out/pc-static' '$url'"
  local kind
  for kind in shared static; do
    fresh_sandbox
    step "$tag: CMake find_package + taptalk::taptalk$([ $kind = static ] && echo _static) builds and runs$runner" bash -c "
      cmake -S '$out/cmake-$kind' -B '$out/cmake-$kind/build' -DCMAKE_PREFIX_PATH='$prefix' \
        -DCMAKE_BUILD_TYPE=Release ${cmake_cross[*]} >/dev/null &&
      cmake --build '$out/cmake-$kind/build' &&
      if [ $kind = shared ]; then readelf -d '$out/cmake-$kind/build/consumer' | grep -q 'NEEDED.*libtaptalk.so.$abi';
      else ! readelf -d '$out/cmake-$kind/build/consumer' | grep -q 'NEEDED.*libtaptalk'; fi &&
      run_on $arch '$out/cmake-$kind/build/consumer' '$url'"
  done
  # tests/c/panic_inside.c makes libc's clock fail so that std panics inside the library: the
  # zig-linked library must unwind to its C boundary and answer 90004.
  step "$tag: a panic inside libtaptalk.so.$version is caught and answered 90004$runner" bash -c "
    $cc -std=c99 -Wall -Wextra -Werror '$root/tests/c/panic_inside.c' -o '$out/panic_inside' \
      \$($pc pkg-config --cflags --libs taptalk) -Wl,-rpath,'$lib' -ldl &&
    run_on $arch '$out/panic_inside'"
  if [ "$arch" = x86_64 ]; then
    fresh_sandbox
    step "$tag: the C++ example (every operation) via pkg-config, g++ -std=c++17 -Werror, runs" bash -c "
      g++ -std=c++17 -Wall -Wextra -Werror '$root/examples/cpp/send_all.cpp' -o '$out/send_all' \
        \$($pc pkg-config --cflags --libs taptalk) -Wl,-rpath,'$lib' && '$out/send_all' '$url'"
  fi
}
