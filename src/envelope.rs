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
    /// The HTTP proxy could not be reached, refused the request, or could not reach the
    /// server. Nothing was sent to the server.
    ProxyFailed,
}

impl LocalCode {
    /// Every code, in the order of the README's table.
    pub const ALL: [LocalCode; 17] = [
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
        LocalCode::ProxyFailed,
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
            LocalCode::ProxyFailed => "91011",
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
            LocalCode::ProxyFailed => 502,
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

/// The part of a server envelope the SDK reads, read without building a JSON tree.
///
/// It answers exactly what a full `serde_json::Value` parse would: the top level must be an
/// object whose (last) `status` is an integer and whose (last) `error` is an object; a
/// repeated key keeps its last value; members of other types read as "".
mod probe {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{
        self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
    };

    pub struct Error<'a> {
        pub code: Cow<'a, str>,
        pub message: Cow<'a, str>,
        pub field: Cow<'a, str>,
    }

    /// `status` and `error`, when `body` is an envelope.
    pub fn read(body: &str) -> Option<(i64, Error<'_>)> {
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let (status, error) = deserializer.deserialize_map(Top).ok()?;
        deserializer.end().ok()?;
        Some((status?, error?))
    }

    /// A value as far as the probe cares: an integer, a string, or anything else.
    enum Scanned<'a> {
        Int(i64),
        Text(Cow<'a, str>),
        Other,
    }

    impl<'a> Scanned<'a> {
        fn int(self) -> Option<i64> {
            match self {
                Scanned::Int(n) => Some(n),
                _ => None,
            }
        }

        fn text(self) -> Cow<'a, str> {
            match self {
                Scanned::Text(s) => s,
                _ => Cow::Borrowed(""),
            }
        }
    }

    struct Scan;

    impl<'de> DeserializeSeed<'de> for Scan {
        type Value = Scanned<'de>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Scan {
        type Value = Scanned<'de>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Scanned::Int(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(i64::try_from(v).map_or(Scanned::Other, Scanned::Int))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Scanned::Other)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Scanned::Other)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Scanned::Other)
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Scanned::Text(Cow::Borrowed(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Scanned::Text(Cow::Owned(v.to_owned())))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Scanned::Other)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Scanned::Other)
        }
    }

    /// The top-level object: the last `status` and the last `error`.
    struct Top;

    impl<'de> Visitor<'de> for Top {
        type Value = (Option<i64>, Option<Error<'de>>);
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an envelope object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (mut status, mut error) = (None, None);
            while let Some(key) = map.next_key_seed(Scan)? {
                match key.text().as_ref() {
                    "status" => status = map.next_value_seed(Scan)?.int(),
                    "error" => error = map.next_value_seed(ErrorObject)?,
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok((status, error))
        }
    }

    /// `error`: its text members when it is an object, `None` for any other value.
    struct ErrorObject;

    impl<'de> DeserializeSeed<'de> for ErrorObject {
        type Value = Option<Error<'de>>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(ErrorVisitor)
        }
    }

    struct ErrorVisitor;

    impl<'de> Visitor<'de> for ErrorVisitor {
        type Value = Option<Error<'de>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let empty = || Cow::Borrowed("");
            let mut error = Error {
                code: empty(),
                message: empty(),
                field: empty(),
            };
            while let Some(key) = map.next_key_seed(Scan)? {
                let slot = match key.text().as_ref() {
                    "code" => &mut error.code,
                    "message" => &mut error.message,
                    "field" => &mut error.field,
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                };
                *slot = map.next_value_seed(Scan)?.text();
            }
            Ok(Some(error))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Scan.visit_seq(seq).map(|_| None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
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
            assert!(!ok(r#"{"status":200,"error":[]}"#));
            assert!(!ok(r#"{"status":400,"error":["40002","m","f"]}"#));
            assert!(!ok(r#"{"status":200}"#));
            assert!(!ok(r#"{"status":200,"error":{}} trailing"#));
            assert!(!ok(r#"{"status":9223372036854775808,"error":{}}"#));
        }

        #[test]
        fn a_repeated_key_keeps_its_last_value_as_a_full_parse_does() {
            let e = Envelope::from_server_body(
                r#"{"status":"x","error":[],"status":404,"error":{"code":"1","code":"40401"}}"#,
            )
            .unwrap();
            assert_eq!((e.status(), e.code()), (404, "40401"));
            assert!(Envelope::from_server_body(r#"{"status":200,"error":{},"error":5}"#).is_none());
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
