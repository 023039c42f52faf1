//! Connections as a real server keeps them, over real sockets (HTTP and HTTPS): several
//! requests on one connection, `Connection: close` honoured, the idle timeout, every fault
//! on a fresh and on a reused connection, both sides of the idle-close race with exact
//! delivery counts, and the latency setting.

mod support;

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::wire::{Outcome, Wire, SEND};
use taptalk_sandbox::{Sandbox, SandboxConfig, SandboxTls};

fn plain() -> Sandbox {
    Sandbox::start(SandboxConfig::default()).expect("starts")
}

fn https() -> Sandbox {
    Sandbox::start(SandboxConfig {
        tls: Some(SandboxTls::generate().unwrap()),
        ..SandboxConfig::default()
    })
    .expect("starts")
}

fn stored(sb: &Sandbox) -> usize {
    sb.sendtalk_messages().as_array().unwrap().len()
}

fn log(sb: &Sandbox) -> Vec<Value> {
    sb.requests().as_array().unwrap().clone()
}

/// (connection, connection_request, processed, fault) of each logged API request.
fn trail(sb: &Sandbox) -> Vec<(u64, u64, bool, Value)> {
    log(sb)
        .iter()
        .map(|e| {
            (
                e["connection"].as_u64().unwrap(),
                e["connection_request"].as_u64().unwrap(),
                e["processed"].as_bool().unwrap(),
                e["fault"].clone(),
            )
        })
        .collect()
}

fn ok(outcome: Outcome) -> support::wire::Answer {
    let answer = outcome.answer();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["data"]["success"], true, "{answer:?}");
    answer
}

fn several_requests_share_one_connection(sb: Sandbox) {
    let mut wire = Wire::open(&sb);
    for n in 0..3 {
        let answer = ok(wire.send_message(&format!("m{n}")));
        assert!(!answer.closes(), "{answer:?}");
    }
    let connection = trail(&sb)[0].0;
    let expected: Vec<_> = (1..=3)
        .map(|n| (connection, n, true, Value::Null))
        .collect();
    assert_eq!(trail(&sb), expected);
    let counts = sb.connections();
    assert_eq!(
        (&counts["accepted"], &counts["open"]),
        (&json!(1), &json!(1))
    );
    drop(wire);
    assert!(support::eventually(Duration::from_secs(10), || sb
        .connections()["open"]
        == 0));
}

#[test]
fn several_requests_share_one_connection_over_http() {
    several_requests_share_one_connection(plain());
}

#[test]
fn several_requests_share_one_connection_over_https() {
    several_requests_share_one_connection(https());
}

#[test]
fn connection_close_is_honoured_when_the_client_asks_and_when_keep_alive_is_off() {
    let sb = plain();
    let mut wire = Wire::open(&sb);
    let body = json!({"phone": "6281212345678", "messageType": "text", "body": "last"});
    wire.send("POST", SEND, &body, &["Connection: close"]);
    assert!(ok(wire.read()).closes());
    assert!(matches!(wire.read(), Outcome::Closed));

    // Off by the control API: every answer says so and the connection ends after it.
    sb.update_settings(json!({"keep_alive": false})).unwrap();
    let mut wire = Wire::open(&sb);
    assert!(ok(wire.send_message("one")).closes());
    assert!(matches!(wire.read(), Outcome::Closed));
    // Off from the start (the --no-keep-alive flag sets the same field).
    let off = Sandbox::start(SandboxConfig {
        keep_alive: false,
        ..SandboxConfig::default()
    })
    .unwrap();
    assert_eq!(off.settings()["keep_alive"], false);
    let mut wire = Wire::open(&off);
    assert!(ok(wire.send_message("two")).closes());
    assert!(matches!(wire.read(), Outcome::Closed));
    // And back on: the reset restores the start configuration (on, for `sb`).
    sb.reset();
    let mut wire = Wire::open(&sb);
    assert!(!ok(wire.send_message("three")).closes());
    assert!(!ok(wire.send_message("four")).closes());
}

