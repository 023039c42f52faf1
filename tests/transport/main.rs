//! The SDK from Rust against servers the tests script or start: the exact wire request of
//! every operation, every way an exchange can fail and what is repeated, the library's own
//! socket and single write, TLS, proxies, raw requests, relays, config and validation, and
//! the fuzzers' regressions.

#[path = "../support/mod.rs"]
mod support;

mod cancel;
mod chatbot;
mod config;
mod failures;
mod fuzz_regressions;
mod more_operations;
mod not_sent;
mod one_write;
mod proxy;
mod raw_request;
mod relay;
mod retry;
mod socket;
mod standard_json;
mod tls;
mod validation;
mod wire;
