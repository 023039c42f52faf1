//! Raw requests (`tt_request`) through the real C ABI: whatever the path, a request that
//! leaves the process goes to the configured host, under its base URL.
//!
//! Input: byte 0 picks the product (modulo 3) and the method (bit 2 set: GET, else POST);
//! the rest up to the first NUL is the path, and after that NUL the JSON (NULs dropped,
//! invalid UTF-8 kept); without a NUL the JSON is NULL.
//!
//! Checked: a well-formed envelope, never a caught panic. Every product points at
//! 127.0.0.1:9, where nothing listens, so a request that went out answers 91002. Its path
//! must then be safe by a reading independent of the library's: it starts with '/', holds
//! only printable ASCII, no "//", '?', '#' or '\', and neither percent-decoding it once nor
//! twice (a server or a proxy that decodes twice) yields a '/' or '\' that was not there, or
//! a "." or ".." segment. A request refused locally answers 40002 naming "path", "query" or
//! "body", 90001 (invalid UTF-8) or 90002 (invalid JSON), and nothing else.
#![no_main]

mod common;

use std::ffi::{c_char, c_void, CString};

use common::*;
use libfuzzer_sys::fuzz_target;

// Declared here (with the client as an opaque pointer) rather than re-exported by the rlib.
extern "C" {
    fn tt_request(
        client: *const c_void,
        product: *const c_char,
        method: *const c_char,
        path: *const c_char,
        json: *const c_char,
        options_json: *const c_char,
    ) -> *mut c_char;
}

const PRODUCTS: [&str; 3] = ["powertalk", "sendtalk", "onetalk"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let product = CString::new(PRODUCTS[usize::from(selector) % 3]).unwrap();
    let method = CString::new(if selector & 4 != 0 { "GET" } else { "POST" }).unwrap();
    let (path, json) = match rest.iter().position(|&b| b == 0) {
        Some(nul) => (&rest[..nul], Some(&rest[nul + 1..])),
        None => (rest, None),
    };
    let path_c = c_string(path);
    let json_c = json.map(c_string);
    // SAFETY: a live client, NUL-terminated strings, NULL json and options allowed.
    let reply = unsafe {
        tt_request(
            client().cast(),
            product.as_ptr(),
            method.as_ptr(),
            path_c.as_ptr(),
            json_c.as_ref().map_or(std::ptr::null(), |j| j.as_ptr()),
            std::ptr::null(),
        )
    };
    let envelope = take_envelope(reply);
    match envelope.code.as_str() {
        "91002" => assert!(
            is_safe_path(path),
            "a request went out with the path {:?}: {envelope:?}",
            String::from_utf8_lossy(path)
        ),
        "40002" => assert!(
            ["path", "query", "body"].contains(&envelope.field.as_str()),
            "{envelope:?}"
        ),
        "90001" | "90002" => {}
        _ => panic!("unexpected answer: {envelope:?}"),
    }
});

fn is_safe_path(path: &[u8]) -> bool {
    if path.first() != Some(&b'/') || !path.iter().all(u8::is_ascii_graphic) {
        return false;
    }
    if contains(path, b"//") || path.iter().any(|b| b"?#\\".contains(b)) {
        return false;
    }
    let once = percent_decode(path);
    let twice = percent_decode(&once);
    let slashes = |p: &[u8]| p.iter().filter(|&&b| b == b'/' || b == b'\\').count();
    let raw_slashes = slashes(path);
    [path, &once, &twice].iter().all(|form| {
        slashes(form) == raw_slashes
            && !form
                .split(|&b| b == b'/')
                .any(|segment| segment == b"." || segment == b"..")
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// One round of percent-decoding; a '%' not followed by two hex digits stays as it is.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex(input[i + 1]), hex(input[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}
