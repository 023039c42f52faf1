//! Host resolution without a thread per call for IP-literal hosts.
//!
//! ureq resolves the host before it looks for a pooled connection, and with a timeout set
//! its default resolver runs `getaddrinfo` on a freshly spawned thread, on every call, even
//! for `127.0.0.1`. Profiling showed that thread to be most of the library's per-call cost
//! against a local server (see bench/README.md). An IP literal needs no lookup at all; names
//! still go to ureq's resolver, which honours the timeout.

use std::net::{IpAddr, SocketAddr};

use ureq::config::Config as UreqConfig;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::Error;

#[derive(Debug, Default)]
pub(crate) struct LiteralFirstResolver(DefaultResolver);

impl Resolver for LiteralFirstResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &UreqConfig,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, Error> {
        if let Some(address) = literal_address(uri) {
            let mut addresses = self.empty();
            addresses.push(address);
            return Ok(addresses);
        }
        self.0.resolve(uri, config, timeout)
    }
}

fn literal_address(uri: &Uri) -> Option<SocketAddr> {
    let host = uri.host()?;
    let ip: IpAddr = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    let port = uri.port_u16().or(match uri.scheme_str()? {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    })?;
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::literal_address;

    #[test]
    fn ip_literals_resolve_to_themselves_and_names_do_not() {
        let addr = |url: &str| literal_address(&url.parse().unwrap()).map(|a| a.to_string());
        assert_eq!(
            addr("http://127.0.0.1:8080/x"),
            Some("127.0.0.1:8080".into())
        );
        assert_eq!(addr("https://10.1.2.3/"), Some("10.1.2.3:443".into()));
        assert_eq!(addr("http://[::1]:9/"), Some("[::1]:9".into()));
        assert_eq!(addr("https://sendtalk-api.taptalk.io"), None);
        assert_eq!(addr("http://localhost:80"), None);
    }
}
