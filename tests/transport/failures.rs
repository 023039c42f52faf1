//! Every way an exchange can fail, each answered with the library's own code in the
//! envelope shape, and never a second request.

use crate::support;

use std::io::Write;
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use support::{MockServer, Reply};
use taptalk::{Client, Operation};

const STATUS_REQUEST: &str = r#"{"id": "abc"}"#;

fn client_for(url: &str, extra: Value) -> Client {
    // One attempt: these tests pin how each failure is reported; tests/transport/retry.rs covers
    // what is repeated.
    let mut config = json!({"sendtalk": {"base_url": url, "api_key": "st-API-KEY-123"},
                            "timeout_ms": 5000, "connect_timeout_ms": 2000,
                            "retry": {"max_attempts": 1}});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    Client::from_json(&config.to_string()).unwrap()
}

/// Runs one get_status against a server answering `reply`, and returns the envelope.
fn envelope_for(
    reply: impl Fn() -> Reply + Send + Sync + 'static,
    extra: Value,
) -> (Value, MockServer) {
    let server = MockServer::start(move |_| reply());
    let client = client_for(&server.url(), extra);
    let envelope = client.call(Operation::SendtalkGetStatus, STATUS_REQUEST);
    (serde_json::from_str(envelope.as_json()).unwrap(), server)
}

fn local(status: i64, code: &str, message: &str) -> Value {
    json!({"status": status, "error": {"code": code, "message": message, "field": ""}, "data": {}})
}

fn raw(head_and_body: &str) -> Reply {
    Reply::Raw(head_and_body.as_bytes().to_vec())
}

#[test]
fn a_slow_server_is_cut_off_by_timeout_ms() {
    let (reply, server) = envelope_for(
        || Reply::Delay(Duration::from_secs(3), Box::new(support::ok(json!({})))),
        json!({"timeout_ms": 300}),
    );
    assert_eq!(
        reply,
        local(504, "91001", "No complete reply within timeout_ms (300 ms)")
    );
    assert_eq!(server.requests().len(), 1, "sent once, never retried");
}

#[test]
fn a_body_that_is_not_json_is_an_invalid_reply() {
    let (reply, _) = envelope_for(
        || raw("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"),
        json!({}),
    );
    assert_eq!(
        reply,
        local(
            502,
            "91006",
            "The server's reply (HTTP 200, 11 bytes) is not a TapTalk envelope; check base_url"
        )
    );
}

#[test]
fn json_of_another_shape_is_an_invalid_reply() {
    for body in [
        r#"{"ok":true}"#,
        r#"{"status":"200","error":{}}"#,
        r#"{"status":200,"error":"none"}"#,
        "[]",
    ] {
        let owned = body.to_owned();
        let (reply, _) = envelope_for(
            move || {
                raw(&format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{owned}",
                    owned.len()
                ))
            },
            json!({}),
        );
        assert_eq!(reply["error"]["code"], "91006", "{body}");
    }
}

#[test]
fn a_body_that_is_not_utf8_is_an_invalid_reply() {
    let (reply, _) = envelope_for(
        || Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n\xff\xfe{}".to_vec()),
        json!({}),
    );
    assert_eq!(reply["error"]["code"], "91006");
}

#[test]
fn an_html_500_is_an_http_status_error_carrying_the_status() {
    let (reply, _) = envelope_for(
        || {
            raw("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: 22\r\n\r\n<h1>Server Error</h1>\n")
        },
        json!({}),
    );
    assert_eq!(
        reply,
        local(
            500,
            "91008",
            "The server answered HTTP 500 Internal Server Error without a TapTalk envelope"
        )
    );
}

#[test]
fn a_404_page_hints_at_the_base_url() {
    let (reply, _) = envelope_for(
        || raw("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"),
        json!({}),
    );
    assert_eq!(
        reply,
        local(
            404,
            "91008",
            "The server answered HTTP 404 Not Found without a TapTalk envelope; check base_url"
        )
    );
}

#[test]
fn a_truncated_body_is_reported_as_such() {
    let (reply, _) = envelope_for(
        || {
            Reply::RawThenClose(
                b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\":200,".to_vec(),
            )
        },
        json!({}),
    );
    assert_eq!(
        reply,
        local(
            502,
            "91007",
            "The server's reply body ended before its announced length"
        )
    );
}

