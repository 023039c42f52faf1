#!/usr/bin/env bash
# Builds bindings/swift/TapTalk.xcframework: static libtaptalk.a for iOS devices
# (aarch64-apple-ios), the iOS simulator (aarch64-apple-ios-sim + x86_64-apple-ios, joined
# with lipo) and macOS (aarch64-apple-darwin + x86_64-apple-darwin, joined with lipo), each
# with include/taptalk.h and a module map declaring the CTapTalk module, which Package.swift
# then uses as a binary target.
#
# NOT runnable on this project's machines: it needs macOS with Xcode (xcodebuild, lipo) and
# the Apple Rust targets. Nothing here has been run; the script is written to be run on a Mac.
#
# With the mobile profile it uses the size flags of scripts/mobile-flags.sh, as
# scripts/build-mobile.sh (measured on Linux) and scripts/build-android.sh do: with a nightly
# toolchain and rust-src, std rebuilt from source (no Apple targets to add), else the stable
# recipe (said on stderr), and the `mobile` feature (dependencies' log statements compiled out).
#
# Usage: bash scripts/build-xcframework.sh    (profile: mobile; PROFILE=release to change)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }
profile="${PROFILE:-mobile}"
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
toolchain=
cargo_z=()
features=()
if [ "$profile" = mobile ]; then
  # shellcheck source=scripts/mobile-flags.sh
  . scripts/mobile-flags.sh
  mobile_flags
  toolchain="$MOBILE_TOOLCHAIN"
  cargo_z=(${MOBILE_CARGO_Z[@]+"${MOBILE_CARGO_Z[@]}"})
  # No bundled roots: phones trust the OS's store (tls.verifier "platform", registered by the
  # Swift wrapper), as scripts/build-mobile.sh.
  features=(--no-default-features --features mobile)
  [ -z "$MOBILE_RUSTFLAGS" ] || export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$MOBILE_RUSTFLAGS"
fi
[ -n "$toolchain" ] || rustup target add "${targets[@]}"
export IPHONEOS_DEPLOYMENT_TARGET=13.0 MACOSX_DEPLOYMENT_TARGET=10.15
for target in "${targets[@]}"; do
  cargo $toolchain build ${cargo_z[@]+"${cargo_z[@]}"} --profile "$profile" --lib --target "$target" \
    ${features[@]+"${features[@]}"}
done

work=target/xcframework
out=bindings/swift/TapTalk.xcframework
rm -rf "$work" "$out"
mkdir -p "$work/headers" "$work/ios" "$work/ios-sim" "$work/macos"
cp include/taptalk.h "$work/headers/"
# Inside the framework the header sits next to the map; the library is linked by the binary
# target itself, so no `link` line.
cat > "$work/headers/module.modulemap" <<'MAP'
module CTapTalk [system] {
    header "taptalk.h"
    export *
}
MAP
lib() { echo "target/$1/$profile/libtaptalk.a"; }
cp "$(lib aarch64-apple-ios)" "$work/ios/libtaptalk.a"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-sim/libtaptalk.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libtaptalk.a"

xcodebuild -create-xcframework \
  -library "$work/ios/libtaptalk.a" -headers "$work/headers" \
  -library "$work/ios-sim/libtaptalk.a" -headers "$work/headers" \
  -library "$work/macos/libtaptalk.a" -headers "$work/headers" \
  -output "$out"
# Xcode strips unreferenced symbols of a static library from release apps; the Swift wrapper
# references every tt_* function it uses, so they stay. Apps calling the C API directly from
# other languages (e.g. dart:ffi) must keep theirs referenced.
echo "built $out"
