//! The client configuration (`config_json`), parsed strictly so that a typo in a key or a
//! risky setting is refused at start-up rather than discovered in production.
//!
//! ```
//! let config = taptalk::Config::from_json(r#"{"sendtalk": {"api_key": "k"}, "timeout_ms": 5000}"#).unwrap();
//! assert_eq!(config.sendtalk.unwrap().base_url, "https://sendtalk-api.taptalk.io");
//! ```

use std::time::Duration;

use serde_json::{Map, Value};

use crate::operation::Product;
use crate::secret::Secret;

mod options;
mod proxy;
pub(crate) mod relay;
mod retry;
pub(crate) mod rules;
mod tls;

pub(crate) use options::CallOptions;
pub use options::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY};
pub use proxy::ProxySettings;
pub use relay::{ExtraHeader, RESERVED_HEADERS};
pub use retry::RetryPolicy;
pub use rules::ConfigError;
use rules::{header_safe, is_loopback, number_at, positive, refuse_unknown, wrong_type, Parsed};
pub use tls::TlsSettings;

/// Defaults: on, and generous enough for a slow mobile network.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Connecting should be quick; a long wait here means the host is unreachable.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 10_000;
/// How long a host name's addresses are reused, as libcurl's default; 0 looks a name up for
/// every new connection.
pub const DEFAULT_DNS_CACHE_MS: u64 = 60_000;
/// Replies are small envelopes; anything this big is a misconfigured base URL or an attack.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Where and how to reach one product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductConfig {
    /// Scheme, host and optional path prefix, without a trailing slash.
    pub base_url: String,
    /// The PowerTalk Server Key ID (empty for the API-Key products).
    pub key_id: String,
    /// The API key, or the PowerTalk Server Key Secret. Empty (with `key_id`) for a relay
    /// section that carries the app's own `headers` instead: then no key header is sent.
    pub key: Secret,
    /// Extra request headers (the app's credentials for its relay); see `relay.rs`.
    pub headers: Vec<ExtraHeader>,
    /// Values for the `{name}` placeholders in the product's paths: the chatbot's
    /// `organizationID` and `chatbotID`; empty for the other products.
    pub path_params: Vec<(String, String)>,
}

/// A parsed, checked configuration. `Debug` never prints a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// PowerTalk Server API, if used.
    pub powertalk: Option<ProductConfig>,
    /// SendTalk, if used.
    pub sendtalk: Option<ProductConfig>,
    /// OneTalk Integration API, if used.
    pub onetalk: Option<ProductConfig>,
    /// A OneTalk custom chatbot's actions, if used.
    pub chatbot: Option<ProductConfig>,
    /// Whole-call limit (connect, send, wait, read).
    pub timeout: Duration,
    /// Limit on establishing the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// How long a host name's resolved addresses are reused (`dns_cache_ms`; zero: not
    /// cached). A pooled connection needs no lookup either way.
    pub dns_cache: Duration,
    /// Added after `taptalk/VERSION` in the User-Agent header.
    pub user_agent: Option<String>,
    /// Replies larger than this are refused with code 91009.
    pub max_response_bytes: u64,
    /// When failed attempts are repeated; see [`RetryPolicy`].
    pub retry: RetryPolicy,
    /// Trusted certificate authorities (`tls`); see [`TlsSettings`].
    pub tls: TlsSettings,
    /// The HTTP proxy to go through (`proxy`, or `proxy_from_env`); see [`ProxySettings`].
    pub proxy: Option<ProxySettings>,
}

impl Config {
    /// Parses and checks `config_json`; see the README for every key.
    pub fn from_json(config_json: &str) -> Parsed<Config> {
        Config::from_map(&rules::object(config_json, "The config is")?)
    }

