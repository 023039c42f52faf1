//! Real TLS end to end: the SDK against the sandbox serving HTTPS with certificates made
//! up for each test (a trusted one, an unknown CA, a wrong name, an expired one).
//!
//! Attempts are counted at the TCP level by a relay in front of the sandbox, since a
//! failed handshake never becomes a request the sandbox could log.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use serde_json::{json, Value};
use support::relay::Relay;
use support::sandbox::{client_from, config, ok, start};
use taptalk::{Client, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig, SandboxTls, TestCa, Validity};

const PHONE: &str = "6281212345678";

fn https_sandbox(tls: SandboxTls) -> Sandbox {
    start(SandboxConfig {
        tls: Some(tls),
        delivery_delay: std::time::Duration::ZERO,
        ..SandboxConfig::default()
    })
}

/// A client for `url` with the default retry policy (3 attempts), so that "exactly one
/// attempt" is the library's decision, not the test's.
fn retrying_client(url: &str, tls: Value) -> Client {
    let config = json!({"sendtalk": {"base_url": url, "api_key": "sandbox-sendtalk-api-key"},
                        "timeout_ms": 10000, "tls": tls,
                        "retry": {"base_delay_ms": 1, "max_delay_ms": 5}});
    client_from(&config)
}

fn send(client: &Client) -> Value {
    let reply = client.call_value(
        Operation::SendtalkSendWhatsapp,
        json!({"phone": PHONE, "messageType": "otp", "body": "Your code is 1234"}),
    );
    serde_json::from_str(reply.as_json()).unwrap()
}

/// The handshake fails with `cause` in the message, on exactly one connection, and the
/// sandbox never sees a request (the key never left the process).
fn assert_refused_once(sandbox: &Sandbox, tls: Value, cause: &str) {
    let relay = Relay::to(sandbox.local_addr());
    let reply = send(&retrying_client(&relay.url(), tls));
    assert_eq!(reply["status"], 502, "{reply}");
    assert_eq!(reply["error"]["code"], "91004", "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("The TLS handshake with the server failed: the server's certificate")
            && message.contains(cause)
            && message.ends_with("; the request was not sent"),
        "{message}"
    );
    assert!(!message.contains("attempts"), "{message}");
    assert_eq!(reply["data"], json!({}), "{reply}");
    assert_eq!(
        relay.connections(),
        1,
        "a certificate failure is not retried"
    );
    assert_eq!(
        sandbox.requests(),
        json!([]),
        "no request reached the server"
    );
}

#[test]
fn every_operation_succeeds_over_https_with_the_sandbox_ca() {
    let sb = https_sandbox(SandboxTls::generate().unwrap());
    assert!(sb.url().starts_with("https://127.0.0.1:"));
    let c = client_from(&config(&sb));
    let localid = ok(
        &c,
        Operation::PowertalkSendCustomMessage,
        json!({"messageType": 1001, "body": "hi", "senderXCUserID": "alice", "recipientXCUserID": "bob"}),
    )["localID"]
        .clone();
    assert_eq!(localid.as_str().unwrap().len(), 32);
    let contacts = json!({"contacts": [{"ownerXCUserID": "alice", "contactXCUserID": "bob"}]});
    assert_eq!(
        ok(&c, Operation::PowertalkSyncContacts, contacts)["countInserted"],
        1
    );
    let id = ok(
        &c,
        Operation::SendtalkSendWhatsapp,
        json!({"phone": PHONE, "messageType": "text", "body": "hello"}),
    )["id"]
        .clone();
    let status = ok(&c, Operation::SendtalkGetStatus, json!({ "id": id }));
    assert_eq!(status["currency"], "IDR");
    let case = ok(
        &c,
        Operation::OnetalkSendWhatsapp,
        json!({"channelID": "ch1", "phone": PHONE, "messageType": "text", "body": "x",
               "withCase": true, "topicID": 1}),
    )["caseID"]
        .clone();
    ok(
        &c,
        Operation::OnetalkSendWhatsappTemplate,
        json!({"channelID": "ch1", "phoneNumberID": "1234567890", "phone": PHONE, "templateName": "t", "languageCode": "en",
               "withCase": true, "topicID": 1}),
    );
    let cases = ok(
        &c,
        Operation::OnetalkGetUpdatedCases,
        json!({"since_timestamp": 0, "limit": 10}),
    );
    assert_eq!(cases["cases"][0]["id"], case);
    ok(
        &c,
        Operation::OnetalkUpdateCase,
        json!({"caseID": case, "agentRemark": "over TLS"}),
    );
    let logged: Vec<Value> = sb.requests().as_array().unwrap().clone();
    let ops: Vec<&str> = logged
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops.len(), 8, "{ops:?}");
    assert!(logged.iter().all(|r| r["status"] == 200), "{logged:?}");
}