#[test]
fn a_reset_connection_is_connection_lost() {
    let (reply, server) = envelope_for(|| Reply::Reset, json!({}));
    assert_eq!(reply["status"], 502);
    assert_eq!(reply["error"]["code"], "91003");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("The connection broke before a complete reply"),
        "{message}"
    );
    assert!(
        message.ends_with("the request may have reached the server"),
        "{message}"
    );
    assert_eq!(server.requests().len(), 1, "sent once, never retried");
}

#[test]
fn a_connection_closed_without_reply_is_connection_lost() {
    let (reply, _) = envelope_for(|| Reply::RawThenClose(Vec::new()), json!({}));
    assert_eq!(reply["error"]["code"], "91003");
}

#[test]
fn a_refused_connection_means_nothing_was_sent() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_for(&format!("http://127.0.0.1:{port}"), json!({}));
    let reply: Value = serde_json::from_str(
        client
            .call(Operation::SendtalkGetStatus, STATUS_REQUEST)
            .as_json(),
    )
    .unwrap();
    assert_eq!(reply["status"], 503);
    assert_eq!(reply["error"]["code"], "91002");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(message.ends_with("the request was not sent"), "{message}");
}

#[test]
fn a_redirect_is_refused_and_not_followed() {
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let head = format!(
            "HTTP/1.1 {status}\r\nLocation: http://127.0.0.2:1/steal\r\nContent-Length: 0\r\n\r\n"
        );
        let (reply, server) = envelope_for(move || raw(&head), json!({}));
        let code = &status[..3];
        assert_eq!(
            reply,
            local(502, "91005", &format!("The server answered a redirect (HTTP {code}); redirects are not followed so that keys never reach another host. Check base_url."))
        );
        assert_eq!(server.requests().len(), 1);
    }
}

#[test]
fn an_oversized_body_is_refused() {
    let body = format!(
        r#"{{"status":200,"error":{{"code":"","message":"","field":""}},"data":{{"pad":"{}"}}}}"#,
        "x".repeat(2000)
    );
    let len = body.len();
    let (reply, _) = envelope_for(
        move || {
            raw(&format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n{body}"
            ))
        },
        json!({"max_response_bytes": 1000}),
    );
    assert_eq!(
        reply,
        local(
            502,
            "91009",
            "The server's reply is larger than max_response_bytes (1000 bytes) and was refused"
        )
    );
}

#[test]
fn a_body_of_exactly_the_cap_is_accepted() {
    let envelope = r#"{"status":200,"error":{"code":"","message":"","field":""},"data":{}}"#;
    let cap = envelope.len();
    let (reply, _) = envelope_for(
        move || {
            raw(&format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {cap}\r\n\r\n{envelope}"
            ))
        },
        json!({"max_response_bytes": cap}),
    );
    assert_eq!(reply["status"], 200);
}

#[test]
fn an_endless_body_is_refused_with_bounded_memory() {
    // The server announces 8 GiB and streams until the client hangs up: the client must stop
    // at the cap (1 MiB here) instead of buffering, or this test would run out of memory.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let streamer = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 8589934592\r\n\r\n");
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0usize;
        while stream.write_all(&chunk).is_ok() && sent < 8 << 30 {
            sent += chunk.len();
        }
        sent
    });
    let client = client_for(&url, json!({"max_response_bytes": 1 << 20}));
    let reply = client.call(Operation::SendtalkGetStatus, STATUS_REQUEST);
    assert_eq!(reply.code(), "91009");
    drop(client);
    let sent = streamer.join().unwrap();
    assert!(
        sent < 64 << 20,
        "the client stopped reading early ({sent} bytes were written)"
    );
}

#[test]
fn a_tls_failure_is_reported_as_tls() {
    // A plain-TCP peer that answers the ClientHello with something that is not TLS.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            thread::sleep(Duration::from_millis(200));
        }
    });
    let client = client_for(&format!("https://127.0.0.1:{port}"), json!({}));
    let reply = client.call(Operation::SendtalkGetStatus, STATUS_REQUEST);
    assert_eq!((reply.status(), reply.code()), (502, "91004"), "{reply}");
    assert_eq!(
        reply.message(),
        "The TLS handshake with the server failed: protocol error (received corrupt message of type InvalidContentType); the request was not sent"
    );
}
