//! Shared by the targets: the real C exports (re-exported by the taptalk rlib),
//! a client whose products all point at a closed loopback port, and envelope checks.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::OnceLock;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use taptalk::Operation;

// The real exports, linked from the taptalk rlib (each target uses some of them).
#[allow(unused_imports)]
pub use taptalk::c_abi::{tt_call, tt_client_free, tt_client_new, tt_string_free, TtClient};

/// The operation a selector byte picks: any of the whole table (`Operation::ALL`), so an
/// operation added to the table is fuzzed without touching the targets.
pub fn pick(selector: u8) -> Operation {
    Operation::ALL[usize::from(selector) % Operation::ALL.len()]
}

/// The C export of `op` (the library's own table of them; every operation has one).
pub fn export(op: Operation) -> taptalk::c_abi::Export {
    taptalk::c_abi::export(op).expect("every operation has a C export")
}

/// Every product configured, all at the discard port of this machine (nothing listens there:
/// a request that reached the network would be refused at once). The targets never let a
/// request that passes validation through, so in practice no connection is attempted.
pub const CONFIG: &str = r#"{
  "powertalk": {"base_url": "http://127.0.0.1:9", "server_key_id": "fuzz-id", "server_key_secret": "fuzz-secret"},
  "sendtalk": {"base_url": "http://127.0.0.1:9", "api_key": "fuzz-key"},
  "onetalk": {"base_url": "http://127.0.0.1:9", "api_key": "fuzz-key"},
  "chatbot": {"base_url": "http://127.0.0.1:9", "organization_id": 1, "chatbot_id": "fuzz", "secret_key": "fuzz-secret"},
  "timeout_ms": 500,
  "connect_timeout_ms": 200,
  "retry": {"max_attempts": 1}
}"#;

struct Shared(*mut TtClient);
// SAFETY: TtClient is documented as shareable between threads.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

/// The one client of the process (never freed: it lives as long as the fuzzer).
pub fn client() -> *const TtClient {
    static CLIENT: OnceLock<Shared> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let config = CString::new(CONFIG).unwrap();
            let mut error = ptr::null_mut();
            // SAFETY: a valid C string and a writable out pointer.
            let client = unsafe { tt_client_new(config.as_ptr(), &mut error) };
            assert!(
                !client.is_null() && error.is_null(),
                "the fuzz config is refused"
            );
            Shared(client)
        })
        .0
}

/// Fuzz bytes as a C string: NULs cannot be passed through a `char *`, so they are dropped.
/// Invalid UTF-8 is kept (the exports must answer it with 90001).
pub fn c_string(bytes: &[u8]) -> CString {
    CString::new(
        bytes
            .iter()
            .copied()
            .filter(|&b| b != 0)
            .collect::<Vec<u8>>(),
    )
    .unwrap()
}

/// The bytes `c_string` passes, for computing the expected answer.
pub fn without_nuls(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().copied().filter(|&b| b != 0).collect()
}

/// Reads and frees a string returned by the library, checks it is an envelope of the
/// documented shape, and returns it parsed.
pub fn take_envelope(s: *mut c_char) -> Envelope {
    assert!(!s.is_null(), "an export returned NULL");
    // SAFETY: a NUL-terminated string from the library, read before it is freed.
    let text = unsafe { CStr::from_ptr(s) }
        .to_str()
        .expect("an envelope is not UTF-8")
        .to_owned();
    // SAFETY: returned by the library and freed exactly once.
    unsafe { tt_string_free(s) };
    let value: Value =
        standard_json(&text).unwrap_or_else(|e| panic!("an envelope is not JSON ({e}): {text}"));
    Envelope::checked(value, &text)
}

/// A local error envelope, shape-checked.
#[derive(Debug)]
pub struct Envelope {
    pub status: i64,
    pub code: String,
    pub message: String,
    pub field: String,
    pub data: Value,
}

impl Envelope {
    fn checked(value: Value, text: &str) -> Envelope {
        let object = value
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {text}"));
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["data", "error", "status"], "envelope keys: {text}");
        let status = value["status"]
            .as_i64()
            .unwrap_or_else(|| panic!("status: {text}"));
        let error = value["error"]
            .as_object()
            .unwrap_or_else(|| panic!("error: {text}"));
        assert_eq!(error.len(), 3, "error keys: {text}");
        let string = |key: &str| -> String {
            error
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("error.{key} is not a string: {text}"))
                .to_owned()
        };
        let envelope = Envelope {
            status,
            code: string("code"),
            message: string("message"),
            field: string("field"),
            data: value["data"].clone(),
        };
        assert!(envelope.data.is_object(), "data is not an object: {text}");
        assert!(
            !envelope.code.is_empty(),
            "a local envelope without a code: {text}"
        );
        assert!(
            !envelope.message.is_empty(),
            "a local envelope without a message: {text}"
        );
        assert_ne!(
            envelope.code, "90004",
            "a panic was caught at the C boundary: {text}"
        );
        envelope
    }

    /// Asserts a local failure with this code and the status the README's table gives it.
    pub fn expect(&self, code: &str, status: i64) {
        assert_eq!(
            (self.code.as_str(), self.status),
            (code, status),
            "{self:?}"
        );
    }
}

/// What the library answers for `request` before any network use, or `None` when the request
/// is valid (it would go to the network, which the targets skip).
pub fn expected_local_answer(op: Operation, request: &[u8]) -> Option<Expected> {
    let Ok(text) = std::str::from_utf8(request) else {
        return Some(Expected::code("90001"));
    };
    let value = match standard_json(text) {
        Ok(value @ Value::Object(_)) => value,
        _ => return Some(Expected::code("90002")),
    };
    match taptalk::validate(op, &value) {
        Ok(()) => None,
        Err(invalid) => Some(Expected {
            code: "40002",
            field: Some(invalid.field),
            message: Some(invalid.message),
        }),
    }
}

/// The answer a target expects for a request refused locally.
#[derive(Debug)]
pub struct Expected {
    pub code: &'static str,
    pub field: Option<String>,
    pub message: Option<String>,
}

impl Expected {
    pub fn code(code: &'static str) -> Expected {
        Expected {
            code,
            field: None,
            message: None,
        }
    }

    pub fn check(&self, got: &Envelope) {
        got.expect(self.code, 400);
        // 90001 and 90002 name no field.
        assert_eq!(&got.field, self.field.as_deref().unwrap_or(""), "{got:?}");
        if let Some(message) = &self.message {
            assert_eq!(&got.message, message, "{got:?}");
        }
    }
}

/// The reference reading of JSON text: serde_json's tokenizer building a plain `Value`, with
/// no private hooks. (With serde_json's `raw_value` feature on, which the library enables,
/// `serde_json::from_str::<Value>` reads an object whose first key is
/// `$serde_json::private::RawValue` as raw JSON text: no other parser does, so it cannot be
/// the reference.) Duplicate keys: the last counts, as in serde_json and browsers.
pub fn standard_json(text: &str) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Reference.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

#[derive(Clone, Copy)]
struct Reference;

impl<'de> DeserializeSeed<'de> for Reference {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Reference {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
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
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
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
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// How the library's messages quote a refused value (its rule, written again here to check
/// it): at most 40 characters, escaped as Rust's `escape_debug` does, in single quotes, then
/// the full length in characters when it was cut.
pub fn quoted(text: &str) -> String {
    let head: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    let length = text.chars().count();
    if length > 40 {
        format!("'{head}'... ({length} characters)")
    } else {
        format!("'{head}'")
    }
}
