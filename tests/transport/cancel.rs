//! Cancellation (issue 19): a call given a handle returns soon after `cancel()`, with 91012
//! saying whether its request may have reached the server; a send cancelled after its write
//! ends as 91010 and is never repeated; the connection pool is never cut under another call.
//!
//! How soon is measured in `bench/cancel.sh`; here a cancelled call only has to come back
//! long before the server would have answered.

use crate::support;

use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{config_for, ok, MockServer, Reply};
use taptalk::{Cancel, Client, Operation};

const SEND: &str = r#"{"phone": "6281212345678", "messageType": "text", "body": "hi"}"#;
const READ: &str = r#"{"id": "m1"}"#;
/// What a cancelled call must come back well before (the server's delay).
const SLOW: Duration = Duration::from_secs(20);

fn client(url: &str, retry: Value) -> Client {
    let mut config: Value = serde_json::from_str(&config_for(url)).unwrap();
    config["timeout_ms"] = json!(60_000);
    config["retry"] = retry;
    Client::from_json(&config.to_string()).unwrap()
}

/// Runs `op` with a fresh handle cancelled after `after`; answers the reply and how long the
/// call took after the cancel.
fn cancelled_after(
    client: &Client,
    op: Operation,
    request: &str,
    after: Duration,
) -> (Value, Duration) {
    let handle = Cancel::new();
    let canceller = {
        let handle = handle.clone();
        thread::spawn(move || {
            thread::sleep(after);
            handle.cancel();
            Instant::now()
        })
    };
    let reply = handle.run(|| client.call(op, request));
    let ended = Instant::now();
    let cancelled_at = canceller.join().unwrap();
    let reply: Value = serde_json::from_str(reply.as_json()).unwrap();
    (reply, ended.saturating_duration_since(cancelled_at))
}

fn slow_server() -> MockServer {
    MockServer::start(|_| Reply::Delay(SLOW, Box::new(ok(json!({"id": "m1"})))))
}

#[test]
fn a_read_waiting_for_its_reply_is_cancelled_and_may_have_been_sent() {
    let server = slow_server();
    let client = client(&server.url(), json!({"max_attempts": 3}));
    let (reply, after_cancel) = cancelled_after(
        &client,
        Operation::SendtalkGetStatus,
        READ,
        Duration::from_millis(300),
    );
    assert_eq!(reply["status"], 499, "{reply}");
    assert_eq!(reply["error"]["code"], "91012", "{reply}");
    assert_eq!(reply["data"]["maybe_sent"], true, "{reply}");
    assert_eq!(
        reply["error"]["message"],
        "The call was cancelled after its request was sent; it may have reached the server"
    );
    assert!(
        after_cancel < SLOW / 4,
        "came back {after_cancel:?} after the cancel"
    );
    assert_eq!(server.requests().len(), 1, "never repeated after a cancel");
}

#[test]
fn a_send_cancelled_after_its_write_is_outcome_unknown_and_not_repeated() {
    let server = slow_server();
    let client = client(&server.url(), json!({"max_attempts": 3}));
    let (reply, _) = cancelled_after(
        &client,
        Operation::SendtalkSendWhatsapp,
        SEND,
        Duration::from_millis(300),
    );
    assert_eq!(reply["error"]["code"], "91010", "{reply}");
    assert_eq!(reply["data"]["cause"], "91012", "{reply}");
    assert_eq!(reply["data"]["attempts"], 1, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Outcome unknown: The call was cancelled after its request was sent"),
        "{reply}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_send_cancelled_while_connecting_was_not_sent() {
    // A listener whose accept queue is full: the connect waits (as to a silent host).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    // SAFETY: a listening socket's descriptor; listen() again only lowers its backlog.
    assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
    let addr = listener.local_addr().unwrap();
    let _queued: Vec<TcpStream> = (0..3)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok())
        .collect();
    let mut config: Value = serde_json::from_str(&config_for(&format!("http://{addr}"))).unwrap();
    config["connect_timeout_ms"] = json!(30_000);
    let client = Client::from_json(&config.to_string()).unwrap();
    let (reply, after_cancel) = cancelled_after(
        &client,
        Operation::SendtalkSendWhatsapp,
        SEND,
        Duration::from_millis(300),
    );
    assert_eq!(reply["error"]["code"], "91012", "{reply}");
    assert_eq!(reply["data"]["maybe_sent"], false, "{reply}");
    assert_eq!(
        reply["error"]["message"],
        "The call was cancelled before its request was sent; nothing reached the server"
    );
    assert!(after_cancel < Duration::from_secs(5), "{after_cancel:?}");
}

#[test]
fn a_wait_between_attempts_is_cancelled_and_reports_the_earlier_attempt() {
    let server = MockServer::start(|_| {
        Reply::Raw(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec())
    });
    let client = client(
        &server.url(),
        json!({"max_attempts": 5, "base_delay_ms": 30_000, "max_delay_ms": 30_000}),
    );
    // The first attempt is answered at once; the call then waits up to 30 s before the next.
    let (reply, _) = cancelled_after(
        &client,
        Operation::SendtalkGetStatus,
        READ,
        Duration::from_millis(400),
    );
    assert_eq!(reply["error"]["code"], "91012", "{reply}");
    assert_eq!(
        reply["data"]["maybe_sent"], true,
        "the first attempt reached it: {reply}"
    );
    assert!(server.requests().len() <= 2, "{}", server.requests().len());
}

#[test]
fn a_cancelled_handle_stops_a_call_before_any_network_use() {
    let server = MockServer::answering(json!({}));
    let client = client(&server.url(), json!({"max_attempts": 3}));
    let handle = Cancel::new();
    handle.cancel();
    let reply = handle.run(|| client.call(Operation::SendtalkSendWhatsapp, SEND));
    assert_eq!(
        (reply.code(), reply.data()["maybe_sent"].clone()),
        ("91012", json!(false))
    );
    assert!(server.requests().is_empty());
}

#[test]
fn cancelling_after_a_call_finished_touches_no_other_call() {
    let server = MockServer::answering(json!({"id": "m1"}));
    let client = Arc::new(client(&server.url(), json!({"max_attempts": 1})));
    let handle = Cancel::new();
    assert!(handle
        .run(|| client.call(Operation::SendtalkGetStatus, READ))
        .is_success());
    // The handle is cancelled now; its call is long done and its connection back in the
    // pool: the next calls, without the handle, use that connection unharmed.
    handle.cancel();
    for _ in 0..5 {
        assert!(client.call(Operation::SendtalkGetStatus, READ).is_success());
    }
    assert_eq!(server.connections(), 1, "the pooled connection was not cut");
}
