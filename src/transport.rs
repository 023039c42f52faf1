//! The one place that touches HTTP: a pooled keep-alive agent, and the mapping of every
//! way an exchange can fail to an envelope with the library's own code.
//!
//! Nothing here retries: one `exchange` is one attempt. It reports whether the request could
//! have reached the server, which is what the retry loop (`client.rs`) decides on.

use std::io;
use std::time::Duration;

use ureq::http::{HeaderName, HeaderValue, StatusCode};
use ureq::{Agent, Body, Error, RequestBuilder, Timeout};

use ureq::unversioned::transport::{ConnectProxyConnector, Connector};

use crate::envelope::{Envelope, LocalCode};
use crate::proxy::{ForwardProxyConnector, ProxySettings};
use crate::resolve::LiteralFirstResolver;
use crate::socket::SocketConnector;
use crate::tls::{HandshakeFailure, TlsConnector};
use crate::wire::CoalesceConnector;
use crate::{Config, Method};

/// What to send: everything but the agent-level headers (User-Agent, Accept).
pub(crate) struct WireRequest<'a> {
    pub method: Method,
    pub url: String,
    /// The product's key header and value; `None` for a relay section without a key.
    pub auth: Option<(&'static str, &'a HeaderValue)>,
    /// The app's own headers for its relay (names checked against the ones set here).
    pub extra_headers: &'a [(HeaderName, HeaderValue)],
    /// JSON body for POST; `None` for GET.
    pub body: Option<Vec<u8>>,
}

/// What one attempt produced, and whether the request may have reached the server.
pub(crate) struct Attempt {
    pub envelope: Envelope,
    pub delivery: Delivery,
    /// The HTTP status, when a response head arrived.
    pub http_status: Option<u16>,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
}

/// How far a request got. Only `NotSent` makes it safe to repeat a send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Nothing reached the server: no connection, or the TLS handshake failed.
    NotSent,
    /// Nothing reached the server, and repeating cannot help: the server's certificate
    /// does not verify.
    Refused,
    /// The request was (or may have been) written and no complete reply came back.
    Unknown,
    /// The server answered something: an envelope, an HTTP error, or garbage.
    Answered,
}

impl Attempt {
    fn answered(envelope: Envelope, status: u16, retry_after: Option<Duration>) -> Attempt {
        Attempt {
            envelope,
            delivery: Delivery::Answered,
            http_status: Some(status),
            retry_after,
        }
    }
}

/// Idle keep-alive connections kept per client (all products share one pool).
const IDLE_CONNECTIONS: usize = 32;

pub(crate) struct Transport {
    agent: Agent,
    /// Read limit for a reply body: the cap plus one byte, so a body of exactly the cap passes.
    body_limit: u64,
    max_response_bytes: u64,
    /// The agent's whole-call limit (timeout_ms).
    timeout: Duration,
    proxy: Option<ProxySettings>,
}

