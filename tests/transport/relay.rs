//! Keys kept off the phone: a product section pointing at the app's relay with the app's own
//! headers and no TapTalk key. The exact wire request, the refusals, and the whole path end to
//! end: SDK -> a tiny relay on 127.0.0.1 that checks the app's token and adds the real key ->
//! the sandbox.

use crate::support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use support::{MockServer, Recorded, Reply};
use taptalk::{set_logger, Client, Config, Operation};
use taptalk_sandbox::SandboxConfig;

const APP_TOKEN: &str = "Bearer app-session-7f3a";
const SEND: &str = r#"{"phone": "6281212345678", "messageType": "text", "body": "via relay"}"#;

fn refusal(config: Value) -> (String, String) {
    let e = Config::from_json(&config.to_string()).expect_err("refused");
    (e.key, e.message)
}

fn sorted_names(req: &Recorded) -> Vec<String> {
    let mut names: Vec<String> = req.header_names().iter().map(|n| n.to_string()).collect();
    names.sort();
    names
}

#[test]
fn a_relay_section_sends_the_app_headers_and_no_key() {
    let server = MockServer::answering(json!({"id": "m1", "success": true}));
    let config = json!({"sendtalk": {"base_url": format!("{}/taptalk/sendtalk", server.url()),
        "headers": {"Authorization": APP_TOKEN, "X-App-Version": "android-1.2.3"}}});
    let client = Client::from_json(&config.to_string()).unwrap();
    let reply = client.call(Operation::SendtalkSendWhatsapp, SEND);
    assert!(reply.is_success(), "{}", reply.as_json());
    let req = server.single_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/taptalk/sendtalk/api/v1/message/send_whatsapp");
    assert_eq!(req.header("authorization"), Some(APP_TOKEN));
    assert_eq!(req.header("x-app-version"), Some("android-1.2.3"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(
        req.header("user-agent"),
        Some(format!("taptalk/{}", taptalk::VERSION).as_str())
    );
    assert_eq!(
        sorted_names(&req),
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "user-agent",
            "x-app-version"
        ]
    );
    assert_eq!(req.json(), serde_json::from_str::<Value>(SEND).unwrap());
}

#[test]
fn a_get_through_a_relay_keeps_its_query_and_powertalk_sends_no_server_key() {
    let server = MockServer::answering(json!({"cases": [], "hasMore": false, "lastTimestamp": 5}));
    let config = json!({
        "onetalk": {"base_url": server.url(), "headers": {"X-App-Token": "t1"}},
        "powertalk": {"base_url": server.url(), "headers": {"X-App-Token": "t2"}},
    });
    let client = Client::from_json(&config.to_string()).unwrap();
    assert!(client
        .call(
            Operation::OnetalkGetUpdatedCases,
            r#"{"since_timestamp": 5, "limit": 10}"#
        )
        .is_success());
    client.call(
        Operation::PowertalkSendCustomMessage,
        r#"{"messageType": 1001, "body": "hi", "senderXCUserID": "1", "recipientXCUserID": "2"}"#,
    );
    let requests = server.requests();
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].query.as_deref(),
        Some("since_timestamp=5&limit=10")
    );
    assert_eq!(
        sorted_names(&requests[0]),
        [
            "accept",
            "content-type",
            "host",
            "user-agent",
            "x-app-token"
        ]
    );
    assert_eq!(requests[0].header("x-app-token"), Some("t1"));
    assert_eq!(requests[1].header("x-app-token"), Some("t2"));
    assert_eq!(requests[1].header("server-key"), None);
}

#[test]
fn a_key_and_extra_headers_travel_together() {
    let server = MockServer::answering(json!({"success": true}));
    let config = json!({"sendtalk": {"base_url": server.url(), "api_key": "st-KEY",
        "headers": {"X-Tenant": "shop-42"}}});
    let client = Client::from_json(&config.to_string()).unwrap();
    client.call(Operation::SendtalkSendWhatsapp, SEND);
    let req = server.single_request();
    assert_eq!(req.header("api-key"), Some("st-KEY"));
    assert_eq!(req.header("x-tenant"), Some("shop-42"));
}

