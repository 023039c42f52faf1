//! Generates the C header with cbindgen from the C layer (`src/ffi/*.rs`) and the error
//! codes (`src/envelope/codes.rs`, emitted as the `TT_ERR_*` constants).
//!
//! The header is written to `$OUT_DIR/taptalk.h` on every build; the committed copy in
//! `include/` is only replaced when `TAPTALK_BLESS_HEADER` is set, so that a test can catch a
//! committed header that no longer matches the code (tests/header.rs).
//!
//! The version macros come from Cargo.toml's `version` here, so the header, `tt_version()`,
//! the installed file names and the CMake/pkg-config versions all read one number.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=src/envelope/codes.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=TAPTALK_BLESS_HEADER");

    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("taptalk.h");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    // Only the C layer (cbindgen follows its `mod` items into src/ffi/) and the codes: the
    // Rust API's constants and types stay out of the header.
    let src = crate_dir.join("src");
    config.after_includes = Some(version_macros());
    let builder = cbindgen::Builder::new()
        .with_src(src.join("ffi").join("mod.rs"))
        .with_src(src.join("envelope").join("codes.rs"));
    let bindings = builder
        .with_config(config)
        .generate()
        .expect("cbindgen could not parse src/ffi/*.rs or src/envelope/codes.rs");
    bindings.write_to_file(&out);
    if env::var_os("TAPTALK_BLESS_HEADER").is_some() {
        bindings.write_to_file(crate_dir.join("include").join("taptalk.h"));
    }
}

/// `TAPTALK_VERSION_*` for the header, from the package version cargo read in Cargo.toml.
fn version_macros() -> String {
    let part = |name: &str| env::var(name).expect("set by cargo");
    let (major, minor, patch) = (
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    );
    let number = |s: &str| s.parse::<u32>().expect("a numeric version part");
    let packed = number(&major) * 10_000 + number(&minor) * 100 + number(&patch);
    format!(
        "\n// The library version this header belongs to (Cargo.toml's `version`); the running\n\
         // library's is `tt_version()`. TAPTALK_VERSION_NUMBER is MAJOR*10000 + MINOR*100 + PATCH,\n\
         // for `#if TAPTALK_VERSION_NUMBER >= 100` style checks.\n\
         #define TAPTALK_VERSION_MAJOR {major}\n\
         #define TAPTALK_VERSION_MINOR {minor}\n\
         #define TAPTALK_VERSION_PATCH {patch}\n\
         #define TAPTALK_VERSION_STRING \"{version}\"\n\
         #define TAPTALK_VERSION_NUMBER {packed}",
        version = part("CARGO_PKG_VERSION"),
    )
}
