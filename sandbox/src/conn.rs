//! One accepted connection: how many requests it carried, whether an answer is still on
//! its way out, when it last moved, and how it is to end (an idle timeout, a reset fault,
//! a close on reuse). The HTTP side (hyper) owns the socket; this is what the request
//! handlers and the connection's watchdog share about it.
//!
//! "Idle" must be exact, since the idle-close fault closes a connection the moment its
//! answer is out: an answer counts from the handler's start until its body was handed to
//! hyper (`Answering` is dropped with it) *and* the socket was flushed after that.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

/// How a connection ends, other than by the client or by hyper itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Drop it at once with a zero linger: the client sees a reset and no answer.
    Reset,
    /// Half-close it (FIN) without reading what the client sent, then drop it: the client
    /// that just wrote a request reads the end of the stream, never an answer.
    CloseUnread,
    /// Close it cleanly (FIN, TLS close_notify) as soon as it is idle, without having said
    /// `Connection: close`: the client's next request finds it closed.
    CloseWhenIdle,
}

#[derive(Debug)]
pub struct Conn {
    /// The sandbox-wide connection number (1 for the first accepted).
    pub id: u64,
    #[cfg(unix)]
    fd: std::os::fd::RawFd,
    requests: AtomicU64,
    /// Answers started and not yet flushed to the socket.
    answering: AtomicU64,
    /// An answer was handed to hyper since the last flush.
    unflushed: AtomicBool,
    last_activity: Mutex<Instant>,
    ending: Mutex<Option<Ending>>,
    /// Wakes the watchdog when the connection becomes idle or is told to end.
    pub wake: Notify,
}

impl Conn {
    pub fn new(id: u64, stream: &tokio::net::TcpStream) -> Conn {
        #[cfg(not(unix))]
        let _ = stream;
        Conn {
            id,
            #[cfg(unix)]
            fd: std::os::fd::AsRawFd::as_raw_fd(stream),
            requests: AtomicU64::new(0),
            answering: AtomicU64::new(0),
            unflushed: AtomicBool::new(false),
            last_activity: Mutex::new(Instant::now()),
            ending: Mutex::new(None),
            wake: Notify::new(),
        }
    }

    /// Counts a request arriving on this connection and answers its number on it (1 for
    /// the first; more means the client reused the connection).
    pub fn next_request(&self) -> u64 {
        self.requests.fetch_add(1, SeqCst) + 1
    }

    /// Marks an answer as under way until the returned guard is dropped (with the reply
    /// body, once hyper has taken it whole).
    pub fn answering(self: &std::sync::Arc<Self>) -> Answering {
        self.answering.fetch_add(1, SeqCst);
        Answering(self.clone())
    }

    fn touch(&self) {
        *self.last_activity.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    fn flushed(&self) {
        if self.unflushed.swap(false, SeqCst) {
            self.touch();
            self.wake.notify_one();
        }
    }

    /// No answer is being prepared or waits in hyper's buffer.
    pub fn is_idle(&self) -> bool {
        self.answering.load(SeqCst) == 0 && !self.unflushed.load(SeqCst)
    }

    /// When bytes last moved either way.
    pub fn last_activity(&self) -> Instant {
        *self.last_activity.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks the watchdog to end the connection this way. A reset takes effect on the
    /// socket at once (zero linger), so that however the connection is then dropped, the
    /// client sees a reset.
    pub fn end(&self, ending: Ending) {
        if ending == Ending::Reset {
            self.set_zero_linger();
        }
        *self.ending.lock().unwrap_or_else(|e| e.into_inner()) = Some(ending);
        self.wake.notify_one();
    }

    pub fn ending(&self) -> Option<Ending> {
        *self.ending.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[cfg(unix)]
    fn set_zero_linger(&self) {
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a plain setsockopt with a correctly sized value, on a descriptor that the
        // connection task keeps open for as long as this `Conn` is in use (it drops the
        // stream only after the handlers that hold this `Conn` are gone).
        unsafe {
            libc::setsockopt(
                self.fd,
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                &linger as *const libc::linger as *const libc::c_void,
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }

    #[cfg(not(unix))]
    fn set_zero_linger(&self) {}

    /// Sends FIN now, without waiting for hyper (which still holds the socket).
    #[cfg(unix)]
    pub fn shutdown_write(&self) {
        // SAFETY: shutdown does not close the descriptor, which the connection task still
        // owns and closes once.
        unsafe {
            libc::shutdown(self.fd, libc::SHUT_WR);
        }
    }

    #[cfg(not(unix))]
    pub fn shutdown_write(&self) {}
}

/// An answer under way on a connection; see `Conn::answering`.
#[derive(Debug)]
pub struct Answering(std::sync::Arc<Conn>);

impl Drop for Answering {
    fn drop(&mut self) {
        // Set before the count falls, so the connection never looks idle in between.
        self.0.unflushed.store(true, SeqCst);
        self.0.answering.fetch_sub(1, SeqCst);
        self.0.wake.notify_one();
    }
}

/// The connection's byte stream (TCP, or TLS over it), noting activity and flushes.
pub struct Tracked<S> {
    inner: S,
    conn: std::sync::Arc<Conn>,
}

impl<S> Tracked<S> {
    pub fn new(inner: S, conn: std::sync::Arc<Conn>) -> Tracked<S> {
        Tracked { inner, conn }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.conn.touch();
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.conn.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.conn.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        if matches!(result, Poll::Ready(Ok(()))) {
            self.conn.flushed();
        }
        result
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
