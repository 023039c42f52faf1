//! Reaching the TCP socket behind a tiny_http request.
//!
//! tiny_http hides the socket, yet the sandbox needs it twice: to bound a
//! body read with a timeout (so a client that stops sending cannot pin a
//! worker), and to drop a connection without any answer (the reset faults).
//! The socket is found among the process's descriptors by its two addresses:
//! the server's port on our side and the client's address on the other.

use std::net::SocketAddr;
use std::time::Duration;

/// A connection's descriptor, as found at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Connection {
    #[cfg(unix)]
    fd: libc::c_int,
}

#[cfg(unix)]
mod imp {
    use super::Connection;
    use std::mem::{size_of, zeroed};
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
    use std::time::Duration;

    type Getter =
        unsafe extern "C" fn(libc::c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> libc::c_int;

    fn address(fd: libc::c_int, getter: Getter) -> Option<SocketAddr> {
        // SAFETY: the storage is large enough for any address family and the
        // length tells the kernel so; a descriptor that is not a socket only
        // makes the call fail.
        unsafe {
            let mut storage: libc::sockaddr_storage = zeroed();
            let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            let ptr = &mut storage as *mut libc::sockaddr_storage as *mut libc::sockaddr;
            if getter(fd, ptr, &mut len) != 0 {
                return None;
            }
            match storage.ss_family as libc::c_int {
                libc::AF_INET => {
                    let a = &*(ptr as *const libc::sockaddr_in);
                    let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
                    Some(SocketAddr::V4(SocketAddrV4::new(
                        ip,
                        u16::from_be(a.sin_port),
                    )))
                }
                libc::AF_INET6 => {
                    let a = &*(ptr as *const libc::sockaddr_in6);
                    let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
                    Some(SocketAddr::V6(SocketAddrV6::new(
                        ip,
                        u16::from_be(a.sin6_port),
                        a.sin6_flowinfo,
                        a.sin6_scope_id,
                    )))
                }
                _ => None,
            }
        }
    }

    fn candidates() -> Vec<libc::c_int> {
        match std::fs::read_dir("/proc/self/fd") {
            Ok(dir) => dir
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect(),
            Err(_) => (0..4096).collect(),
        }
    }

    pub fn find(local_port: u16, peer: SocketAddr) -> Option<Connection> {
        candidates().into_iter().find_map(|fd| {
            let ours = address(fd, libc::getsockname)?;
            if ours.port() != local_port || address(fd, libc::getpeername)? != peer {
                return None;
            }
            Some(Connection { fd })
        })
    }

    pub fn set_read_timeout(conn: Connection, timeout: Option<Duration>) {
        let timeout = timeout.unwrap_or_default();
        let tv = libc::timeval {
            tv_sec: timeout.as_secs() as libc::time_t,
            tv_usec: timeout.subsec_micros() as libc::suseconds_t,
        };
        // SAFETY: a plain setsockopt with a correctly sized value.
        unsafe {
            libc::setsockopt(
                conn.fd,
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                &tv as *const libc::timeval as *const libc::c_void,
                size_of::<libc::timeval>() as libc::socklen_t,
            );
        }
    }

    pub fn shutdown(conn: Connection, how: libc::c_int) {
        // SAFETY: shutdown does not close the descriptor tiny_http owns.
        unsafe {
            libc::shutdown(conn.fd, how);
        }
    }

    pub fn stop_reading(conn: Connection) {
        shutdown(conn, libc::SHUT_RD)
    }

    pub fn close(conn: Connection) {
        shutdown(conn, libc::SHUT_RDWR)
    }

    pub fn write_all(conn: Connection, mut bytes: &[u8]) {
        // Bounded: each round either writes something or gives up.
        while !bytes.is_empty() {
            // SAFETY: the pointer and length describe a live slice.
            let n = unsafe {
                libc::send(
                    conn.fd,
                    bytes.as_ptr() as *const libc::c_void,
                    bytes.len(),
                    libc::MSG_NOSIGNAL,
                )
            };
            if n <= 0 {
                return;
            }
            bytes = &bytes[n as usize..];
        }
    }

    pub fn abort(conn: Connection) {
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: setsockopt and shutdown on a descriptor tiny_http still owns;
        // neither closes it, so tiny_http's own close stays the only one. A
        // zero linger makes that close send a reset rather than a clean end.
        unsafe {
            libc::setsockopt(
                conn.fd,
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                &linger as *const libc::linger as *const libc::c_void,
                size_of::<libc::linger>() as libc::socklen_t,
            );
            libc::shutdown(conn.fd, libc::SHUT_RDWR);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::Connection;
    use std::net::SocketAddr;
    use std::time::Duration;

    pub fn find(_local_port: u16, _peer: SocketAddr) -> Option<Connection> {
        None
    }
    pub fn set_read_timeout(_conn: Connection, _timeout: Option<Duration>) {}
    pub fn stop_reading(_conn: Connection) {}
    pub fn close(_conn: Connection) {}
    pub fn write_all(_conn: Connection, _bytes: &[u8]) {}
    pub fn abort(_conn: Connection) {}
}

impl Connection {
    pub fn find(local_port: u16, peer: Option<&SocketAddr>) -> Option<Connection> {
        imp::find(local_port, *peer?)
    }

    /// `None` removes the timeout, as a kept-alive connection must wait for
    /// its next request indefinitely.
    pub fn set_read_timeout(self, timeout: Option<Duration>) {
        imp::set_read_timeout(self, timeout)
    }

    /// Makes every further read see the end of the stream, so nothing can
    /// block on a client that stopped sending.
    pub fn stop_reading(self) {
        imp::stop_reading(self)
    }

    /// Writes bytes straight to the socket, bypassing tiny_http.
    pub fn write_all(self, bytes: &[u8]) {
        imp::write_all(self, bytes)
    }

    /// Ends the connection after what was already written.
    pub fn close(self) {
        imp::close(self)
    }

    /// Ends the connection at once, without an answer.
    pub fn abort(self) {
        imp::abort(self)
    }
}