#[test]
fn headers_the_library_sets_cannot_be_replaced_in_any_case() {
    for name in [
        "API-Key",
        "api-key",
        "Server-Key",
        "Content-Type",
        "content-length",
        "Accept",
        "User-Agent",
        "HOST",
        "Connection",
        "Transfer-Encoding",
        "Accept-Encoding",
        "Proxy-Authorization",
    ] {
        let (key, message) = refusal(json!({"sendtalk": {"headers": {name: "x"}}}));
        assert_eq!(key, format!("sendtalk.headers.{name}"));
        assert!(message.contains("cannot be replaced"), "{message}");
        let envelope = Config::from_json(&json!({"onetalk": {"headers": {name: "x"}}}).to_string())
            .unwrap_err()
            .to_envelope();
        assert_eq!(envelope.code(), "90003");
        assert_eq!(envelope.field(), format!("onetalk.headers.{name}"));
    }
}

#[test]
fn header_values_are_checked_like_keys_and_never_echoed() {
    let secret = "tok-SECRET-9";
    for (value, why) in [
        (format!("{secret}\r\nX-Evil: 1"), "line break"),
        (format!("{secret}\n"), "line break"),
        (format!("{secret}\u{1}"), "control"),
        (format!("{secret}é"), "non-ASCII"),
    ] {
        let (key, message) = refusal(json!({"sendtalk": {"headers": {"Authorization": value}}}));
        assert_eq!(key, "sendtalk.headers.Authorization");
        assert!(message.contains(why), "{message}");
        assert!(!message.contains(secret), "the value was echoed: {message}");
    }
    let cases = [
        (
            json!({"sendtalk": {"headers": {"Authorization": ""}}}),
            "sendtalk.headers.Authorization",
        ),
        (
            json!({"sendtalk": {"headers": {"Authorization": 7}}}),
            "sendtalk.headers.Authorization",
        ),
        (
            json!({"sendtalk": {"headers": {"Bad Name": "x"}}}),
            "sendtalk.headers.Bad Name",
        ),
        (
            json!({"sendtalk": {"headers": {"": "x"}}}),
            "sendtalk.headers.",
        ),
        (
            json!({"sendtalk": {"headers": {"X-A": "1", "x-a": "2"}}}),
            "sendtalk.headers.x-a",
        ),
        (
            json!({"sendtalk": {"headers": ["Authorization"]}}),
            "sendtalk.headers",
        ),
        // An empty object is no relay: the key is required again.
        (json!({"sendtalk": {"headers": {}}}), "sendtalk.api_key"),
        // Part of a PowerTalk key is still refused.
        (
            json!({"powertalk": {"base_url": "https://pt.example", "server_key_id": "id", "headers": {"X-T": "1"}}}),
            "powertalk.server_key_secret",
        ),
        // base_url rules are unchanged: a relay over plain http must be this machine.
        (
            json!({"sendtalk": {"base_url": "http://relay.example.com", "headers": {"X-T": "1"}}}),
            "sendtalk.base_url",
        ),
    ];
    for (config, field) in cases {
        assert_eq!(refusal(config.clone()).0, field, "{config}");
    }
}

#[test]
fn header_values_never_print_or_log() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    set_logger(
        Some(Arc::new(move |_, _, line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        })),
        5,
    );
    let server = MockServer::start(|_| Reply::Json("not an envelope".into()));
    let config = json!({"sendtalk": {"base_url": server.url(), "headers": {"Authorization": "Bearer LEAK-ME"}}});
    let parsed = Config::from_json(&config.to_string()).unwrap();
    let client = Client::from_json(&config.to_string()).unwrap();
    let reply = client.call(Operation::SendtalkSendWhatsapp, SEND);
    client.call(Operation::SendtalkSendWhatsapp, r#"{"phone": "0"}"#);
    set_logger(None, 0);
    assert_eq!(reply.code(), "91006");
    let printed = format!("{parsed:?} {client:?} {}", reply.as_json());
    assert!(printed.contains("Authorization"), "{printed}");
    assert!(!printed.contains("LEAK-ME"), "{printed}");
    let lines = lines.lock().unwrap();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| !l.contains("LEAK-ME")), "{lines:?}");
}

