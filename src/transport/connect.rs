//! Opening a TCP connection within a deadline: each resolved address in turn with its share
//! of the budget, and, in a call that can be cancelled, a non-blocking connect polled in
//! slices so a cancellation is noticed while it waits (std's `connect_timeout` cannot be
//! interrupted). Used by the socket connector (`socket.rs`).

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::NextTimeout;
use ureq::{Error, Timeout};

use crate::cancel;

/// Tries each resolved address in turn, as ureq does: the first gets half the connect
/// budget, the next a quarter, and so on (a single address gets all of it), so one
/// unreachable address cannot use up the time of the others.
pub(crate) fn connect_any(addrs: &[SocketAddr], timeout: NextTimeout) -> Result<TcpStream, Error> {
    let started = Instant::now();
    let budget = timeout.not_zero().map(|t| *t);
    let mut last_error = None;
    for (i, addr) in addrs.iter().enumerate() {
        let share = budget.map(|total| {
            let left = total.saturating_sub(started.elapsed());
            let share = if i + 1 == addrs.len() { left } else { left / 2 };
            share.max(Duration::from_millis(10))
        });
        let attempt = match share {
            _ if cancel::active() => connect_cancellable(addr, share),
            Some(share) => TcpStream::connect_timeout(addr, share),
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                if budget.is_some_and(|total| started.elapsed() >= total) {
                    return Err(Error::Timeout(timeout.reason));
                }
                last_error = Some(Error::Timeout(Timeout::Connect));
            }
            // Refused or unroutable: about this address only, the next one may work.
            Err(e) if concerns_this_address(&e) => last_error = Some(Error::Io(e)),
            Err(e) => return Err(Error::Io(e)),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        Error::Io(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "Connection refused",
        ))
    }))
}

/// A connect that looks at the call's cancellation handle every `cancel::SLICE`: a
/// non-blocking connect, then `poll` for writability in slices. (std's `connect_timeout`
/// cannot be interrupted.)
#[cfg(unix)]
fn connect_cancellable(addr: &SocketAddr, limit: Option<Duration>) -> io::Result<TcpStream> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    let domain = match addr {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    // SAFETY: plain socket creation; the descriptor is owned at once.
    let raw = unsafe { libc::socket(domain, libc::SOCK_STREAM, 0) };
    if raw < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `raw` is a fresh descriptor nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    set_flags(&fd, true)?;
    let (storage, length) = socket_address(addr);
    // SAFETY: `storage` holds a sockaddr of `length` bytes for this address family.
    let started = unsafe {
        libc::connect(
            fd.as_raw_fd(),
            std::ptr::addr_of!(storage).cast::<libc::sockaddr>(),
            length,
        )
    };
    if started != 0 {
        let error = io::Error::last_os_error();
        if error.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(error);
        }
        let until = limit.map(|limit| Instant::now() + limit);
        loop {
            if cancel::requested() {
                return Err(cancel::error());
            }
            let slice = match until {
                None => cancel::SLICE,
                Some(until) => match until.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left.min(cancel::SLICE),
                    _ => return Err(io::ErrorKind::TimedOut.into()),
                },
            };
            let mut poll = libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLOUT,
                revents: 0,
            };
            let millis = slice.as_millis().clamp(1, 1000) as libc::c_int;
            // SAFETY: one valid pollfd; poll only writes `revents`.
            match unsafe { libc::poll(&mut poll, 1, millis) } {
                0 => continue,
                n if n > 0 => break,
                _ => {
                    let error = io::Error::last_os_error();
                    if error.kind() != io::ErrorKind::Interrupted {
                        return Err(error);
                    }
                }
            }
        }
        let mut code: libc::c_int = 0;
        let mut size = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: SO_ERROR writes one c_int into `code`.
        let read = unsafe {
            libc::getsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                std::ptr::addr_of_mut!(code).cast(),
                &mut size,
            )
        };
        if read != 0 {
            return Err(io::Error::last_os_error());
        }
        if code != 0 {
            return Err(io::Error::from_raw_os_error(code));
        }
    }
    set_flags(&fd, false)?;
    Ok(TcpStream::from(fd))
}

/// Close-on-exec always; non-blocking while connecting.
#[cfg(unix)]
fn set_flags(fd: &std::os::fd::OwnedFd, nonblocking: bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = fd.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own, reading and writing its flags only.
    unsafe {
        if libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) != 0 {
            return Err(io::Error::last_os_error());
        }
        let flags = libc::fcntl(fd, libc::F_GETFL);
        let flags = if nonblocking {
            flags | libc::O_NONBLOCK
        } else {
            flags & !libc::O_NONBLOCK
        };
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// `addr` as the C sockaddr `connect` takes, and its length.
#[cfg(unix)]
fn socket_address(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is a valid (empty) value of the type.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let length = match addr {
        SocketAddr::V4(v4) => {
            // SAFETY: sockaddr_storage is large and aligned enough for any sockaddr.
            let sin = unsafe { &mut *std::ptr::addr_of_mut!(storage).cast::<libc::sockaddr_in>() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = v4.port().to_be();
            sin.sin_addr = libc::in_addr {
                s_addr: u32::from_ne_bytes(v4.ip().octets()),
            };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(v6) => {
            // SAFETY: as above.
            let sin6 =
                unsafe { &mut *std::ptr::addr_of_mut!(storage).cast::<libc::sockaddr_in6>() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = v6.port().to_be();
            sin6.sin6_addr = libc::in6_addr {
                s6_addr: v6.ip().octets(),
            };
            sin6.sin6_flowinfo = v6.flowinfo();
            sin6.sin6_scope_id = v6.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, length as libc::socklen_t)
}

#[cfg(not(unix))]
fn connect_cancellable(addr: &SocketAddr, limit: Option<Duration>) -> io::Result<TcpStream> {
    match limit {
        Some(limit) => TcpStream::connect_timeout(addr, limit),
        None => TcpStream::connect(addr),
    }
}

pub(crate) fn concerns_this_address(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable
    )
}
