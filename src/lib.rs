//! # taptalk
//!
//! A native SDK for TapTalk.io's server-side REST APIs: PowerTalk Server API, SendTalk and
//! the OneTalk Integration API. A blocking Rust core, shipped as a C ABI (`include/taptalk.h`)
//! with thin bindings for C++ (`include/taptalk.hpp`), Python (ctypes), Java/Android (JNI)
//! and Swift.
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

// The layers, each importing only those above it in this list (tests/repository/layers.rs
// keeps it so): the leaves, the operation table and webhook parsing, the settings, the
// transport, the client, and the C and JNI boundaries.
mod cancel;
mod chain_verifier;
mod envelope;
mod fork;
mod json;
mod log;
mod panic;
mod secret;
mod text;

mod operation;
mod webhook;

mod config;

mod transport;

mod client;

mod ffi;
#[cfg(feature = "jni")]
mod jni;

pub use cancel::Cancel;
pub use chain_verifier::{set_chain_verifier, ChainVerifier};
pub use client::{CaseCursor, Client};
pub use config::{
    Config, ConfigError, ExtraHeader, ProductConfig, ProxySettings, RetryPolicy, TlsSettings,
    DEFAULT_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_DNS_CACHE_MS,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, MAX_CONCURRENCY, RESERVED_HEADERS,
};
pub use envelope::reply;
pub use envelope::{Envelope, LocalCode, Sent};
pub use log::{level, mask_phone, set_logger, LogSink};
pub use operation::{validate, InvalidField, Method, Operation, Product};
pub use secret::Secret;
#[doc(hidden)]
pub use transport::{limit_set_count, lookup_count, write_count};
pub use webhook::{
    parse_webhook, Callback as WebhookCallback, WebhookOptions,
    DEFAULT_MAX_BODY_BYTES as DEFAULT_WEBHOOK_MAX_BODY_BYTES,
    SECRET_HEADER as WEBHOOK_SECRET_HEADER,
};

/// The C exports as Rust items, for the fuzz targets and tests that call every operation
/// through its own export. Not a stable API.
#[doc(hidden)]
pub mod c_abi {
    pub use crate::ffi::{
        export, tt_call, tt_call_cancellable, tt_call_many, tt_call_many_cancellable, tt_cancel,
        tt_cancel_free, tt_cancel_new, tt_client_free, tt_client_new, tt_request, tt_string_free,
        tt_webhook_parse, Export, TtCancel, TtClient,
    };
}

/// The library version, as in `Cargo.toml` and the User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
