//! The listening socket and each connection's life: accept, TLS handshake, HTTP/1.1 served
//! by hyper for as long as the connection is kept, and a watchdog that ends it on an idle
//! timeout, on a fault, or when the sandbox stops.

use crate::conn::{Conn, Ending, Tracked};
use crate::state::Shared;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// Connections waiting to be accepted; a thousand clients may connect at once.
const BACKLOG: u32 = 1024;
/// A TLS client must finish its handshake within this.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// On stop, requests in progress get this long to finish before their connections go.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// The watchdog looks again at least this often, so a changed idle timeout applies soon.
const RECHECK: Duration = Duration::from_secs(1);

/// Binds `addr` ("HOST:PORT"), trying each address it resolves to, as std's bind does,
/// but with a backlog for a thousand clients. Must run inside the runtime.
pub fn bind(addr: &str) -> io::Result<TcpListener> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to listen on");
    for addr in addr.to_socket_addrs()? {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(BACKLOG)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Accepts until `stop` says so, then closes the listener and gives the open connections
/// `STOP_GRACE` to finish what they are answering.
pub async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    let task = connection(tcp, tls.clone(), shared.clone(), stop.clone());
                    connections.spawn(task);
                }
                // Out of descriptors or a connection gone before it was accepted: go on
                // after a breath rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(STOP_GRACE, drained).await;
    connections.shutdown().await;
}

/// Counts a connection as open for as long as its task lives.
struct Open<'a>(&'a Shared);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.traffic.connection_closed();
    }
}

async fn connection(
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) {
    // Answers are small and written whole; waiting to coalesce them only adds latency.
    let _ = tcp.set_nodelay(true);
    let conn = Arc::new(Conn::new(shared.traffic.connection_opened(), &tcp));
    let _open = Open(&shared);
    match tls {
        None => drive(Tracked::new(tcp, conn.clone()), conn, shared.clone(), stop).await,
        Some(acceptor) => {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
            if let Ok(Ok(stream)) = handshake.await {
                drive(
                    Tracked::new(stream, conn.clone()),
                    conn,
                    shared.clone(),
                    stop,
                )
                .await;
            }
        }
    }
}

/// Serves HTTP/1.1 on one connection until the client or hyper ends it, or the watchdog
/// does.
async fn drive<S>(
    io: Tracked<S>,
    conn: Arc<Conn>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = {
        let (conn, shared) = (conn.clone(), shared.clone());
        service_fn(move |request| crate::http::serve(shared.clone(), conn.clone(), request))
    };
    // No header-read timer: an idle kept-alive connection is the watchdog's to close,
    // after the idle timeout the settings say. Half-close: without it hyper ends the
    // connection as soon as it reads the client's EOF while a request is in flight, and
    // may abort that request's body before its task has read it, so a request whose
    // client sent it whole and then gave up would sometimes go unhandled. A real server
    // handles it; the answer then fails to write and the connection ends.
    let http = http1::Builder::new()
        .keep_alive(true)
        .half_close(true)
        .serve_connection(TokioIo::new(io), service);
    let mut http = std::pin::pin!(http);
    let ending = tokio::select! {
        _ = http.as_mut() => return,
        ending = watchdog(&conn, &shared, &mut stop) => ending,
    };
    match ending {
        // The zero linger is set: dropping the connection resets it.
        Some(Ending::Reset) => {}
        Some(Ending::CloseUnread) => conn.shutdown_write(),
        // Idle (or stopping): hyper closes an idle connection at once, and otherwise
        // finishes the request in progress first, then says `Connection: close`.
        Some(Ending::CloseWhenIdle) | None => {
            http.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(STOP_GRACE, http).await;
        }
    }
}

/// Waits until the connection is to end: a fault's ending, `CloseWhenIdle` once idle
/// past the timeout (zero for the idle-close fault), or `None` when the sandbox stops.
async fn watchdog(
    conn: &Conn,
    shared: &Shared,
    stop: &mut watch::Receiver<bool>,
) -> Option<Ending> {
    loop {
        let ending = conn.ending();
        if matches!(ending, Some(Ending::Reset | Ending::CloseUnread)) {
            return ending;
        }
        let mut wait = RECHECK;
        if conn.is_idle() {
            let timeout = match ending {
                Some(Ending::CloseWhenIdle) => Duration::ZERO,
                _ => Duration::from_millis(shared.lock().settings.idle_timeout_ms),
            };
            let idle_for = conn.last_activity().elapsed();
            if idle_for >= timeout {
                return Some(Ending::CloseWhenIdle);
            }
            wait = wait.min(timeout - idle_for);
        }
        let deadline = Instant::now() + wait;
        tokio::select! {
            _ = conn.wake.notified() => {}
            _ = tokio::time::sleep_until(deadline.into()) => {}
            _ = stop.changed() => return None,
        }
    }
}