fn an_idle_connection_is_closed_after_the_idle_timeout(sb: Sandbox) {
    sb.update_settings(json!({"idle_timeout_ms": 200})).unwrap();
    let mut wire = Wire::open(&sb);
    ok(wire.send_message("before"));
    // Nothing more is sent: the server ends the connection cleanly (FIN, or close_notify
    // over TLS) on its own, without an answer or a reset.
    assert!(matches!(wire.read(), Outcome::Closed));
    assert!(support::eventually(Duration::from_secs(10), || sb
        .connections()["open"]
        == 0));
    assert_eq!(stored(&sb), 1);
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout_over_http() {
    an_idle_connection_is_closed_after_the_idle_timeout(plain());
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout_over_https() {
    an_idle_connection_is_closed_after_the_idle_timeout(https());
}

#[test]
fn the_idle_timeout_is_five_seconds_by_default_and_settable() {
    let sb = plain();
    assert_eq!(sb.settings()["idle_timeout_ms"], 5000);
    assert_eq!(sb.settings()["latency_ms"], 0);
    assert_eq!(sb.settings()["keep_alive"], true);
    for (key, bad) in [
        ("idle_timeout_ms", json!(3_600_001)),
        ("latency_ms", json!(60_001)),
        ("keep_alive", json!("yes")),
    ] {
        let err = sb.update_settings(json!({ key: bad })).unwrap_err();
        assert!(err.starts_with(&format!("{key}: ")), "{err}");
    }
}

/// What each fault does to one request, checked on a connection that is fresh or already
/// carried a request; afterwards the server keeps serving (on the same connection when the
/// fault left it usable).
fn each_fault_on(reused: bool) {
    let sb = plain();
    let cases = [
        json!({"kind": "delay", "delay_ms": 50}),
        json!({"kind": "status", "status": 503}),
        json!({"kind": "retry_after", "retry_after": "7"}),
        json!({"kind": "reset_before_read"}),
        json!({"kind": "reset_after_read"}),
    ];
    for spec in cases {
        sb.reset();
        let kind = spec["kind"].as_str().unwrap().to_string();
        let mut wire = Wire::open(&sb);
        if reused {
            ok(wire.send_message("warm-up"));
        }
        let before = stored(&sb);
        let mut fault = spec.clone();
        fault["path"] = json!(SEND);
        sb.inject_fault(fault).unwrap();
        let outcome = wire.send_message(&kind);
        let usable = match kind.as_str() {
            "delay" => {
                ok(outcome);
                true
            }
            "status" => {
                assert_eq!(outcome.answer().status, 503);
                true
            }
            "retry_after" => {
                let answer = outcome.answer();
                assert_eq!(
                    (answer.status, answer.header("retry-after")),
                    (429, Some("7"))
                );
                true
            }
            _ => {
                // A reset: no answer, and the connection is gone.
                assert!(matches!(outcome, Outcome::Broken(_)), "{kind}: {outcome:?}");
                false
            }
        };
        let delivered = stored(&sb) - before;
        let expect_delivered = usize::from(matches!(kind.as_str(), "delay" | "reset_after_read"));
        assert_eq!(delivered, expect_delivered, "{kind}");
        let entry = log(&sb).last().cloned().unwrap();
        assert_eq!(entry["fault"], kind, "{entry}");
        assert_eq!(entry["processed"], expect_delivered == 1, "{entry}");
        assert_eq!(
            entry["connection_request"],
            if reused { 2 } else { 1 },
            "{entry}"
        );
        // The server goes on: on this connection if it is still open, else on a new one.
        if usable {
            ok(wire.send_message("after"));
        } else {
            ok(Wire::open(&sb).send_message("after"));
        }
    }
}

#[test]
fn every_fault_works_on_a_fresh_connection() {
    each_fault_on(false);
}

#[test]
fn every_fault_works_on_a_reused_connection() {
    each_fault_on(true);
}

fn idle_close_after_reply(sb: Sandbox) {
    let fault = json!({"path": SEND, "kind": "idle_close", "when": "after_reply"});
    sb.inject_fault(fault).unwrap();
    let mut wire = Wire::open(&sb);
    // The answer comes whole and says nothing about closing...
    let answer = ok(wire.send_message("answered, then closed"));
    assert!(!answer.closes(), "{answer:?}");
    // ...and the connection ends cleanly before the client writes again.
    assert!(matches!(wire.read(), Outcome::Closed));
    // A careful client connects afresh: nothing lost, nothing twice.
    ok(Wire::open(&sb).send_message("on a new connection"));
    assert_eq!(stored(&sb), 2);
    let trail = trail(&sb);
    assert_eq!(trail.len(), 2);
    assert_eq!(
        (trail[0].1, trail[0].2, &trail[0].3),
        (1, true, &json!("idle_close"))
    );
    assert_eq!(
        (trail[1].1, trail[1].2, &trail[1].3),
        (1, true, &Value::Null)
    );
    assert_ne!(trail[0].0, trail[1].0);
}

#[test]
fn idle_close_after_reply_ends_the_connection_before_the_client_writes_again() {
    idle_close_after_reply(plain());
}

#[test]
fn idle_close_after_reply_over_https() {
    idle_close_after_reply(https());
}

#[test]
fn idle_close_on_reuse_drops_the_reused_request_unread() {
    let sb = plain();
    sb.inject_fault(json!({"path": "*", "kind": "idle_close", "when": "on_reuse"}))
        .unwrap();
    let mut wire = Wire::open(&sb);
    // The first request on a connection is not a reuse: served, fault still pending.
    ok(wire.send_message("first"));
    assert_eq!(sb.faults().as_array().unwrap().len(), 1);
    // The second, on the same connection, is written but never read nor answered.
    let outcome = wire.send_message("lost in the race");
    assert!(outcome.is_unanswered(), "{outcome:?}");
    assert_eq!(
        stored(&sb),
        1,
        "the request that raced the close was not processed"
    );
    assert_eq!(sb.faults(), json!([]));
    // A fresh connection works, and the fault is used up.
    let mut fresh = Wire::open(&sb);
    ok(fresh.send_message("retried on a new connection"));
    ok(fresh.send_message("and reused again"));
    assert_eq!(stored(&sb), 3);
    let trail = trail(&sb);
    let (a, b) = (trail[0].0, trail[2].0);
    assert_ne!(a, b);
    assert_eq!(
        trail,
        [
            (a, 1, true, Value::Null),
            (a, 2, false, json!("idle_close")),
            (b, 1, true, Value::Null),
            (b, 2, true, Value::Null),
        ]
    );
}

#[test]
fn idle_close_on_reuse_over_https_leaves_the_client_without_an_answer() {
    let sb = https();
    sb.inject_fault(json!({"path": SEND, "kind": "idle_close", "when": "on_reuse"}))
        .unwrap();
    let mut wire = Wire::open(&sb);
    ok(wire.send_message("first"));
    assert!(wire.send_message("second").is_unanswered());
    assert_eq!(stored(&sb), 1);
}

#[test]
fn a_request_whose_client_gave_up_is_still_handled_to_the_end() {
    let sb = plain();
    sb.update_settings(json!({"latency_ms": 100})).unwrap();
    sb.inject_fault(json!({"path": SEND, "kind": "delay", "delay_ms": 300}))
        .unwrap();
    let mut wire = Wire::open(&sb);
    let body = json!({"phone": "6281212345678", "messageType": "text", "body": "timed out"});
    wire.send("POST", SEND, &body, &[]);
    // The client times out and leaves while the server still waits.
    drop(wire);
    assert!(support::eventually(Duration::from_secs(10), || stored(&sb) == 1));
    assert!(support::eventually(Duration::from_secs(10), || {
        sb.connections()["in_flight"] == 0
    }));
    assert!(trail(&sb)[0].2, "processed although nobody read the answer");
    assert_eq!(stored(&sb), 1);
}

#[test]
fn the_latency_setting_delays_every_api_answer() {
    let sb = plain();
    sb.update_settings(json!({"latency_ms": 300})).unwrap();
    let mut wire = Wire::open(&sb);
    let body = json!({"phone": "6281212345678", "messageType": "text", "body": "x"});
    sb.inject_fault(json!({"path": SEND, "kind": "status", "status": 502}))
        .unwrap();
    // A success, a validation error, an unknown path, a fault's answer: each waits.
    let requests: [(&str, &str, Value, u16); 4] = [
        ("POST", SEND, body.clone(), 502),
        ("POST", SEND, body.clone(), 200),
        ("POST", SEND, json!({"phone": ""}), 200),
        ("POST", "/api/v1/nothing", body, 404),
    ];
    for (method, path, body, status) in requests {
        let start = Instant::now();
        wire.send(method, path, &body, &[]);
        assert_eq!(wire.read().answer().status, status, "{path}");
        // A lower bound only: a timer never fires early.
        assert!(start.elapsed() >= Duration::from_millis(300), "{path}");
    }
    assert_eq!(stored(&sb), 1);
}