    fn from_map(map: &Map<String, Value>) -> Parsed<Config> {
        const KEYS: [&str; 14] = [
            "powertalk",
            "sendtalk",
            "onetalk",
            "chatbot",
            "timeout_ms",
            "connect_timeout_ms",
            "dns_cache_ms",
            "user_agent",
            "max_response_bytes",
            "retry",
            "tls",
            "proxy",
            "no_proxy",
            "proxy_from_env",
        ];
        refuse_unknown(map, "", &KEYS)?;
        let user_agent = match map.get("user_agent") {
            None => None,
            Some(Value::String(s)) => Some(header_safe("user_agent", s)?.to_owned()),
            Some(_) => return Err(wrong_type("user_agent", "a string")),
        };
        let config = Config {
            powertalk: product(map, Product::PowerTalk)?,
            sendtalk: product(map, Product::SendTalk)?,
            onetalk: product(map, Product::OneTalk)?,
            chatbot: product(map, Product::Chatbot)?,
            timeout: Duration::from_millis(positive(map, "timeout_ms", DEFAULT_TIMEOUT_MS)?),
            connect_timeout: Duration::from_millis(positive(
                map,
                "connect_timeout_ms",
                DEFAULT_CONNECT_TIMEOUT_MS,
            )?),
            dns_cache: Duration::from_millis(
                number_at(map, "dns_cache_ms", 0, "dns_cache_ms")?.unwrap_or(DEFAULT_DNS_CACHE_MS),
            ),
            user_agent,
            max_response_bytes: positive(map, "max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)?,
            retry: match map.get("retry") {
                None => RetryPolicy::default(),
                Some(section) => RetryPolicy::default().merged(section, "retry")?,
            },
            tls: TlsSettings::from_section(map.get("tls"))?,
            proxy: ProxySettings::from_config(map)?,
        };
        check_plain_http_proxy(&config)?;
        Ok(config)
    }

    /// The section for `product`, if configured.
    pub fn product(&self, product: Product) -> Option<&ProductConfig> {
        match product {
            Product::PowerTalk => self.powertalk.as_ref(),
            Product::SendTalk => self.sendtalk.as_ref(),
            Product::OneTalk => self.onetalk.as_ref(),
            Product::Chatbot => self.chatbot.as_ref(),
        }
    }
}

fn product(map: &Map<String, Value>, product: Product) -> Parsed<Option<ProductConfig>> {
    let name = product.key();
    let section = match map.get(name) {
        None => return Ok(None),
        Some(Value::Object(section)) => section,
        Some(_) => return Err(wrong_type(name, "an object")),
    };
    let (key_id_name, key_name) = match product {
        Product::PowerTalk => ("server_key_id", "server_key_secret"),
        Product::Chatbot => ("", "secret_key"),
        Product::SendTalk | Product::OneTalk => ("", "api_key"),
    };
    // The chatbot's URL names its organisation and chatbot: `{config key, placeholder}`.
    let ids: &[(&str, &str)] = match product {
        Product::Chatbot => &[
            ("organization_id", "organizationID"),
            ("chatbot_id", "chatbotID"),
        ],
        _ => &[],
    };
    let known: Vec<&str> = ["base_url", key_id_name, key_name, relay::KEY]
        .into_iter()
        .chain(ids.iter().map(|(key, _)| *key))
        .filter(|k| !k.is_empty())
        .collect();
    refuse_unknown(section, name, &known)?;
    let path_params = ids
        .iter()
        .map(|(key, placeholder)| Ok(((*placeholder).to_owned(), path_id(section, name, key)?)))
        .collect::<Parsed<Vec<_>>>()?;

    let base_url = match (section.get("base_url"), product.default_base_url()) {
        (None, Some(default)) => default.to_owned(),
        (None, None) => {
            return Err(ConfigError::new(
                &format!("{name}.base_url"),
                format!("{name}.base_url is required: PowerTalk has no default host, use your own (e.g. https://your-server.example)"),
            ))
        }
        (Some(Value::String(url)), _) => check_base_url(&format!("{name}.base_url"), url)?,
        (Some(_), _) => return Err(wrong_type(&format!("{name}.base_url"), "a string")),
    };
    let headers = relay::parse(section, name)?;
    // A relay section (extra headers, no key given) sends no TapTalk key at all: the relay
    // adds it. Giving part of a key is still refused below.
    if !headers.is_empty() && !section.contains_key(key_name) && !section.contains_key(key_id_name)
    {
        return Ok(Some(ProductConfig {
            base_url,
            key_id: String::new(),
            key: Secret::new(""),
            headers,
            path_params,
        }));
    }
    let key_id = if key_id_name.is_empty() {
        String::new()
    } else {
        required_key(section, name, key_id_name)?.to_owned()
    };
    if key_id.contains(':') {
        // base64("id:secret") would be ambiguous.
        return Err(ConfigError::new(
            &format!("{name}.{key_id_name}"),
            format!("{name}.{key_id_name} must not contain ':'"),
        ));
    }
    let key = Secret::new(required_key(section, name, key_name)?);
    Ok(Some(ProductConfig {
        base_url,
        key_id,
        key,
        headers,
        path_params,
    }))
}

/// An id that goes into the URL's path (the chatbot's organisation and chatbot): required,
/// a string or a whole number, of letters, digits, `-` and `_` only, so it cannot change the
/// path it is put into.
fn path_id(section: &Map<String, Value>, product: &str, name: &str) -> Parsed<String> {
    let path = format!("{product}.{name}");
    let id = match section.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        None => {
            return Err(ConfigError::new(
                &path,
                format!("{path} is required (the {product} section is present); it is in the chatbot's OneTalk URL"),
            ))
        }
        Some(_) => return Err(wrong_type(&path, "a string or a whole number")),
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if id.is_empty() || id.len() > 100 || !id.chars().all(plain) {
        return Err(ConfigError::new(
            &path,
            format!("{path} must be 1 to 100 letters, digits, '-' or '_' (as in the chatbot's OneTalk URL)"),
        ));
    }
    Ok(id)
}

/// A credential: present, a non-empty string, and safe to put in a header. The message
/// never repeats the value.
fn required_key<'a>(section: &'a Map<String, Value>, product: &str, name: &str) -> Parsed<&'a str> {
    let path = format!("{product}.{name}");
    match section.get(name) {
        Some(Value::String(s)) if !s.is_empty() => header_safe(&path, s),
        Some(Value::String(_)) | None => Err(ConfigError::new(
            &path,
            format!("{path} is required (the {product} section is present)"),
        )),
        Some(_) => Err(wrong_type(&path, "a string")),
    }
}

