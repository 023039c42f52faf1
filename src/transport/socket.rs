//! The TCP connection under every request: ureq's own `TcpTransport`, minus two costs it
//! pays on every call.
//!
//! A pooled keep-alive connection made by ureq costs, per call, besides the one `send` and
//! the one `recv` the exchange needs: a liveness probe when the connection is taken from the
//! pool (switch to non-blocking, a one-byte `recv` that should fail with `EAGAIN`, switch
//! back: three system calls), and two `setsockopt`s, because the socket timeouts are set to
//! the whole-call deadline, which is a little different on every call. libcurl needs neither
//! (it `poll`s), and that was the last gap to it over plain HTTP (bench/README.md).
//!
//! Here the probe is one `poll` with a zero timeout: a connection that has bytes waiting,
//! a closed end or an error is not reused, exactly the cases ureq's probe refuses. And a
//! socket timeout is only changed when the one set is longer than the time left (it would
//! overshoot the deadline); when set, it is set a sixteenth short of the time left, so the
//! next calls, which start with about as much time, find it short enough and keep it. A
//! read or write that the shorter limit wakes before the deadline is simply resumed with
//! the exact time left, so a call still gets its whole deadline, never more.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle,
    Transport,
};
use ureq::{Error, Timeout};

use super::connect::{concerns_this_address, connect_any};
use super::resolve::Hosts;
use crate::cancel;

/// Opens the TCP connection for a request, unless an earlier connector (a proxy's) did.
#[derive(Debug)]
pub(crate) struct SocketConnector {
    /// The client's resolver, asked afresh when no cached address takes a connection.
    hosts: Arc<Hosts>,
}

impl SocketConnector {
    pub(crate) fn new(hosts: Arc<Hosts>) -> SocketConnector {
        SocketConnector { hosts }
    }
}

impl<In: Transport> Connector<In> for SocketConnector {
    type Out = Either<In, Socket>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let started = Instant::now();
        let stream = match connect_any(&details.addrs, details.timeout) {
            Ok(stream) => stream,
            Err(e) => self.connect_afresh(details, started, e)?,
        };
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let socket = Socket {
            stream: Arc::new(stream),
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            read_limit: None,
            write_limit: None,
        };
        // Lets Agent::shutdown interrupt a call blocked on this socket (ureq implements
        // ShutdownHandle for TcpStream).
        let handle = Arc::downgrade(&socket.stream) as Weak<dyn ShutdownHandle>;
        (details.register_shutdown)(handle)?;
        Ok(Some(Either::B(socket)))
    }
}

impl SocketConnector {
    /// After every address (perhaps cached, perhaps stale) refused or was unreachable: the
    /// name's addresses looked up again, and those not tried yet tried in the time left.
    /// IP literals, and a connect that ran out of time, end with the first error.
    fn connect_afresh(
        &self,
        details: &ConnectionDetails,
        started: Instant,
        error: Error,
    ) -> Result<TcpStream, Error> {
        let refused = matches!(&error, Error::Io(e) if concerns_this_address(e));
        let host = details.uri.host().unwrap_or_default();
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok();
        let port = details.addrs.first().map(SocketAddr::port);
        let (true, false, Some(port)) = (refused, literal, port) else {
            return Err(error);
        };
        let left = details
            .timeout
            .not_zero()
            .map(|total| total.saturating_sub(started.elapsed()));
        if left.is_some_and(|left| left.is_zero()) {
            return Err(error);
        }
        let fresh = self.hosts.resolve(host, port, left, true)?;
        let untried: Vec<SocketAddr> = fresh
            .iter()
            .filter(|addr| !details.addrs.contains(addr))
            .copied()
            .collect();
        if untried.is_empty() {
            return Err(error);
        }
        let mut timeout = details.timeout;
        if let Some(left) = left {
            timeout.after = left.into();
        }
        connect_any(&untried, timeout)
    }
}

/// A connected TCP socket with ureq's buffers.
pub(crate) struct Socket {
    /// Shared (weakly) with the agent's shutdown handle.
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    /// What `SO_RCVTIMEO` / `SO_SNDTIMEO` are set to now; `None`: no limit (as a new socket).
    read_limit: Option<Duration>,
    write_limit: Option<Duration>,
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socket")
            .field("peer", &self.stream.peer_addr().ok())
            .finish()
    }
}

