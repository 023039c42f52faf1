//! Standard JSON, read the way every other parser reads it.
//!
//! serde_json's `raw_value` feature (which `tt_reply_get` needs) gives `serde_json::Value` a
//! private hook: an object whose first key is `$serde_json::private::RawValue` is taken as
//! raw JSON text held in that key's string, so `{"data": {"$serde_json::private::RawValue":
//! "{\"isAdmin\": true}"}}` would read as `{"data": {"isAdmin": true}}`, and an error object
//! with that key would not parse at all. On untrusted text (a request, a server reply, a
//! config, a cursor's saved state, a webhook body) that is a parser differential: the
//! library and the application's own parser would disagree on what the text means. So every
//! `Value` the library reads from text is built here, by a visitor that knows no such key.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::text::quoted;

/// What a key given twice in one object means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Duplicates {
    /// The last one counts, as in serde_json, JavaScript and Python (replies, requests,
    /// configs: what the other side's parser most likely does too).
    LastWins,
    /// Refused: for text from outside (a webhook), where two parsers resolving it two ways
    /// could mean two different events.
    Refused,
}

/// Parses `text` as one JSON value (surrounding whitespace allowed, nothing else after it).
pub(crate) fn parse(text: &str, duplicates: Duplicates) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Plain(duplicates).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Like [`parse`], for an object: `None` when the text is JSON but not an object.
pub(crate) fn parse_object(
    text: &str,
    duplicates: Duplicates,
) -> Result<Option<Map<String, Value>>, serde_json::Error> {
    Ok(match parse(text, duplicates)? {
        Value::Object(map) => Some(map),
        _ => None,
    })
}

/// Builds a `Value` with no special keys.
#[derive(Clone, Copy)]
struct Plain(Duplicates);

impl<'de> DeserializeSeed<'de> for Plain {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Plain {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON text cannot hold NaN or an infinity, so this always succeeds.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            if members.insert(key.clone(), value).is_some() && self.0 == Duplicates::Refused {
                return Err(A::Error::custom(format_args!(
                    "the key {} appears twice in one object",
                    quoted(&key)
                )));
            }
        }
        Ok(Value::Object(members))
    }
}

/// Whether `error` is [`parse`]'s refusal of a key given twice (under `Duplicates::Refused`),
/// for callers that word that refusal themselves.
pub(crate) fn is_repeated_key(error: &serde_json::Error) -> bool {
    error.is_data() && error.to_string().contains(" appears twice in one object")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOOK: &str = "$serde_json::private::RawValue";

    #[test]
    fn the_raw_value_key_is_a_plain_key() {
        let text = format!(r#"{{"data": {{"{HOOK}": "{{\"isAdmin\": true}}"}}}}"#);
        let value = parse(&text, Duplicates::LastWins).unwrap();
        assert_eq!(value["data"][HOOK], "{\"isAdmin\": true}");
        assert!(value["data"].get("isAdmin").is_none());
        let error = format!(r#"{{"error": {{"{HOOK}": "channelID"}}}}"#);
        assert_eq!(
            parse(&error, Duplicates::LastWins).unwrap()["error"][HOOK],
            "channelID"
        );
    }

    #[test]
    fn values_read_as_serde_json_reads_them_without_the_hook() {
        let text = r#" {"a": [1, -2, 3.5, true, null, "x\u00e9"], "b": {"c": {}}, "a2": 18446744073709551615} "#;
        let ours = parse(text, Duplicates::LastWins).unwrap();
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        assert!(parse("{} x", Duplicates::LastWins).is_err());
        assert!(parse("", Duplicates::LastWins).is_err());
    }

    #[test]
    fn a_repeated_key_is_resolved_or_refused_as_asked() {
        let text = r#"{"id": "a", "id": "b"}"#;
        assert_eq!(parse(text, Duplicates::LastWins).unwrap()["id"], "b");
        let refused = parse(text, Duplicates::Refused).unwrap_err().to_string();
        assert!(refused.contains("'id' appears twice"), "{refused}");
        let nested = r#"{"a": [{"k": 1, "k": 2}]}"#;
        assert!(parse(nested, Duplicates::Refused).is_err());
    }
}
