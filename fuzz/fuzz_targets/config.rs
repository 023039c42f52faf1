//! `tt_client_new` with arbitrary bytes as `config_json`.
//!
//! Checked: NULL is returned exactly when `*error_out` is set; the error is a 90003 envelope
//! whose `field`/`message` are `Config::from_json`'s (90001 for invalid UTF-8); the message
//! never depends on a credential's value; a client that comes back works (a call that fails
//! locally) and is freed. Every fourth input passes `error_out = NULL` (nothing to leak).
#![no_main]

mod common;

use std::ffi::c_char;
use std::ptr;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

use common::*;

fuzz_target!(|data: &[u8]| {
    let bytes = without_nuls(data);
    let config = c_string(&bytes);
    let with_error_out = data.len() % 4 != 0;
    let mut error: *mut c_char = ptr::null_mut();
    let error_out = if with_error_out {
        &mut error as *mut _
    } else {
        ptr::null_mut()
    };
    // SAFETY: a NUL-terminated string; error_out NULL or writable.
    let client = unsafe { tt_client_new(config.as_ptr(), error_out) };

    let text = std::str::from_utf8(&bytes).ok();
    let parsed = text.map(taptalk::Config::from_json);
    assert_eq!(
        client.is_null(),
        !matches!(parsed, Some(Ok(_))),
        "tt_client_new and Config::from_json disagree"
    );
    if with_error_out {
        assert_eq!(client.is_null(), !error.is_null(), "NULL <=> error_out set");
    }
    if !error.is_null() {
        let envelope = take_envelope(error);
        match &parsed {
            None => {
                envelope.expect("90001", 400);
                assert_eq!(envelope.field, "");
            }
            Some(Err(e)) => {
                envelope.expect("90003", 400);
                assert_eq!((&envelope.field, &envelope.message), (&e.key, &e.message));
                if let Some(text) = text {
                    assert_no_secret_in_error(text);
                }
            }
            Some(Ok(_)) => unreachable!(),
        }
    }
    if !client.is_null() {
        // The client is usable: a request refused before any network use.
        let request = c"[]";
        let get_status = export(taptalk::Operation::SendtalkGetStatus);
        // SAFETY: a live client and a NUL-terminated string.
        let reply = unsafe { get_status(client, request.as_ptr()) };
        take_envelope(reply).expect("90002", 400);
        // SAFETY: from tt_client_new, freed once, no call running.
        unsafe { tt_client_free(client) };
    }
});

/// The refusal's message must not depend on a credential's value: with every `api_key` and
/// `server_key_secret` replaced by another of the same kind (each printable ASCII character but
/// `:` becomes `x`; control, non-ASCII and empty stay as they are, so validity is unchanged),
/// the message is the same.
fn assert_no_secret_in_error(text: &str) {
    let Ok(Value::Object(mut map)) = common::standard_json(text) else {
        return;
    };
    let original = taptalk::Config::from_json(&Value::Object(map.clone()).to_string());
    let mut changed = false;
    for section in map.values_mut().filter_map(Value::as_object_mut) {
        for key in ["api_key", "server_key_secret"] {
            if let Some(Value::String(secret)) = section.get_mut(key) {
                let masked: String = secret
                    .chars()
                    .map(|c| {
                        if (c.is_ascii_graphic() || c == ' ') && c != ':' {
                            'x'
                        } else {
                            c
                        }
                    })
                    .collect();
                changed |= masked != *secret;
                *secret = masked;
            }
        }
    }
    if !changed {
        return;
    }
    let masked = taptalk::Config::from_json(&Value::Object(map).to_string());
    assert_eq!(
        original.err().map(|e| e.message),
        masked.err().map(|e| e.message),
        "a refusal's message depends on a credential's value"
    );
}
