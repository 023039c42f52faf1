//! Keys kept off the phone: a product section may point `base_url` at the app's own relay
//! and carry the app's credentials as extra request headers instead of a TapTalk key.
//!
//! ```
//! let config = taptalk::Config::from_json(r#"{"sendtalk": {
//!     "base_url": "https://relay.example.com/taptalk",
//!     "headers": {"Authorization": "Bearer app-session-token"}}}"#).unwrap();
//! assert!(config.sendtalk.unwrap().key.expose().is_empty());   // no TapTalk key on the device
//! ```
//!
//! The relay (the app's server) checks the app's credentials and adds the TapTalk key. Extra
//! header values are held like keys: checked for CR/LF and control characters, redacted in
//! `Debug`, never logged; and they may never replace a header the library sets itself.

use serde_json::{Map, Value};
use ureq::http::{HeaderName, HeaderValue};

use super::rules::{header_safe, ConfigError};
use crate::secret::Secret;

/// The section key holding the extra headers.
pub(crate) const KEY: &str = "headers";

/// Headers the library sets (auth, body framing, content negotiation, identity) or that
/// belong to the connection; an extra header may not name any of them, in any case.
pub const RESERVED_HEADERS: [&str; 16] = [
    "server-key",
    "api-key",
    "secret-key",
    "content-type",
    "content-length",
    "accept",
    "accept-encoding",
    "user-agent",
    "host",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
];

/// One extra header: a checked name and a value that never prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraHeader {
    /// The name as configured (HTTP names are case-insensitive).
    pub name: String,
    /// The value; `Debug` prints `<redacted>`.
    pub value: Secret,
}

/// `<product>.headers`: absent is an empty list.
pub(crate) fn parse(
    section: &Map<String, Value>,
    product: &str,
) -> Result<Vec<ExtraHeader>, ConfigError> {
    let path = format!("{product}.{KEY}");
    let headers = match section.get(KEY) {
        None => return Ok(Vec::new()),
        Some(Value::Object(headers)) => headers,
        Some(_) => {
            return Err(ConfigError::new(
                &path,
                format!("{path} must be an object of header names to string values"),
            ))
        }
    };
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let field = format!("{path}.{name}");
        if name.is_empty() || HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(ConfigError::new(
                &field,
                format!("{field}: the header name is not a valid HTTP header name"),
            ));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED_HEADERS.contains(&lower.as_str()) {
            return Err(ConfigError::new(
                &field,
                format!(
                    "{field}: {name} is set by the library and cannot be replaced (reserved: {})",
                    RESERVED_HEADERS.join(", ")
                ),
            ));
        }
        if seen.contains(&lower) {
            return Err(ConfigError::new(
                &field,
                format!("{field}: the header is given twice (names are case-insensitive)"),
            ));
        }
        let value = match value {
            Value::String(s) if !s.is_empty() => header_safe(&field, s)?,
            Value::String(_) => {
                return Err(ConfigError::new(
                    &field,
                    format!("{field} must not be empty"),
                ))
            }
            _ => {
                return Err(ConfigError::new(
                    &field,
                    format!("{field} must be a string"),
                ))
            }
        };
        seen.push(lower);
        out.push(ExtraHeader {
            name: name.clone(),
            value: Secret::new(value),
        });
    }
    Ok(out)
}

/// The headers ready for the wire, values marked sensitive (kept out of `http`'s Debug).
pub(crate) fn wire(headers: &[ExtraHeader]) -> Vec<(HeaderName, HeaderValue)> {
    headers
        .iter()
        .filter_map(|h| {
            // Both were checked by `parse`, so neither conversion fails.
            let name = HeaderName::from_bytes(h.name.as_bytes()).ok()?;
            let mut value = HeaderValue::from_str(h.value.expose()).ok()?;
            value.set_sensitive(true);
            Some((name, value))
        })
        .collect()
}
