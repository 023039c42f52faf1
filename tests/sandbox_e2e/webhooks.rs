//! Webhooks end to end: the sandbox emits, a receiver built with the SDK
//! (`taptalk::parse_webhook` behind a plain HTTP server) takes them. Every status of every
//! OneTalk send arrives, in order, parsed, also when the receiver fails first attempts; a
//! customer's message reaches a chatbot that answers, hands over and closes the case through
//! the SDK's chatbot operations, and the resolved case comes back as a webhook.

use crate::support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use support::sandbox::{client, ok, start};
use taptalk::{parse_webhook, Operation, Secret, WebhookOptions};
use taptalk_sandbox::{SandboxConfig, WebhookSettings};

const CHATBOT_SECRET: &str = "e2e-chatbot-secret";

/// The work a receiver does with an event, after answering it.
type OnEvent = Box<dyn Fn(&Value) + Send>;

/// A receiver as a user would write one: read the request, hand headers and raw body to the
/// SDK, answer with the envelope's status, keep what was parsed. `fail_first(n)` says
/// whether the n-th request (1-based) is refused with 503 before it is looked at.
struct Receiver {
    url: String,
    events: Arc<Mutex<Vec<Value>>>,
    requests: Arc<AtomicUsize>,
}

impl Receiver {
    fn start(secret: Option<&str>, fail: fn(usize) -> bool, on_event: Option<OnEvent>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let events: Arc<Mutex<Vec<Value>>> = Arc::default();
        let requests: Arc<AtomicUsize> = Arc::default();
        let (kept, count) = (events.clone(), requests.clone());
        let secret = secret.map(Secret::new);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut headers = Vec::new();
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    let Some((name, value)) = line.trim_end().split_once(':') else {
                        break;
                    };
                    headers.push((name.to_owned(), value.trim().to_owned()));
                }
                let length = headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                    .map_or(0, |(_, v)| v.parse().unwrap());
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                let status = if fail(n) {
                    503
                } else {
                    let pairs = headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
                    let reply =
                        parse_webhook(pairs, &body, secret.as_ref(), &WebhookOptions::default());
                    if reply.is_success() {
                        kept.lock().unwrap().push(reply.data());
                    }
                    reply.status()
                };
                let answer = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                stream.write_all(answer.as_bytes()).unwrap();
                drop(stream);
                // The work, after the answer.
                if status == 200 {
                    if let Some(on_event) = &on_event {
                        let last = kept.lock().unwrap().last().cloned().unwrap();
                        on_event(&last);
                    }
                }
            }
        });
        Receiver {
            url,
            events,
            requests,
        }
    }

    fn events(&self) -> Vec<Value> {
        self.events.lock().unwrap().clone()
    }
}

fn sandbox_with(webhooks: WebhookSettings, invalid: &[&str]) -> taptalk_sandbox::Sandbox {
    let config = SandboxConfig {
        webhooks,
        invalid_recipients: invalid.iter().map(|p| p.to_string()).collect(),
        ..SandboxConfig::default()
    };
    start(config)
}

