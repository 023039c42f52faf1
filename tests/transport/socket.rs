//! The library's own TCP socket (src/transport/socket.rs): a call on a pooled connection pays for no
//! socket-option change, a connection the server closed or wrote to is never reused, and
//! the deadline still holds on a pooled connection.
//!
//! `taptalk::limit_set_count()` counts, per thread, the socket timeouts set by calls made on
//! that thread (each a `setsockopt`).

use crate::support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{MockServer, Reply};
use taptalk::{limit_set_count, Client, Operation};

fn send(client: &Client, body: &str) -> (u64, Value) {
    let before = limit_set_count();
    let reply = client.call_value(
        Operation::SendtalkSendWhatsapp,
        json!({"phone": "6281212345678", "messageType": "text", "body": body}),
    );
    let sets = limit_set_count() - before;
    (sets, serde_json::from_str(reply.as_json()).unwrap())
}

#[test]
fn calls_on_a_pooled_connection_set_no_socket_timeout() {
    let server = MockServer::answering(json!({"id": "abc", "success": true}));
    let client = Client::from_json(&support::config_for(&server.url())).unwrap();
    let (sets, reply) = send(&client, "first");
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(sets, 2, "a new socket gets a send and a receive timeout");
    for n in 0..20 {
        let (sets, reply) = send(&client, &format!("again {n}"));
        assert_eq!(reply["status"], 200, "{reply}");
        assert_eq!(sets, 0, "call {n} on the pooled connection");
    }
    assert_eq!(server.connections(), 1);
    assert_eq!(server.requests().len(), 21);
}

/// The socket timeout kept from the call before does not stretch this call's deadline: a
/// send whose reply is late ends at timeout_ms as outcome unknown (91010, cause 91001).
#[test]
fn a_pooled_connection_still_cuts_a_slow_reply_at_the_deadline() {
    let server = MockServer::start(|req| {
        if req.json()["body"] == "slow" {
            Reply::Delay(
                Duration::from_secs(5),
                Box::new(support::ok(json!({"id": "late", "success": true}))),
            )
        } else {
            support::ok(json!({"id": "abc", "success": true}))
        }
    });
    let mut config: Value = serde_json::from_str(&support::config_for(&server.url())).unwrap();
    config["timeout_ms"] = json!(400);
    config["retry"] = json!({"max_attempts": 1});
    let client = Client::from_json(&config.to_string()).unwrap();
    assert_eq!(send(&client, "fast").1["status"], 200);
    let (_, reply) = send(&client, "slow");
    assert_eq!(reply["error"]["code"], "91010", "{reply}");
    assert_eq!(reply["data"]["cause"], "91001", "{reply}");
    assert_eq!(
        server.connections(),
        1,
        "the slow send went out on the pooled connection"
    );
}

/// A pooled connection the server wrote to unasked is not reused: the stray bytes would
/// be read as the next reply.
#[test]
fn a_connection_with_unread_bytes_is_not_reused() {
    let body = r#"{"status":200,"error":{"code":"","message":"","field":""},"data":{}}"#;
    // The reply, then bytes nobody asked for on the same connection.
    let raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}garbage",
        body.len()
    );
    let server = MockServer::start(move |_| Reply::Raw(raw.clone().into_bytes()));
    let mut config: Value = serde_json::from_str(&support::config_for(&server.url())).unwrap();
    config["retry"] = json!({"max_attempts": 1});
    let client = Client::from_json(&config.to_string()).unwrap();
    for n in 1..=3 {
        let (_, reply) = send(&client, "again");
        assert_eq!(reply["status"], 200, "send {n}: {reply}");
    }
    assert_eq!(server.connections(), 3, "a fresh connection for each send");
    assert_eq!(server.requests().len(), 3, "each send went out once");
}
