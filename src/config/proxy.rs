//! The HTTP proxy settings (config keys `proxy`, `no_proxy` and `proxy_from_env`).
//!
//! ```
//! let config = taptalk::Config::from_json(
//!     r#"{"sendtalk": {"api_key": "k"}, "proxy": "http://user:secret@proxy.corp:3128"}"#,
//! ).unwrap();
//! let proxy = config.proxy.as_ref().unwrap();
//! assert_eq!(proxy.to_string(), "http://***@proxy.corp:3128");
//! assert!(!format!("{config:?}").contains("secret"));
//! ```
//!
//! How requests go through it is `transport/proxy.rs`.
//!
//! The environment (`HTTPS_PROXY`, `NO_PROXY`, ...) is read only when `proxy_from_env` is
//! true: a library must not change where keys go because a variable happens to be set.

use std::fmt;

use serde_json::{Map, Value};
use ureq::{Proxy, ProxyProtocol};

use super::rules::{is_loopback, ConfigError};

/// The proxy a client goes through. `Debug` and `Display` never show the credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxySettings {
    proxy: Proxy,
    /// Where it came from: `proxy`, or the environment variable's name.
    source: String,
}

impl fmt::Display for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let userinfo = if self.has_credentials() { "***@" } else { "" };
        write!(
            f,
            "http://{userinfo}{}:{}",
            self.proxy.host(),
            self.proxy.port()
        )
    }
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxySettings")
            .field("proxy", &self.to_string())
            .field("source", &self.source)
            .finish()
    }
}

const ENV_PROXY: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
const ENV_NO_PROXY: [&str; 2] = ["NO_PROXY", "no_proxy"];

impl ProxySettings {
    /// Reads `proxy` and `proxy_from_env` from the top level of the config.
    pub(crate) fn from_config(
        map: &Map<String, Value>,
    ) -> Result<Option<ProxySettings>, ConfigError> {
        let from_env = match map.get("proxy_from_env") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) => true,
            Some(_) => {
                return Err(ConfigError::new(
                    "proxy_from_env",
                    "proxy_from_env must be true or false",
                ))
            }
        };
        let no_proxy = no_proxy_entries(map.get("no_proxy"))?;
        if no_proxy.is_some() && (from_env || map.get("proxy").is_none()) {
            return Err(ConfigError::new(
                "no_proxy",
                if from_env {
                    "no_proxy goes with proxy; with proxy_from_env the NO_PROXY variable gives the exclusions"
                } else {
                    "no_proxy has no effect without proxy"
                },
            ));
        }
        match (map.get("proxy"), from_env) {
            (None, false) => Ok(None),
            (Some(_), true) => Err(ConfigError::new(
                "proxy_from_env",
                "proxy_from_env and proxy are exclusive: give the proxy, or let the environment give it",
            )),
            (Some(Value::String(url)), false) => {
                parse(url, "proxy", &no_proxy.unwrap_or_default()).map(Some)
            }
            (Some(_), false) => Err(ConfigError::new(
                "proxy",
                "proxy must be a string such as http://user:password@host:3128",
            )),
            (None, true) => {
                let Some((name, url)) = ENV_PROXY
                    .iter()
                    .find_map(|name| Some((*name, std::env::var(name).ok()?)))
                    .filter(|(_, url)| !url.trim().is_empty())
                else {
                    return Ok(None);
                };
                let no_proxy: Vec<String> = ENV_NO_PROXY
                    .iter()
                    .find_map(|name| std::env::var(name).ok())
                    .map(|list| {
                        list.split(',')
                            .map(str::trim)
                            .filter(|e| !e.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                // The variable's value may hold credentials: the message names the variable.
                parse(url.trim(), name, &no_proxy)
                    .map_err(|e| ConfigError::new("proxy_from_env", e.message))
                    .map(Some)
            }
        }
    }

    /// The ureq proxy (for `CONNECT`).
    pub(crate) fn ureq_proxy(&self) -> Proxy {
        self.proxy.clone()
    }

    /// Whether a plain-http request may go through it: only when the proxy itself is on
    /// this machine, or the key would cross a network in clear.
    pub(crate) fn is_loopback(&self) -> bool {
        is_loopback(self.proxy.host())
    }

    /// Whether a request to `url` goes through the proxy (not excluded by `NO_PROXY`).
    pub(crate) fn applies_to(&self, url: &str) -> bool {
        url.parse::<ureq::http::Uri>()
            .map(|uri| !self.proxy.is_no_proxy(&uri))
            .unwrap_or(true)
    }

    /// The proxy's host and port.
    pub(crate) fn authority(&self) -> (&str, u16) {
        (self.proxy.host(), self.proxy.port())
    }

    pub(crate) fn has_credentials(&self) -> bool {
        self.proxy.username().is_some() || self.proxy.password().is_some()
    }
}

/// Reads `no_proxy`: the hosts reached directly, as a list or as one comma-separated string
/// (the `NO_PROXY` form). Entries are host names, IP addresses, `.suffix` or `*.suffix` for
/// every host under a domain, or `*` for all.
fn no_proxy_entries(value: Option<&Value>) -> Result<Option<Vec<String>>, ConfigError> {
    let invalid = |why: &str| {
        ConfigError::new(
            "no_proxy",
            format!("no_proxy {why} (expected e.g. [\"localhost\", \".corp.example\"])"),
        )
    };
    let raw: Vec<&str> = match value {
        None => return Ok(None),
        Some(Value::String(list)) => list.split(',').collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| invalid("must hold only strings"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(invalid(
                "must be a list of hosts or a comma-separated string",
            ))
        }
    };
    let mut entries = Vec::new();
    for entry in raw.into_iter().map(str::trim).filter(|e| !e.is_empty()) {
        let allowed = |c: char| c.is_ascii_alphanumeric() || ".-*:[]_".contains(c);
        if !entry.chars().all(allowed) {
            return Err(invalid(&format!(
                "entry {:?} is not a host name, an address or a .domain suffix",
                entry.chars().take(64).collect::<String>()
            )));
        }
        entries.push(entry.to_owned());
    }
    Ok(Some(entries))
}

/// Checks and parses a proxy URL; `path` is what a refusal names (`proxy` or a variable).
fn parse(url: &str, path: &str, no_proxy: &[String]) -> Result<ProxySettings, ConfigError> {
    let invalid = |why: &str| {
        ConfigError::new(
            "proxy",
            format!("{path} {why} (expected e.g. http://user:password@host:3128)"),
        )
    };
    let with_scheme = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    let uri: ureq::http::Uri = with_scheme
        .parse()
        .map_err(|_| invalid("is not a valid URL"))?;
    if uri.scheme_str() != Some("http") {
        return Err(invalid(
            "must be an http:// proxy (the connection to the proxy is plain; HTTPS to the server is tunnelled through it)",
        ));
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("has no host"));
    }
    if uri.path() != "/" || uri.query().is_some() {
        return Err(invalid("must not have a path or query"));
    }
    let parsed = Proxy::new(&with_scheme).map_err(|_| invalid("is not a valid URL"))?;
    let mut builder = Proxy::builder(ProxyProtocol::Http)
        .host(parsed.host())
        .port(parsed.port());
    if let Some(user) = parsed.username() {
        builder = builder.username(user);
    }
    if let Some(password) = parsed.password() {
        builder = builder.password(password);
    }
    for entry in no_proxy {
        builder = builder.no_proxy(entry);
    }
    let proxy = builder.build().map_err(|_| invalid("is not a valid URL"))?;
    Ok(ProxySettings {
        proxy,
        source: path.to_owned(),
    })
}
