//! Raw requests: an endpoint the SDK has no operation for yet, with everything a named
//! operation gets (the product's key header, timeouts, size cap, no redirects, the envelope
//! check, retries by the same rules, log lines without keys).
//!
//! ```no_run
//! use taptalk::{Client, Method, Product};
//! let client = Client::from_json(r#"{"sendtalk": {"api_key": "YOUR_KEY"}}"#).unwrap();
//! let reply = client.request(Product::SendTalk, Method::Post,
//!     "/api/v1/message/check_whatsapp_phone", Some(r#"{"phone": "6281212345678"}"#), None);
//! println!("{reply}");
//! ```
//!
//! The path is checked so that the key can only ever go to the configured host: it must be
//! a plain absolute path (no scheme, host, `//`, `?`, `#`, backslash, `.`/`..` segments even
//! when percent-encoded, encoded slashes or `%`, control or non-ASCII characters). A GET is a read
//! and is retried like one; a POST is treated as a send (never repeated once it may have
//! been written) unless the call's options say `"safe_to_repeat": true`.

use serde_json::{Map, Value};
use ureq::http::Uri;

use super::attempts::{masked_phone, CallKind};
use super::blocking::{not_configured, Client};
use crate::config::CallOptions;
use crate::envelope::{Envelope, LocalCode};
use crate::json::{self, Duplicates};
use crate::log::{self, level};
use crate::operation::{Method, Product};
use crate::text::quoted;

/// Longer paths are refused: no TapTalk endpoint comes near it.
const MAX_PATH_BYTES: usize = 2048;

impl Client {
    /// Sends `method` to `path` under `product`'s base URL, with `json` as the body (POST;
    /// `None` sends `{}`) or as a flat query object (GET; string, number and boolean values,
    /// `null` left out). `options_json` is `tt_call`'s (`{"retry": {...}}`) plus
    /// `"safe_to_repeat": true` to let a POST be retried like a read.
    ///
    /// Answers the server's envelope unchanged, or a local one: 40002 with `field` "path",
    /// "query" or "body" for a refused request, 40001 for an unconfigured product, 90003
    /// for bad options.
    pub fn request(
        &self,
        product: Product,
        method: Method,
        path: &str,
        json: Option<&str>,
        options_json: Option<&str>,
    ) -> Envelope {
        let options = match CallOptions::for_raw_request(&self.config().retry, options_json) {
            Ok(options) => options,
            Err(e) => return e.to_envelope(),
        };
        let Some(credentials) = self.endpoint(product) else {
            return not_configured(product);
        };
        let base_url = credentials.base_url();
        let prepared = check_path(path)
            .and_then(|()| payload(method, json))
            .and_then(|(query, body)| {
                let url = format!("{base_url}{path}{query}");
                fits_in_a_url(&url, query.len())?;
                same_origin(base_url, &url)?;
                Ok((url, body))
            });
        let (url, body) = match prepared {
            Ok(prepared) => prepared,
            Err(envelope) => {
                log::emit(level::DEBUG, || {
                    format!(
                        "{}_request refused locally: {} {}",
                        product.key(),
                        envelope.code(),
                        envelope.field()
                    )
                });
                return envelope;
            }
        };
        let phone = json
            .filter(|_| log::enabled(level::ERROR))
            .and_then(|text| {
                json::parse_object(text, Duplicates::LastWins)
                    .ok()
                    .flatten()
            })
            .and_then(|request| masked_phone(&request));
        let wire = credentials.wire(product, method, url, body);
        // Query strings stay out of log lines: they may carry personal data.
        let name = format!("{}_request {} {path}", product.key(), method.as_str());
        let kind = CallKind {
            name: &name,
            sends: method == Method::Post && !options.safe_to_repeat,
        };
        self.attempts(&kind, &wire, &options.retry, phone.as_deref(), None)
    }
}

fn refuse(field: &str, message: impl Into<String>) -> Envelope {
    Envelope::local(LocalCode::InvalidParam, message, field)
}

