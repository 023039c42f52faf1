//! The vocabulary every settings parser shares: the refusal (`ConfigError`, naming the key at
//! fault), unknown keys, header-safe values, loopback hosts and whole numbers. A leaf of the
//! config layer: each settings type (`retry`, `tls`, `proxy`, `relay`, `options`) parses
//! itself with these and imports nothing else of the config.

use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::envelope::{Envelope, LocalCode};
use crate::json::{self, Duplicates};
use crate::text::quoted;

/// Why a configuration was refused: the key at fault and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted path of the key, e.g. `powertalk.server_key_secret`.
    pub key: String,
    /// A sentence a person can act on. Never contains a key's value.
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(key: &str, message: impl Into<String>) -> Self {
        ConfigError {
            key: key.to_owned(),
            message: message.into(),
        }
    }

    /// The error as an envelope (code 90003, `field` = the key).
    pub fn to_envelope(&self) -> Envelope {
        Envelope::local(LocalCode::InvalidConfig, &self.message, &self.key)
    }
}

pub(crate) type Parsed<T> = Result<T, ConfigError>;

/// A JSON text that must be an object; `what` names it in a refusal ("The config is",
/// "The options are").
pub(crate) fn object(text: &str, what: &str) -> Parsed<Map<String, Value>> {
    let subject = what.rsplit_once(' ').map_or(what, |(subject, _)| subject);
    match json::parse_object(text, Duplicates::LastWins) {
        Ok(Some(map)) => Ok(map),
        Ok(None) => Err(ConfigError::new(
            "",
            format!("{subject} must be a JSON object"),
        )),
        Err(e) => Err(ConfigError::new("", format!("{what} not valid JSON: {e}"))),
    }
}

/// Refuses the first key of `map` (at config path `section`) that is not in `known`.
pub(crate) fn refuse_unknown(
    map: &Map<String, Value>,
    section: &str,
    known: &[&str],
) -> Parsed<()> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(unknown) => {
            let path = if section.is_empty() {
                unknown.clone()
            } else {
                format!("{section}.{unknown}")
            };
            Err(ConfigError::new(
                &path,
                format!(
                    "Unknown config key {} (known keys here: {})",
                    quoted(&path),
                    known.join(", ")
                ),
            ))
        }
    }
}

/// CR or LF in a header value would let a key inject headers; other control characters
/// are invalid in headers anyway.
pub(crate) fn header_safe<'a>(path: &str, value: &'a str) -> Parsed<&'a str> {
    if value.contains(['\r', '\n']) {
        return Err(ConfigError::new(
            path,
            format!("{path} contains a line break (CR or LF); remove it"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') || !value.is_ascii() {
        return Err(ConfigError::new(
            path,
            format!("{path} contains control or non-ASCII characters; check for copy-paste errors"),
        ));
    }
    Ok(value)
}

/// Whether `host` is this machine: plain http is allowed there only.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `map[key]` as a positive whole number, `default` when absent.
pub(crate) fn positive(map: &Map<String, Value>, key: &str, default: u64) -> Parsed<u64> {
    match map.get(key) {
        None => Ok(default),
        Some(v) => match v.as_u64() {
            Some(n) if n > 0 => Ok(n),
            _ if v.is_number() => Err(ConfigError::new(
                key,
                format!("{key} must be a positive whole number"),
            )),
            _ => Err(wrong_type(key, "a positive whole number")),
        },
    }
}

/// `map[key]` as a whole number of at least `min` (refused at config path `path`).
pub(crate) fn number_at(
    map: &Map<String, Value>,
    key: &str,
    min: u64,
    path: &str,
) -> Parsed<Option<u64>> {
    match map.get(key) {
        None => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n >= min => Ok(Some(n)),
            _ => Err(ConfigError::new(
                path,
                format!("{path} must be a whole number of at least {min}"),
            )),
        },
    }
}

/// `map[key]` as a boolean, `None` when absent (refused at config path `path`).
pub(crate) fn flag(map: &Map<String, Value>, key: &str, path: &str) -> Parsed<Option<bool>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ConfigError::new(
            path,
            format!("{path} must be true or false"),
        )),
    }
}

/// "`path` must be `what`".
pub(crate) fn wrong_type(path: &str, what: &str) -> ConfigError {
    ConfigError::new(path, format!("{path} must be {what}"))
}
