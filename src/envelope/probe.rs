//! The part of a server envelope the SDK reads, read without building a JSON tree.
//!
//! It answers exactly what a full `serde_json::Value` parse would: the top level must be an
//! object whose (last) `status` is an integer and whose (last) `error` is an object; a
//! repeated key keeps its last value; members of other types read as "".

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

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
    use crate::envelope::Envelope;

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
