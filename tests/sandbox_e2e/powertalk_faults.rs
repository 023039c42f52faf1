//! End to end: `taptalk::Client` against the in-process sandbox: every operation once,
//! PowerTalk's rooms, splits and contact sync, keys, local validation, and every fault
//! kind on a read and on a send.
//!
//! Fault tests run with `"retry": {"max_attempts": 1}`, so each call reaches the sandbox
//! at most once whatever the client's retry policy; a send whose outcome is unknown may
//! answer 91001, 91003 or 91010, and the sandbox tells what really happened.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::sandbox::{assert_error, client, client_from, config, ok, start};
use taptalk::{Client, Envelope, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig};

use crate::support;

const PHONE: &str = "6281212345678";
const CHANNEL: &str = "2101081881";
const SEND_PATH: &str = "/api/v1/message/send_whatsapp";
const STATUS_PATH: &str = "/api/v1/message/get_status";
/// What a send whose outcome the client cannot know may answer.
const UNKNOWN_OUTCOME: [&str; 3] = ["91001", "91003", "91010"];

fn assert_code(reply: &Envelope, status: i64, code: &str) {
    let got = (reply.status(), reply.code());
    assert_eq!(got, (status, code), "{}", reply.as_json());
}

/// How many requests to `path` the sandbox answered with fault `kind`.
fn faulted(sb: &Sandbox, path: &str, kind: &str) -> usize {
    log_for(sb, path)
        .iter()
        .filter(|e| e["fault"] == kind)
        .count()
}

fn list(v: Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn log_for(sb: &Sandbox, path: &str) -> Vec<Value> {
    list(sb.requests())
        .into_iter()
        .filter(|e| e["path"] == path)
        .collect()
}

/// Polls (bounded) until `done` holds.
fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

fn text_message(body: &str) -> Value {
    json!({"phone": PHONE, "messageType": "text", "body": body})
}

fn sendtalk_count(sb: &Sandbox) -> usize {
    list(sb.sendtalk_messages()).len()
}

/// One queued message to ask `get_status` about.
fn queued_id(c: &Client) -> Value {
    ok(c, Operation::SendtalkSendWhatsapp, text_message("seed"))["id"].clone()
}

#[test]
fn every_operation_succeeds_with_the_default_keys_and_is_stored_as_sent() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let data = ok(
        &c,
        Operation::PowertalkSendCustomMessage,
        json!({"messageType": 1002, "body": "the parcel", "senderXCUserID": "alice",
            "recipientXCUserID": "bob", "data": {"url": "https://example.com/p.jpg", "caption": "p"}}),
    );
    let pt = list(sb.powertalk_messages());
    assert_eq!(pt.len(), 1);
    assert_eq!(pt[0]["localID"], data["localID"]);
    assert_eq!(
        (pt[0]["messageType"].clone(), pt[0]["body"].clone()),
        (json!(1002), json!("the parcel"))
    );
    let stored_data: Value = serde_json::from_str(pt[0]["data"].as_str().unwrap()).unwrap();
    assert_eq!(
        stored_data,
        json!({"url": "https://example.com/p.jpg", "caption": "p"}),
        "data travels as a JSON string"
    );

    let contacts = json!({"contacts": [{"ownerXCUserID": "alice", "contactXCUserID": "bob"}]});
    assert_eq!(
        ok(&c, Operation::PowertalkSyncContacts, contacts)["countInserted"],
        1
    );
    assert_eq!(
        sb.powertalk_contacts(),
        json!([{"ownerXCUserID": "alice", "contactXCUserID": "bob"}])
    );

    let id = ok(&c, Operation::SendtalkSendWhatsapp, text_message("hello"))["id"].clone();
    let st = list(sb.sendtalk_messages());
    assert_eq!(
        (st.len(), st[0]["id"].clone(), st[0]["body"].clone()),
        (1, id.clone(), json!("hello"))
    );
    assert_eq!(
        ok(&c, Operation::SendtalkGetStatus, json!({"id": id}))["createdTime"],
        st[0]["createdTime"]
    );

    let send = json!({"channelID": CHANNEL, "phone": PHONE, "messageType": "text",
        "body": "hi from onetalk", "withCase": true, "topicID": 3});
    let case_id = ok(&c, Operation::OnetalkSendWhatsapp, send.clone())["caseID"].clone();
    let template = json!({"channelID": CHANNEL, "phoneNumberID": "99", "phone": PHONE,
        "templateName": "welcome", "languageCode": "en"});
    assert_eq!(
        ok(&c, Operation::OnetalkSendWhatsappTemplate, template.clone())["caseID"],
        ""
    );
    let messages = list(sb.onetalk_messages());
    assert_eq!(messages.len(), 2);
    for (stored, sent) in messages.iter().zip([&send, &template]) {
        for (key, value) in sent.as_object().unwrap() {
            assert_eq!(&stored[key], value, "{key}");
        }
    }
    let page = ok(
        &c,
        Operation::OnetalkGetUpdatedCases,
        json!({"since_timestamp": 0, "limit": 5}),
    );
    assert_eq!(page["cases"][0]["id"], case_id);
    assert_eq!(page["cases"][0]["firstMessage"], "hi from onetalk");
    let update = json!({"caseID": case_id, "agentRemark": "called back"});
    assert_eq!(
        ok(&c, Operation::OnetalkUpdateCase, update)["message"],
        "Case updated successfully"
    );
    assert_eq!(list(sb.onetalk_cases())[0]["agentRemark"], "called back");

    let operations: Vec<Value> = list(sb.requests())
        .iter()
        .map(|e| e["operation"].clone())
        .collect();
    assert_eq!(operations.len(), 8, "each call reached the sandbox once");
    let query = &log_for(&sb, "/api/integration/v1/inbox/case/get_updated_list")[0]["query"];
    assert_eq!(query, "since_timestamp=0&limit=5");
}

