//! # taptalk
//!
//! A native SDK for TapTalk.io's server-side REST APIs: PowerTalk Server API, SendTalk and
//! the OneTalk Integration API. A blocking Rust core, shipped as a C ABI (`include/taptalk.h`)
//! with thin wrappers for C/C++ and Python.
//!
//! Every call takes a request in the vendor's own JSON field names and answers TapTalk's
//! envelope `{"status":..,"error":{"code":..,"message":..,"field":..},"data":{..}}`: the
//! server's reply unchanged, or the same shape for a failure on this side.
//!
//! ```no_run
//! use taptalk::{Client, Operation};
//! let client = Client::from_json(r#"{"onetalk": {"api_key": "YOUR_KEY"}}"#).unwrap();
//! let reply = client.call(Operation::OnetalkGetUpdatedCases, r#"{"since_timestamp": 0, "limit": 10}"#);
//! println!("{}", reply);
//! ```

mod client;
mod config;
mod envelope;
mod ffi;
#[cfg(feature = "jni")]
mod jni;
mod log;
mod onetalk;
mod operation;
mod powertalk;
mod relay;
mod resolve;
mod retry;
mod secret;
mod sendtalk;
mod transport;
mod validate;

pub use client::Client;
pub use config::{
    Config, ConfigError, ProductConfig, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_MS,
};
pub use envelope::{Envelope, LocalCode};
pub use log::{level, mask_phone, set_logger, LogSink};
pub use operation::{Method, Operation, Product};
pub use relay::{ExtraHeader, RESERVED_HEADERS};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use validate::{validate, InvalidField};

/// The library version, as in `Cargo.toml` and the User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