#[test]
fn the_ca_can_come_from_a_file_and_be_the_only_root() {
    let tls = SandboxTls::generate().unwrap();
    let dir = std::env::temp_dir().join(format!("taptalk-tls-test-{}", std::process::id()));
    let ca_file = tls.write_to(&dir).unwrap();
    let sb = https_sandbox(tls);
    let mut cfg = config(&sb);
    cfg["tls"] = json!({"ca_file": ca_file, "built_in_roots": false});
    let c = client_from(&cfg);
    let data = ok(
        &c,
        Operation::SendtalkSendWhatsapp,
        json!({"phone": PHONE, "messageType": "text", "body": "hello"}),
    );
    assert_eq!(data["success"], true);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unknown_ca_answers_91004_unknown_issuer_once() {
    let sb = https_sandbox(SandboxTls::generate().unwrap());
    // The built-in roots only: the sandbox's CA is in none of them.
    #[cfg(feature = "bundled-roots")]
    assert_refused_once(&sb, json!({}), "has an unknown issuer");
    // Only another CA trusted.
    let other = TestCa::generate("someone else's CA").unwrap();
    assert_refused_once(
        &sb,
        json!({"ca_pem": other.cert_pem(), "built_in_roots": false}),
        "has an unknown issuer",
    );
}

#[test]
fn a_certificate_for_another_name_answers_91004_name_mismatch_once() {
    let ca = TestCa::generate("test CA").unwrap();
    let sb = https_sandbox(ca.issue(&["api.example.com"], Validity::Current).unwrap());
    assert_refused_once(
        &sb,
        json!({"ca_pem": ca.cert_pem()}),
        "is not valid for the host name '127.0.0.1' (name mismatch)",
    );
}

#[test]
fn an_expired_certificate_answers_91004_expired_once() {
    let ca = TestCa::generate("test CA").unwrap();
    let sb = https_sandbox(
        ca.issue(&taptalk_sandbox::tls::LOCAL_NAMES, Validity::Expired)
            .unwrap(),
    );
    assert_refused_once(&sb, json!({"ca_pem": ca.cert_pem()}), "has expired");
}

/// A server that accepts and drops the connection mid-handshake: transient, so it follows
/// the usual rule (nothing was sent, so it is repeated).
#[test]
fn a_handshake_cut_short_is_retried_like_any_connection_that_sent_nothing() {
    // Reads the ClientHello, answers nothing and closes.
    let (port, accepted) = raw_server(Some(b""));
    let reply = send(&retrying_client(
        &format!("https://127.0.0.1:{port}"),
        json!({}),
    ));
    let message = reply["error"]["message"].as_str().unwrap();
    assert_eq!(reply["error"]["code"], "91004", "{reply}");
    assert!(
        message.starts_with(
            "The TLS handshake with the server failed: the connection broke during the handshake"
        ) && message.ends_with("; the request was not sent (after 3 attempts)"),
        "{message}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

/// A server that reads, then answers `reply` (or nothing) and closes; counts connections.
fn raw_server(reply: Option<&'static [u8]>) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counted = accepted.clone();
    thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut hello = [0u8; 512];
            let _ = conn.read(&mut hello);
            match reply {
                Some(bytes) => {
                    let _ = conn.write_all(bytes);
                }
                // Hold the connection open, silent, until the client gives up.
                None => {
                    thread::spawn(move || {
                        let _ = conn.read(&mut hello);
                    });
                }
            }
        }
    });
    (port, accepted)
}

#[test]
fn plain_http_where_tls_is_expected_is_a_protocol_error() {
    let (port, accepted) = raw_server(Some(
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
    ));
    let c = retrying_client(&format!("https://127.0.0.1:{port}"), json!({}));
    let reply = send(&c);
    assert_eq!(reply["error"]["code"], "91004", "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("The TLS handshake with the server failed: protocol error")
            && message.ends_with("; the request was not sent (after 3 attempts)"),
        "{message}"
    );
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "today's rule: nothing sent, repeated"
    );
}

