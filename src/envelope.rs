//! The reply shape every call returns, and the library's own error codes.
//!
//! TapTalk answers everything, errors included, as
//! `{"status":..,"error":{"code":..,"message":..,"field":..},"data":{..}}`. The SDK keeps that
//! shape for failures that happen on this side of the wire, so callers parse one thing.

use serde_json::{json, Value};

pub use crate::codes::LocalCode;

/// Where a request stood when a local failure ended the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sent {
    /// Nothing reached the server.
    No,
    /// It may have reached the server: a send may have been delivered.
    Maybe,
    /// It reached the server (which answered something unusable).
    Yes,
}

impl LocalCode {
    /// Every code with its envelope `status` (0: the HTTP status received) and whether the
    /// request had been sent; in the order of the README's table. A test checks it lists
    /// every variant (the header's `TT_ERR_*` constants).
    const ROWS: &'static [(LocalCode, i64, Sent)] = &[
        (LocalCode::NotConfigured, 400, Sent::No),
        (LocalCode::InvalidParam, 400, Sent::No),
        (LocalCode::InvalidArgument, 400, Sent::No),
        (LocalCode::InvalidJson, 400, Sent::No),
        (LocalCode::InvalidConfig, 400, Sent::No),
        (LocalCode::Internal, 500, Sent::Maybe),
        (LocalCode::ClientClosed, 400, Sent::No),
        (LocalCode::Timeout, 504, Sent::Maybe),
        (LocalCode::ConnectFailed, 503, Sent::No),
        (LocalCode::ConnectionLost, 502, Sent::Maybe),
        (LocalCode::Tls, 502, Sent::No),
        (LocalCode::Redirect, 502, Sent::Yes),
        (LocalCode::InvalidReply, 502, Sent::Yes),
        (LocalCode::TruncatedReply, 502, Sent::Yes),
        (LocalCode::HttpStatus, 0, Sent::Yes),
        (LocalCode::ReplyTooLarge, 502, Sent::Yes),
        (LocalCode::OutcomeUnknown, 502, Sent::Maybe),
        (LocalCode::ProxyFailed, 502, Sent::No),
        (LocalCode::PagingStuck, 502, Sent::Yes),
    ];

    /// Every code, in the order of the README's table.
    pub const ALL: &'static [LocalCode] = &{
        let mut all = [LocalCode::NotConfigured; LocalCode::ROWS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = LocalCode::ROWS[i].0;
            i += 1;
        }
        all
    };

    fn row(self) -> (LocalCode, i64, Sent) {
        // Every variant has a row (tests/header.rs checks it against the header).
        LocalCode::ROWS
            .iter()
            .copied()
            .find(|row| row.0 == self)
            .unwrap_or((self, 500, Sent::Maybe))
    }

    /// The number, as in the C header's `TT_ERR_*` constant.
    pub fn number(self) -> i32 {
        self as i32
    }

    /// The string in `error.code`.
    pub fn code(self) -> String {
        self.number().to_string()
    }

    /// The code with this number, if it is one of the library's.
    pub fn from_number(number: i32) -> Option<LocalCode> {
        LocalCode::ALL
            .iter()
            .copied()
            .find(|c| c.number() == number)
    }

    /// The `status` in the envelope. `HttpStatus` uses the HTTP status received instead
    /// (and answers 502 here).
    pub fn status(self) -> i64 {
        match self.row().1 {
            0 => 502,
            status => status,
        }
    }

    /// Whether the request had been sent when this failure ended the call.
    pub fn sent(self) -> Sent {
        self.row().2
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
            code: code.code(),
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
