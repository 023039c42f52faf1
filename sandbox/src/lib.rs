//! `taptalk-sandbox`: an offline TapTalk.io server for tests, demos and local
//! development. It answers every operation of the SDK's table at its documented
//! path with the vendor's envelopes, and offers a control API under
//! `/_sandbox/` to inspect state, reset it and inject faults.
//!
//! ```no_run
//! use taptalk_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
//! let base_url = sandbox.url(); // the base URL for all three products
//! # let _ = base_url;
//! sandbox.stop();
//! ```

mod auth;
mod body;
mod chatbot;
pub mod cli;
mod clock;
mod config;
mod conn;
mod control;
mod customers;
mod directory;
mod faults;
mod http;
mod ids;
mod listen;
mod log;
mod onetalk;
mod powertalk;
mod reply;
mod request;
mod routes;
mod sendtalk;
mod server;
mod settings;
mod state;
mod tickets;
pub mod tls;
mod traffic;
mod verification;
mod webhooks;

pub use config::{
    SandboxConfig, DEFAULT_ONETALK_API_KEY, DEFAULT_POWERTALK_KEY_ID, DEFAULT_POWERTALK_KEY_SECRET,
    DEFAULT_SENDTALK_API_KEY,
};
pub use server::Sandbox;
pub use tls::{SandboxTls, TestCa, Validity};
pub use webhooks::{WebhookSettings, DEFAULT_CHATBOT_ID, DEFAULT_CHATBOT_SECRET};