#[test]
fn a_silent_server_times_out_the_handshake_and_the_send_was_not_sent() {
    let (port, accepted) = raw_server(None);
    let config = json!({"sendtalk": {"base_url": format!("https://127.0.0.1:{port}"),
                                     "api_key": "k"},
                        "connect_timeout_ms": 300, "retry": {"max_attempts": 1}});
    let reply = send(&client_from(&config));
    assert_eq!(
        reply,
        json!({"status": 502, "data": {}, "error": {"code": "91004", "field": "",
               "message": "The TLS handshake with the server failed: the server did not complete it in time (timeout); the request was not sent"}}),
        "a handshake timeout is not an unknown outcome (91010)"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn unusable_ca_settings_are_refused_with_the_key_named() {
    let refused = |tls: Value| {
        let config = json!({"sendtalk": {"api_key": "k"}, "tls": tls});
        let err = taptalk::Config::from_json(&config.to_string()).unwrap_err();
        (err.key, err.message)
    };
    let (key, message) = refused(json!({"ca_file": "/nonexistent/ca.pem"}));
    assert_eq!(key, "tls.ca_file");
    assert_eq!(
        message,
        "tls.ca_file could not be read (/nonexistent/ca.pem: entity not found)"
    );
    let not_pem = std::env::temp_dir().join(format!("taptalk-not-pem-{}", std::process::id()));
    std::fs::write(&not_pem, "just text\n").unwrap();
    let (key, message) = refused(json!({ "ca_file": not_pem }));
    assert_eq!(key, "tls.ca_file");
    assert_eq!(
        message,
        "tls.ca_file holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)"
    );
    let _ = std::fs::remove_file(not_pem);
    // A private key is PEM, but not a certificate.
    let key_only = SandboxTls::generate().unwrap().key_pem;
    assert_eq!(refused(json!({ "ca_pem": key_only })).0, "tls.ca_pem");
    let (key, message) = refused(
        json!({"ca_pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}),
    );
    assert_eq!(key, "tls.ca_pem");
    assert_eq!(
        message,
        "tls.ca_pem holds a certificate that cannot be used as a trusted root"
    );
    assert_eq!(
        refused(json!({"built_in_roots": false})).0,
        "tls.built_in_roots"
    );
    assert_eq!(refused(json!({"ca_pem": 5})).0, "tls.ca_pem");
    assert_eq!(refused(json!({"roots": []})).0, "tls.roots");
    assert_eq!(refused(json!("x")).0, "tls");
    // Through the C-ABI path too: 90003 and the key as field.
    let Err(envelope) =
        Client::from_json(r#"{"sendtalk": {"api_key": "k"}, "tls": {"ca_pem": ""}}"#)
    else {
        panic!("an empty ca_pem is refused");
    };
    let envelope: Value = serde_json::from_str(envelope.as_json()).unwrap();
    assert_eq!(envelope["error"]["code"], "90003");
    assert_eq!(envelope["error"]["field"], "tls.ca_pem");
}

/// A build without the bundled roots (the phone build): by default it asks the platform
/// verifier, so with none registered a call fails once, sending nothing; "built_in" trust is
/// refused by name; given CAs alone work as before.
#[cfg(not(feature = "bundled-roots"))]
#[test]
fn a_build_without_bundled_roots_trusts_the_platform_or_the_given_cas() {
    let sb = https_sandbox(SandboxTls::generate().unwrap());
    assert_refused_once(
        &sb,
        json!({}),
        "is not trusted by the platform verifier (no platform verifier is registered: call tt_set_tls_verifier first",
    );
    let no_roots = "this build of the library has no bundled roots (a phone build, without the bundled-roots feature): it trusts what the operating system trusts (tls.verifier \"platform\", the default here), or only the CAs in tls.ca_file / tls.ca_pem";
    for (tls, key, message) in [
        (
            json!({"built_in_roots": true}),
            "tls.built_in_roots",
            format!("tls.built_in_roots cannot be true: {no_roots}"),
        ),
        (
            json!({"verifier": "built_in"}),
            "tls.verifier",
            format!("tls.verifier \"built_in\" is not available: {no_roots}"),
        ),
    ] {
        let config = json!({"sendtalk": {"api_key": "k"}, "tls": tls});
        let err = taptalk::Config::from_json(&config.to_string()).unwrap_err();
        assert_eq!((err.key.as_str(), err.message), (key, message));
    }
    let relay = Relay::to(sb.local_addr());
    let reply = send(&retrying_client(
        &relay.url(),
        json!({"ca_pem": sb.ca_cert_pem().unwrap()}),
    ));
    assert_eq!(reply["status"], 200, "{reply}");
}