/// https only, except plain http to this machine: keys must never cross a network in clear.
fn check_base_url(path: &str, url: &str) -> Parsed<String> {
    let invalid = |why: &str| ConfigError::new(path, format!("{path} {why}"));
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|_| invalid("is not a valid URL (expected e.g. https://host)"))?;
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("has no host (expected e.g. https://host)"))?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(invalid(
            "must not contain user:password@; keys go in their own config keys",
        ));
    }
    if !is_host_name_or_address(host) {
        return Err(invalid(
            "has a host that is neither a host name nor an IP address (expected e.g. https://host.example)",
        ));
    }
    if uri.query().is_some() || url.contains('#') {
        return Err(invalid("must not contain a query or fragment"));
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback(host) => {}
        Some("http") => {
            return Err(invalid(
                "uses plain http to a host that is not this machine; use https (plain http is allowed only to 127.0.0.0/8, ::1 and localhost)",
            ))
        }
        _ => return Err(invalid("must start with https://")),
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// An IP address (IPv6 in brackets), or a DNS name: dot-separated labels of 1-63 letters,
/// digits, '-' or '_' (not at a label's ends for '-'), 253 characters at most, one trailing
/// dot allowed. Refuses what a URL parser lets through but no resolver can look up
/// ("https://...", "https://.").
fn is_host_name_or_address(host: &str) -> bool {
    if host.starts_with('[') {
        return host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Plain http is allowed to loopback only; through a proxy elsewhere the key would cross
/// the network in clear on its way to the proxy.
fn check_plain_http_proxy(config: &Config) -> Parsed<()> {
    let Some(proxy) = config.proxy.as_ref().filter(|p| !p.is_loopback()) else {
        return Ok(());
    };
    for product in Product::ALL {
        if let Some(section) = config.product(product) {
            if section.base_url.starts_with("http://") && proxy.applies_to(&section.base_url) {
                let key = format!("{}.base_url", product.key());
                return Err(ConfigError::new(
                    &key,
                    format!("{key} uses plain http, which would reach the proxy ({proxy}) in clear; use https, or a proxy on this machine"),
                ));
            }
        }
    }
    Ok(())
}