/// A plain absolute path, which cannot name another host or climb out of the base URL.
pub(crate) fn check_path(path: &str) -> Result<(), Envelope> {
    let refuse = |why: &str| {
        Err(refuse(
            "path",
            format!("The path is refused: {why}. Give a path under the product's base URL, e.g. /api/v1/message/get_status"),
        ))
    };
    if !path.starts_with('/') {
        return refuse("it must start with '/' (a URL, scheme or host is never accepted)");
    }
    if path.len() > MAX_PATH_BYTES {
        return refuse("it is longer than 2048 bytes");
    }
    if path.contains("//") {
        return refuse("it contains '//' (an empty segment, or a host)");
    }
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_control() {
            return refuse("it contains a control character");
        }
        if !b.is_ascii() {
            return refuse("it contains a non-ASCII character (percent-encode it)");
        }
        match b {
            b'%' => {
                let decoded = bytes
                    .get(i + 1..i + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                match decoded {
                    None => return refuse("it has a '%' not followed by two hex digits"),
                    Some(d) if d.is_ascii_control() => {
                        return refuse("it contains a percent-encoded control character")
                    }
                    Some(b'/' | b'\\') => {
                        return refuse("it contains a percent-encoded '/' or '\\'")
                    }
                    // A server that decodes twice would see "%2e%2e" in "%252e%252e" as "..".
                    Some(b'%') => return refuse("it contains a percent-encoded '%'"),
                    Some(_) => i += 3,
                }
                continue;
            }
            b'?' | b'#' => {
                return refuse("it contains '?' or '#' (give query values as the JSON object)")
            }
            b if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) => {}
            _ => return refuse("it contains a character that is not allowed in a URL path"),
        }
        i += 1;
    }
    for segment in path.split('/') {
        let decoded = segment.replace("%2e", ".").replace("%2E", ".");
        if decoded == "." || decoded == ".." {
            return refuse("it contains a '.' or '..' segment (also when percent-encoded)");
        }
    }
    Ok(())
}

/// The query string (with its '?') and body for `method`.
fn payload(method: Method, json: Option<&str>) -> Result<(String, Option<Vec<u8>>), Envelope> {
    let field = match method {
        Method::Get => "query",
        Method::Post => "body",
    };
    let parsed = match json {
        None => None,
        Some(text) => Some(json::parse(text, Duplicates::LastWins).map_err(|e| {
            Envelope::local(
                LocalCode::InvalidJson,
                format!("The {field} is not valid JSON: {e}"),
                field,
            )
        })?),
    };
    match method {
        // The caller's JSON goes out as written.
        Method::Post => Ok((
            String::new(),
            Some(json.unwrap_or("{}").as_bytes().to_vec()),
        )),
        Method::Get => match parsed {
            None | Some(Value::Null) => Ok((String::new(), None)),
            Some(Value::Object(map)) => Ok((query_string(&map)?, None)),
            Some(_) => Err(refuse(
                "query",
                "The query must be a JSON object of string, number or boolean values",
            )),
        },
    }
}

fn query_string(map: &Map<String, Value>) -> Result<String, Envelope> {
    let mut out = String::new();
    for (key, value) in map {
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(refuse(
                    "query",
                    format!(
                        "Query value {} must be a string, number or boolean",
                        quoted(key)
                    ),
                ))
            }
        };
        out.push(if out.is_empty() { '?' } else { '&' });
        percent_encode(key, &mut out);
        out.push('=');
        percent_encode(&text, &mut out);
    }
    Ok(out)
}

/// RFC 3986: everything but the unreserved characters is percent-encoded.
fn percent_encode(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The longest URL the HTTP layer can carry (the `http` crate's limit); servers often take
/// far less (8 KB is common).
const MAX_URL_BYTES: usize = 65_534;

/// A query too long for a URL is refused naming its size, not as "an invalid URL".
fn fits_in_a_url(url: &str, query_bytes: usize) -> Result<(), Envelope> {
    if url.len() <= MAX_URL_BYTES {
        return Ok(());
    }
    Err(refuse(
        "query",
        format!(
            "The URL would be {} bytes (its query {query_bytes} bytes once percent-encoded); the longest this library can send is {MAX_URL_BYTES} bytes, and servers often accept far less: send large values in a POST body",
            url.len()
        ),
    ))
}

/// Belt and braces: the URL built must still name the base URL's scheme and host.
fn same_origin(base_url: &str, url: &str) -> Result<(), Envelope> {
    let (Ok(base), Ok(built)) = (base_url.parse::<Uri>(), url.parse::<Uri>()) else {
        return Err(refuse("path", "The path does not form a valid URL"));
    };
    if base.scheme() != built.scheme() || base.authority() != built.authority() {
        return Err(refuse("path", "The path would change the URL's host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn paths_that_could_leave_the_host_or_the_base_are_refused() {
        for ok in [
            "/api/v1/message/get_status",
            "/v1/server/user/update",
            "/a/b%20c/d:e@f",
            "/x/..a/b..",
            "/x/%2e%2ex",
        ] {
            assert!(check_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "api/v1",
            "https://evil.example/x",
            "//evil.example/x",
            "/a//b",
            "/a/../b",
            "/a/./b",
            "/a/%2e%2e/b",
            "/a/%2E./b",
            "/a/.%2e",
            "/a/..",
            "/a%2fb",
            "/a%5Cb",
            "/a\\b",
            "/a?x=1",
            "/a#f",
            "/a b",
            "/a\r\nHost: evil",
            "/a%0d%0a",
            "/a\u{7f}",
            "/caf\u{e9}",
            "/a%zz",
            "/a%2",
            "/a<b>",
            "/a/%252e%252e/b",
        ] {
            let refused = check_path(bad).unwrap_err();
            assert_eq!(refused.code(), "40002", "{bad:?}");
            assert_eq!(refused.field(), "path", "{bad:?}");
        }
    }
}
