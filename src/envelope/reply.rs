//! Reading one value out of a reply without a JSON library: what `tt_reply_get` does.
//!
//! ```
//! let reply = r#"{"status":200,"error":{"code":"","message":"","field":""},
//!                 "data":{"id":"m-1","cases":[{"id":"C1","isJunk":false}],"note":"a \"b\""}}"#;
//! assert_eq!(taptalk::reply::get(reply, "/data/id").as_deref(), Some("m-1"));
//! assert_eq!(taptalk::reply::get(reply, "/data/cases/0/id").as_deref(), Some("C1"));
//! assert_eq!(taptalk::reply::get(reply, "/data/cases/0/isJunk").as_deref(), Some("false"));
//! assert_eq!(taptalk::reply::get(reply, "/data/note").as_deref(), Some("a \"b\""));
//! assert_eq!(taptalk::reply::get(reply, "/data/missing"), None);
//! assert_eq!(taptalk::reply::status(reply), Some(200));
//! ```
//!
//! A pointer is RFC 6901: `""` is the whole document, `/a/b` walks object members and array
//! indexes, `~1` stands for `/` and `~0` for `~` inside a token. A string value comes back
//! decoded (no quotes, no escapes); any other value comes back as its JSON text exactly as
//! it stands in the reply (`42`, `1.50`, `true`, `null`, `{"id":"C1"}`), so a C caller can
//! `strtol` a number, `strcmp` a boolean, or hand an object to `get` again.

use std::collections::HashMap;

use serde_json::value::RawValue;

use super::Envelope;

/// The value at `pointer` in the JSON document `json`, or `None` when the document is not
/// JSON, the pointer is malformed (not empty and not starting with `/`, a `~` not followed
/// by `0` or `1`, an array index with a sign or a leading zero), nothing is there, or the
/// value is a string holding U+0000 (which no C string can carry).
///
/// Works on any JSON document, not only envelopes. When an object repeats a key, the last
/// one counts, as in a full parse.
pub fn get(json: &str, pointer: &str) -> Option<String> {
    let mut value: &RawValue = serde_json::from_str(json).ok()?;
    if !pointer.is_empty() {
        let tokens = pointer.strip_prefix('/')?;
        for token in tokens.split('/') {
            value = step(value, &unescape(token)?)?;
        }
    }
    let text = value.get();
    if text.starts_with('"') {
        let decoded: String = serde_json::from_str(text).ok()?;
        (!decoded.contains('\0')).then_some(decoded)
    } else {
        Some(text.to_owned())
    }
}

/// The envelope's integer `status`, or `None` when `json` is not an envelope (a JSON object
/// with an integer `status` and an `error` object, as the library defines it everywhere).
pub fn status(json: &str) -> Option<i64> {
    Envelope::from_server_body(json).map(|envelope| envelope.status())
}

/// Whether `json` is a successful envelope: status 200 and an empty `error.code`.
pub fn is_success(json: &str) -> bool {
    Envelope::from_server_body(json).is_some_and(|envelope| envelope.is_success())
}

/// One reference token with `~1` and `~0` decoded (in that order, as RFC 6901 says).
fn unescape(token: &str) -> Option<String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// One level down: a member of an object, or an element of an array.
fn step<'a>(value: &'a RawValue, token: &str) -> Option<&'a RawValue> {
    let text = value.get();
    match text.as_bytes().first()? {
        b'{' => {
            // A map keeps the last of repeated keys; the members are not decoded.
            let members: HashMap<String, &'a RawValue> = serde_json::from_str(text).ok()?;
            members.get(token).copied()
        }
        b'[' => {
            let index = array_index(token)?;
            let elements: Vec<&'a RawValue> = serde_json::from_str(text).ok()?;
            elements.get(index).copied()
        }
        _ => None,
    }
}

/// RFC 6901 array index: `0`, or digits without a leading zero. `-` (past the end) names
/// nothing that can be read.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    (digits && (token == "0" || !token.starts_with('0')))
        .then(|| token.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = r#"{"status":200,"error":{"code":"","message":"","field":""},"data":{"a/b":1,"m~n":2,"":3,"n":1.50,"o":{ "x" : [1, 2] },"z":null,"u":"\u00e9\n","nul":"a\u0000b"}}"#;

    #[test]
    fn escaped_tokens_and_the_empty_key_resolve() {
        assert_eq!(get(REPLY, "/data/a~1b").as_deref(), Some("1"));
        assert_eq!(get(REPLY, "/data/m~0n").as_deref(), Some("2"));
        assert_eq!(get(REPLY, "/data/").as_deref(), Some("3"));
    }

    #[test]
    fn non_strings_keep_their_text_and_strings_are_decoded() {
        assert_eq!(get(REPLY, "/data/n").as_deref(), Some("1.50"));
        assert_eq!(
            get(REPLY, "/data/o").as_deref(),
            Some(r#"{ "x" : [1, 2] }"#)
        );
        assert_eq!(get(REPLY, "/data/o/x/1").as_deref(), Some("2"));
        assert_eq!(get(REPLY, "/data/z").as_deref(), Some("null"));
        assert_eq!(get(REPLY, "/data/u").as_deref(), Some("é\n"));
        assert_eq!(get(REPLY, "/error/code").as_deref(), Some(""));
    }

    #[test]
    fn malformed_pointers_and_unreadable_values_are_none() {
        for pointer in [
            "data",
            "/data/m~2n",
            "/data/o/x/01",
            "/data/o/x/-",
            "/data/o/x/+1",
        ] {
            assert_eq!(get(REPLY, pointer), None, "{pointer}");
        }
        assert_eq!(
            get(REPLY, "/data/nul"),
            None,
            "U+0000 cannot cross as a C string"
        );
        assert_eq!(get("{\"a\":1} x", ""), None);
        assert_eq!(get(r#"{"a":1,"a":2}"#, "/a").as_deref(), Some("2"));
    }

    #[test]
    fn status_and_success_follow_the_envelope_rules() {
        assert_eq!(status(REPLY), Some(200));
        assert!(is_success(REPLY));
        assert_eq!(status(r#"{"status":200}"#), None);
        let failed = r#"{"status":200,"error":{"code":"40002"}}"#;
        assert_eq!(status(failed), Some(200));
        assert!(!is_success(failed));
    }
}
