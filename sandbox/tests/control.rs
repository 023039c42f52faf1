//! The control API under /_sandbox/, injected faults, and the binary.

mod support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const SEND: &str = "/api/v1/message/send_whatsapp";

fn message() -> Value {
    json!({"phone": "6281212345678", "messageType": "text", "body": "hi"})
}

fn fault(a: &ureq::Agent, base: &str, spec: Value) -> Answer {
    post(a, &format!("{base}/_sandbox/faults"), &[], &spec)
}

fn stored(sb: &taptalk_sandbox::Sandbox) -> usize {
    sb.sendtalk_messages().as_array().unwrap().len()
}

#[test]
fn status_and_retry_after_faults_answer_then_expire() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let url = format!("{u}{SEND}");
    let r = fault(
        &a,
        &u,
        json!({"path": SEND, "count": 2, "kind": "status", "status": 503}),
    );
    assert_eq!(r.data()["faults"][0]["count"], 2, "{r:?}");
    for _ in 0..2 {
        let r = post(&a, &url, &[SENDTALK_KEY], &message());
        assert_eq!((r.http, r.status()), (503, 503));
    }
    fault(
        &a,
        &u,
        json!({"path": SEND, "kind": "retry_after", "retry_after": "2"}),
    );
    let r = post(&a, &url, &[SENDTALK_KEY], &message());
    assert_eq!((r.http, r.retry_after.as_deref()), (429, Some("2")));
    fault(
        &a,
        &u,
        json!({"path": SEND, "kind": "status", "status": 502, "body": "<html>Bad Gateway</html>"}),
    );
    let r = post(&a, &url, &[SENDTALK_KEY], &message());
    assert_eq!(
        (r.http, r.body.as_str()),
        (502, Some("<html>Bad Gateway</html>"))
    );
    assert_eq!(stored(&sb), 0);
    let r = post(&a, &url, &[SENDTALK_KEY], &message());
    assert_eq!(r.data()["success"], true);
    assert_eq!(sb.faults(), json!([]));
}

#[test]
fn a_delay_fault_delays_without_blocking_other_clients() {
    let sb = start();
    let u = sb.url();
    sb.inject_fault(json!({"path": SEND, "kind": "delay", "delay_ms": 1500}))
        .unwrap();
    let slow = {
        let u = u.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            let r = post(&agent(), &format!("{u}{SEND}"), &[SENDTALK_KEY], &message());
            (start.elapsed(), r.data()["success"].clone())
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    let r = post(
        &agent(),
        &format!("{u}/api/v1/message/get_status"),
        &[SENDTALK_KEY],
        &json!({"id": "x"}),
    );
    assert_eq!(r.code(), "40401");
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "other clients are served meanwhile"
    );
    let (elapsed, success) = slow.join().unwrap();
    assert!(elapsed >= Duration::from_millis(1500));
    assert_eq!(success, true);
}

#[test]
fn resets_drop_the_connection_before_or_after_storing() {
    let sb = start();
    let a = agent();
    let url = format!("{}{SEND}", sb.url());
    sb.inject_fault(json!({"path": SEND, "kind": "reset_before_read"}))
        .unwrap();
    let start = Instant::now();
    assert!(try_post(&a, &url, &[SENDTALK_KEY], &message()).is_err());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "a reset, not a timeout"
    );
    assert_eq!(stored(&sb), 0);

    sb.inject_fault(json!({"path": SEND, "kind": "reset_after_read"}))
        .unwrap();
    assert!(try_post(&a, &url, &[SENDTALK_KEY], &message()).is_err());
    assert_eq!(
        stored(&sb),
        1,
        "the message went through although the client saw an error"
    );

    let r = post(&a, &url, &[SENDTALK_KEY], &message());
    assert_eq!(r.data()["success"], true);
    let log = sb.requests();
    let faults: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["fault"])
        .collect();
    assert_eq!(
        faults,
        [
            &json!("reset_before_read"),
            &json!("reset_after_read"),
            &Value::Null
        ]
    );
}

#[test]
fn bad_fault_specs_are_refused_with_the_field() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let r = fault(&a, &u, json!({"path": SEND, "kind": "meteor"}));
    assert_eq!((r.status(), r.code(), r.field()), (400, "40002", "kind"));
    let r = fault(
        &a,
        &u,
        json!([{"path": SEND, "kind": "delay", "delay_ms": 1}, {"kind": "delay"}]),
    );
    assert_eq!(r.field(), "path");
    assert_eq!(
        sb.faults(),
        json!([]),
        "nothing is added when one spec is bad"
    );
}

