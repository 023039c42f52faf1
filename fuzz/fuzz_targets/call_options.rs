//! `tt_call`: its `options_json` (per-call retry settings) and its operation name.
//!
//! Input: byte 0 picks the operation (bit 3 masked off, modulo the whole table). With byte
//! 0 = 0xFF the rest is the
//! operation *name* instead (request `{}`, options NULL). Otherwise the rest is
//! `options_json`, then optionally a NUL and `request_json` (default `{}`, which every
//! operation refuses); bit 3 of byte 0 passes options as NULL.
//!
//! Checked: a bad option answers 90003 naming it, with the same key and message as the
//! client config's `retry` section (the same parser), unknown top-level keys and non-JSON
//! included; invalid UTF-8 answers 90001; good options fall through to the request, which is
//! answered as in the `request` target. Requests that pass validation (and so would reach the
//! network) are skipped.
#![no_main]

mod common;

use std::ffi::CString;
use std::ptr;

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use taptalk::Operation;

use common::*;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector == 0xFF {
        return operation_name(rest);
    }
    let op = pick(selector & !8);
    let (options, request) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], without_nuls(&rest[at + 1..])),
        None => (rest, b"{}".to_vec()),
    };
    let options = (selector & 8 == 0).then_some(options);
    let expected = match options.map(expected_for_options) {
        Some(Some(refused)) => refused,
        // No options, or good ones: the request decides.
        _ => match expected_local_answer(op, &request) {
            Some(expected) => expected,
            None => return,
        },
    };
    let name = CString::new(op.name()).unwrap();
    let request = c_string(&request);
    let options = options.map(c_string);
    // SAFETY: a live client, NUL-terminated strings, options NULL or NUL-terminated.
    let reply = unsafe {
        tt_call(
            client(),
            name.as_ptr(),
            request.as_ptr(),
            options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
        )
    };
    expected.check(&take_envelope(reply));
});

/// The answer for options that are refused, or `None` when they are accepted.
fn expected_for_options(options: &[u8]) -> Option<Expected> {
    let Ok(text) = std::str::from_utf8(options) else {
        return Some(Expected::code("90001"));
    };
    let refused = |field: &str, message: Option<String>| {
        Some(Expected {
            code: "90003",
            field: Some(field.to_owned()),
            message,
        })
    };
    let map = match common::standard_json(text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return refused("", Some("The options must be a JSON object".to_owned())),
        Err(e) => return refused("", Some(format!("The options are not valid JSON: {e}"))),
    };
    if let Some(unknown) = map.keys().find(|k| k.as_str() != "retry") {
        let message = format!(
            "Unknown config key {} (known keys here: retry)",
            common::quoted(unknown)
        );
        return refused(unknown, Some(message));
    }
    let retry = map.get("retry")?;
    // The client config's `retry` section goes through the same checks.
    match taptalk::Config::from_json(&json!({ "retry": retry }).to_string()) {
        Ok(_) => None,
        Err(e) => refused(&e.key, Some(e.message)),
    }
}

/// An arbitrary operation name: 90001 unless it names an operation of the table (in the one
/// spelling, or the dotted one of earlier releases).
fn operation_name(name: &[u8]) {
    let name = without_nuls(name);
    let known = std::str::from_utf8(&name)
        .ok()
        .and_then(Operation::from_name);
    let expected = match known {
        // `{}` is refused by every operation's validation.
        Some(op) => expected_local_answer(op, b"{}").expect("{} is refused"),
        None => Expected::code("90001"),
    };
    let name = c_string(&name);
    // SAFETY: a live client and NUL-terminated strings; options may be NULL.
    let reply = unsafe { tt_call(client(), name.as_ptr(), c"{}".as_ptr(), ptr::null()) };
    let envelope = take_envelope(reply);
    expected.check(&envelope);
    if known.is_none() {
        assert!(
            envelope.message.starts_with("Unknown operation")
                || envelope.message.contains("not valid UTF-8"),
            "{envelope:?}"
        );
    }
}
