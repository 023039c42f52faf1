//! Generates the C header from `src/ffi.rs` with cbindgen.
//!
//! The header is written to `$OUT_DIR/taptalk.h` on every build; the committed copy in
//! `include/` is only replaced when `TAPTALK_BLESS_HEADER` is set, so that a test can catch a
//! committed header that no longer matches the code (tests/header.rs).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi.rs");
    println!("cargo:rerun-if-changed=src/ffi_cursor.rs");
    println!("cargo:rerun-if-changed=src/ffi_request.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=TAPTALK_BLESS_HEADER");

    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("taptalk.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    let bindings = cbindgen::Builder::new()
        // Only the FFI module: the Rust API's constants and types stay out of the C header.
        .with_src(crate_dir.join("src").join("ffi.rs"))
        // The case cursor and raw requests keep their exports in files of their own.
        .with_src(crate_dir.join("src").join("ffi_cursor.rs"))
        .with_src(crate_dir.join("src").join("ffi_request.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen could not parse src/ffi.rs");
    bindings.write_to_file(&out);
    if env::var_os("TAPTALK_BLESS_HEADER").is_some() {
        bindings.write_to_file(crate_dir.join("include").join("taptalk.h"));
    }
}
