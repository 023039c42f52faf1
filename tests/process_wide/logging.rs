//! The log sink: one line per attempt, with the operation, attempt, HTTP status and
//! duration; phones masked; keys, the Server-Key and bodies never logged.
//! The sink is process-wide: each test holds `take_turn()`.

use crate::support;

use std::sync::{Arc, Mutex};

use serde_json::json;
use support::{config_for, ok, MockServer, Reply, SERVER_KEY};
use taptalk::{set_logger, Client, Operation};

#[test]
fn attempts_are_logged_without_secrets_or_bodies() {
    let _turn = crate::take_turn();
    let lines: Arc<Mutex<Vec<(i32, String, String)>>> = Arc::default();
    let sink = lines.clone();
    set_logger(
        Some(Arc::new(move |level, target: &str, line: &str| {
            sink.lock()
                .unwrap()
                .push((level, target.to_owned(), line.to_owned()))
        })),
        5,
    );
    let first = Arc::new(Mutex::new(true));
    let server = MockServer::start(move |_| {
        let mut first = first.lock().unwrap();
        if std::mem::take(&mut *first) {
            Reply::Raw(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec())
        } else {
            ok(json!({"id": "m1"}))
        }
    });
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let secret_body = "my very private message body";
    client.call(Operation::SendtalkGetStatus, r#"{"id": "abc"}"#);
    client.call(
        Operation::SendtalkSendWhatsapp,
        &json!({"phone": "6281212345678", "messageType": "text", "body": secret_body}).to_string(),
    );
    client.call(
        Operation::PowertalkSendCustomMessage,
        r#"{"messageType": 1001, "body": "x", "senderXCUserID": "1", "recipientXCUserID": "2"}"#,
    );
    client.call(Operation::SendtalkSendWhatsapp, r#"{"phone": "62"}"#);
    set_logger(None, 0);
    client.call(Operation::SendtalkGetStatus, r#"{"id": "after removal"}"#);

    let lines = lines.lock().unwrap().clone();
    let text: Vec<&str> = lines.iter().map(|(_, _, l)| l.as_str()).collect();
    assert_eq!(lines.len(), 5, "{text:#?}");
    assert!(lines.iter().all(|(_, target, _)| target == "taptalk"));

    let (level, _, retry) = &lines[0];
    assert_eq!(*level, 2, "a retried attempt is a warning");
    assert!(
        retry.starts_with("sendtalk_get_status attempt 1/3: HTTP 503, status 503 code 91008, "),
        "{retry}"
    );
    assert!(retry.contains(" ms; retrying in "), "{retry}");
    let (level, _, second) = &lines[1];
    assert_eq!(*level, 3);
    assert!(
        second.starts_with("sendtalk_get_status attempt 2/3: HTTP 200, status 200, "),
        "{second}"
    );
    assert!(second.ends_with(" ms"), "{second}");
    assert!(
        lines[2].2.starts_with(
            "sendtalk_send_whatsapp attempt 1/3 to 6281*******78: HTTP 200, status 200, "
        ),
        "{}",
        lines[2].2
    );
    assert!(
        lines[3]
            .2
            .starts_with("powertalk_send_custom_message attempt 1/3: HTTP 200"),
        "{}",
        lines[3].2
    );
    assert_eq!(
        lines[4],
        (
            4,
            "taptalk".to_owned(),
            "sendtalk_send_whatsapp refused locally: 40002 phone".to_owned()
        )
    );

    for line in &text {
        for secret in [
            "st-API-KEY-123",
            "ot-API-KEY-456",
            "s3cr3t-SECRET",
            SERVER_KEY,
            secret_body,
            "6281212345678",
        ] {
            assert!(!line.contains(secret), "{secret} leaked in: {line}");
        }
    }
}
