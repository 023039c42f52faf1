#!/usr/bin/env bash
# Builds libtaptalk.so (with the JNI entry points) for the four Android ABIs into a jniLibs/
# tree, which the Gradle library module in bindings/java/android packs into an AAR.
#
# NOT run on this project's machines: they have no Android NDK and no Android Rust targets
# (x86_64 Linux only, registries but no NDK download). What it needs:
#   - an Android NDK (r26 or later) at $ANDROID_NDK_HOME;
#   - cargo-ndk (`cargo install cargo-ndk`);
#   - a nightly toolchain with rust-src (rustup toolchain install nightly --component rust-src)
#     for the size flags of scripts/mobile-flags.sh, the same as scripts/build-mobile.sh
#     measures on Linux (std is then built from source: no Android targets to add); without
#     it the stable recipe is used (the rustup targets added below) and the libraries are larger.
#
# Usage: bash scripts/build-android.sh [OUT_DIR]   (default bindings/java/android/src/main/jniLibs)
# Result: OUT_DIR/{arm64-v8a,armeabi-v7a,x86_64,x86}/libtaptalk.so
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bindings/java/android/src/main/jniLibs}"
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to an installed Android NDK (r26 or later)}"
command -v cargo-ndk >/dev/null || { echo "cargo-ndk is missing: cargo install cargo-ndk" >&2; exit 1; }
# shellcheck source=scripts/mobile-flags.sh
. scripts/mobile-flags.sh
mobile_flags
mobile_c_flags aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android
if [ "$MOBILE_RECIPE" = stable ]; then
  rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android
fi

# 16 KB page alignment: required by Google Play for apps targeting Android 15 and later, and
# harmless on 4 KB devices. Packed relocations (Android's APS2 format, loadable from API 23):
# the same saving scripts/build-mobile.sh measures on Linux with DT_RELR; and identical code
# folding (the NDK links with lld).
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,--pack-dyn-relocs=android -C link-arg=-Wl,--icf=all $MOBILE_RUSTFLAGS"
# --platform 23: the module's minSdk. The `mobile` profile (Cargo.toml) is size-optimised and
# keeps panic = "unwind", which the JNI and C boundaries rely on; features as in
# scripts/build-mobile.sh; with nightly, std rebuilt as there (MOBILE_CARGO_Z).
cargo $MOBILE_TOOLCHAIN ndk \
  -t arm64-v8a -t armeabi-v7a -t x86_64 -t x86 \
  --platform 23 \
  -o "$out" \
  build ${MOBILE_CARGO_Z[@]+"${MOBILE_CARGO_Z[@]}"} --profile mobile --lib --no-default-features --features jni,mobile

find "$out" -name libtaptalk.so -exec ls -l {} \;
