//! Normalising a known event in place, by the table in `events.rs`: ids become strings,
//! times integer milliseconds, every listed field is filled (with the vendor's own "not set":
//! `""`, `0`, `false`), and everything not listed is left exactly as it came.
//!
//! A listed field whose value cannot be read as its kind (a status that is a number, a time
//! that is text) is refused, naming the field, never quoting the value: a typed event must
//! not carry a guess.

use serde_json::{Map, Number, Value};

use super::events::{Field, Kind};

/// A field that could not be read as its kind: its dotted path and what it should be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadField {
    pub path: String,
    pub expected: &'static str,
}

/// Normalises `fields` of `object` (at `prefix`, e.g. `"message."`), in place.
pub(crate) fn normalise(
    object: &mut Map<String, Value>,
    fields: &[Field],
    prefix: &str,
) -> Result<(), BadField> {
    for field in fields {
        let path = || format!("{prefix}{}", field.name);
        let value = object.remove(field.name).filter(|v| !v.is_null());
        let normalised = match (field.kind, value) {
            (Kind::Optional(_), None) => continue,
            (Kind::Object(inner) | Kind::Optional(inner), value) => {
                let mut map = match value {
                    None => Map::new(),
                    Some(Value::Object(map)) => map,
                    Some(_) => return Err(bad(path(), "an object")),
                };
                normalise(&mut map, inner, &format!("{}.", path()))?;
                Value::Object(map)
            }
            (kind, value) => scalar(kind, value).ok_or_else(|| bad(path(), expected(kind)))?,
        };
        object.insert(field.name.to_owned(), normalised);
    }
    Ok(())
}

fn bad(path: String, expected: &'static str) -> BadField {
    BadField { path, expected }
}

fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Id => "an id (a string or a whole number)",
        Kind::Time => "a time in Unix milliseconds (a whole number)",
        Kind::Text => "a string",
        Kind::Flag => "a boolean",
        Kind::Integer => "a whole number",
        Kind::Number => "a number",
        Kind::JsonText => "a string of JSON",
        Kind::Object(_) | Kind::Optional(_) => "an object",
    }
}

/// A scalar field's normalised value (`None` when it cannot be read as `kind`); absent
/// fields get the kind's default.
fn scalar(kind: Kind, value: Option<Value>) -> Option<Value> {
    let Some(value) = value else {
        return Some(match kind {
            Kind::Id | Kind::Text | Kind::JsonText => Value::String(String::new()),
            Kind::Time | Kind::Integer => Value::from(0),
            Kind::Number => Value::from(0.0),
            Kind::Flag => Value::Bool(false),
            Kind::Object(_) | Kind::Optional(_) => unreachable!("objects are handled above"),
        });
    };
    match (kind, value) {
        (Kind::Id | Kind::Text | Kind::JsonText, Value::String(s)) => Some(Value::String(s)),
        (Kind::Id, Value::Number(n)) if n.is_u64() => Some(Value::String(n.to_string())),
        (Kind::Id, Value::Number(n)) => whole(&n).map(|n| Value::String(n.to_string())),
        (Kind::Time, Value::String(s)) if s.is_empty() => Some(Value::from(0)),
        (Kind::Time, value) => integer(&value).filter(|t| *t >= 0).map(Value::from),
        (Kind::Integer, value) => integer(&value).map(Value::from),
        (Kind::Number, Value::Number(n)) => Some(Value::Number(n)),
        (Kind::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        (Kind::Flag, Value::Bool(b)) => Some(Value::Bool(b)),
        (Kind::Flag, Value::String(s)) => match s.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        (Kind::JsonText, value @ (Value::Object(_) | Value::Array(_))) => {
            Some(Value::String(value.to_string()))
        }
        _ => None,
    }
}

/// A whole number from a number or a string of digits (with an optional `-`).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => whole(n),
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            let plain = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            plain.then(|| s.parse::<i64>().ok()).flatten()
        }
        _ => None,
    }
}

/// An integer JSON number, or a float with no fraction within i64 (`1.5873e12`).
fn whole(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // 2^63 as f64: anything at or above it does not fit.
    (f.fract() == 0.0 && f.abs() < 9.223_372_036_854_776e18).then_some(f as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: &[Field] = &[
        Field {
            name: "id",
            kind: Kind::Id,
        },
        Field {
            name: "at",
            kind: Kind::Time,
        },
        Field {
            name: "flag",
            kind: Kind::Flag,
        },
        Field {
            name: "inner",
            kind: Kind::Optional(&[Field {
                name: "n",
                kind: Kind::Integer,
            }]),
        },
    ];

    fn run(value: Value) -> Result<Value, BadField> {
        let Value::Object(mut map) = value else {
            panic!()
        };
        normalise(&mut map, SPEC, "").map(|()| Value::Object(map))
    }

    #[test]
    fn kinds_are_read_in_every_documented_form_and_defaults_fill_the_rest() {
        assert_eq!(
            run(json!({"id": 7, "at": "1587352926788", "flag": "true", "extra": [1]})).unwrap(),
            json!({"id": "7", "at": 1587352926788i64, "flag": true, "extra": [1]})
        );
        assert_eq!(
            run(json!({"id": "7", "at": 1.587352926788e12, "inner": {"n": "-3"}})).unwrap(),
            json!({"id": "7", "at": 1587352926788i64, "flag": false, "inner": {"n": -3}})
        );
        assert_eq!(
            run(json!({"id": null, "at": ""})).unwrap(),
            json!({"id": "", "at": 0, "flag": false})
        );
    }

    #[test]
    fn a_value_of_another_kind_is_refused_by_its_path() {
        let refused = |value| run(value).unwrap_err();
        assert_eq!(refused(json!({"id": 1.5})).path, "id");
        assert_eq!(refused(json!({"id": true})).path, "id");
        assert_eq!(refused(json!({"at": "yesterday"})).path, "at");
        assert_eq!(refused(json!({"at": -1})).path, "at");
        assert_eq!(refused(json!({"flag": 1})).path, "flag");
        assert_eq!(refused(json!({"inner": []})).path, "inner");
        let nested = refused(json!({"inner": {"n": "x"}}));
        assert_eq!(
            (nested.path.as_str(), nested.expected),
            ("inner.n", "a whole number")
        );
    }
}
