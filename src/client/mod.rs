//! The client layer: what a call does above the transport. `blocking.rs` is the `Client`
//! (credentials, checking and building a named operation's request); `attempts.rs` the one
//! attempt loop every call goes through (retries, the outcome-unknown rule, log lines);
//! `raw.rs` requests to endpoints without an operation; `pager.rs` the exactly-once case
//! cursor.

mod attempts;
mod batch;
mod blocking;
mod pacing;
mod pager;
mod raw;

pub use blocking::Client;
pub use pager::CaseCursor;
