//! The reply shape every call returns, and the library's own error codes.
//!
//! TapTalk answers everything, errors included, as
//! `{"status":..,"error":{"code":..,"message":..,"field":..},"data":{..}}`. The SDK keeps that
//! shape for failures that happen on this side of the wire, so callers parse one thing.

use serde_json::{json, Value};

/// An error code of the library's own, for failures that never produced a server envelope.
///
/// The numbers are outside every range the vendor uses (4xxxx, 49xxx, 50001, 99999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LocalCode {
    /// The vendor's `40001`: the product is not configured, so no key header could be sent.
    NotConfigured,
    /// The vendor's `40002`: a request field failed local validation.
    InvalidParam,
    /// A NULL pointer or invalid UTF-8 reached the C boundary.
    InvalidArgument,
    /// The request is not valid JSON, or not a JSON object.
    InvalidJson,
    /// `tt_client_new` refused the configuration; `field` names the key.
    InvalidConfig,
    /// A panic inside the library was caught at the boundary.
    Internal,
    /// The server did not answer within `timeout_ms`.
    Timeout,
    /// No connection could be made (refused, DNS failure, unreachable, connect timeout).
    /// The request never left this process.
    ConnectFailed,
    /// The connection broke after the request was sent (reset, closed without a reply).
    ConnectionLost,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The server answered with a redirect, which is never followed.
    Redirect,
    /// The reply was not a TapTalk envelope (not JSON, or JSON of another shape).
    InvalidReply,
    /// The reply body ended before its announced length.
    TruncatedReply,
    /// The server answered an HTTP error status without a TapTalk envelope.
    HttpStatus,
    /// The reply body was larger than `max_response_bytes`.
    ReplyTooLarge,
    /// A send timed out or lost its connection after the request was written: it may have
    /// been delivered. It is never retried; check before sending again.
    OutcomeUnknown,
}

impl LocalCode {
    /// Every code, in the order of the README's table.
    pub const ALL: [LocalCode; 16] = [
        LocalCode::NotConfigured,
        LocalCode::InvalidParam,
        LocalCode::InvalidArgument,
        LocalCode::InvalidJson,
        LocalCode::InvalidConfig,
        LocalCode::Internal,
        LocalCode::Timeout,
        LocalCode::ConnectFailed,
        LocalCode::ConnectionLost,
        LocalCode::Tls,
        LocalCode::Redirect,
        LocalCode::InvalidReply,
        LocalCode::TruncatedReply,
        LocalCode::HttpStatus,
        LocalCode::ReplyTooLarge,
        LocalCode::OutcomeUnknown,
    ];

    /// The string in `error.code`.
    pub fn code(self) -> &'static str {
        match self {
            LocalCode::NotConfigured => "40001",
            LocalCode::InvalidParam => "40002",
            LocalCode::InvalidArgument => "90001",
            LocalCode::InvalidJson => "90002",
            LocalCode::InvalidConfig => "90003",
            LocalCode::Internal => "90004",
            LocalCode::Timeout => "91001",
            LocalCode::ConnectFailed => "91002",
            LocalCode::ConnectionLost => "91003",
            LocalCode::Tls => "91004",
            LocalCode::Redirect => "91005",
            LocalCode::InvalidReply => "91006",
            LocalCode::TruncatedReply => "91007",
            LocalCode::HttpStatus => "91008",
            LocalCode::ReplyTooLarge => "91009",
            LocalCode::OutcomeUnknown => "91010",
        }
    }

    /// The `status` in the envelope. `HttpStatus` uses the HTTP status received instead.
    pub fn status(self) -> i64 {
        match self {
            LocalCode::NotConfigured
            | LocalCode::InvalidParam
            | LocalCode::InvalidArgument
            | LocalCode::InvalidJson
            | LocalCode::InvalidConfig => 400,
            LocalCode::Internal => 500,
            LocalCode::Timeout => 504,
            LocalCode::ConnectFailed => 503,
            LocalCode::ConnectionLost
            | LocalCode::Tls
            | LocalCode::Redirect
            | LocalCode::InvalidReply
            | LocalCode::TruncatedReply
            | LocalCode::HttpStatus
            | LocalCode::ReplyTooLarge
            | LocalCode::OutcomeUnknown => 502,
        }
    }
}

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
            code: code.code().to_owned(),
            message,
            field,
        }
    }

    /// Accepts a server body if it is a TapTalk envelope: a JSON object with an integer
    /// `status` and an `error` object. The text is kept byte for byte.
    pub fn from_server_body(body: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(body).ok()?;
        let status = value.get("status")?.as_i64()?;
        let error = value.get("error")?.as_object()?;
        let text = |key: &str| {
            error
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Some(Envelope {
            local: None,
            status,
            code: text("code"),
            message: text("message"),
            field: text("field"),
            json: body.to_owned(),
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
        serde_json::from_str::<Value>(&self.json)
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
