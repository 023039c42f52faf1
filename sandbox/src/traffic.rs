//! Connection and request counters (`GET /_sandbox/connections`): how many connections the
//! sandbox accepted and has open, and how many API requests it is serving at once, so a test
//! can prove that a client reused a connection or that requests overlapped in time.

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

#[derive(Debug, Default)]
pub struct Traffic {
    /// Numbers connections in accept order; never reset, so log entries stay distinct.
    last_connection: AtomicU64,
    /// Accepted since start or the last reset.
    accepted: AtomicU64,
    open: AtomicU64,
    in_flight: AtomicU64,
    /// The most API requests in flight at one moment since start or the last reset.
    max_in_flight: AtomicU64,
}

impl Traffic {
    /// Counts a new connection and answers its number (1 for the first ever).
    pub fn connection_opened(&self) -> u64 {
        self.accepted.fetch_add(1, SeqCst);
        self.open.fetch_add(1, SeqCst);
        self.last_connection.fetch_add(1, SeqCst) + 1
    }

    pub fn connection_closed(&self) {
        self.open.fetch_sub(1, SeqCst);
    }

    /// Counts an API request from its arrival until its answer (or close) is due; the
    /// count falls again when the guard is dropped.
    pub fn request(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.max_in_flight.fetch_max(now, SeqCst);
        InFlight(self)
    }

    /// Starts the counts since reset afresh; open connections and requests stay counted.
    pub fn reset(&self) {
        self.accepted.store(0, SeqCst);
        self.max_in_flight
            .store(self.in_flight.load(SeqCst), SeqCst);
    }

    pub fn to_json(&self) -> Value {
        json!({
            "accepted": self.accepted.load(SeqCst),
            "open": self.open.load(SeqCst),
            "in_flight": self.in_flight.load(SeqCst),
            "max_in_flight": self.max_in_flight.load(SeqCst),
        })
    }
}

/// One API request being served.
#[derive(Debug)]
pub struct InFlight<'a>(&'a Traffic);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, SeqCst);
    }
}