impl Transport {
    pub fn new(config: &Config) -> Transport {
        let user_agent = match &config.user_agent {
            Some(extra) => format!("taptalk/{} {extra}", crate::VERSION),
            None => format!("taptalk/{}", crate::VERSION),
        };
        let agent_config = Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.connect_timeout))
            // A redirect could carry the key header to another host; it is refused instead.
            .max_redirects(0)
            // API errors come back as HTTP 200 with the status in the body; other HTTP
            // statuses are judged here, with the body in hand.
            .http_status_as_error(false)
            // ureq keeps 3 idle connections per host by default; a client shared by a thread
            // pool would then reconnect on most calls.
            .max_idle_connections(IDLE_CONNECTIONS)
            .max_idle_connections_per_host(IDLE_CONNECTIONS)
            .user_agent(user_agent)
            .accept("application/json")
            // ureq would read HTTPS_PROXY & co. by default: where keys go must not change
            // silently with the environment (proxy_from_env opts in, in src/proxy.rs).
            .proxy(config.proxy.as_ref().map(ProxySettings::ureq_proxy))
            .build();
        // ureq's default chain with a forward-proxy step first, this library's own TCP
        // socket (src/socket.rs) and TLS step (src/tls.rs), and one write per request
        // (src/wire.rs).
        let connector =
            ().chain(ForwardProxyConnector)
                .chain(ConnectProxyConnector::default())
                .chain(SocketConnector)
                .chain(TlsConnector::new(&config.tls))
                .chain(CoalesceConnector);
        let agent = Agent::with_parts(agent_config, connector, LiteralFirstResolver::default());
        Transport {
            agent,
            body_limit: config.max_response_bytes.saturating_add(1),
            max_response_bytes: config.max_response_bytes,
            timeout: config.timeout,
            proxy: config.proxy.clone(),
        }
    }

    /// Sends `request` once, allowing it `timeout` in all, and returns the server's envelope
    /// unchanged or a local one.
    pub fn exchange(&self, request: &WireRequest, timeout: Duration) -> Attempt {
        let shortened = (timeout < self.timeout).then_some(timeout);
        let response = match request.method {
            Method::Post => with_common_headers(self.agent.post(&request.url), request, shortened)
                .send(request.body.as_deref().unwrap_or_default()),
            Method::Get => {
                with_common_headers(self.agent.get(&request.url), request, shortened).call()
            }
        };
        let proxy = self.proxy.as_ref().filter(|p| p.applies_to(&request.url));
        match response {
            Ok(response) => {
                let forwarded = proxy.filter(|_| request.url.starts_with("http://"));
                if let Some(attempt) = forwarded.and_then(|p| crate::proxy::refusal(p, &response)) {
                    return attempt;
                }
                self.read_reply(response, timeout)
            }
            Err(e) => {
                let mut attempt = self.failure(e, Phase::Exchange, timeout);
                if let Some(proxy) = proxy {
                    crate::proxy::blame(proxy, &mut attempt);
                }
                attempt
            }
        }
    }

    fn read_reply(&self, mut response: ureq::http::Response<Body>, timeout: Duration) -> Attempt {
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(crate::retry::parse_retry_after);
        if status.is_redirection() {
            let envelope = Envelope::local(
                LocalCode::Redirect,
                format!(
                    "The server answered a redirect (HTTP {}); redirects are not followed so that keys never reach another host. Check base_url.",
                    status.as_u16()
                ),
                "",
            );
            return Attempt::answered(envelope, status.as_u16(), retry_after);
        }
        let bytes = match response
            .body_mut()
            .with_config()
            .limit(self.body_limit)
            .read_to_vec()
        {
            Ok(bytes) => bytes,
            Err(e) => {
                let mut attempt = self.failure(e, Phase::Body, timeout);
                attempt.http_status = Some(status.as_u16());
                return attempt;
            }
        };
        let length = bytes.len();
        // A body that is not UTF-8 cannot be a JSON envelope.
        let envelope = if let Some(envelope) = String::from_utf8(bytes)
            .ok()
            .and_then(Envelope::from_server_text)
        {
            envelope
        } else if status.is_success() {
            Envelope::local(
                LocalCode::InvalidReply,
                format!(
                    "The server's reply (HTTP {}, {} bytes) is not a TapTalk envelope; check base_url",
                    status.as_u16(),
                    length
                ),
                "",
            )
        } else {
            Envelope::with_status(
                i64::from(status.as_u16()),
                LocalCode::HttpStatus,
                format!(
                    "The server answered HTTP {} without a TapTalk envelope{}",
                    status_text(status),
                    if status.as_u16() == 404 {
                        "; check base_url"
                    } else {
                        ""
                    }
                ),
                "",
            )
        };
        Attempt::answered(envelope, status.as_u16(), retry_after)
    }

    fn failure(&self, error: Error, phase: Phase, timeout: Duration) -> Attempt {
        let error = unwrap_io(error);
        if let Some(failure) = handshake_failure(&error) {
            return Attempt {
                envelope: Envelope::local(
                    LocalCode::Tls,
                    format!(
                        "The TLS handshake with the server failed: {}; the request was not sent",
                        failure.cause
                    ),
                    "",
                ),
                delivery: if failure.permanent {
                    Delivery::Refused
                } else {
                    Delivery::NotSent
                },
                http_status: None,
                retry_after: None,
            };
        }
        let (code, message) = match (error, phase) {
            (Error::Timeout(Timeout::Connect | Timeout::Resolve), _) => (
                LocalCode::ConnectFailed,
                "Could not connect to the server within connect_timeout_ms; the request was not sent".to_owned(),
            ),
            (Error::Timeout(_), _) => (
                LocalCode::Timeout,
                format!("No complete reply within timeout_ms ({} ms)", timeout.as_millis()),
            ),
            (Error::HostNotFound, _) => (
                LocalCode::ConnectFailed,
                "The server's host name could not be resolved; the request was not sent".to_owned(),
            ),
            (Error::ConnectionFailed, _) => (
                LocalCode::ConnectFailed,
                "Could not connect to the server; the request was not sent".to_owned(),
            ),
            (Error::Tls(_) | Error::Rustls(_) | Error::Pem(_), _) => (
                LocalCode::Tls,
                "The TLS handshake with the server failed (certificate or protocol)".to_owned(),
            ),
            (Error::BodyExceedsLimit(_), _) => (
                LocalCode::ReplyTooLarge,
                format!(
                    "The server's reply is larger than max_response_bytes ({} bytes) and was refused",
                    self.max_response_bytes
                ),
            ),
            (Error::ConnectProxyFailed(reason), _) => {
                return crate::proxy::connect_refused(&reason);
            }
            (Error::TooManyRedirects | Error::RedirectFailed, _) => (
                LocalCode::Redirect,
                "The server answered a redirect, which is not followed".to_owned(),
            ),
            (Error::Io(e), phase) => io_failure(&e, phase, timeout),
            (Error::Protocol(_), Phase::Body) => (
                LocalCode::TruncatedReply,
                "The server's reply body was cut short or malformed".to_owned(),
            ),
            (Error::Protocol(_), Phase::Exchange) => (
                LocalCode::InvalidReply,
                "The server's reply is not valid HTTP".to_owned(),
            ),
            (other, _) => (
                LocalCode::ConnectionLost,
                format!("The exchange with the server failed: {}", kind_of(&other)),
            ),
        };
        let delivery = match code {
            LocalCode::ConnectFailed | LocalCode::Tls => Delivery::NotSent,
            LocalCode::Timeout | LocalCode::ConnectionLost | LocalCode::TruncatedReply => {
                Delivery::Unknown
            }
            _ => Delivery::Answered,
        };
        Attempt {
            envelope: Envelope::local(code, message, ""),
            delivery,
            http_status: None,
            retry_after: None,
        }
    }
}

