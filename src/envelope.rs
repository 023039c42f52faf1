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
        Self::from_server_text(body.to_owned())
    }

    /// Like [`Envelope::from_server_body`], keeping the given string without a copy.
    pub(crate) fn from_server_text(body: String) -> Option<Self> {
        // serde would also read a struct from a JSON array; an envelope is an object.
        if !body.trim_start().starts_with('{') {
            return None;
        }
        // Only `status` and `error` are read; `data` is skipped without building a tree,
        // which is most of the cost of a reply on the hot path.
        let probe: probe::Envelope = serde_json::from_str(&body).ok()?;
        let (status, code, message, field) = (
            probe.status,
            probe.error.code.into_owned(),
            probe.error.message.into_owned(),
            probe.error.field.into_owned(),
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

/// The part of a server envelope the SDK reads.
mod probe {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Envelope<'a> {
        pub status: i64,
        #[serde(borrow)]
        pub error: Error<'a>,
    }

    #[derive(Deserialize)]
    pub struct Error<'a> {
        #[serde(borrow, default, deserialize_with = "text")]
        pub code: Cow<'a, str>,
        #[serde(borrow, default, deserialize_with = "text")]
        pub message: Cow<'a, str>,
        #[serde(borrow, default, deserialize_with = "text")]
        pub field: Cow<'a, str>,
    }

    /// A string member, or "" when the server put something else there: the envelope is
    /// still the server's answer and is passed on unchanged.
    fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_any(Text)
    }

    struct Text;

    impl<'de> Visitor<'de> for Text {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(""))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(""))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(""))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(""))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(""))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Cow::Borrowed(""))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Cow::Borrowed(""))
        }
    }

    #[cfg(test)]
    mod tests {
        use crate::Envelope;

        #[test]
        fn only_objects_with_an_integer_status_and_an_error_object_are_envelopes() {
            let ok = |body: &str| Envelope::from_server_body(body).is_some();
            assert!(ok(
                r#"{"status":200,"error":{"code":"","message":"","field":""},"data":{"x":[1,{"y":null}]}}"#
            ));
            assert!(ok(r#" {"error":{},"status":400}"#));
            assert!(!ok(r#"[200,{"code":""}]"#));
            assert!(!ok(r#"{"status":"200","error":{}}"#));
            assert!(!ok(r#"{"status":200.5,"error":{}}"#));
            assert!(!ok(r#"{"status":200,"error":"none"}"#));
            assert!(!ok(r#"{"status":200}"#));
            assert!(!ok(r#"{"status":200,"error":{}} trailing"#));
        }

        #[test]
        fn odd_member_types_read_as_empty_and_the_text_is_kept() {
            let body = r#"{"status":499,"error":{"code":49900,"message":["x"],"field":{"a":1},"extra":true},"data":null}"#;
            let e = Envelope::from_server_body(body).unwrap();
            assert_eq!(
                (e.status(), e.code(), e.message(), e.field()),
                (499, "", "", "")
            );
            assert_eq!(e.as_json(), body);
            let escaped = r#"{"status":400,"error":{"code":"40002","message":"Phone \"x\" is required","field":"phone"}}"#;
            assert_eq!(
                Envelope::from_server_body(escaped).unwrap().message(),
                "Phone \"x\" is required"
            );
        }
    }
}
