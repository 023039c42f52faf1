//! The one place that touches HTTP: a pooled keep-alive agent over this library's own
//! connector chain. One `exchange` is one attempt; nothing here retries. How each failure
//! becomes a code is `failure.rs`; the chain's steps are `proxy.rs` (forward proxying),
//! `socket.rs` (TCP), `tls.rs` and `trust.rs` (the handshake), `wire.rs` (one write per
//! request) and `resolve.rs` (host names).

use std::time::Duration;

use ureq::http::{HeaderName, HeaderValue};
use ureq::unversioned::transport::{ConnectProxyConnector, Connector};
use ureq::{Agent, Body, RequestBuilder};

mod connect;
mod failure;
mod proxy;
mod resolve;
mod socket;
mod tls;
mod trust;
mod wire;

pub(crate) use failure::{cancelled, Attempt, Delivery};
use failure::{failure, parse_retry_after, Phase};
use proxy::ForwardProxyConnector;
#[doc(hidden)]
pub use resolve::lookup_count;
use resolve::{CachingResolver, Hosts};
#[doc(hidden)]
pub use socket::limit_set_count;
use socket::SocketConnector;
use tls::TlsConnector;
#[doc(hidden)]
pub use wire::write_count;
use wire::CoalesceConnector;

use crate::config::{Config, ProxySettings};
use crate::operation::{Method, Replies};

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
    /// How the server answers (an envelope, or plain text: the chatbot URL).
    pub replies: Replies,
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
            // silently with the environment (proxy_from_env opts in, in config/proxy.rs).
            .proxy(config.proxy.as_ref().map(ProxySettings::ureq_proxy))
            .build();
        // ureq's default chain with a forward-proxy step first, this library's own TCP
        // socket (socket.rs) and TLS step (tls.rs), and one write per request (wire.rs).
        let hosts = Hosts::new(config.dns_cache);
        let connector =
            ().chain(ForwardProxyConnector::new(hosts.clone()))
                .chain(ConnectProxyConnector::default())
                .chain(SocketConnector::new(hosts.clone()))
                .chain(TlsConnector::new(&config.tls))
                .chain(CoalesceConnector::new(config.proxy.as_ref()));
        let agent = Agent::with_parts(agent_config, connector, CachingResolver(hosts));
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
        let writes_before = wire::writes_started();
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
                if let Some(attempt) = forwarded.and_then(|p| failure::refusal(p, &response)) {
                    return attempt;
                }
                self.read_reply(response, timeout, request.replies)
            }
            Err(e) => {
                // Every call runs on its caller's thread, so the thread's count of request
                // writes tells whether this attempt handed its request to a connection.
                let phase = if wire::writes_started() == writes_before {
                    Phase::BeforeWrite
                } else {
                    Phase::AwaitingReply
                };
                let mut attempt = failure(e, phase, timeout, self.max_response_bytes);
                if let Some(proxy) = proxy {
                    failure::blame(proxy, &mut attempt);
                }
                attempt
            }
        }
    }

    fn read_reply(
        &self,
        mut response: ureq::http::Response<Body>,
        timeout: Duration,
        replies: Replies,
    ) -> Attempt {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        if (300..400).contains(&status) {
            return failure::reply(status, Vec::new(), retry_after, replies);
        }
        match response
            .body_mut()
            .with_config()
            .limit(self.body_limit)
            .read_to_vec()
        {
            Ok(bytes) => failure::reply(status, bytes, retry_after, replies),
            Err(e) => {
                let mut attempt = failure(e, Phase::Body, timeout, self.max_response_bytes);
                attempt.http_status = Some(status);
                attempt
            }
        }
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
