//! One request, one write: the outermost transport holds what ureq sends until it starts
//! waiting for the answer, then writes it all at once.
//!
//! ureq writes a request's head and its body with two `transmit_output` calls, which over
//! TCP are two `send`s and two segments (over TLS, two records); the server wakes up twice
//! and, on loopback, the second segment can wait behind delayed-ACK. libcurl sends one.
//! Holding the bytes until `await_input` needs no knowledge of HTTP framing: nothing is
//! waiting for an answer before the request is complete. A very large body is still
//! streamed in `FLUSH_AT` pieces.
//!
//! It also spares one of ureq's two liveness probes per call. ureq probes a pooled connection
//! (a non-blocking one-byte read, three system calls) when it returns to the pool after a
//! reply and again when it is taken for the next request. Either probe refuses a connection
//! with unread bytes or a closed end; the second alone decides, since it runs last, so the
//! first one after each reply is answered here without a probe.
//!
//! The same place writes what a forward request through a proxy needs (see `proxy.rs`):
//! the absolute URL in the request line and the `Proxy-Authorization` header.

use std::fmt;

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};
use ureq::Error;

use super::proxy::{forwarding, Forward};
use crate::config::ProxySettings;

/// Pending bytes beyond this are written at once rather than held.
const FLUSH_AT: usize = 64 * 1024;

/// Wraps every connection the chain made in a [`Coalesce`].
#[derive(Debug, Default)]
pub(crate) struct CoalesceConnector {
    /// The CONNECT proxy's host and port: the chain that reaches it (run by ureq's CONNECT
    /// step) carries the tunnel's CONNECT and TLS handshake, never request bytes of its own.
    connect_proxy: Option<(String, u16)>,
}

impl CoalesceConnector {
    pub(crate) fn new(proxy: Option<&ProxySettings>) -> CoalesceConnector {
        CoalesceConnector {
            connect_proxy: proxy.map(|p| {
                let (host, port) = p.authority();
                (host.to_ascii_lowercase(), port)
            }),
        }
    }

    /// Whether `details` is the connection to the CONNECT proxy under a tunnel.
    fn is_tunnel_carrier(&self, details: &ConnectionDetails) -> bool {
        let Some((host, port)) = &self.connect_proxy else {
            return false;
        };
        details.config.proxy().is_none()
            && details.uri.port_u16() == Some(*port)
            && details
                .uri
                .host()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
    }
}

impl<In: Transport> Connector<In> for CoalesceConnector {
    type Out = Coalesce<In>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        let carries_requests = !self.is_tunnel_carrier(details);
        Ok(chained.map(|inner| Coalesce {
            inner,
            pending: Vec::new(),
            at_request_start: true,
            forward: forwarding(details),
            replied: false,
            carries_requests,
        }))
    }
}

/// A transport that writes each request with one `transmit_output` of the inner one.
pub(crate) struct Coalesce<T> {
    inner: T,
    pending: Vec<u8>,
    /// The next bytes handed over begin a request head.
    at_request_start: bool,
    /// Set for a plain-http request through a proxy.
    forward: Option<Forward>,
    /// A reply was read and the connection has not been probed since.
    replied: bool,
    /// False for a CONNECT tunnel's connection to the proxy (see `CoalesceConnector`).
    carries_requests: bool,
}

impl<T> fmt::Debug for Coalesce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coalesce")
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl<T: Transport> Coalesce<T> {
    fn flush(&mut self, timeout: NextTimeout) -> Result<(), Error> {
        if self.carries_requests && !self.pending.is_empty() {
            // From here on the request may reach the server: counted before the first byte
            // is handed to the socket, so a write that fails half-way counts too.
            WRITES_STARTED.with(|w| w.set(w.get() + 1));
        }
        let mut sent = 0;
        while sent < self.pending.len() {
            let output = self.inner.buffers().output();
            let n = output.len().min(self.pending.len() - sent);
            output[..n].copy_from_slice(&self.pending[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            if self.carries_requests {
                WRITES.with(|w| w.set(w.get() + 1));
            }
            sent += n;
        }
        self.pending.clear();
        Ok(())
    }

    /// Appends a request head's first bytes, rewritten for a forward proxy: the origin
    /// goes before the path, and the proxy's credentials after the request line.
    fn push_head(&mut self, bytes: &[u8]) {
        let Some(forward) = &self.forward else {
            self.pending.extend_from_slice(bytes);
            return;
        };
        let line_end = bytes.windows(2).position(|w| w == b"\r\n");
        let path_at = bytes.iter().position(|&b| b == b' ').map(|i| i + 1);
        match (path_at, line_end) {
            (Some(path_at), Some(line_end)) if path_at < line_end && bytes[path_at] == b'/' => {
                self.pending.extend_from_slice(&bytes[..path_at]);
                self.pending.extend_from_slice(forward.origin.as_bytes());
                self.pending
                    .extend_from_slice(&bytes[path_at..line_end + 2]);
                if let Some(authorization) = &forward.authorization {
                    self.pending.extend_from_slice(b"Proxy-Authorization: ");
                    self.pending.extend_from_slice(authorization.as_bytes());
                    self.pending.extend_from_slice(b"\r\n");
                }
                self.pending.extend_from_slice(&bytes[line_end + 2..]);
            }
            _ => self.pending.extend_from_slice(bytes),
        }
    }
}

thread_local! {
    /// Request writes made on this thread, for tests that count them (`write_count`).
    static WRITES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// Request writes begun on this thread (`writes_started`).
    static WRITES_STARTED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many request writes reached the connections made on this thread so far (every call
/// runs on its caller's thread, so a test can take the difference around one call).
#[doc(hidden)]
pub fn write_count() -> u64 {
    WRITES.with(|w| w.get())
}

/// How many request writes this thread has begun: unchanged across an attempt means not one
/// byte of its request was handed to a connection (what "not sent" rests on, `failure.rs`).
pub(crate) fn writes_started() -> u64 {
    WRITES_STARTED.with(|w| w.get())
}

impl<T: Transport> Transport for Coalesce<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        // The caller wrote into the inner transport's output buffer; keep a copy, since
        // its next write will land in the same place.
        let starts_request = std::mem::take(&mut self.at_request_start);
        if starts_request && self.forward.is_some() {
            let head = self.inner.buffers().output()[..amount].to_vec();
            self.push_head(&head);
        } else {
            let bytes = &self.inner.buffers().output()[..amount];
            self.pending.extend_from_slice(bytes);
        }
        if self.pending.len() >= FLUSH_AT {
            self.flush(timeout)?;
        }
        Ok(())
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.flush(timeout)?;
        self.at_request_start = true;
        self.replied = true;
        self.inner.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.flush(timeout)?;
        self.at_request_start = true;
        self.replied = true;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        // The probe on the way into the pool; the one on the way out still runs.
        if std::mem::take(&mut self.replied) {
            return true;
        }
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
