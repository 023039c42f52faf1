# shellcheck shell=bash
# The one place the phone builds' size flags live, sourced by scripts/build-mobile.sh (this
# machine, measured), scripts/build-android.sh and scripts/build-xcframework.sh (not runnable
# here). Each step's saving is in the README's "Mobile builds, size" table.
#
# On the `mobile` profile (Cargo.toml) and the `jni`/`mobile` features, the nightly recipe adds:
#   -Z build-std=std,panic_unwind    the standard library rebuilt with the profile and LTO'd
#                                    with the rest; panics still unwind (panic_unwind);
#   -Z build-std-features=panic-unwind,optimize_for_size
#                                    without std's `backtrace` feature: std's backtrace
#                                    symboliser (gimli, addr2line, object, miniz_oxide) is gone;
#                                    a panic is still caught, only RUST_BACKTRACE prints nothing;
#                                    optimize_for_size picks std's smaller algorithms;
#   -Z location-detail=none          no file/line/column in panic messages (the boundary
#                                    answers 90004 and never shows the message anyway);
#   -Z plt=yes                       calls go straight to the function instead of through a GOT
#                                    slot per function (rustc's plt=no default made ~3,000 of
#                                    them); full RELRO and BIND_NOW are kept.
# Without a nightly toolchain with rust-src, the stable recipe has none of these and the
# library is larger (see the README); mobile_flags says so on stderr.
#
# On every recipe, for Linux and Android targets, `mobile_c_flags TRIPLE...` builds ring's C
# code without unwind tables (-6 KB): no Rust frame is ever unwound through it, since ring's C
# calls no Rust and a panic cannot leave an `extern "C"` function; the only cost is that a
# native crash report cannot walk out of a crash inside ring's C code. (Rust's own unwind
# tables stay: catch_unwind needs them.)
#
# After `mobile_flags`:
#   MOBILE_TOOLCHAIN   "+nightly" or "" (the cargo toolchain argument)
#   MOBILE_CARGO_Z     array: the -Z arguments for cargo (empty on stable)
#   MOBILE_RUSTFLAGS   string: extra RUSTFLAGS for every target crate (empty on stable)
#   MOBILE_RECIPE      "nightly build-std" or "stable", for reports
# TAPTALK_MOBILE_STABLE=1 forces the stable recipe (to measure or compare it).

mobile_nightly_usable() {
  [ "${TAPTALK_MOBILE_STABLE:-}" != 1 ] || return 1
  command -v rustup >/dev/null 2>&1 || return 1
  cargo +nightly --version >/dev/null 2>&1 || return 1
  local sysroot
  sysroot="$(rustc +nightly --print sysroot 2>/dev/null)" || return 1
  [ -f "$sysroot/lib/rustlib/src/rust/library/std/Cargo.toml" ]
}

mobile_flags() {
  if mobile_nightly_usable; then
    MOBILE_TOOLCHAIN=+nightly
    MOBILE_CARGO_Z=(-Z build-std=std,panic_unwind -Z build-std-features=panic-unwind,optimize_for_size)
    MOBILE_RUSTFLAGS="-Z location-detail=none -Z plt=yes"
    MOBILE_RECIPE="nightly build-std"
  else
    local why="no nightly toolchain with rust-src (rustup toolchain install nightly --component rust-src)"
    [ "${TAPTALK_MOBILE_STABLE:-}" != 1 ] || why="TAPTALK_MOBILE_STABLE=1"
    mobile_flags_stable "$why"
  fi
}

# The stable recipe, saying on stderr (one line) why it is used and that the result is larger.
mobile_flags_stable() {
  MOBILE_TOOLCHAIN=
  MOBILE_CARGO_Z=()
  MOBILE_RUSTFLAGS=
  MOBILE_RECIPE=stable
  echo "mobile build: $1: falling back to stable; the library will be larger" \
    "(2.03 MiB instead of 1.74 MiB stripped on x86_64 Linux)" >&2
}

# Exports CFLAGS_<triple> (read by the cc crate, so only C compiled for that target) with
# ring's C built without unwind tables; see the top of this file.
mobile_c_flags() {
  local triple var
  for triple in "$@"; do
    var="CFLAGS_${triple//-/_}"
    export "$var=${!var:+${!var} }-fno-asynchronous-unwind-tables -fno-unwind-tables"
  done
}