#[test]
fn settings_change_at_runtime_and_reset_restores_everything() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let r = post(
        &a,
        &format!("{u}/_sandbox/settings"),
        &[],
        &json!({"onetalk_tier": "none", "sendtalk_balance": 0, "invalid_recipients": ["6281200000000"], "delivery_delay_ms": 0}),
    );
    assert_eq!(r.data()["settings"]["onetalk_tier"], "none", "{r:?}");
    let r = post(&a, &format!("{u}{SEND}"), &[SENDTALK_KEY], &message());
    assert_eq!(r.data()["reason"], "insufficient_balance");
    let r = post(
        &a,
        &format!("{u}/_sandbox/settings"),
        &[],
        &json!({"sendtalk_balance": "lots"}),
    );
    assert_eq!((r.code(), r.field()), ("40002", "sendtalk_balance"));
    let r = post(
        &a,
        &format!("{u}/_sandbox/settings"),
        &[],
        &json!({"colour": "blue"}),
    );
    assert_eq!(r.field(), "colour");

    sb.inject_fault(json!({"path": "*", "kind": "status"}))
        .unwrap();
    let r = post(&a, &format!("{u}/_sandbox/reset"), &[], &json!({}));
    assert_eq!(r.data()["success"], true);
    let settings = get(&a, &format!("{u}/_sandbox/settings"), &[]);
    assert_eq!(settings.data()["settings"]["onetalk_tier"], "ok");
    assert_eq!(settings.data()["settings"]["sendtalk_balance"], Value::Null);
    assert_eq!(
        get(&a, &format!("{u}/_sandbox/faults"), &[]).data()["faults"],
        json!([])
    );
    let r = post(&a, &format!("{u}{SEND}"), &[SENDTALK_KEY], &message());
    assert_eq!(r.data()["success"], true);
    let log = get(&a, &format!("{u}/_sandbox/requests"), &[]);
    assert_eq!(log.data()["requests"].as_array().unwrap().len(), 1);
}

#[test]
fn a_frozen_clock_gives_cases_one_updated_time_until_advanced() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let clock = |body: Value| post(&a, &format!("{u}/_sandbox/clock"), &[], &body);
    let r = clock(json!({"freeze": true}));
    assert_eq!(r.data()["clock"]["frozen"], true, "{r:?}");
    let at = r.data()["clock"]["now_ms"].as_u64().unwrap();
    let send = |phone: &str| {
        let body = json!({"phone": phone, "channelID": "c1", "messageType": "text",
            "body": "hi", "withCase": true, "topicID": 1});
        let url = format!("{u}/api/integration/v1/inbox/send_message_whatsapp");
        post(&a, &url, &[ONETALK_KEY], &body)
    };
    send("6281200000001");
    std::thread::sleep(Duration::from_millis(30));
    send("6281200000002");
    let r = clock(json!({"advance_ms": 7}));
    assert_eq!(r.data()["clock"]["now_ms"], at + 7);
    send("6281200000003");
    let times: Vec<Value> = sb
        .onetalk_cases()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["updatedTime"].clone())
        .collect();
    assert_eq!(times, vec![json!(at), json!(at), json!(at + 7)]);
    let r = get(&a, &format!("{u}/_sandbox/clock"), &[]);
    assert_eq!(r.data()["clock"], json!({"now_ms": at + 7, "frozen": true}));

    let r = clock(json!({"freeze": "yes"}));
    assert_eq!((r.code(), r.field()), ("40002", "freeze"));
    let r = clock(json!({"advance_ms": -1}));
    assert_eq!((r.code(), r.field()), ("40002", "advance_ms"));
    let r = clock(json!({"rewind_ms": 5}));
    assert_eq!((r.code(), r.field()), ("40002", "rewind_ms"));

    let r = clock(json!({"freeze": false}));
    assert_eq!(r.data()["clock"]["frozen"], false);
    assert!(r.data()["clock"]["now_ms"].as_u64().unwrap() >= at + 7);
    assert!(eventually(Duration::from_secs(5), || sb.now_ms() > at + 7));
    sb.freeze_clock();
    sb.reset();
    assert_eq!(
        sb.set_clock(json!({})).unwrap()["frozen"],
        false,
        "reset resumes"
    );
    assert!(sb.now_ms() >= at + 7, "time never goes backwards");
}

#[test]
fn the_request_log_names_headers_but_never_keeps_keys() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    post(&a, &format!("{u}{SEND}"), &[SENDTALK_KEY], &message());
    let key = sb.powertalk_server_key();
    post(
        &a,
        &format!("{u}/v1/server/contact/sync"),
        &[("Server-Key", &key)],
        &json!({"contacts": []}),
    );
    get(
        &a,
        &format!("{u}/api/integration/v1/inbox/case/get_updated_list?since_timestamp=5"),
        &[ONETALK_KEY],
    );
    let r = get(&a, &format!("{u}/_sandbox/requests"), &[]);
    let text = r.body.to_string();
    assert!(!text.contains(taptalk_sandbox::DEFAULT_SENDTALK_API_KEY));
    assert!(!text.contains(taptalk_sandbox::DEFAULT_ONETALK_API_KEY));
    assert!(!text.contains(&key));
    let entries = r.data()["requests"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["method"], "POST");
    assert_eq!(entries[0]["path"], SEND);
    assert_eq!(entries[0]["body"]["phone"], "6281212345678");
    assert!(entries[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h.as_str().unwrap().eq_ignore_ascii_case("API-Key")));
    assert_eq!(entries[1]["code"], "40002");
    assert_eq!(entries[2]["query"], "since_timestamp=5");
    let filtered = get(&a, &format!("{u}/_sandbox/requests?path={SEND}"), &[]);
    assert_eq!(filtered.data()["requests"].as_array().unwrap().len(), 1);
}