impl Transport for Socket {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let timeout = timeout.for_write();
        let deadline = Deadline::of(timeout)?;
        let mut io = StreamIo {
            stream: &self.stream,
            limit: &mut self.write_limit,
            set: TcpStream::set_write_timeout,
        };
        let mut output = &self.buffers.output()[..amount];
        while !output.is_empty() {
            let n = with_deadline(&mut io, &deadline, timeout.reason, |s| {
                (&*s.stream).write(output)
            })?;
            if n == 0 {
                return Err(Error::Io(io::ErrorKind::WriteZero.into()));
            }
            output = &output[n..];
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let timeout = timeout.for_read();
        let deadline = Deadline::of(timeout)?;
        let mut io = StreamIo {
            stream: &self.stream,
            limit: &mut self.read_limit,
            set: TcpStream::set_read_timeout,
        };
        let input = self.buffers.input_append_buf();
        let n = with_deadline(&mut io, &deadline, timeout.reason, |s| {
            (&*s.stream).read(input)
        })?;
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        is_idle_and_open(&self.stream)
    }
}

/// When a read or write must be done by; `None`: no deadline.
struct Deadline(Option<Instant>);

impl Deadline {
    fn of(timeout: NextTimeout) -> Result<Deadline, Error> {
        if timeout.after.is_not_happening() {
            return Ok(Deadline(None));
        }
        if timeout.after.is_zero() {
            return Err(Error::Timeout(timeout.reason));
        }
        Ok(Deadline(Instant::now().checked_add(*timeout.after)))
    }
}

/// The socket operations `with_deadline` needs, so it can be tested without a socket.
trait LimitedIo {
    /// The limit the socket has now.
    fn limit(&self) -> Option<Duration>;
    fn set_limit(&mut self, limit: Option<Duration>) -> io::Result<()>;
    fn now(&self) -> Instant {
        Instant::now()
    }
}

struct StreamIo<'a> {
    stream: &'a TcpStream,
    limit: &'a mut Option<Duration>,
    set: fn(&TcpStream, Option<Duration>) -> io::Result<()>,
}

impl LimitedIo for StreamIo<'_> {
    fn limit(&self) -> Option<Duration> {
        *self.limit
    }

    fn set_limit(&mut self, limit: Option<Duration>) -> io::Result<()> {
        (self.set)(self.stream, limit)?;
        *self.limit = limit;
        LIMIT_SETS.with(|n| n.set(n.get() + 1));
        Ok(())
    }
}

thread_local! {
    /// Socket timeouts set on this thread, for tests that count them (`limit_set_count`).
    static LIMIT_SETS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times a socket timeout was set by calls on this thread so far.
#[doc(hidden)]
pub fn limit_set_count() -> u64 {
    LIMIT_SETS.with(|n| n.get())
}

/// Runs one read or write, resumed when a signal or a socket limit shorter than the time
/// left wakes it early, until it moves bytes, fails, or the deadline passes. In a call with
/// a cancellation handle (`crate::cancel`), each wait lasts at most `cancel::SLICE`, and a
/// cancellation ends it between two.
fn with_deadline<I: LimitedIo, T>(
    io: &mut I,
    deadline: &Deadline,
    reason: Timeout,
    mut op: impl FnMut(&mut I) -> io::Result<T>,
) -> Result<T, Error> {
    let sliced = cancel::active();
    let mut woken_early = false;
    loop {
        if sliced && cancel::requested() {
            return Err(Error::Io(cancel::error()));
        }
        let left = match deadline.0 {
            Some(at) => match at.checked_duration_since(io.now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => return Err(Error::Timeout(reason)),
            },
            None => None,
        };
        let limit = match (sliced, left) {
            // A slice, set once and kept by the next calls (no exactness needed: it is not
            // the deadline).
            (true, None) => limit_to_set(io.limit(), Some(cancel::SLICE), false),
            (true, Some(left)) if left > cancel::SLICE => {
                limit_to_set(io.limit(), Some(cancel::SLICE), false)
            }
            _ => limit_to_set(io.limit(), left, woken_early),
        };
        if let Some(limit) = limit {
            io.set_limit(limit)?;
        }
        match op(io) {
            Ok(v) => return Ok(v),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => woken_early = true,
            // SO_RCVTIMEO / SO_SNDTIMEO ran out: EAGAIN on Unix, TimedOut on Windows.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if deadline.0.is_none() && !sliced {
                    return Err(Error::Io(e));
                }
                woken_early = true;
            }
            Err(e) => return Err(Error::Io(e)),
        }
    }
}