/// ureq reports some of its own errors (the body limit) wrapped in an io::Error by the
/// body reader; unwrap them so they are judged like the rest.
fn unwrap_io(error: Error) -> Error {
    match error {
        Error::Io(e) if e.get_ref().is_some_and(|inner| inner.is::<Error>()) => {
            match e.into_inner().map(|inner| inner.downcast::<Error>()) {
                Some(Ok(inner)) => *inner,
                _ => Error::ConnectionFailed,
            }
        }
        other => other,
    }
}

/// The cause of a failed handshake, named by `TlsConnector`.
fn handshake_failure(error: &Error) -> Option<&HandshakeFailure> {
    match error {
        Error::Io(e) => e.get_ref()?.downcast_ref::<HandshakeFailure>(),
        _ => None,
    }
}

/// The per-attempt timeout and the headers every operation sends, for a GET or a POST.
fn with_common_headers<B>(
    builder: RequestBuilder<B>,
    request: &WireRequest,
    timeout: Option<Duration>,
) -> RequestBuilder<B> {
    // A request-level config costs a copy of the agent's; only a deadline that leaves less
    // than timeout_ms needs one.
    let builder = match timeout {
        Some(timeout) => builder.config().timeout_global(Some(timeout)).build(),
        None => builder,
    };
    let builder = match request.auth {
        Some((name, value)) => builder.header(name, value.clone()),
        None => builder,
    };
    request
        .extra_headers
        .iter()
        .fold(builder, |b, (name, value)| b.header(name, value.clone()))
        .header("Content-Type", "application/json")
}

#[derive(Clone, Copy)]
enum Phase {
    /// Connecting, sending, or waiting for the status line and headers.
    Exchange,
    /// Reading the reply body.
    Body,
}

fn io_failure(e: &io::Error, phase: Phase, timeout: Duration) -> (LocalCode, String) {
    use io::ErrorKind::*;
    if e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) {
        return (
            LocalCode::Tls,
            "The TLS handshake with the server failed (certificate or protocol)".to_owned(),
        );
    }
    match (e.kind(), phase) {
        (ConnectionRefused | AddrNotAvailable | NetworkUnreachable | HostUnreachable, _) => (
            LocalCode::ConnectFailed,
            format!("Could not connect to the server ({}); the request was not sent", e.kind()),
        ),
        (TimedOut | WouldBlock, _) => (
            LocalCode::Timeout,
            format!("No complete reply within timeout_ms ({} ms)", timeout.as_millis()),
        ),
        (UnexpectedEof, Phase::Body) => (
            LocalCode::TruncatedReply,
            "The server's reply body ended before its announced length".to_owned(),
        ),
        (_, _) => (
            LocalCode::ConnectionLost,
            format!(
                "The connection broke before a complete reply ({}); the request may have reached the server",
                e.kind()
            ),
        ),
    }
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// A short description of an unexpected ureq error. Its Display is not used because it
/// could some day include request details.
fn kind_of(error: &Error) -> &'static str {
    match error {
        Error::Http(_) => "invalid request",
        Error::BadUri(_) => "invalid URL",
        Error::InvalidProxyUrl => "invalid proxy URL in the environment",
        _ => "unexpected transport error",
    }
}
