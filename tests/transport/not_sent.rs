//! Issue 23, item 1: every failure before the first byte of the request is written is "not
//! sent" (91002, 91004, 91011), with its cause named, and a send that provably never left is
//! retried like anything else; only a failure after a write can be "outcome unknown".
//!
//! Here, for real: a refused port, a connect that times out (a listener whose accept queue
//! is full drops the SYN), and a failure of no known kind before the write. Elsewhere: a name
//! that does not resolve, in a network namespace with only loopback (`tests/c_abi/
//! resolution.rs`); handshake failures (`tls.rs`: unknown CA, wrong name, expired, reset
//! mid-handshake, silent server); proxies that refuse or are down (`proxy.rs`).

use crate::support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Duration;

use serde_json::{json, Value};
use taptalk::{Client, Operation};

const SEND: &str = r#"{"phone": "6281212345678", "messageType": "text", "body": "hi"}"#;

fn client(url: &str) -> Client {
    let mut config: Value = serde_json::from_str(&support::config_for(url)).unwrap();
    config["connect_timeout_ms"] = json!(300);
    config["retry"] = json!({"max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 2});
    Client::from_json(&config.to_string()).unwrap()
}

fn reply(client: &Client, op: Operation, request: &str) -> Value {
    serde_json::from_str(client.call(op, request).as_json()).unwrap()
}

/// The send's envelope: not sent, retried to the last attempt, the cause in the message.
fn assert_not_sent(reply: &Value, code: &str, cause: &str) {
    assert_eq!(reply["error"]["code"], code, "{reply}");
    assert_eq!(
        reply["data"]["attempts"], 3,
        "a send that never left is retried: {reply}"
    );
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(message.contains(cause), "{message}");
    assert!(message.contains("the request was not sent"), "{message}");
}

#[test]
fn a_refused_port_is_not_sent_and_a_send_is_retried() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client(&format!("http://127.0.0.1:{port}"));
    let sent = reply(&client, Operation::SendtalkSendWhatsapp, SEND);
    assert_not_sent(
        &sent,
        "91002",
        "Could not connect to the server (connection refused)",
    );
    assert_eq!(sent["status"], 503);
}

/// A listener that accepts nothing and whose queue is full: the kernel drops new SYNs, so a
/// connect waits until its timeout, as to a host that does not answer.
struct Unanswering {
    listener: TcpListener,
    _queued: Vec<TcpStream>,
}

impl Unanswering {
    fn start() -> Unanswering {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        // SAFETY: a listening socket's descriptor; listen() again only lowers its backlog.
        assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
        let addr = listener.local_addr().unwrap();
        let queued = (0..3)
            .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok())
            .collect();
        Unanswering {
            listener,
            _queued: queued,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap()
    }
}

#[test]
fn a_connect_timeout_is_not_sent_and_a_send_is_retried() {
    let silent = Unanswering::start();
    let client = client(&format!("http://{}", silent.addr()));
    let sent = reply(&client, Operation::SendtalkSendWhatsapp, SEND);
    assert_not_sent(&sent, "91002", "within connect_timeout_ms");
    let read = reply(&client, Operation::SendtalkGetStatus, r#"{"id": "m1"}"#);
    assert_eq!(read["error"]["code"], "91002", "{read}");
}

#[test]
fn a_failure_after_the_write_is_outcome_unknown_and_a_send_is_not_retried() {
    let server = support::MockServer::start(|_| support::Reply::Reset);
    let client = client(&server.url());
    let sent = reply(&client, Operation::SendtalkSendWhatsapp, SEND);
    assert_eq!(sent["error"]["code"], "91010", "{sent}");
    assert_eq!(sent["data"]["attempts"], 1, "{sent}");
    assert_eq!(server.requests().len(), 1);
}