/// The socket limit to set before waiting with `left` to go, or `None` to keep `current`.
///
/// A limit longer than what is left would wait past the deadline; a shorter one is kept,
/// since the wait is resumed if it wakes early, unless it is under half of what is left (a
/// short call's limit would wake a long one needlessly). A new limit is a sixteenth short of
/// what is left, so the next call, starting with about as much time, can keep it; after an
/// early wake it is exactly what is left, so the deadline is kept to the microsecond.
fn limit_to_set(
    current: Option<Duration>,
    left: Option<Duration>,
    woken_early: bool,
) -> Option<Option<Duration>> {
    let Some(left) = left else {
        return current.is_some().then_some(None);
    };
    if woken_early {
        return Some(Some(left));
    }
    match current {
        Some(limit) if limit <= left && limit >= left / 2 => None,
        _ => {
            let short = left - left / 16;
            Some(Some(if short.is_zero() { left } else { short }))
        }
    }
}

/// Whether an idle pooled connection may carry the next request: nothing to read (a reply
/// to nothing, or the peer's FIN), no error, no hang-up. One `poll`, which does not block.
#[cfg(unix)]
fn is_idle_and_open(stream: &TcpStream) -> bool {
    use std::os::unix::io::AsRawFd;
    let mut fd = libc::pollfd {
        fd: stream.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, and a zero timeout; poll only writes `revents`.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    // -1 (even EINTR) is treated as not open: a new connection is always safe.
    ready == 0
}

/// Elsewhere ureq's probe: a non-blocking one-byte read must find nothing.
#[cfg(not(unix))]
fn is_idle_and_open(stream: &TcpStream) -> bool {
    let probe = || -> io::Result<bool> {
        stream.set_nonblocking(true)?;
        let open =
            matches!((&*stream).read(&mut [0]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        stream.set_nonblocking(false)?;
        Ok(open)
    };
    probe().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn a_limit_no_longer_than_what_is_left_is_kept() {
        assert_eq!(limit_to_set(Some(S * 28), Some(S * 30), false), None);
        assert_eq!(limit_to_set(Some(S * 30), Some(S * 30), false), None);
    }

    #[test]
    fn a_limit_under_half_of_what_is_left_is_replaced() {
        assert_eq!(
            limit_to_set(Some(S / 1000), Some(S * 16), false),
            Some(Some(S * 15))
        );
        assert_eq!(limit_to_set(Some(S * 8), Some(S * 16), false), None);
    }

    #[test]
    fn a_limit_past_the_deadline_is_shortened_to_fifteen_sixteenths() {
        let left = S * 16;
        assert_eq!(
            limit_to_set(Some(S * 17), Some(left), false),
            Some(Some(S * 15))
        );
        assert_eq!(limit_to_set(None, Some(left), false), Some(Some(S * 15)));
        let tiny = Duration::from_nanos(10);
        assert_eq!(limit_to_set(None, Some(tiny), false), Some(Some(tiny)));
    }

    #[test]
    fn after_an_early_wake_the_limit_is_exactly_what_is_left() {
        assert_eq!(limit_to_set(Some(S), Some(S * 2), true), Some(Some(S * 2)));
    }

    #[test]
    fn without_a_deadline_any_limit_is_removed() {
        assert_eq!(limit_to_set(Some(S), None, false), Some(None));
        assert_eq!(limit_to_set(None, None, false), None);
    }

    /// A scripted socket: each `op` call advances the clock and returns the next outcome.
    struct Script {
        now: Cell<Instant>,
        limit: Option<Duration>,
        sets: Vec<Option<Duration>>,
    }

    impl LimitedIo for Script {
        fn limit(&self) -> Option<Duration> {
            self.limit
        }
        fn set_limit(&mut self, limit: Option<Duration>) -> io::Result<()> {
            self.sets.push(limit);
            self.limit = limit;
            Ok(())
        }
        fn now(&self) -> Instant {
            self.now.get()
        }
    }

    fn run(
        script: &mut Script,
        deadline_in: Duration,
        outcomes: Vec<(Duration, io::Result<usize>)>,
    ) -> Result<usize, Error> {
        let deadline = Deadline(Some(script.now.get() + deadline_in));
        let mut outcomes = outcomes.into_iter();
        with_deadline(script, &deadline, Timeout::Global, |s| {
            let (takes, outcome) = outcomes.next().expect("no more outcomes scripted");
            s.now.set(s.now.get() + takes);
            outcome
        })
    }

    fn script(limit: Option<Duration>) -> Script {
        Script {
            now: Cell::new(Instant::now()),
            limit,
            sets: Vec::new(),
        }
    }

    fn would_block() -> io::Result<usize> {
        Err(io::ErrorKind::WouldBlock.into())
    }

    #[test]
    fn a_second_call_with_as_much_time_sets_nothing() {
        let mut s = script(None);
        assert_eq!(run(&mut s, S * 16, vec![(S / 1000, Ok(5))]).unwrap(), 5);
        assert_eq!(s.sets, vec![Some(S * 15)]);
        assert_eq!(run(&mut s, S * 16, vec![(S / 1000, Ok(7))]).unwrap(), 7);
        assert_eq!(
            s.sets.len(),
            1,
            "the second call kept the limit: {:?}",
            s.sets
        );
    }

    #[test]
    fn a_wait_woken_by_the_short_limit_goes_on_until_the_deadline() {
        // The limit (15 s) runs out with 1 s left: the read goes on for exactly that second,
        // and the reply that comes at 15.5 s is read.
        let mut s = script(Some(S * 15));
        let n = run(
            &mut s,
            S * 16,
            vec![(S * 15, would_block()), (S / 2, Ok(9))],
        )
        .unwrap();
        assert_eq!(n, 9);
        assert_eq!(s.sets, vec![Some(S)]);
    }

    #[test]
    fn the_deadline_ends_the_wait_with_the_timeout_reason() {
        let mut s = script(Some(S * 15));
        let err = run(
            &mut s,
            S * 16,
            vec![(S * 15, would_block()), (S, would_block())],
        )
        .unwrap_err();
        assert!(matches!(err, Error::Timeout(Timeout::Global)), "{err:?}");
    }

    #[test]
    fn a_signal_resumes_the_wait_with_the_time_left() {
        let mut s = script(Some(S * 15));
        let interrupted = Err(io::ErrorKind::Interrupted.into());
        let n = run(&mut s, S * 16, vec![(S * 4, interrupted), (S, Ok(1))]).unwrap();
        assert_eq!(n, 1);
        assert_eq!(s.sets, vec![Some(S * 12)]);
    }

    #[test]
    fn other_errors_end_the_wait_at_once() {
        let mut s = script(None);
        let reset = Err(io::ErrorKind::ConnectionReset.into());
        let err = run(&mut s, S, vec![(Duration::ZERO, reset)]).unwrap_err();
        assert!(matches!(err, Error::Io(ref e) if e.kind() == io::ErrorKind::ConnectionReset));
    }

    #[test]
    fn an_idle_connection_is_open_until_the_peer_writes_or_closes() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        assert!(is_idle_and_open(&client));
        assert!(is_idle_and_open(&client), "probing changes nothing");
        server.write_all(b"x").unwrap();
        wait_until(|| !is_idle_and_open(&client));
        let mut byte = [0];
        (&client).read_exact(&mut byte).unwrap();
        assert!(is_idle_and_open(&client), "the stray byte was read");
        drop(server);
        wait_until(|| !is_idle_and_open(&client));
    }

    /// Lets a packet cross loopback; bounded, and nothing is measured.
    fn wait_until(done: impl Fn() -> bool) {
        for _ in 0..500 {
            if done() {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("the condition never came true");
    }
}
