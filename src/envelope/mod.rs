//! The reply shape every call returns, and the library's own error codes.
//!
//! TapTalk answers everything, errors included, as
//! `{"status":..,"error":{"code":..,"message":..,"field":..},"data":{..}}`. The SDK keeps that
//! shape for failures that happen on this side of the wire, so callers parse one thing.

use serde_json::{json, Value};

mod codes;
mod probe;
pub mod reply;

pub use codes::{LocalCode, Sent};

/// A reply: the server's envelope exactly as it arrived, or one made here for a local failure.
///
/// ```
/// use taptalk::Envelope;
/// let e = Envelope::from_server_body(r#"{"status":200,"error":{"code":"","message":"","field":""},"data":{"id":"x"}}"#).unwrap();
/// assert!(e.is_success());
/// assert_eq!(e.data()["id"], "x");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    json: String,
    /// Set when the envelope was made here rather than received.
    local: Option<LocalCode>,
    status: i64,
    code: String,
    message: String,
    field: String,
}

impl Envelope {
    /// An envelope for a failure on this side of the wire.
    pub fn local(code: LocalCode, message: impl Into<String>, field: impl Into<String>) -> Self {
        Self::with_status(code.status(), code, message, field)
    }

    /// Like [`Envelope::local`] with an explicit status (an HTTP status passed through).
    pub fn with_status(
        status: i64,
        code: LocalCode,
        message: impl Into<String>,
        field: impl Into<String>,
    ) -> Self {
        Self::with_data(status, code, message, field, json!({}))
    }

    /// A local envelope whose `data` carries details (e.g. `attempts` after retries).
    pub(crate) fn with_data(
        status: i64,
        code: LocalCode,
        message: impl Into<String>,
        field: impl Into<String>,
        data: Value,
    ) -> Self {
        let (message, field) = (message.into(), field.into());
        let json = json!({
            "status": status,
            "error": {"code": code.code(), "message": message, "field": field},
            "data": data,
        })
        .to_string();
        Envelope {
            json,
            local: Some(code),
            status,
            code: code.code(),
            message,
            field,
        }
    }

    /// A success envelope around `data`, as the server would send it (the case cursor's
    /// answers are made so).
    pub(crate) fn success(data: Value) -> Self {
        let json =
            json!({"status": 200, "error": {"code": "", "message": "", "field": ""}, "data": data})
                .to_string();
        Envelope {
            json,
            local: None,
            status: 200,
            code: String::new(),
            message: String::new(),
            field: String::new(),
        }
    }

    /// Accepts a server body if it is a TapTalk envelope: a JSON object with an integer
    /// `status` and an `error` object. The text is kept byte for byte.
    pub fn from_server_body(body: &str) -> Option<Self> {
        Self::from_server_text(body.to_owned())
    }

    /// Like [`Envelope::from_server_body`], keeping the given string without a copy.
    pub(crate) fn from_server_text(body: String) -> Option<Self> {
        // Only `status` and `error` are read; `data` is skipped without building a tree,
        // which is most of the cost of a reply on the hot path.
        let (status, error) = probe::read(&body)?;
        let (code, message, field) = (
            error.code.into_owned(),
            error.message.into_owned(),
            error.field.into_owned(),
        );
        Some(Envelope {
            local: None,
            status,
            code,
            message,
            field,
            json: body,
        })
    }

    /// The library's code when this envelope was made locally; `None` for a server reply.
    pub fn local_code(&self) -> Option<LocalCode> {
        self.local
    }

    /// `status` from the envelope: 200 on success.
    pub fn status(&self) -> i64 {
        self.status
    }

    /// `error.code`: empty on success.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// `error.message`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `error.field`: the field at fault, in the product's convention.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Success is status 200 with an empty error code.
    pub fn is_success(&self) -> bool {
        self.status == 200 && self.code.is_empty()
    }

    /// The parsed `data` member (`Value::Null` when absent).
    pub fn data(&self) -> Value {
        crate::json::parse(&self.json, crate::json::Duplicates::LastWins)
            .ok()
            .and_then(|mut v| v.get_mut("data").map(Value::take))
            .unwrap_or(Value::Null)
    }

    /// The envelope's JSON text.
    pub fn as_json(&self) -> &str {
        &self.json
    }

    /// The envelope's JSON text, by value.
    pub fn into_json(self) -> String {
        self.json
    }
}

impl std::fmt::Display for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.json)
    }
}
