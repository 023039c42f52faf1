//! The reply getters `tt_reply_get`, `tt_reply_status` and `tt_reply_ok`, through the real C ABI.
//!
//! Input: up to the first NUL byte, the JSON Pointer; after it, the reply (NULs dropped).
//! Without a NUL the whole input is the reply and the pointer is one of a few common ones.
//! Invalid UTF-8 is kept in both.
//!
//! Checked against serde_json's own `Value::pointer` on a full parse: a string comes back
//! decoded (NULL when it holds U+0000), any other value as JSON text that parses to the same
//! value, absence and malformed pointers (a `~` not followed by 0 or 1) as NULL; non-JSON and
//! invalid UTF-8 as NULL. The C answer equals `taptalk::reply::get`. `tt_reply_status` is the
//! envelope's status exactly when `Envelope::from_server_body` accepts the text, and
//! `tt_reply_ok` is 1 exactly for a success envelope.
#![no_main]

mod common;

use std::ffi::{c_char, c_int, CStr};

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use taptalk::Envelope;

use common::*;

extern "C" {
    fn tt_reply_get(reply: *const c_char, pointer: *const c_char) -> *mut c_char;
    fn tt_reply_status(reply: *const c_char) -> i32;
    fn tt_reply_ok(reply: *const c_char) -> c_int;
}

const POINTERS: [&str; 6] = [
    "",
    "/status",
    "/error/code",
    "/data",
    "/data/id",
    "/data/cases/0/id",
];

fuzz_target!(|data: &[u8]| {
    let (pointer, reply) = match data.iter().position(|&b| b == 0) {
        Some(at) => (data[..at].to_vec(), without_nuls(&data[at + 1..])),
        None => (
            POINTERS[data.len() % POINTERS.len()].as_bytes().to_vec(),
            data.to_vec(),
        ),
    };
    let (c_pointer, c_reply) = (c_string(&pointer), c_string(&reply));
    // SAFETY: NUL-terminated strings; the result is ours to free.
    let got = unsafe { take_optional(tt_reply_get(c_reply.as_ptr(), c_pointer.as_ptr())) };
    // SAFETY: as above.
    let (status, ok) = unsafe {
        (
            tt_reply_status(c_reply.as_ptr()),
            tt_reply_ok(c_reply.as_ptr()),
        )
    };

    let (Ok(pointer), Ok(reply)) = (std::str::from_utf8(&pointer), std::str::from_utf8(&reply))
    else {
        assert_eq!(got, None, "invalid UTF-8 must answer NULL");
        if std::str::from_utf8(&reply).is_err() {
            assert_eq!((status, ok), (-1, 0), "invalid UTF-8 is not an envelope");
        }
        return;
    };
    assert_eq!(got, taptalk::reply::get(reply, pointer), "C and Rust agree");

    let envelope = Envelope::from_server_body(reply);
    let expected_status = envelope
        .as_ref()
        .and_then(|e| i32::try_from(e.status()).ok())
        .unwrap_or(-1);
    assert_eq!(status, expected_status);
    assert_eq!(ok == 1, envelope.is_some_and(|e| e.is_success()));

    let parsed = match common::standard_json(reply) {
        Ok(parsed) => parsed,
        Err(e) => {
            // The getter reads level by level and skips what it does not descend into
            // without decoding it, as the envelope probe does (fuzz/README.md, "Findings"):
            // a lone surrogate escape or a number too large for an f64 outside the path, or
            // nesting past serde_json's 128-level recursion limit, is passed over.
            let e = e.to_string();
            let known = ["escape", "surrogate", "out of range", "recursion limit"]
                .iter()
                .any(|k| e.contains(k));
            assert!(
                got.is_none() || known,
                "not JSON ({e}), yet answered {got:?}"
            );
            return;
        }
    };
    let malformed = {
        let mut chars = pointer.chars();
        let mut bad = false;
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                bad = true;
            }
        }
        bad || !(pointer.is_empty() || pointer.starts_with('/'))
    };
    let expected = if malformed {
        None
    } else {
        parsed.pointer(pointer)
    };
    match (expected, &got) {
        (None, got) => assert_eq!(*got, None, "absent, yet answered"),
        (Some(Value::String(s)), got) if s.contains('\0') => assert_eq!(*got, None),
        (Some(Value::String(s)), got) => assert_eq!(got.as_deref(), Some(s.as_str())),
        (Some(value), Some(text)) => {
            let reparsed: Value = common::standard_json(text).expect("the text of a value is JSON");
            assert_eq!(&reparsed, value);
            assert_eq!(text.trim(), text, "no surrounding whitespace");
        }
        (Some(value), None) => panic!("{value} is there, yet NULL"),
    }
});

/// A string from the getter (freed here), or None for NULL.
///
/// # Safety
/// `s` must be NULL or a string returned by the library, not yet freed.
unsafe fn take_optional(s: *mut c_char) -> Option<String> {
    if s.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string from the library, freed once right after.
    let text = unsafe { CStr::from_ptr(s) }
        .to_str()
        .expect("UTF-8")
        .to_owned();
    unsafe { tt_string_free(s) };
    Some(text)
}
