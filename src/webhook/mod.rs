//! Receiving TapTalk's webhooks: what a web framework hands a handler (the headers, the raw
//! body, and the receiver's secret when the callback carries one) becomes the library's
//! envelope, its `data` saying which callback it is, the event type, a stable key, and the
//! event with its fields normalised (`events.rs` is the table, `normalise.rs` the rules,
//! `verify.rs` the secret check, `key.rs` the key).
//!
//! ```
//! use taptalk::{parse_webhook, WebhookOptions};
//! let body = br#"{"type": "integration_message_status", "organizationID": 1111,
//!   "integrationMessageStatus": {"status": "read", "timestamp": 1587352926788, "trxID": "t-1"}}"#;
//! let reply = parse_webhook([("Content-Type", "application/json")], body, None, &WebhookOptions::default());
//! let data = reply.data();
//! assert_eq!(data["callback"], "onetalk");
//! assert_eq!(data["key"], "onetalk:integration_message_status:t-1:read");
//! assert_eq!(data["event"]["organizationID"], "1111");   // ids become strings
//! ```
//!
//! The order of checks, each with its code: the size (93005), the secret when one is given
//! (93001 missing, 93002 wrong), the body as one standard JSON object with no key given twice
//! (93004), its shape (93006), a secret for the callbacks that always carry one (93003), the
//! known fields' types (93007). An event type the SDK does not know comes through untouched,
//! never as an error, and so does every field it does not list.

use serde_json::{json, Map, Value};

use crate::envelope::{Envelope, LocalCode};
use crate::json::{self, Duplicates};
use crate::log::{self, level};
use crate::secret::Secret;

mod events;
mod key;
mod normalise;
mod verify;

pub use events::Callback;
pub use verify::SECRET_HEADER;

/// Bodies larger than this are refused (93005) unless the options say otherwise: TapTalk's
/// callbacks are a few kilobytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How a webhook is received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookOptions {
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Verifies and parses one webhook: `headers` as received (name, value; names compared
/// without regard to case), `body` the raw bytes, `secret` the receiver's secret when the
/// callback carries `X-Secret-Key` (custom chatbot and channel URLs; `None` for the OneTalk
/// organisation webhook and PowerTalk, which document none).
///
/// Answers an envelope: on success `data` is `{"callback", "type", "known", "verified",
/// "key", "event"}`; a refusal has a 93xxx code whose `status` is the HTTP status to answer
/// the sender with. Neither the secret nor anything of the body reaches a log line or a
/// message.
pub fn parse_webhook<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &[u8],
    secret: Option<&Secret>,
    options: &WebhookOptions,
) -> Envelope {
    match receive(headers, body, secret, options) {
        Ok(envelope) => envelope,
        Err(refusal) => {
            log::emit(level::WARN, || {
                format!("webhook refused: {} {}", refusal.code(), refusal.message())
            });
            refusal
        }
    }
}

fn receive<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &[u8],
    secret: Option<&Secret>,
    options: &WebhookOptions,
) -> Result<Envelope, Envelope> {
    if body.len() > options.max_body_bytes {
        return Err(Envelope::local(
            LocalCode::WebhookTooLarge,
            format!(
                "The webhook body ({} bytes) is larger than max_body_bytes ({} bytes)",
                body.len(),
                options.max_body_bytes
            ),
            "",
        ));
    }
    if let Some(secret) = secret {
        verify::check_secret(headers, secret)?;
    }
    let mut event = read_body(body)?;
    let Some((callback, kind)) = events::classify(&event) else {
        return Err(Envelope::local(
            LocalCode::WebhookUnrecognized,
            "The webhook body is a JSON object in none of TapTalk's callback shapes (organisation webhook, custom chatbot, custom channel, PowerTalk message)",
            "",
        ));
    };
    if callback.carries_secret() && secret.is_none() {
        return Err(Envelope::local(
            LocalCode::WebhookSecretNotGiven,
            format!(
                "The webhook is a {} callback, which always carries X-Secret-Key, but no secret was given to check it: pass the secret shown in the OneTalk dashboard",
                callback.name()
            ),
            SECRET_HEADER,
        ));
    }
    let spec = events::find(callback, &kind);
    let key = match spec {
        Some(spec) => {
            if let Some(fixup) = spec.fixup {
                fixup(&mut event);
            }
            normalise::normalise(&mut event, spec.fields, "").map_err(|bad| {
                Envelope::local(
                    LocalCode::WebhookInvalidField,
                    format!(
                        "The webhook's {} {} field {} must be {}",
                        callback.name(),
                        kind,
                        bad.path,
                        bad.expected
                    ),
                    bad.path,
                )
            })?;
            (spec.key)(&event)
        }
        None => None,
    }
    .unwrap_or_else(|| key::hashed(callback.name(), &kind, &event));
    log::emit(level::DEBUG, || {
        format!(
            "webhook {} {} accepted ({} bytes)",
            callback.name(),
            kind,
            body.len()
        )
    });
    Ok(Envelope::success(json!({
        "callback": callback.name(),
        "type": kind,
        "known": spec.is_some(),
        "verified": secret.is_some(),
        "key": key,
        "event": event,
    })))
}

/// The body as one JSON object, read as standard JSON with no key given twice. Refusals
/// say where the text went wrong, never what it holds.
fn read_body(body: &[u8]) -> Result<Map<String, Value>, Envelope> {
    let refuse = |message: String| Envelope::local(LocalCode::WebhookInvalidBody, message, "");
    let text = std::str::from_utf8(body).map_err(|e| {
        refuse(format!(
            "The webhook body is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    if text.trim().is_empty() {
        return Err(refuse("The webhook body is empty".to_owned()));
    }
    match json::parse(text, Duplicates::Refused) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(refuse(format!(
            "The webhook body must be a JSON object, not {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            }
        ))),
        Err(e) => {
            let at = format!("line {}, column {}", e.line(), e.column());
            Err(refuse(if json::is_repeated_key(&e) {
                format!("The webhook body gives one key twice in an object ({at}); two parsers could read it as two different events, so it is refused")
            } else if e.to_string().contains("recursion limit") {
                "The webhook body is nested deeper than 128 levels".to_owned()
            } else if e.is_eof() {
                format!("The webhook body ends before its JSON does ({at})")
            } else {
                format!("The webhook body is not valid JSON ({at})")
            }))
        }
    }
}
