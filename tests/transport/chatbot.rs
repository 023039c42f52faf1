//! The custom chatbot's five actions: the exact wire request (the URL with the organisation
//! and chatbot ids, `Secret-Key`, the body with its `eventType`), OneTalk's plain-text
//! replies mapped into the envelope, the retry rules (a message never repeated, a case update
//! repeated), validation and the config section.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use support::{assert_post_headers, MockServer, Reply};
use taptalk::{Client, Operation};

const SECRET: &str = "chatbot-SECRET-key-77";
const PATH: &str = "/api/visitor/v1/webhook/chatbot/custom/4242/bot-7";
const OK: &str = r#"{"data":{"message":"ok","success":true},"error":{"code":"","field":"","message":""},"status":200}"#;

fn text(status: u16, reason: &str, body: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

fn config(url: &str, extra: Value) -> String {
    let mut config = json!({
        "chatbot": {"base_url": url, "organization_id": 4242, "chatbot_id": "bot-7", "secret_key": SECRET},
        "timeout_ms": 2000,
        "retry": {"base_delay_ms": 1, "max_delay_ms": 5},
    });
    for (key, value) in extra.as_object().unwrap() {
        config[key] = value.clone();
    }
    config.to_string()
}

fn client(server: &MockServer) -> Client {
    Client::from_json(&config(&server.url(), json!({}))).unwrap()
}

#[test]
fn each_action_goes_to_the_chatbot_url_with_its_event_type_and_ok_is_success() {
    let cases = [
        (
            Operation::ChatbotSendMessages,
            "messages",
            json!({"caseID": "FBED34A1EF", "messages": [
                {"type": "text", "text": {"body": "Hello, how can I help?"}},
                {"type": "document", "document": {"url": "https://x/a.pdf", "filename": "a.pdf", "caption": "A"}},
                {"type": "image", "image": {"url": "https://x/a.jpg"}, "customData": "{\"k\":1}"},
                {"type": "whatsappba", "whatsappba": {"type": "interactive", "interactive": {
                    "type": "button", "body": {"text": "Pick one"},
                    "buttonAction": {"buttons": [{"type": "reply", "reply": {"id": "/agent", "title": "Talk to agent"}}]}}}}
            ]}),
        ),
        (
            Operation::ChatbotHandoverCase,
            "handover_case",
            json!({"caseID": "FBED34A1EF", "handoverCase": {"topicID": 123, "agentEmail": "", "chatbotHandoverSummary": "wants a refund"}}),
        ),
        (
            Operation::ChatbotCloseCase,
            "close_case",
            json!({"caseID": "FBED34A1EF", "closeCase": {"sendClosingMessage": false}}),
        ),
        (
            Operation::ChatbotUpdateCase,
            "update_case",
            json!({"caseID": "FBED34A1EF", "updateCase": {"agentRemark": "...", "isJunk": true}}),
        ),
        (
            Operation::ChatbotUpdateContact,
            "update_contact",
            json!({"caseID": "FBED34A1EF", "updateContact": {"fullName": "Ana", "customFields": {"tier": "gold", "since": "2024-01-31"}}}),
        ),
    ];
    for (op, event, request) in cases {
        let server = MockServer::start(|_| text(200, "OK", "ok"));
        let reply = client(&server).call(op, &request.to_string());
        assert_eq!(reply.as_json(), OK, "{op:?}");
        assert!(reply.is_success());
        let req = server.single_request();
        assert_post_headers(&req, "Secret-Key", SECRET);
        assert_eq!((req.path.as_str(), &req.query), (PATH, &None), "{op:?}");
        let mut expected = request.clone();
        expected["eventType"] = json!(event);
        assert_eq!(
            req.json(),
            expected,
            "{op:?}: the request with its eventType"
        );
        // The vendor's body with eventType given (as its examples have it) is the same call.
        let server = MockServer::start(|_| text(200, "OK", "ok\n"));
        assert!(client(&server).call(op, &expected.to_string()).is_success());
        assert_eq!(server.single_request().json(), expected);
    }
}

#[test]
fn plain_text_refusals_become_envelopes_with_the_http_status_and_the_reason() {
    for (status, reason, body, message) in [
        (401, "Unauthorized", "secret key is invalid", "OneTalk refused the chatbot action: HTTP 401 Unauthorized: 'secret key is invalid'"),
        (400, "Bad Request", "case id is required", "OneTalk refused the chatbot action: HTTP 400 Bad Request: 'case id is required'"),
        (500, "Internal Server Error", "internal server error", "OneTalk refused the chatbot action: HTTP 500 Internal Server Error: 'internal server error'"),
        (404, "Not Found", "", "OneTalk refused the chatbot action: HTTP 404 Not Found: no reason given"),
    ] {
        let server = MockServer::start(move |_| text(status, reason, body));
        let reply = client(&server).call(Operation::ChatbotCloseCase, r#"{"caseID": "C1"}"#);
        let expected = json!({"status": status, "error": {"code": "93010", "message": message, "field": ""}, "data": {}});
        assert_eq!(serde_json::from_str::<Value>(reply.as_json()).unwrap(), expected);
        assert_eq!(server.requests().len(), 1, "{status}: answered, never repeated");
    }
    // A reason is cut to one line of 200 characters; HTML from a proxy is not OneTalk's.
    let long = format!("line one\r\n{}", "x".repeat(500));
    let server = MockServer::start(move |_| text(400, "Bad Request", &long));
    let reply = client(&server).call(Operation::ChatbotCloseCase, r#"{"caseID": "C1"}"#);
    assert!(
        !reply.message().contains('\n') && reply.message().len() < 300,
        "{}",
        reply.message()
    );
    let server = MockServer::start(|_| text(502, "Bad Gateway", "<html>bad gateway</html>"));
    let reply = client(&server).call(Operation::ChatbotCloseCase, r#"{"caseID": "C1"}"#);
    assert_eq!((reply.status(), reply.code()), (502, "91008"));
    // An envelope is taken as one, unchanged.
    let envelope = r#"{"status":200,"error":{"code":"","message":"","field":""},"data":{"x":1}}"#;
    let server = MockServer::start(|_| Reply::Json(envelope.to_owned()));
    assert_eq!(
        client(&server)
            .call(Operation::ChatbotCloseCase, r#"{"caseID": "C1"}"#)
            .as_json(),
        envelope
    );
}

/// 503 is "not processed, come back": a case update is repeated, a message is not (no
/// Retry-After); a reset after the request was written: the update repeated, the message
/// answered 91010.
#[test]
fn a_message_is_never_repeated_and_a_case_update_is() {
    let run = |op: Operation, request: &str, first: fn() -> Reply| {
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        let server = MockServer::start(move |_| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                first()
            } else {
                text(200, "OK", "ok")
            }
        });
        let reply = client(&server).call(op, request);
        (reply, server.requests().len())
    };
    let message = r#"{"caseID": "C1", "messages": [{"type": "text", "text": {"body": "hi"}}]}"#;
    let update = r#"{"caseID": "C1", "updateCase": {"isJunk": false}}"#;
    let unavailable = || text(503, "Service Unavailable", "try later");
    let (reply, requests) = run(Operation::ChatbotSendMessages, message, unavailable);
    assert_eq!((reply.status(), reply.code(), requests), (503, "93010", 1));
    let (reply, requests) = run(Operation::ChatbotUpdateCase, update, unavailable);
    assert_eq!((reply.status(), requests), (200, 2));
    let (reply, requests) = run(Operation::ChatbotSendMessages, message, || Reply::Reset);
    assert_eq!((reply.code(), requests), ("91010", 1));
    let (reply, requests) = run(
        Operation::ChatbotUpdateContact,
        r#"{"caseID": "C1", "updateContact": {"alias": "A"}}"#,
        || Reply::Reset,
    );
    assert_eq!((reply.status(), requests), (200, 2));
    assert!(
        !Operation::ChatbotHandoverCase.may_repeat() && !Operation::ChatbotCloseCase.may_repeat()
    );
}

#[test]
fn requests_are_validated_before_anything_is_sent() {
    let server = MockServer::start(|_| text(200, "OK", "ok"));
    let client = client(&server);
    let refused = |op: Operation, request: Value| {
        let reply = client.call(op, &request.to_string());
        assert_eq!(
            reply.code(),
            "40002",
            "{op:?} {request}: {}",
            reply.as_json()
        );
        (reply.field().to_owned(), reply.message().to_owned())
    };
    use Operation::*;
    assert_eq!(
        refused(ChatbotCloseCase, json!({})),
        ("caseID".into(), "Case ID is required".into())
    );
    assert_eq!(
        refused(
            ChatbotCloseCase,
            json!({"caseID": "C", "eventType": "messages"})
        )
        .0,
        "eventType"
    );
    assert_eq!(
        refused(ChatbotCloseCase, json!({"caseID": "C", "handoverCase": {}})).0,
        "handoverCase"
    );
    assert_eq!(
        refused(
            ChatbotCloseCase,
            json!({"caseID": "C", "closeCase": {"sendClosingMessage": "yes"}})
        )
        .0,
        "closeCase.sendClosingMessage"
    );
    assert_eq!(
        refused(ChatbotSendMessages, json!({"caseID": "C"})).0,
        "messages"
    );
    assert_eq!(
        refused(ChatbotSendMessages, json!({"caseID": "C", "messages": []})).0,
        "messages"
    );
    assert_eq!(
        refused(
            ChatbotSendMessages,
            json!({"caseID": "C", "messages": [{"type": "text"}]})
        )
        .0,
        "messages[0].text"
    );
    assert_eq!(
        refused(
            ChatbotSendMessages,
            json!({"caseID": "C", "messages": [{"type": "sticker"}]})
        )
        .0,
        "messages[0].type"
    );
    assert_eq!(
        refused(
            ChatbotSendMessages,
            json!({"caseID": "C", "messages": [{"type": "image", "image": {"caption": "no url"}}]})
        )
        .0,
        "messages[0].image.url"
    );
    let button = |title: &str| {
        json!({"caseID": "C", "messages": [{"type": "whatsappba", "whatsappba": {"type": "interactive", "interactive": {
        "type": "button", "buttonAction": {"buttons": [{"type": "reply", "reply": {"id": "b1", "title": title}}]}}}}]})
    };
    assert_eq!(
        refused(ChatbotSendMessages, button(&"t".repeat(21))).0,
        "messages[0].whatsappba.interactive.buttonAction.buttons[0].reply.title"
    );
    let four = json!({"caseID": "C", "messages": [{"type": "whatsappba", "whatsappba": {"type": "interactive", "interactive": {
        "type": "button", "buttonAction": {"buttons": [{}, {}, {}, {}]}}}}]});
    assert_eq!(
        refused(ChatbotSendMessages, four).0,
        "messages[0].whatsappba.interactive.buttonAction.buttons"
    );
    let rows: Vec<Value> = (0..6)
        .map(|i| json!({"id": format!("r{i}"), "title": "Row"}))
        .collect();
    let list = json!({"caseID": "C", "messages": [{"type": "whatsappba", "whatsappba": {"type": "interactive", "interactive": {
        "type": "list", "listAction": {"button": "Menu", "sections": [{"title": "A", "rows": rows}, {"title": "B", "rows": rows}]}}}}]});
    assert_eq!(
        refused(ChatbotSendMessages, list).0,
        "messages[0].whatsappba.interactive.listAction.sections"
    );
    assert_eq!(
        refused(
            ChatbotHandoverCase,
            json!({"caseID": "C", "handoverCase": {"topicID": "1"}})
        )
        .0,
        "handoverCase.topicID"
    );
    assert_eq!(
        refused(ChatbotUpdateCase, json!({"caseID": "C"})).0,
        "updateCase"
    );
    assert_eq!(
        refused(ChatbotUpdateCase, json!({"caseID": "C", "updateCase": {}})).0,
        "updateCase"
    );
    assert_eq!(
        refused(
            ChatbotUpdateContact,
            json!({"caseID": "C", "updateContact": {"customFields": {"n": 1}}})
        )
        .0,
        "updateContact.customFields"
    );
    assert_eq!(
        refused(
            ChatbotUpdateContact,
            json!({"caseID": "C", "updateContact": {"nickname": "x"}})
        )
        .0,
        "updateContact.nickname"
    );
    assert!(server.requests().is_empty(), "nothing refused was sent");
}

#[test]
fn the_chatbot_section_is_checked_and_its_secret_never_printed() {
    let refused = |section: Value| {
        let error = Client::from_json(&json!({"chatbot": section}).to_string()).unwrap_err();
        assert_eq!(error.code(), "90003");
        error.field().to_owned()
    };
    assert_eq!(
        refused(json!({"chatbot_id": "b", "secret_key": "s"})),
        "chatbot.organization_id"
    );
    assert_eq!(
        refused(json!({"organization_id": 1, "secret_key": "s"})),
        "chatbot.chatbot_id"
    );
    assert_eq!(
        refused(json!({"organization_id": 1, "chatbot_id": "b"})),
        "chatbot.secret_key"
    );
    assert_eq!(
        refused(json!({"organization_id": "1/../x", "chatbot_id": "b", "secret_key": "s"})),
        "chatbot.organization_id"
    );
    assert_eq!(
        refused(json!({"organization_id": 1, "chatbot_id": "b?x", "secret_key": "s"})),
        "chatbot.chatbot_id"
    );
    assert_eq!(
        refused(json!({"organization_id": 1.5, "chatbot_id": "b", "secret_key": "s"})),
        "chatbot.organization_id"
    );
    assert_eq!(
        refused(
            json!({"organization_id": 1, "chatbot_id": "b", "secret_key": "s", "api_key": "k"})
        ),
        "chatbot.api_key"
    );
    assert_eq!(
        refused(json!({"organization_id": 1, "chatbot_id": "b", "secret_key": "s\r\nX: y"})),
        "chatbot.secret_key"
    );
    assert_eq!(
        refused(
            json!({"organization_id": 1, "chatbot_id": "b", "secret_key": "s", "headers": {"Secret-Key": "x"}})
        ),
        "chatbot.headers.Secret-Key"
    );
    let config = taptalk::Config::from_json(
        &json!({"chatbot": {"organization_id": 1, "chatbot_id": "b", "secret_key": SECRET}})
            .to_string(),
    )
    .unwrap();
    let section = config.chatbot.as_ref().unwrap();
    assert_eq!(section.base_url, "https://onetalk-api.taptalk.io");
    assert_eq!(
        section.path_params,
        [
            ("organizationID".to_owned(), "1".to_owned()),
            ("chatbotID".to_owned(), "b".to_owned())
        ]
    );
    let client = Client::new(config);
    assert!(!format!("{client:?}").contains(SECRET));
    // Without the section, the action is answered as OneTalk answers a missing key.
    let reply = Client::from_json("{}")
        .unwrap()
        .call(Operation::ChatbotCloseCase, r#"{"caseID": "C"}"#);
    assert_eq!((reply.code(), reply.status()), ("40001", 400));
    assert!(
        reply.message().contains("Secret-Key") && reply.message().contains("\"chatbot\""),
        "{}",
        reply.message()
    );
}