#[test]
fn every_status_of_every_send_arrives_in_order_and_parsed() {
    // Every 7th request is refused at first: the sandbox must retry it, in order.
    let receiver = Receiver::start(None, |n| n % 7 == 0, None);
    let settings = WebhookSettings {
        webhook_url: Some(format!("{}/taptalk/webhook", receiver.url)),
        retry_delay_ms: 5,
        ..WebhookSettings::default()
    };
    let invalid = ["6281200000007", "6281200000011"];
    let sandbox = sandbox_with(settings, &invalid);
    let client = client(&sandbox);
    let mut sends: BTreeMap<String, &str> = BTreeMap::new();
    for n in 0..12u32 {
        let phone = format!("62812000000{n:02}");
        let data = ok(
            &client,
            Operation::OnetalkSendWhatsapp,
            json!({
            "channelID": "ch-1", "phone": phone, "messageType": "text", "body": format!("message {n}")}),
        );
        let expected = if invalid.contains(&phone.as_str()) {
            "failed"
        } else {
            "read"
        };
        sends.insert(data["trxID"].as_str().unwrap().to_owned(), expected);
    }
    for _ in 0..2 {
        let data = ok(
            &client,
            Operation::OnetalkSendWhatsappTemplate,
            json!({
            "channelID": "ch-2", "phoneNumberID": "pn", "phone": "6281299999999",
            "templateName": "greetings", "languageCode": "en"}),
        );
        sends.insert(data["trxID"].as_str().unwrap().to_owned(), "read");
    }
    let state = sandbox.wait_for_webhooks(Duration::from_secs(30));
    assert_eq!(state["pending"], 0, "{state}");
    let deliveries = state["deliveries"].as_array().unwrap();
    assert!(deliveries.iter().all(|d| d["delivered"] == true), "{state}");
    let retried = deliveries
        .iter()
        .filter(|d| d["attempts"].as_array().unwrap().len() == 2)
        .count();

    let events = receiver.events();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for data in &events {
        assert_eq!(
            (data["callback"].as_str(), data["type"].as_str()),
            (Some("onetalk"), Some("integration_message_status"))
        );
        let status = &data["event"]["integrationMessageStatus"];
        let trx = status["trxID"].as_str().unwrap();
        let name = status["status"].as_str().unwrap();
        assert_eq!(
            data["key"],
            format!("onetalk:integration_message_status:{trx}:{name}")
        );
        assert_eq!(
            data["event"]["organizationID"], "1",
            "a number on the wire, a string parsed"
        );
        assert!(status["timestamp"].as_i64().unwrap() > 1_600_000_000_000);
        if name == "failed" {
            assert_eq!(
                status["reason"],
                "The phone number is not registered on WhatsApp"
            );
        }
        seen.entry(trx.to_owned())
            .or_default()
            .push(name.to_owned());
    }
    assert_eq!(seen.len(), sends.len(), "every send's statuses arrived");
    for (trx, last) in &sends {
        let expected: &[&str] = if *last == "failed" {
            &["acknowledge", "failed"]
        } else {
            &["acknowledge", "delivered", "read"]
        };
        assert_eq!(seen[trx], expected, "{trx}: each status once, in order");
    }
    let total = 12 * 3 - 2 + 2 * 3;
    assert_eq!(events.len(), total);
    assert_eq!(deliveries.len(), total);
    assert_eq!(receiver.requests.load(Ordering::SeqCst), total + retried);
    assert!(
        retried >= total / 7 - 1,
        "the refused first attempts were retried: {retried}"
    );
    eprintln!("webhooks e2e: {} sends, {total} statuses delivered and parsed, {retried} after a refused first attempt", sends.len());
}

