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
mod codes;
mod config;
mod envelope;
mod ffi;
#[cfg(feature = "jni")]
mod jni;
mod log;
mod onetalk;
mod operation;
mod pager;
mod powertalk;
mod proxy;
mod raw;
mod relay;
pub mod reply;
mod resolve;
mod retry;
mod secret;
mod sendtalk;
mod socket;
mod tls;
mod transport;
mod trust;
mod validate;
mod wire;

pub use client::Client;
pub use config::{
    Config, ConfigError, ProductConfig, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_MS,
};
pub use envelope::{Envelope, LocalCode, Sent};
pub use log::{level, mask_phone, set_logger, LogSink};
pub use operation::validate;
pub use operation::{Method, Operation, Product};
pub use pager::CaseCursor;
pub use proxy::ProxySettings;
pub use relay::{ExtraHeader, RESERVED_HEADERS};
pub use retry::RetryPolicy;
pub use secret::Secret;
#[doc(hidden)]
pub use socket::limit_set_count;
pub use tls::TlsSettings;
pub use trust::{set_chain_verifier, ChainVerifier};
pub use validate::InvalidField;
#[doc(hidden)]
pub use wire::write_count;

/// The C exports as Rust items, for the fuzz targets and tests that call every operation
/// through its own export. Not a stable API.
#[doc(hidden)]
pub mod c_abi {
    pub use crate::ffi::{
        export, tt_call, tt_client_free, tt_client_new, tt_string_free, Export, TtClient,
    };
}

/// The library version, as in `Cargo.toml` and the User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
