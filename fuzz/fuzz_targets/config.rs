//! `tt_client_new` with arbitrary bytes as `config_json`.
//!
//! Checked: NULL is returned exactly when `*error_out` is set; the error is a 90003 envelope
//! whose `field`/`message` are `Config::from_json`'s (90001 for invalid UTF-8); a credential
//! value never appears in the error; a client that comes back works (a call that fails
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
                    for secret in secrets(text) {
                        assert!(
                            !envelope.message.contains(&secret),
                            "the error repeats a credential: {envelope:?}"
                        );
                    }
                }
            }
            Some(Ok(_)) => unreachable!(),
        }
    }
    if !client.is_null() {
        // The client is usable: a request refused before any network use.
        let request = c"[]";
        // SAFETY: a live client and a NUL-terminated string.
        let reply = unsafe { tt_sendtalk_get_status(client, request.as_ptr()) };
        take_envelope(reply).expect("90002", 400);
        // SAFETY: from tt_client_new, freed once, no call running.
        unsafe { tt_client_free(client) };
    }
});

/// Credential values in the config (long enough not to occur in a message by chance).
fn secrets(text: &str) -> Vec<String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for section in map.values().filter_map(Value::as_object) {
        for key in ["api_key", "server_key_secret"] {
            if let Some(secret) = section.get(key).and_then(Value::as_str) {
                if secret.len() >= 12 {
                    found.push(secret.to_owned());
                }
            }
        }
    }
    found
}
