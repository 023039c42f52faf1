//! The C ABI of webhook receiving (`tt_webhook_parse`), under the same boundary rules as
//! every export (`boundary.rs`). The headers cross as one JSON object, which every binding
//! can build from what its web framework hands a handler; the body as bytes and a length,
//! since it may hold NUL and need not be UTF-8.

use std::ffi::c_char;

use serde_json::Value;

use super::boundary::{borrow_str, guarded};
use crate::config::rules::{object, positive, refuse_unknown};
use crate::envelope::{Envelope, LocalCode};
use crate::json::{self, Duplicates};
use crate::secret::Secret;
use crate::webhook::{parse_webhook, WebhookOptions, DEFAULT_MAX_BODY_BYTES};

/// Verifies and parses one webhook TapTalk sent to your server: the OneTalk organisation
/// webhook (message statuses, resolved cases), a custom chatbot's inbound message, a custom
/// channel's outbound message or closed case, or a PowerTalk message.
///
/// \param headers_json  the request's headers as a JSON object of name to value (a string,
///                      or an array of strings for a repeated header); names are compared
///                      without regard to case. "{}" for none. NULL, or JSON of another
///                      shape: 90001 / 90002 (field "headers_json").
/// \param body          the raw body bytes as received (may hold NUL, need not be UTF-8);
///                      may be NULL when body_len is 0.
/// \param body_len      the body's length in bytes.
/// \param secret        NUL-terminated: the receiver's secret when the callback carries
///                      X-Secret-Key (custom chatbot and channel URLs), compared in constant
///                      time; NULL for the organisation webhook and PowerTalk, which document
///                      no secret. An empty string is refused (90001).
/// \param options_json  NULL or {"max_body_bytes": N} (default 1048576); a bad option
///                      answers 90003 naming it.
/// \return an envelope string, never NULL. On success (status 200) `data` is
///         {"callback": "onetalk"|"chatbot"|"channel"|"powertalk", "type": the event type,
///         "known": whether the SDK knows the type (known events have their fields
///         normalised: ids as strings, times as integer Unix milliseconds, absent fields
///         filled), "verified": whether X-Secret-Key was checked, "key": a stable key of
///         the event for skipping repeats, "event": the body}. A refusal carries a 93xxx
///         code whose `status` is the HTTP status to answer the sender with: 93001/93002
///         (401) X-Secret-Key missing or wrong, 93003 (500) no secret given for a callback
///         that carries one, 93004 (400) not one JSON object (no key may appear twice),
///         93005 (413) larger than max_body_bytes, 93006 (400) no TapTalk callback shape,
///         93007 (400) a known field of the wrong type (error.field names it).
///
/// Answer TapTalk with 200 as soon as this returns success, and do the work afterwards:
/// the sender waits for the reply, retries when it is slow or not 2xx, and holds the
/// callbacks queued behind it meanwhile. Skip an event whose `key` you have handled.
///
/// Ownership: every argument is borrowed for the call only; free the result with
/// `tt_string_free`. Neither the secret nor the body reaches a log line or a message.
/// Threading: may be called from any thread at any time; it needs no client.
///
/// # Safety
/// The strings must be NULL or NUL-terminated; `body` must be NULL (with `body_len` 0) or
/// point to `body_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn tt_webhook_parse(
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    secret: *const c_char,
    options_json: *const c_char,
) -> *mut c_char {
    guarded(|| {
        // SAFETY: the caller guarantees NULL or NUL-terminated strings.
        let strings = unsafe {
            (
                borrow_str(headers_json, "headers_json"),
                (!secret.is_null()).then(|| borrow_str(secret, "secret")),
                (!options_json.is_null()).then(|| borrow_str(options_json, "options_json")),
            )
        };
        let body: &[u8] = match (body.is_null(), body_len) {
            (true, 0) => &[],
            (true, _) => {
                return refuse("body is NULL but body_len is not 0", "body");
            }
            // SAFETY: the caller guarantees body_len readable bytes at body.
            (false, _) => unsafe { std::slice::from_raw_parts(body, body_len) },
        };
        let run = || -> Result<Envelope, Envelope> {
            let headers = headers(strings.0?)?;
            let secret = match strings.1.transpose()? {
                Some("") => {
                    return Err(Envelope::local(
                        LocalCode::InvalidArgument,
                        "secret is empty: pass NULL when the callback carries no secret",
                        "secret",
                    ))
                }
                Some(secret) => Some(Secret::new(secret)),
                None => None,
            };
            let options = options(strings.2.transpose()?)?;
            let pairs = headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
            Ok(parse_webhook(pairs, body, secret.as_ref(), &options))
        };
        run().unwrap_or_else(|refusal| refusal)
    })
}

fn refuse(message: &str, field: &str) -> Envelope {
    Envelope::local(LocalCode::InvalidArgument, message, field)
}

/// `{"Name": "value", "Other": ["a", "b"]}` as (name, value) pairs.
fn headers(text: &str) -> Result<Vec<(String, String)>, Envelope> {
    let invalid = |message: String| {
        Err(Envelope::local(
            LocalCode::InvalidJson,
            message,
            "headers_json",
        ))
    };
    let map = match json::parse_object(text, Duplicates::Refused) {
        Ok(Some(map)) => map,
        Ok(None) => {
            return invalid("headers_json must be a JSON object of name to value".to_owned())
        }
        // Not the parser's own words: they could quote a header name from outside.
        Err(e) => {
            return invalid(format!(
                "headers_json is not valid JSON, or gives a name twice (line {}, column {})",
                e.line(),
                e.column()
            ))
        }
    };
    let mut pairs = Vec::with_capacity(map.len());
    for (name, value) in map {
        match value {
            Value::String(value) => pairs.push((name, value)),
            Value::Array(values) if values.iter().all(Value::is_string) => {
                for value in values {
                    if let Value::String(value) = value {
                        pairs.push((name.clone(), value));
                    }
                }
            }
            _ => {
                return invalid(
                    "headers_json: each header's value must be a string or an array of strings"
                        .to_owned(),
                )
            }
        }
    }
    Ok(pairs)
}

fn options(text: Option<&str>) -> Result<WebhookOptions, Envelope> {
    let Some(text) = text else {
        return Ok(WebhookOptions::default());
    };
    let parsed = object(text, "The options are").and_then(|map| {
        refuse_unknown(&map, "", &["max_body_bytes"])?;
        positive(&map, "max_body_bytes", DEFAULT_MAX_BODY_BYTES as u64)
    });
    match parsed {
        Ok(limit) => Ok(WebhookOptions {
            max_body_bytes: usize::try_from(limit).unwrap_or(usize::MAX),
        }),
        Err(e) => Err(e.to_envelope()),
    }
}
