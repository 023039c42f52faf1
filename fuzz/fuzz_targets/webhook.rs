//! `tt_webhook_parse`, what a receiver hands every request from outside.
//!
//! Input: byte 0 picks the headers (bit 0: a secret is checked; bit 1: the header carries it
//! right, else a wrong one; bit 2: none at all; bit 3: a small `max_body_bytes`); the rest is
//! the body, bytes as they are (NUL and invalid UTF-8 included).
//!
//! Checked: a well-formed envelope, never a caught panic; the secret never in it; a refusal
//! is a 930xx code with its documented status (or 90003 never: the options are fixed); a
//! wrong or missing secret is refused before the body is judged; success only for a body that
//! is UTF-8, within the limit, and one JSON object with no repeated key by an independent
//! parse; its data has the documented shape, a key naming its callback and type; and
//! normalising is idempotent: the event parsed again gives the same event and key.
#![no_main]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use libfuzzer_sys::fuzz_target;

mod common;
use serde_json::{Map, Value};
use taptalk::c_abi::{tt_string_free, tt_webhook_parse};

const SECRET: &str = "fuzz-webhook-secret-77";

fn parse(headers: &str, body: &[u8], secret: Option<&str>, options: Option<&str>) -> (String, Value) {
    let headers = CString::new(headers).unwrap();
    let secret = secret.map(|s| CString::new(s).unwrap());
    let options = options.map(|o| CString::new(o).unwrap());
    // SAFETY: NUL-terminated strings or NULL; body.len() readable bytes at body.
    let raw: *mut c_char = unsafe {
        tt_webhook_parse(
            headers.as_ptr(),
            body.as_ptr(),
            body.len(),
            secret.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
        )
    };
    assert!(!raw.is_null(), "tt_webhook_parse returned NULL");
    // SAFETY: a fresh string from the library, freed once.
    let text = unsafe { CStr::from_ptr(raw) }.to_str().expect("UTF-8").to_owned();
    unsafe { tt_string_free(raw) };
    let value = common::standard_json(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (text, value)
}

/// An independent reading of "one JSON object with no key given twice".
fn one_object_without_repeats(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else { return false };
    let Ok(Value::Object(_)) = common::standard_json(text) else { return false };
    // serde_json's own Value keeps the last of a repeated key, so walk the text with a
    // visitor of our own that fails on a repeat.
    struct Strict;
    impl<'de> serde::de::Visitor<'de> for Strict {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                map.next_value_seed(Seed)?;
                if !seen.insert(key) {
                    return Err(serde::de::Error::custom("repeat"));
                }
            }
            Ok(())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Seed)?.is_some() {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> { Ok(()) }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> { Ok(()) }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> { Ok(()) }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> { Ok(()) }
        fn visit_str<E>(self, _: &str) -> Result<(), E> { Ok(()) }
        fn visit_unit<E>(self) -> Result<(), E> { Ok(()) }
    }
    #[derive(Clone, Copy)]
    struct Seed;
    impl<'de> serde::de::DeserializeSeed<'de> for Seed {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(Strict)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(Seed, &mut de).is_ok() && de.end().is_ok()
}

const STATUS: [(&str, i64); 7] = [
    ("93001", 401),
    ("93002", 401),
    ("93003", 500),
    ("93004", 400),
    ("93005", 413),
    ("93006", 400),
    ("93007", 400),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let secret = (selector & 1 != 0).then_some(SECRET);
    let headers = if selector & 4 != 0 {
        "{}".to_owned()
    } else if selector & 2 != 0 {
        format!(r#"{{"Content-Type": "application/json", "x-secret-key": "{SECRET}"}}"#)
    } else {
        r#"{"X-Secret-Key": "not-the-secret"}"#.to_owned()
    };
    let limit = if selector & 8 != 0 { 64 } else { 1 << 20 };
    let options = format!(r#"{{"max_body_bytes": {limit}}}"#);
    let (text, reply) = parse(&headers, body, secret, Some(&options));
    assert!(!text.contains(SECRET), "the secret in a reply: {text}");
    let status = reply["status"].as_i64().expect("status");
    let code = reply["error"]["code"].as_str().expect("code").to_owned();
    assert!(reply["data"].is_object(), "{text}");
    if !code.is_empty() {
        assert!(STATUS.contains(&(code.as_str(), status)), "unexpected refusal: {text}");
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(!message.is_empty(), "{text}");
    }
    // The order of checks: size, then the secret, then the body.
    if body.len() > limit {
        assert_eq!(code, "93005", "{text}");
        return;
    }
    if secret.is_some() && selector & 4 != 0 {
        assert_eq!(code, "93001", "{text}");
        return;
    }
    if secret.is_some() && selector & 2 == 0 {
        assert_eq!(code, "93002", "{text}");
        return;
    }
    let object = one_object_without_repeats(body);
    assert_eq!(code == "93004", !object, "body judged wrongly: {text}");
    if !code.is_empty() {
        return;
    }
    assert_eq!(status, 200, "{text}");
    let data = &reply["data"];
    let callback = data["callback"].as_str().expect("callback");
    assert!(["onetalk", "chatbot", "channel", "powertalk"].contains(&callback), "{text}");
    let kind = data["type"].as_str().expect("type");
    let key = data["key"].as_str().expect("key");
    assert!(key.starts_with(&format!("{callback}:{kind}:")), "{text}");
    assert_eq!(data["verified"], Value::Bool(secret.is_some()));
    let event: &Map<String, Value> = data["event"].as_object().expect("event");
    if data["known"] == Value::Bool(false) {
        let original = common::standard_json(std::str::from_utf8(body).unwrap()).unwrap();
        assert_eq!(data["event"], original, "an unknown event must pass untouched");
    }
    // Normalising is idempotent: the event read again is the same event with the same key.
    let again = Value::Object(event.clone()).to_string();
    let (text2, reply2) = parse(&headers, again.as_bytes(), secret, Some(r#"{"max_body_bytes": 1048576}"#));
    assert_eq!(reply2["status"], 200, "the normalised event is refused: {text2}");
    assert_eq!(reply2["data"]["event"], data["event"], "not idempotent: {text} / {text2}");
    assert_eq!(reply2["data"]["key"], data["key"], "the key moved: {text} / {text2}");
});
