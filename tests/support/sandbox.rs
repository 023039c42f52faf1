//! Driving the SDK against the in-process sandbox, for the end-to-end tests.

use serde_json::{json, Value};
use taptalk::{Client, Envelope, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig};

pub fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).expect("the sandbox starts on 127.0.0.1")
}

/// The client config for all three products with the sandbox's keys; no retries, so every
/// call reaches the sandbox at most once.
pub fn config(sb: &Sandbox) -> Value {
    let mut config = sb.client_config();
    config["timeout_ms"] = json!(15000);
    config["retry"] = json!({"max_attempts": 1});
    config
}

pub fn client_from(config: &Value) -> Client {
    Client::from_json(&config.to_string()).unwrap_or_else(|e| panic!("{}", e.as_json()))
}

pub fn client(sb: &Sandbox) -> Client {
    client_from(&config(sb))
}

/// Runs a call that must succeed and answers its `data`.
pub fn ok(client: &Client, op: Operation, request: Value) -> Value {
    let reply = client.call_value(op, request.clone());
    assert!(
        reply.is_success(),
        "{op:?} {request} -> {}",
        reply.as_json()
    );
    reply.data()
}

pub fn assert_error(reply: &Envelope, status: i64, code: &str, message: &str) {
    assert_eq!(
        (reply.status(), reply.code(), reply.message()),
        (status, code, message),
        "{}",
        reply.as_json()
    );
}