#[test]
fn control_endpoints_are_listed_and_wrong_ones_refused() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let index = get(&a, &format!("{u}/_sandbox"), &[]);
    assert!(index.data()["endpoints"].as_array().unwrap().len() >= 12);
    for path in [
        "powertalk/messages",
        "powertalk/contacts",
        "sendtalk/messages",
        "onetalk/cases",
        "onetalk/messages",
    ] {
        let r = get(&a, &format!("{u}/_sandbox/{path}"), &[]);
        assert_eq!(r.status(), 200, "{path}");
    }
    let r = get(&a, &format!("{u}/_sandbox/nothing"), &[]);
    assert_eq!((r.http, r.code()), (404, "40400"));
    let r = get(&a, &format!("{u}/_sandbox/reset"), &[]);
    assert_eq!((r.http, r.code()), (405, "40500"));
}

#[test]
fn stop_closes_the_port() {
    let sb = start();
    let addr = sb.local_addr();
    assert!(sb.url().starts_with("http://127.0.0.1:"));
    sb.stop();
    assert!(std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
}

/// Kills the child on every exit path, so a failing test leaves no server.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_its_url_first_and_serves() {
    let child = Command::new(env!("CARGO_BIN_EXE_taptalk-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--sendtalk-api-key", "cli-key"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("taptalk-sandbox listening on ")
        .unwrap()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let keys: Vec<String> = lines.by_ref().take(3).map(|l| l.unwrap()).collect();
    assert!(keys[1].contains("cli-key"), "{keys:?}");
    let r = post(
        &agent(),
        &format!("{url}{SEND}"),
        &[("API-Key", "cli-key")],
        &message(),
    );
    assert_eq!(r.data()["success"], true);
}

#[test]
fn the_binary_takes_the_connection_flags_and_counts_connections() {
    let child = Command::new(env!("CARGO_BIN_EXE_taptalk-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--no-keep-alive"])
        .args(["--idle-timeout-ms", "700", "--latency-ms", "20"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("taptalk-sandbox listening on ").unwrap();
    let a = agent();
    let settings = get(&a, &format!("{url}/_sandbox/settings"), &[]);
    let s = &settings.data()["settings"];
    assert_eq!(
        (&s["keep_alive"], &s["idle_timeout_ms"], &s["latency_ms"]),
        (&json!(false), &json!(700), &json!(20))
    );
    // Without keep-alive each request comes on a connection of its own.
    for _ in 0..2 {
        let r = post(&a, &format!("{url}{SEND}"), &[SENDTALK_KEY], &message());
        assert_eq!(r.data()["success"], true);
    }
    let counts = get(&a, &format!("{url}/_sandbox/connections"), &[]);
    let counts = &counts.data()["connections"];
    assert_eq!(counts["accepted"], 4, "{counts}");
    assert_eq!(counts["max_in_flight"], 1, "{counts}");
}

#[test]
fn the_binary_documents_its_flags_and_refuses_unknown_ones() {
    let help = Command::new(env!("CARGO_BIN_EXE_taptalk-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(help.status.success());
    assert!(text.contains("--listen") && text.contains("--onetalk-api-key"));
    let bad = Command::new(env!("CARGO_BIN_EXE_taptalk-sandbox"))
        .arg("--port")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn with_tls_the_binary_prints_the_https_url_then_the_ca_file_and_serves_https() {
    let dir = std::env::temp_dir().join(format!("taptalk-sandbox-cli-tls-{}", std::process::id()));
    let child = Command::new(env!("CARGO_BIN_EXE_taptalk-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--tls", "--tls-dir"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("taptalk-sandbox listening on ")
        .unwrap()
        .to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{first}");
    let second = lines.next().unwrap().unwrap();
    let ca_file = second.strip_prefix("tls CA certificate: ").unwrap();
    assert_eq!(std::path::Path::new(ca_file), dir.join("ca.pem"));
    let keys: Vec<String> = lines.by_ref().take(3).map(|l| l.unwrap()).collect();
    assert!(keys[1].starts_with("sendtalk API-Key: "), "{keys:?}");

    // The SDK, trusting only that CA file, talks to it over real TLS.
    let config = serde_json::json!({
        "sendtalk": {"base_url": url, "api_key": "sandbox-sendtalk-api-key"},
        "tls": {"ca_file": ca_file, "built_in_roots": false}});
    let client = taptalk::Client::from_json(&config.to_string())
        .unwrap_or_else(|e| panic!("{}", e.as_json()));
    let reply = client.call_value(taptalk::Operation::SendtalkSendWhatsapp, message());
    assert!(reply.is_success(), "{}", reply.as_json());
    drop(child);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn tls_flags_that_cannot_work_exit_with_status_2() {
    for args in [
        &[
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ][..],
        &["--tls-cert", "/nonexistent/cert.pem"][..],
        &["--tls", "--tls-key", "k.pem"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_taptalk-sandbox"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("taptalk-sandbox: "));
    }
}
