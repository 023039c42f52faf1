//! Going through an HTTP proxy: the connector side (the settings are `config/proxy.rs`).
//!
//! HTTPS goes through `CONNECT` (ureq's `ConnectProxyConnector`: the proxy sees only the
//! host and port, the TLS session is end to end). Plain HTTP, allowed only to loopback,
//! goes as a forward request (`POST http://host:port/path`), which is what proxies expect
//! for `http://` URLs and what a proxy that refuses `CONNECT` to non-TLS ports accepts;
//! `ForwardProxyConnector` opens that connection and `wire::Coalesce` writes the absolute
//! request line and the `Proxy-Authorization` header.

use base64::Engine as _;
use ureq::unversioned::transport::{ConnectionDetails, Connector, Either, Transport};
use ureq::Error;

use std::sync::Arc;

use super::resolve::Hosts;
use super::socket::SocketConnector;

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
#[derive(Debug)]
pub(crate) struct ForwardProxyConnector {
    socket: SocketConnector,
}

impl ForwardProxyConnector {
    pub(crate) fn new(hosts: Arc<Hosts>) -> ForwardProxyConnector {
        ForwardProxyConnector {
            socket: SocketConnector::new(hosts),
        }
    }
}

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
        let transport = Connector::<()>::connect(&self.socket, &proxy_details, None)?;
        Ok(transport.map(|t| Either::B(t.boxed())))
    }
}
