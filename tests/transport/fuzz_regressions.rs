//! Regressions for crashes found while fuzzing (fuzz/README.md) and while writing the
//! targets. Each test replays the failing input through the public API.

use crate::support;

use std::time::Duration;

use serde_json::json;
use support::{MockServer, Reply};
use taptalk::{Client, Operation};

/// A `Retry-After` of u64::MAX seconds overflowed `elapsed + wait` in the retry loop once the
/// call had run for a second or more (a panic, "overflow when adding durations"); it must just
/// be a wait past the deadline, ending the call with the answer it has.
#[test]
fn a_huge_retry_after_ends_the_call_instead_of_panicking() {
    let cases = [
        (
            "503 Service Unavailable",
            Operation::SendtalkGetStatus,
            r#"{"id": "abc"}"#,
        ),
        (
            "429 Too Many Requests",
            Operation::SendtalkSendWhatsapp,
            r#"{"phone": "6281212345678", "messageType": "text", "body": "hi"}"#,
        ),
    ];
    for (status, op, request) in cases {
        let head = format!(
            "HTTP/1.1 {status}\r\nRetry-After: 18446744073709551615\r\nContent-Length: 0\r\n\r\n"
        );
        // Slow enough that the elapsed time has a whole second to overflow with.
        let server = MockServer::start(move |_| {
            let reply = Reply::Raw(head.clone().into_bytes());
            Reply::Delay(Duration::from_millis(1100), Box::new(reply))
        });
        let config = json!({"sendtalk": {"base_url": server.url(), "api_key": "k"},
            "retry": {"max_attempts": 3}});
        let reply = Client::from_json(&config.to_string())
            .unwrap()
            .call(op, request);
        assert_eq!(reply.code(), "91008", "{status} {op:?}: {reply}");
        assert_eq!(server.requests().len(), 1, "{status}: not retried");
    }
}
