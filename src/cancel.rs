//! Cancellation: a handle a caller keeps while a call runs, and cancels from any thread.
//!
//! A cancelled call returns within about [`SLICE`] (plus the time to build its envelope)
//! with code 91012, saying whether its request may have reached the server: cancelled before
//! the first byte was written, nothing was sent; after, a read says it may have been, and a
//! send ends as "outcome unknown" (91010) and is never repeated, as after a timeout.
//!
//! How a blocked call notices: while it runs, the handle is bound to the calling thread
//! ([`Scope`]), and every wait of the call on that thread is cut into slices of at most
//! [`SLICE`] that look at the handle between them (socket reads and writes, connecting, the
//! wait for a host name's lookup, the wait between attempts). Nothing is done to the
//! connection from the cancelling thread, so a connection can never be cut under a call
//! it does not belong to (a connection that has just gone back to the pool, say).

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The longest a cancellable wait goes without looking at its handle.
pub(crate) const SLICE: Duration = Duration::from_millis(50);

/// A cancellation handle. Clones share one state: cancelling any cancels all. Thread-safe;
/// cancelling twice, or after the call finished, does nothing more.
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    cancelled: AtomicBool,
    /// Wakes a wait between attempts at once.
    lock: Mutex<()>,
    wake: Condvar,
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Cancel {
    /// A handle not cancelled yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Cancels every call running with this handle, and any started with it later.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        let _guard = self.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.wake.notify_all();
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Runs `calls` with this handle: every call the closure makes on this thread (named
    /// operations, raw requests, the case cursor, a batch) is cancelled by [`Cancel::cancel`].
    ///
    /// ```no_run
    /// use taptalk::{Cancel, Client, Operation};
    /// let client = Client::from_json(r#"{"sendtalk": {"api_key": "KEY"}}"#).unwrap();
    /// let cancel = Cancel::new();
    /// let other = cancel.clone(); // e.g. moved to a UI thread, which calls other.cancel()
    /// let reply = cancel.run(|| client.call(Operation::SendtalkCheckWhatsappPhone, r#"{"phone": "6281212345678"}"#));
    /// if reply.code() == "91012" { println!("cancelled; maybe sent: {}", reply.data()["maybe_sent"]); }
    /// # drop(other);
    /// ```
    pub fn run<R>(&self, calls: impl FnOnce() -> R) -> R {
        let _scope = self.bind();
        calls()
    }

    /// Binds the handle to the calling thread until the scope is dropped.
    pub(crate) fn bind(&self) -> Scope {
        let previous = BOUND.with(|bound| bound.replace(Some(self.clone())));
        Scope { previous }
    }
}

thread_local! {
    /// The handle of the call running on this thread, if it has one.
    static BOUND: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// The binding of a handle to a thread; the one before comes back when it is dropped.
pub(crate) struct Scope {
    previous: Option<Cancel>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        BOUND.with(|bound| *bound.borrow_mut() = previous);
    }
}

/// The handle bound to this thread, to bind on the threads a call starts (a batch's).
pub(crate) fn current() -> Option<Cancel> {
    BOUND.with(|bound| bound.borrow().clone())
}

/// Whether the call running on this thread has a handle (its waits must be sliced).
pub(crate) fn active() -> bool {
    BOUND.with(|bound| bound.borrow().is_some())
}

/// Whether the call running on this thread was cancelled.
pub(crate) fn requested() -> bool {
    BOUND.with(|bound| bound.borrow().as_ref().is_some_and(Cancel::is_cancelled))
}

/// `wait`, cut short when the call running on this thread is cancelled; answers whether it
/// was (the wait between two attempts).
pub(crate) fn sleep(wait: Duration) -> bool {
    let Some(handle) = BOUND.with(|bound| bound.borrow().clone()) else {
        std::thread::sleep(wait);
        return false;
    };
    let until = Instant::now() + wait;
    let mut guard = handle.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if handle.is_cancelled() {
            return true;
        }
        let Some(left) = until
            .checked_duration_since(Instant::now())
            .filter(|l| !l.is_zero())
        else {
            return false;
        };
        guard = handle
            .inner
            .wake
            .wait_timeout(guard, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

/// The error a cancelled wait ends with, inside the `io::Error` ureq hands back, so the
/// failure mapping can tell it from a broken connection.
#[derive(Debug)]
pub(crate) struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the call was cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// `Cancelled` as an `io::Error`.
pub(crate) fn error() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::Interrupted, Cancelled)
}

/// Whether `error`, or an error it was made from, is a cancellation.
pub(crate) fn caused(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error.is::<Cancelled>() {
            return true;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            if io.get_ref().is_some_and(|inner| inner.is::<Cancelled>()) {
                return true;
            }
            if let Some(inner) = io.get_ref() {
                next = Some(inner);
                continue;
            }
        }
        next = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_handle_is_seen_on_its_thread_only_and_unbinds() {
        let handle = Cancel::new();
        assert!(!active());
        {
            let _scope = handle.bind();
            assert!(active() && !requested());
            handle.cancel();
            assert!(requested());
            std::thread::spawn(|| assert!(!active())).join().unwrap();
        }
        assert!(!active() && !requested());
        handle.cancel();
        assert!(handle.is_cancelled(), "cancelling again is harmless");
    }

    #[test]
    fn a_wait_between_attempts_ends_when_cancelled() {
        let handle = Cancel::new();
        let other = handle.clone();
        let started = Instant::now();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.cancel();
        });
        let _scope = handle.bind();
        assert!(sleep(Duration::from_secs(30)));
        assert!(started.elapsed() < Duration::from_secs(30));
        canceller.join().unwrap();
    }

    #[test]
    fn a_cancellation_is_found_through_wrapped_errors() {
        let wrapped = std::io::Error::other(error());
        assert!(caused(&wrapped));
        assert!(!caused(&std::io::Error::other("reset")));
    }
}