#[test]
fn a_chatbot_answers_hands_over_and_closes_and_the_resolved_case_comes_back() {
    let webhook = Receiver::start(None, |_| false, None);
    let sandbox_url: Arc<Mutex<Option<Value>>> = Arc::default();
    let config_slot = sandbox_url.clone();
    // The chatbot: answer each customer message through OneTalk, then hand over and close.
    let chatbot = Receiver::start(
        Some(CHATBOT_SECRET),
        |_| false,
        Some(Box::new(move |data: &Value| {
            let config = config_slot.lock().unwrap().clone().unwrap();
            let client = support::sandbox::client_from(&config);
            let case = data["event"]["caseID"].as_str().unwrap();
            let text = data["event"]["message"]["text"]["body"].as_str().unwrap();
            for (op, request) in [
                (
                    Operation::ChatbotSendMessages,
                    json!({"caseID": case, "messages": [{"type": "text", "text": {"body": format!("You said: {text}")}}]}),
                ),
                (
                    Operation::ChatbotUpdateContact,
                    json!({"caseID": case, "updateContact": {"alias": "Budi"}}),
                ),
                (
                    Operation::ChatbotHandoverCase,
                    json!({"caseID": case, "handoverCase": {"agentEmail": "ana@example.com"}}),
                ),
                (
                    Operation::ChatbotCloseCase,
                    json!({"caseID": case, "closeCase": {"sendClosingMessage": true}}),
                ),
            ] {
                let reply = client.call_value(op, request);
                assert_eq!(
                    reply.data(),
                    json!({"success": true, "message": "ok"}),
                    "{op:?}"
                );
            }
        })),
    );
    let settings = WebhookSettings {
        webhook_url: Some(webhook.url.clone()),
        chatbot_url: Some(format!("{}/taptalk/chatbot", chatbot.url)),
        chatbot_secret: CHATBOT_SECRET.to_owned(),
        ..WebhookSettings::default()
    };
    let sandbox = sandbox_with(settings, &[]);
    *sandbox_url.lock().unwrap() = Some(support::sandbox::config(&sandbox));

    let injected = sandbox
        .customer_message(
            json!({"phone": "6281234567890", "text": "I need help", "contactName": "Budi"}),
        )
        .unwrap();
    let case_id = injected["caseID"].as_str().unwrap().to_owned();
    assert_eq!(injected["queued"], true);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while webhook.events().is_empty() && std::time::Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    let inbound = chatbot.events();
    assert_eq!(inbound.len(), 1);
    assert_eq!(
        (
            inbound[0]["callback"].as_str(),
            inbound[0]["verified"].as_bool()
        ),
        (Some("chatbot"), Some(true))
    );
    assert_eq!(inbound[0]["event"]["caseID"], case_id.as_str());
    assert_eq!(inbound[0]["event"]["sender"]["contactName"], "Budi");

    let resolved = webhook.events();
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    let case = &resolved[0]["event"]["caseResolved"];
    assert_eq!(
        resolved[0]["key"],
        format!("onetalk:case_resolved:{case_id}")
    );
    assert_eq!(
        (
            case["caseID"].as_str(),
            case["assigneeType"].as_str(),
            case["agentEmail"].as_str()
        ),
        (
            Some(case_id.as_str()),
            Some("agent"),
            Some("ana@example.com")
        )
    );
    assert!(case["resolvedTime"].as_i64().unwrap() >= case["createdTime"].as_i64().unwrap());

    let cases = sandbox.onetalk_cases();
    let stored = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == case_id.as_str())
        .unwrap();
    assert_eq!(
        (
            stored["isClosed"].as_bool(),
            stored["contact"]["details"]["alias"].as_str()
        ),
        (Some(true), Some("Budi"))
    );
    let kinds: Vec<String> = sandbox
        .onetalk_messages()
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["caseID"] == case_id.as_str())
        .map(|m| m["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["customer", "chatbot", "closing"]);
    // The case is closed: another action is refused in OneTalk's words.
    let client = client(&sandbox);
    let refused = client.call_value(
        Operation::ChatbotUpdateCase,
        json!({"caseID": case_id, "updateCase": {"isJunk": true}}),
    );
    assert_eq!(
        (refused.status(), refused.code(), refused.message()),
        (
            400,
            "93010",
            "OneTalk refused the chatbot action: HTTP 400 Bad Request: 'case is already closed'"
        )
    );
}

#[test]
fn a_chatbot_with_the_wrong_secret_refuses_and_the_sandbox_gives_up_after_its_attempts() {
    let chatbot = Receiver::start(Some("the-chatbots-own-secret"), |_| false, None);
    let settings = WebhookSettings {
        chatbot_url: Some(chatbot.url.clone()),
        chatbot_secret: "another-secret".to_owned(),
        attempts: 3,
        retry_delay_ms: 1,
        ..WebhookSettings::default()
    };
    let sandbox = sandbox_with(settings, &[]);
    sandbox
        .customer_message(json!({"phone": "6281234567890", "text": "hi"}))
        .unwrap();
    let state = sandbox.wait_for_webhooks(Duration::from_secs(10));
    let delivery = &state["deliveries"][0];
    assert_eq!(delivery["delivered"], false);
    assert_eq!(
        delivery["attempts"],
        json!([{"status": 401}, {"status": 401}, {"status": 401}])
    );
    assert!(chatbot.events().is_empty());
    // The SDK's chatbot operations are refused with OneTalk's words for a wrong secret too.
    let mut config = support::sandbox::config(&sandbox);
    config["chatbot"]["secret_key"] = json!("wrong");
    let reply = support::sandbox::client_from(&config)
        .call_value(Operation::ChatbotCloseCase, json!({"caseID": "X"}));
    assert_eq!((reply.status(), reply.code()), (401, "93010"));
    assert!(
        reply.message().ends_with("'secret key is invalid'"),
        "{}",
        reply.message()
    );
}
