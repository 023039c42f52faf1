//! What is repeated and what is not: reads retry, sends never risk a duplicate.

use crate::support;

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use support::{ok, MockServer, Reply};
use taptalk::{Client, Operation, RetryPolicy};

const READ: Operation = Operation::SendtalkGetStatus;
const READ_REQUEST: &str = r#"{"id": "abc"}"#;
const SEND: Operation = Operation::SendtalkSendWhatsapp;
const SEND_REQUEST: &str = r#"{"phone": "6281212345678", "messageType": "text", "body": "hi"}"#;

fn client(url: &str, timeout_ms: u64) -> Client {
    let config = json!({"sendtalk": {"base_url": url, "api_key": "k"}, "timeout_ms": timeout_ms,
        "retry": {"max_attempts": 3, "base_delay_ms": 10, "max_delay_ms": 20, "deadline_ms": 10000}});
    Client::from_json(&config.to_string()).unwrap()
}

/// A server whose n-th request (0-based) gets `script(n)`.
fn scripted(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> MockServer {
    let count = Arc::new(AtomicUsize::new(0));
    MockServer::start(move |_| script(count.fetch_add(1, Ordering::SeqCst)))
}

fn raw(text: &str) -> Reply {
    Reply::Raw(text.as_bytes().to_vec())
}

fn parsed(envelope: taptalk::Envelope) -> Value {
    serde_json::from_str(envelope.as_json()).unwrap()
}

#[test]
fn a_read_is_retried_after_a_timeout_and_succeeds() {
    let server = scripted(|n| match n {
        0 => Reply::Delay(Duration::from_millis(800), Box::new(ok(json!({})))),
        _ => ok(json!({"status": "sent"})),
    });
    let reply = client(&server.url(), 200).call(READ, READ_REQUEST);
    assert!(reply.is_success(), "{reply}");
    assert_eq!(reply.data()["status"], "sent");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_read_gives_up_after_max_attempts_and_says_how_many() {
    let server =
        scripted(|_| raw("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"));
    let reply = parsed(client(&server.url(), 2000).call(READ, READ_REQUEST));
    assert_eq!(
        reply,
        json!({"status": 503, "error": {"code": "91008",
            "message": "The server answered HTTP 503 Service Unavailable without a TapTalk envelope (after 3 attempts)",
            "field": ""}, "data": {"attempts": 3}})
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn reads_and_update_case_retry_on_each_retryable_status_but_not_on_500() {
    let ops = [
        (
            Operation::OnetalkGetUpdatedCases,
            r#"{"since_timestamp": 0}"#,
        ),
        (
            Operation::OnetalkUpdateCase,
            r#"{"caseID": "C1", "isJunk": true}"#,
        ),
    ];
    for (status, expected_requests) in [
        ("429 Too Many Requests", 2),
        ("502 Bad Gateway", 2),
        ("503 Service Unavailable", 2),
        ("504 Gateway Timeout", 2),
        ("500 Internal Server Error", 1),
    ] {
        for (op, request) in ops {
            let head = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
            let server = scripted(move |n| if n == 0 { raw(&head) } else { ok(json!({})) });
            let config = json!({"onetalk": {"base_url": server.url(), "api_key": "k"},
                "retry": {"base_delay_ms": 1, "max_delay_ms": 1}});
            let reply = Client::from_json(&config.to_string())
                .unwrap()
                .call(op, request);
            assert_eq!(
                server.requests().len(),
                expected_requests,
                "{} after {status}",
                op.name()
            );
            assert_eq!(reply.is_success(), expected_requests == 2, "{reply}");
        }
    }
}

#[test]
fn a_send_that_timed_out_is_not_retried_and_reports_outcome_unknown() {
    let server = scripted(|_| Reply::Delay(Duration::from_millis(800), Box::new(ok(json!({})))));
    let reply = parsed(client(&server.url(), 200).call(SEND, SEND_REQUEST));
    assert_eq!(reply["status"], 502);
    assert_eq!(reply["error"]["code"], "91010");
    assert_eq!(reply["data"], json!({"attempts": 1, "cause": "91001"}));
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("Outcome unknown: No complete reply within timeout_ms (200 ms). The message may have been sent"), "{message}");
    assert_eq!(
        server.requests().len(),
        1,
        "a send is never repeated once written"
    );
}

#[test]
fn a_send_whose_connection_was_reset_is_not_retried() {
    let server = scripted(|_| Reply::Reset);
    let reply = parsed(client(&server.url(), 2000).call(SEND, SEND_REQUEST));
    assert_eq!(reply["error"]["code"], "91010");
    assert_eq!(reply["data"]["cause"], "91003");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_send_is_not_retried_on_503_or_429_without_retry_after() {
    for status in [
        "503 Service Unavailable",
        "429 Too Many Requests",
        "502 Bad Gateway",
        "500 Internal Server Error",
    ] {
        let head = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
        let server = scripted(move |_| raw(&head));
        let reply = client(&server.url(), 2000).call(SEND, SEND_REQUEST);
        assert_eq!(reply.code(), "91008");
        assert_eq!(server.requests().len(), 1, "{status}");
    }
}

#[test]
fn a_send_is_retried_when_the_server_says_retry_after() {
    for retry_after in ["0", "Sun, 06 Nov 1994 08:49:37 GMT"] {
        let head = format!("HTTP/1.1 429 Too Many Requests\r\nRetry-After: {retry_after}\r\nContent-Length: 0\r\n\r\n");
        let server = scripted(move |n| {
            if n == 0 {
                raw(&head)
            } else {
                ok(json!({"id": "m1"}))
            }
        });
        let reply = client(&server.url(), 2000).call(SEND, SEND_REQUEST);
        assert!(reply.is_success(), "{reply}");
        assert_eq!(server.requests().len(), 2);
    }
}

#[test]
fn retry_after_beyond_the_deadline_ends_the_call_with_the_answer_it_has() {
    let server = scripted(|_| {
        raw("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n")
    });
    let config = json!({"sendtalk": {"base_url": server.url(), "api_key": "k"}, "retry": {"deadline_ms": 1000}});
    let reply = Client::from_json(&config.to_string())
        .unwrap()
        .call(READ, READ_REQUEST);
    assert_eq!((reply.status(), reply.code()), (503, "91008"));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_send_is_retried_when_the_connection_was_refused() {
    // Nothing listens yet: the first attempts are refused, so nothing was sent and the send
    // may be repeated until the server comes up.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let starter = thread::spawn(move || {
        thread::sleep(Duration::from_millis(150));
        MockServer::start_on(port, |_| ok(json!({"id": "m1"})))
    });
    let config = json!({"sendtalk": {"base_url": url, "api_key": "k"},
        "retry": {"max_attempts": 30, "base_delay_ms": 100, "max_delay_ms": 100, "deadline_ms": 20000}});
    let reply = Client::from_json(&config.to_string())
        .unwrap()
        .call(SEND, SEND_REQUEST);
    let server = starter.join().unwrap();
    assert!(reply.is_success(), "{reply}");
    assert_eq!(server.requests().len(), 1, "delivered exactly once");
}

#[test]
fn a_refused_read_reports_the_attempts_made() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let reply = parsed(client(&format!("http://127.0.0.1:{port}"), 2000).call(READ, READ_REQUEST));
    assert_eq!(reply["error"]["code"], "91002");
    assert_eq!(reply["data"], json!({"attempts": 3}));
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .ends_with("(after 3 attempts)"));
}

#[test]
fn server_envelopes_are_final_even_when_they_are_errors() {
    let server = scripted(|_| {
        Reply::Json(r#"{"status":404,"error":{"code":"40401","message":"Message is not found","field":""},"data":{}}"#.to_owned())
    });
    let reply = client(&server.url(), 2000).call(READ, READ_REQUEST);
    assert_eq!(reply.code(), "40401");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_per_call_policy_overrides_the_clients() {
    let server = scripted(|_| raw("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"));
    let once = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    let reply = client(&server.url(), 2000).call_with_retry(READ, READ_REQUEST, &once);
    assert_eq!(reply.code(), "91008");
    assert_eq!(server.requests().len(), 1);
}
