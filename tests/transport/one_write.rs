//! One call, one write: the request head and body leave in a single write to the socket
//! (or to the TLS session), where ureq alone makes two.
//!
//! `taptalk::write_count()` counts, per thread, the writes the library's outermost
//! transport makes to the connection below it (the TCP socket, or rustls); a call runs on
//! its caller's thread, so the difference around one call is that call's writes.

use crate::support;

use serde_json::{json, Value};
use support::MockServer;
use taptalk::{write_count, Client, Operation};
use taptalk_sandbox::{SandboxConfig, SandboxTls};

fn writes_of(client: &Client, op: Operation, request: Value) -> (u64, Value) {
    let before = write_count();
    let reply = client.call_value(op, request);
    let writes = write_count() - before;
    (writes, serde_json::from_str(reply.as_json()).unwrap())
}

fn send_request(body: &str) -> Value {
    json!({"phone": "6281212345678", "messageType": "text", "body": body})
}

#[test]
fn a_send_and_a_read_are_one_write_each_on_a_fresh_and_a_pooled_connection() {
    let server = MockServer::answering(json!({"id": "abc", "success": true}));
    let client = Client::from_json(&support::config_for(&server.url())).unwrap();
    for round in 0..3 {
        let (writes, reply) = writes_of(
            &client,
            Operation::SendtalkSendWhatsapp,
            send_request("hello"),
        );
        assert_eq!(reply["status"], 200, "{reply}");
        assert_eq!(writes, 1, "send, round {round}");
        let (writes, reply) =
            writes_of(&client, Operation::SendtalkGetStatus, json!({"id": "abc"}));
        assert_eq!(reply["status"], 200, "{reply}");
        assert_eq!(writes, 1, "get_status, round {round}");
    }
    assert_eq!(server.connections(), 1, "one keep-alive connection");
    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    assert_eq!(
        requests[0].json(),
        send_request("hello"),
        "the body arrived whole"
    );
}

#[test]
fn a_large_body_is_streamed_in_pieces_and_arrives_whole() {
    let server = MockServer::answering(json!({"id": "abc", "success": true}));
    let client = Client::from_json(&support::config_for(&server.url())).unwrap();
    let body = "x".repeat(200 * 1024);
    let (writes, reply) = writes_of(
        &client,
        Operation::SendtalkSendWhatsapp,
        send_request(&body),
    );
    assert_eq!(reply["status"], 200, "{reply}");
    assert!(
        writes >= 3,
        "{writes} writes for 200 KiB: held bytes are flushed past 64 KiB"
    );
    assert_eq!(server.single_request().json(), send_request(&body));
}

#[test]
fn over_tls_a_call_is_one_write_into_the_tls_session() {
    let sb = taptalk_sandbox::Sandbox::start(SandboxConfig {
        tls: Some(SandboxTls::generate().unwrap()),
        ..SandboxConfig::default()
    })
    .unwrap();
    let mut config = sb.client_config();
    config["retry"] = json!({"max_attempts": 1});
    let client = Client::from_json(&config.to_string()).unwrap();
    for _ in 0..2 {
        let (writes, reply) = writes_of(
            &client,
            Operation::SendtalkSendWhatsapp,
            send_request("over TLS"),
        );
        assert_eq!(reply["status"], 200, "{reply}");
        assert_eq!(writes, 1);
    }
    assert_eq!(sb.requests().as_array().unwrap().len(), 2);
}

/// The probe ureq makes when it takes a pooled connection still runs: a connection the
/// server closed after answering is not reused, so a send never goes out on a dead socket
/// (which would end in 91010, outcome unknown).
#[test]
fn a_connection_the_server_closed_is_not_reused() {
    let reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 68\r\n\r\n{\"status\":200,\"error\":{\"code\":\"\",\"message\":\"\",\"field\":\"\"},\"data\":{}}";
    assert_eq!(reply.split("\r\n\r\n").nth(1).unwrap().len(), 68);
    let server =
        MockServer::start(move |_| support::Reply::RawThenClose(reply.as_bytes().to_vec()));
    let mut config: Value = serde_json::from_str(&support::config_for(&server.url())).unwrap();
    config["retry"] = json!({"max_attempts": 1});
    let client = Client::from_json(&config.to_string()).unwrap();
    for n in 1..=3 {
        let (_, reply) = writes_of(
            &client,
            Operation::SendtalkSendWhatsapp,
            send_request("again"),
        );
        assert_eq!(reply["status"], 200, "send {n}: {reply}");
        // Lets the server's FIN arrive; nothing is timed.
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(server.connections(), 3, "a fresh connection for each send");
    assert_eq!(server.requests().len(), 3, "each send went out once");
}