#[test]
fn powertalk_personal_and_group_rooms() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let send =
        |request: Value| ok(&c, Operation::PowertalkSendCustomMessage, request)["localID"].clone();
    let a = send(
        json!({"messageType": 1001, "body": "hi bob", "senderXCUserID": "alice", "recipientXCUserID": "bob"}),
    );
    let b = send(
        json!({"messageType": 1001, "body": "hi alice", "senderXCUserID": "bob", "recipientXCUserID": "alice"}),
    );
    let g = send(
        json!({"messageType": 3001, "body": "hi all", "senderXCUserID": "alice", "xcRoomID": "6A02C41D"}),
    );
    assert!([&a, &b, &g]
        .iter()
        .all(|id| id.as_str().map(str::len) == Some(32)));
    let stored = list(sb.powertalk_messages());
    let rooms: Vec<(Value, Value, Value)> = stored
        .iter()
        .map(|m| {
            (
                m["localID"].clone(),
                m["roomType"].clone(),
                m["body"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rooms,
        vec![
            (a, json!("personal"), json!("hi bob")),
            (b, json!("personal"), json!("hi alice")),
            (g, json!("group"), json!("hi all")),
        ]
    );
    assert_eq!(
        stored[0]["roomID"], stored[1]["roomID"],
        "one personal room whoever sends"
    );
    assert_eq!(stored[2]["roomID"], "6A02C41D");
    assert_eq!(stored[2]["messageType"], 3001);
}

#[test]
fn powertalk_long_bodies_split_and_a_filter_id_shows_only_the_last_part() {
    let sb = start(SandboxConfig {
        powertalk_max_body_chars: 10,
        ..SandboxConfig::default()
    });
    let c = client(&sb);
    let body = "0123456789abcdefghijKLMNO"; // 25 characters: 3 parts
    let plain =
        json!({"messageType": 1001, "body": body, "senderXCUserID": "a", "recipientXCUserID": "b"});
    ok(&c, Operation::PowertalkSendCustomMessage, plain.clone());
    let mut filtered = plain;
    filtered["filterID"] = json!("promo-7");
    let last = ok(&c, Operation::PowertalkSendCustomMessage, filtered)["localID"].clone();
    let stored = list(sb.powertalk_messages());
    assert_eq!(stored.len(), 6);
    for (n, group) in stored.chunks(3).enumerate() {
        let parts: Vec<(Value, Value)> = group
            .iter()
            .map(|m| (m["part"].clone(), m["parts"].clone()))
            .collect();
        assert_eq!(
            parts,
            [
                (json!(1), json!(3)),
                (json!(2), json!(3)),
                (json!(3), json!(3))
            ]
        );
        let joined: String = group.iter().map(|m| m["body"].as_str().unwrap()).collect();
        assert_eq!(joined, body);
        let visible: Vec<bool> = group
            .iter()
            .map(|m| m["isVisible"].as_bool().unwrap())
            .collect();
        let expected = if n == 0 {
            [true, true, true]
        } else {
            [false, false, true]
        };
        assert_eq!(visible, expected, "message {n}");
    }
    assert_eq!(
        stored[5]["localID"], last,
        "the answer names the last, visible part"
    );
    assert_eq!(stored[5]["filterID"], "promo-7");
}

#[test]
fn powertalk_contact_sync_runs_deletion_last() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    // The page's example: 3 inserted, 1 deleted on an empty server.
    let example = json!({"contacts": [
        {"ownerXCUserID": "1", "contactXCUserID": "2"},
        {"ownerXCUserID": "1", "contactXCUserID": "6", "isDeleted": false},
        {"ownerXCUserID": "1", "contactXCUserID": "9", "isDeleted": true},
        {"ownerXCUserID": "6", "contactXCUserID": "1", "isDeleted": false}]});
    let data = ok(&c, Operation::PowertalkSyncContacts, example);
    assert_eq!(data, json!({"countInserted": 3, "countDeleted": 1}));
    let pairs = |sb: &Sandbox| -> Vec<(String, String)> {
        list(sb.powertalk_contacts())
            .iter()
            .map(|p| {
                (
                    p["ownerXCUserID"].as_str().unwrap().into(),
                    p["contactXCUserID"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let own = |o: &str, k: &str| (o.to_owned(), k.to_owned());
    assert_eq!(pairs(&sb), [own("1", "2"), own("1", "6"), own("6", "1")]);

    // Deleted before being listed as kept: deletion still wins.
    let mixed = json!({"contacts": [
        {"ownerXCUserID": "1", "contactXCUserID": "2", "isDeleted": true},
        {"ownerXCUserID": "1", "contactXCUserID": "2"},
        {"ownerXCUserID": "1", "contactXCUserID": "7"},
        {"ownerXCUserID": "1", "contactXCUserID": "7"},
        {"ownerXCUserID": "6", "contactXCUserID": "1", "isDeleted": true}]});
    let data = ok(&c, Operation::PowertalkSyncContacts, mixed);
    assert_eq!(data, json!({"countInserted": 1, "countDeleted": 2}));
    assert_eq!(pairs(&sb), [own("1", "6"), own("1", "7")]);
}

#[test]
fn wrong_keys_are_refused_and_unconfigured_products_never_reach_the_sandbox() {
    let sb = start(SandboxConfig::default());
    let mut wrong = config(&sb);
    wrong["sendtalk"]["api_key"] = json!("not-the-key");
    wrong["onetalk"]["api_key"] = json!("not-the-key");
    wrong["powertalk"]["server_key_secret"] = json!("not-the-secret");
    let c = client_from(&wrong);
    let reply = c.call_value(Operation::SendtalkSendWhatsapp, text_message("x"));
    assert_error(&reply, 401, "49103", "API-Key is not found");
    let reply = c.call_value(
        Operation::OnetalkGetUpdatedCases,
        json!({"since_timestamp": 0}),
    );
    assert_error(&reply, 401, "49103", "API-Key is not found");
    let contacts = json!({"contacts": [{"ownerXCUserID": "1", "contactXCUserID": "2"}]});
    let reply = c.call_value(Operation::PowertalkSyncContacts, contacts.clone());
    assert_error(&reply, 401, "49103", "Server-Key is not found");
    assert_eq!(sendtalk_count(&sb), 0);
    assert!(list(sb.powertalk_contacts()).is_empty());
    assert_eq!(list(sb.requests()).len(), 3);

    sb.reset();
    let only_sendtalk = json!({"sendtalk": config(&sb)["sendtalk"], "retry": {"max_attempts": 1}});
    let c = client_from(&only_sendtalk);
    for (op, request) in [
        (Operation::PowertalkSyncContacts, contacts),
        (
            Operation::OnetalkGetUpdatedCases,
            json!({"since_timestamp": 0}),
        ),
        (
            Operation::OnetalkUpdateCase,
            json!({"caseID": "ABCDEFGHIJ", "isJunk": true}),
        ),
    ] {
        let reply = c.call_value(op, request);
        assert_code(&reply, 400, "40001");
    }
    assert_eq!(
        sb.requests(),
        json!([]),
        "no request without a key was sent"
    );
    ok(
        &c,
        Operation::SendtalkSendWhatsapp,
        text_message("configured"),
    );
    assert_eq!(list(sb.requests()).len(), 1);
}

#[test]
fn local_validation_answers_40002_and_never_reaches_the_sandbox() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    for (op, request, field) in [
        (
            Operation::SendtalkSendWhatsapp,
            json!({"phone": "+6281212345678", "messageType": "text", "body": "x"}),
            "phone",
        ),
        (
            Operation::SendtalkSendWhatsapp,
            json!({"phone": PHONE, "messageType": "image", "body": "u"}),
            "filename",
        ),
        (Operation::SendtalkGetStatus, json!({}), "id"),
        (
            Operation::OnetalkSendWhatsapp,
            json!({"channelID": CHANNEL, "phone": PHONE, "messageType": "text", "body": "x", "withCase": "yes"}),
            "withCase",
        ),
        (
            Operation::OnetalkGetUpdatedCases,
            json!({"since_timestamp": 0, "limit": 101}),
            "limit",
        ),
        (
            Operation::OnetalkUpdateCase,
            json!({"caseID": "ABCDEFGHIJ", "isjunk": true}),
            "isjunk",
        ),
        (
            Operation::PowertalkSendCustomMessage,
            json!({"messageType": 1001, "body": "x", "recipientXCUserID": "b"}),
            "107",
        ),
        (
            Operation::PowertalkSyncContacts,
            json!({"contacts": [{"ownerXCUserID": "1"}]}),
            "103",
        ),
    ] {
        let reply = c.call_value(op, request.clone());
        assert_eq!(
            (reply.status(), reply.code(), reply.field()),
            (400, "40002", field),
            "{request}: {}",
            reply.as_json()
        );
    }
    assert_eq!(sb.requests(), json!([]));
}

#[test]
fn delay_faults_succeed_within_the_timeout_and_time_out_beyond_it() {
    let sb = start(SandboxConfig::default());
    let mut short = config(&sb);
    short["timeout_ms"] = json!(300);
    let c = client_from(&short);
    let id = queued_id(&c);
    let read = json!({"id": id});

    sb.inject_fault(json!({"path": STATUS_PATH, "kind": "delay", "delay_ms": 50}))
        .unwrap();
    ok(&c, Operation::SendtalkGetStatus, read.clone());
    sb.inject_fault(json!({"path": STATUS_PATH, "kind": "delay", "delay_ms": 1500}))
        .unwrap();
    let reply = c.call_value(Operation::SendtalkGetStatus, read.clone());
    assert_code(&reply, 504, "91001");
    ok(&c, Operation::SendtalkGetStatus, read.clone());
    // The timed-out request is logged once the sandbox has finished waiting.
    let logged = || log_for(&sb, STATUS_PATH).len();
    assert!(eventually(Duration::from_secs(10), || logged() == 3));
    assert_eq!(logged(), 3, "one request per call");

    sb.inject_fault(json!({"path": SEND_PATH, "kind": "delay", "delay_ms": 1500}))
        .unwrap();
    let reply = c.call_value(Operation::SendtalkSendWhatsapp, text_message("slow"));
    assert!(
        UNKNOWN_OUTCOME.contains(&reply.code()),
        "{}",
        reply.as_json()
    );
    // The sandbox handles the send once its delay is over: stored exactly once.
    assert!(eventually(Duration::from_secs(10), || sendtalk_count(&sb) == 2));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(sendtalk_count(&sb), 2);
    assert_eq!(log_for(&sb, SEND_PATH).len(), 2);
    ok(&c, Operation::SendtalkSendWhatsapp, text_message("after"));
    assert_eq!(sendtalk_count(&sb), 3);
}

#[test]
fn status_faults_answer_the_sandbox_envelope_or_91008_and_store_nothing() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let read = json!({"id": queued_id(&c)});
    for status in [500, 502, 503] {
        for (op, path, request) in [
            (Operation::SendtalkGetStatus, STATUS_PATH, read.clone()),
            (
                Operation::SendtalkSendWhatsapp,
                SEND_PATH,
                text_message("x"),
            ),
        ] {
            // Without a body the sandbox answers its own envelope, which comes back unchanged.
            sb.inject_fault(json!({"path": path, "kind": "status", "status": status}))
                .unwrap();
            let reply = c.call_value(op, request.clone());
            assert_error(&reply, status, "99999", "Injected fault");
            // An HTML gateway page is no envelope: 91008 with the HTTP status.
            let page = format!("<html><h1>{status}</h1></html>");
            sb.inject_fault(
                json!({"path": path, "kind": "status", "status": status, "body": page}),
            )
            .unwrap();
            let reply = c.call_value(op, request);
            assert_code(&reply, status, "91008");
        }
    }
    assert_eq!(sendtalk_count(&sb), 1, "only the seed was stored");
    assert_eq!(log_for(&sb, STATUS_PATH).len(), 6);
    assert_eq!(log_for(&sb, SEND_PATH).len(), 7);
    ok(&c, Operation::SendtalkGetStatus, read);
    ok(&c, Operation::SendtalkSendWhatsapp, text_message("after"));
    assert_eq!(sendtalk_count(&sb), 2);
}

#[test]
fn retry_after_answers_429_and_stores_nothing() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let read = json!({"id": queued_id(&c)});
    for (op, path, request) in [
        (Operation::SendtalkGetStatus, STATUS_PATH, read.clone()),
        (
            Operation::SendtalkSendWhatsapp,
            SEND_PATH,
            text_message("x"),
        ),
        (
            Operation::OnetalkGetUpdatedCases,
            "/api/integration/v1/inbox/case/get_updated_list",
            json!({"since_timestamp": 0}),
        ),
    ] {
        sb.inject_fault(json!({"path": path, "kind": "retry_after", "retry_after": "1"}))
            .unwrap();
        let reply = c.call_value(op, request);
        assert_error(&reply, 429, "42900", "Too many requests");
        assert_eq!(
            faulted(&sb, path, "retry_after"),
            1,
            "max_attempts 1: no retry"
        );
    }
    assert_eq!(sendtalk_count(&sb), 1);
    ok(&c, Operation::SendtalkGetStatus, read);
}

#[test]
fn reset_before_read_fails_the_call_and_stores_nothing() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let read = json!({"id": queued_id(&c)});
    sb.inject_fault(json!({"path": STATUS_PATH, "kind": "reset_before_read"}))
        .unwrap();
    let reply = c.call_value(Operation::SendtalkGetStatus, read.clone());
    assert_code(&reply, 502, "91003");
    ok(&c, Operation::SendtalkGetStatus, read);

    sb.inject_fault(json!({"path": SEND_PATH, "kind": "reset_before_read"}))
        .unwrap();
    let reply = c.call_value(Operation::SendtalkSendWhatsapp, text_message("dropped"));
    assert!(
        UNKNOWN_OUTCOME.contains(&reply.code()),
        "{}",
        reply.as_json()
    );
    assert_eq!(sendtalk_count(&sb), 1, "not stored");
    assert_eq!(faulted(&sb, SEND_PATH, "reset_before_read"), 1);
    ok(&c, Operation::SendtalkSendWhatsapp, text_message("after"));
    assert_eq!(sendtalk_count(&sb), 2);
}

#[test]
fn reset_after_read_fails_the_call_but_a_send_is_stored_exactly_once() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let read = json!({"id": queued_id(&c)});
    sb.inject_fault(json!({"path": STATUS_PATH, "kind": "reset_after_read"}))
        .unwrap();
    let reply = c.call_value(Operation::SendtalkGetStatus, read.clone());
    assert_code(&reply, 502, "91003");

    let onetalk = json!({"channelID": CHANNEL, "phone": PHONE, "messageType": "text", "body": "x", "withCase": true});
    for (op, path) in [
        (Operation::SendtalkSendWhatsapp, SEND_PATH),
        (
            Operation::OnetalkSendWhatsapp,
            "/api/integration/v1/inbox/send_message_whatsapp",
        ),
    ] {
        sb.inject_fault(json!({"path": path, "kind": "reset_after_read"}))
            .unwrap();
        let request = if path == SEND_PATH {
            text_message("maybe")
        } else {
            onetalk.clone()
        };
        let reply = c.call_value(op, request);
        assert!(
            UNKNOWN_OUTCOME.contains(&reply.code()),
            "{}",
            reply.as_json()
        );
        assert_eq!(faulted(&sb, path, "reset_after_read"), 1);
    }
    let stored = list(sb.sendtalk_messages());
    assert_eq!(stored.len(), 2, "stored exactly once");
    assert_eq!(stored[1]["body"], "maybe");
    assert_eq!(list(sb.onetalk_messages()).len(), 1);
    assert_eq!(list(sb.onetalk_cases()).len(), 1);

    // The sandbox keeps serving, and the message that went through can be looked up.
    let status = ok(
        &c,
        Operation::SendtalkGetStatus,
        json!({"id": stored[1]["id"]}),
    );
    assert_eq!(status["createdTime"], stored[1]["createdTime"]);
    ok(&c, Operation::OnetalkSendWhatsapp, onetalk);
    assert_eq!(
        list(sb.onetalk_cases()).len(),
        1,
        "the case opened by the lost reply is reused"
    );
}