/// The relay an app's backend would run, in miniature: it refuses requests without the app's
/// token and forwards the rest to TapTalk (here the sandbox), adding the real key.
fn relay(upstream: String, sendtalk_key: String) -> MockServer {
    MockServer::start(move |req| {
        if req.header("authorization") != Some(APP_TOKEN) {
            return Reply::Json(
                json!({"status": 401, "error": {"code": "40100", "message": "Unknown app token", "field": ""}, "data": {}})
                    .to_string(),
            );
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut url = format!("{upstream}{}", req.path);
        if let Some(query) = &req.query {
            url = format!("{url}?{query}");
        }
        let response = match req.method.as_str() {
            "GET" => agent.get(&url).header("API-Key", &sendtalk_key).call(),
            _ => agent
                .post(&url)
                .header("API-Key", &sendtalk_key)
                .header("Content-Type", "application/json")
                .send(&req.body[..]),
        };
        match response {
            Ok(mut response) => Reply::Json(response.body_mut().read_to_string().unwrap_or_default()),
            Err(e) => Reply::Json(
                json!({"status": 502, "error": {"code": "50200", "message": format!("relay: {e}"), "field": ""}, "data": {}})
                    .to_string(),
            ),
        }
    })
}

#[test]
fn end_to_end_through_a_relay_that_adds_the_key() {
    let sandbox = support::sandbox::start(SandboxConfig::default());
    let key = sandbox.config().sendtalk_api_key.clone();
    let relay = relay(sandbox.url(), key.clone());
    // The app's config: the relay's URL and the app's token; no TapTalk key anywhere.
    let app_config = json!({"sendtalk": {"base_url": relay.url(), "headers": {"Authorization": APP_TOKEN}},
        "retry": {"max_attempts": 1}});
    assert!(!app_config.to_string().contains(&key));
    let app = Client::from_json(&app_config.to_string()).unwrap();

    let sent = support::sandbox::ok(
        &app,
        Operation::SendtalkSendWhatsapp,
        serde_json::from_str(SEND).unwrap(),
    );
    let id = sent["id"].as_str().unwrap().to_owned();
    let status = support::sandbox::ok(&app, Operation::SendtalkGetStatus, json!({"id": id}));
    assert!(
        ["pending", "sent"].contains(&status["status"].as_str().unwrap()),
        "{status}"
    );

    // Stored once, with the real key added by the relay (the sandbox would answer 40001/49103
    // otherwise) and the app's token not passed on.
    let stored = sandbox.sendtalk_messages();
    let stored = stored.as_array().expect("messages");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["body"], "via relay");
    let log = sandbox.requests();
    let log = log.as_array().expect("request log");
    assert_eq!(log.len(), 2);
    for entry in log {
        let names: Vec<String> = entry["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_ascii_lowercase())
            .collect();
        assert!(names.contains(&"api-key".to_owned()), "{entry}");
        assert!(!names.contains(&"authorization".to_owned()), "{entry}");
    }
    // The relay saw the app's token and no key.
    for req in relay.requests() {
        assert_eq!(req.header("authorization"), Some(APP_TOKEN));
        assert_eq!(req.header("api-key"), None);
    }

    // A wrong token is refused by the relay, and nothing reaches TapTalk.
    let intruder = Client::from_json(
        &json!({"sendtalk": {"base_url": relay.url(), "headers": {"Authorization": "Bearer stolen"}}}).to_string(),
    )
    .unwrap();
    let refused = intruder.call(Operation::SendtalkSendWhatsapp, SEND);
    assert_eq!((refused.status(), refused.code()), (401, "40100"));
    assert_eq!(sandbox.sendtalk_messages().as_array().unwrap().len(), 1);
}
