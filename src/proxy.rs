//! Going through an HTTP proxy (config keys `proxy` and `proxy_from_env`).
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
//! HTTPS goes through `CONNECT` (ureq's `ConnectProxyConnector`: the proxy sees only the
//! host and port, the TLS session is end to end). Plain HTTP, allowed only to loopback,
//! goes as a forward request (`POST http://host:port/path`), which is what proxies expect
//! for `http://` URLs and what a proxy that refuses `CONNECT` to non-TLS ports accepts;
//! `ForwardProxyConnector` opens that connection and `wire::Coalesce` writes the absolute
//! request line and the `Proxy-Authorization` header.
//!
//! The environment (`HTTPS_PROXY`, `NO_PROXY`, ...) is read only when `proxy_from_env` is
//! true: a library must not change where keys go because a variable happens to be set.

use std::fmt;

use base64::Engine as _;
use serde_json::{Map, Value};
use ureq::unversioned::transport::{ConnectionDetails, Connector, Either, Transport};
use ureq::{Error, Proxy, ProxyProtocol};

use crate::config::ConfigError;
use crate::envelope::{Envelope, LocalCode};
use crate::socket::SocketConnector;
use crate::transport::{Attempt, Delivery};

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
        crate::config::is_loopback(self.proxy.host())
    }

    /// Whether a request to `url` goes through the proxy (not excluded by `NO_PROXY`).
    pub(crate) fn applies_to(&self, url: &str) -> bool {
        url.parse::<ureq::http::Uri>()
            .map(|uri| !self.proxy.is_no_proxy(&uri))
            .unwrap_or(true)
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

/// Whether `details` is a plain-http request that goes through the proxy as a forward
/// request, and the `Proxy-Authorization` value it then carries.
pub(crate) fn forwarding(details: &ConnectionDetails) -> Option<Forward> {
    let proxy = details.config.proxy()?;
    if details.needs_tls() || proxy.is_no_proxy(details.uri) {
        return None;
    }
    let authority = details.uri.authority()?.as_str().to_owned();
    let authorization = (proxy.username().is_some() || proxy.password().is_some()).then(|| {
        let pair = format!(
            "{}:{}",
            proxy.username().unwrap_or_default(),
            proxy.password().unwrap_or_default()
        );
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    });
    Some(Forward {
        origin: format!("http://{authority}"),
        authorization,
    })
}

/// What a forward request adds to the request head.
pub(crate) struct Forward {
    /// `http://host:port`, put before the path in the request line.
    pub origin: String,
    /// `Basic base64(user:password)`, when the proxy has credentials.
    pub authorization: Option<String>,
}

/// Opens the TCP connection to the proxy for a plain-http request; ureq's own CONNECT
/// connector (next in the chain) then sees a connection already made and steps aside.
#[derive(Debug, Default)]
pub(crate) struct ForwardProxyConnector;

impl Connector<()> for ForwardProxyConnector {
    type Out = Either<(), Box<dyn Transport>>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<Self::Out>, Error> {
        if forwarding(details).is_none() {
            return Ok(None);
        }
        let proxy_uri = details.config.proxy().expect("forwarding checked it").uri();
        let addrs = details
            .resolver
            .resolve(proxy_uri, details.config, details.timeout)?;
        let proxy_details = ConnectionDetails {
            uri: proxy_uri,
            addrs,
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            register_shutdown: details.register_shutdown.clone(),
        };
        let transport = Connector::<()>::connect(&SocketConnector, &proxy_details, None)?;
        Ok(transport.map(|t| Either::B(t.boxed())))
    }
}

/// A failure to connect, when the only connection made was to the proxy: the proxy could
/// not be reached. Nothing was sent, so the retry rules treat it like any failed connect.
pub(crate) fn blame(proxy: &ProxySettings, attempt: &mut Attempt) {
    if attempt.envelope.local_code() != Some(LocalCode::ConnectFailed) {
        return;
    }
    let message = attempt
        .envelope
        .message()
        .replace("to the server", &format!("to the proxy {proxy}"))
        .replace(
            "The server's host name",
            &format!("The proxy's host name ({proxy})"),
        );
    attempt.envelope = Envelope::local(LocalCode::ProxyFailed, message, "");
    attempt.delivery = Delivery::NotSent;
}

/// The proxy answered `CONNECT` with something else than 200 (ureq's reason text is
/// `proxy server responded 407/407`, or `proxy server did not respond`).
pub(crate) fn connect_refused(reason: &str) -> Attempt {
    let status = reason
        .strip_prefix("proxy server responded ")
        .and_then(|rest| rest.split('/').next())
        .and_then(|code| code.parse::<u16>().ok());
    let message = match status {
        // tinyproxy answers a wrong password with 401 rather than 407.
        Some(code @ (401 | 407)) => format!(
            "The proxy refused the tunnel to the server: HTTP {} (check the user and password in proxy); the request was not sent",
            status_text(code)
        ),
        Some(code) => format!(
            "The proxy refused the tunnel to the server: HTTP {}; the request was not sent",
            status_text(code)
        ),
        None => "The proxy closed the connection without answering CONNECT; the request was not sent".to_owned(),
    };
    Attempt {
        envelope: Envelope::local(LocalCode::ProxyFailed, message, ""),
        // A 4xx is the proxy's policy or missing credentials: repeating cannot help.
        delivery: match status {
            Some(400..=499) => Delivery::Refused,
            _ => Delivery::NotSent,
        },
        http_status: None,
        retry_after: None,
    }
}

/// A forward request's 407 is the proxy's, not the server's: nothing reached the server.
/// So is a 401 with an HTTP authentication challenge when proxy credentials were sent
/// (tinyproxy answers a wrong password so; TapTalk's APIs never challenge).
pub(crate) fn refusal(
    proxy: &ProxySettings,
    response: &ureq::http::Response<ureq::Body>,
) -> Option<Attempt> {
    let status = response.status().as_u16();
    let challenged = response.headers().contains_key("www-authenticate");
    if !(status == 407 || (status == 401 && challenged && proxy.has_credentials())) {
        return None;
    }
    let message = format!(
        "The proxy {proxy} refused the request: HTTP {} (check the user and password in proxy); the request was not sent",
        status_text(status)
    );
    Some(Attempt {
        envelope: Envelope::local(LocalCode::ProxyFailed, message, ""),
        delivery: Delivery::Refused,
        http_status: Some(status),
        retry_after: None,
    })
}

fn status_text(code: u16) -> String {
    match ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}
