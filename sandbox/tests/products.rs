//! The first eight operations over HTTP, as a client sees them (the seven further ones are in
//! `directory.rs`).

mod support;

use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;
use support::*;
use taptalk_sandbox::SandboxConfig;

const SEND: &str = "/api/v1/message/send_whatsapp";
const STATUS: &str = "/api/v1/message/get_status";
const OT_SEND: &str = "/api/integration/v1/inbox/send_message_whatsapp";
const OT_TEMPLATE: &str = "/api/integration/v1/inbox/send_templated_message_whatsappba";
const OT_LIST: &str = "/api/integration/v1/inbox/case/get_updated_list";
const OT_UPDATE: &str = "/api/integration/v1/inbox/case/update";
const PT_SEND: &str = "/v1/server/message/send/custom";
const PT_SYNC: &str = "/v1/server/contact/sync";

fn text_message(phone: &str, kind: &str) -> Value {
    json!({"phone": phone, "messageType": kind, "body": "Your code is 1234"})
}

fn onetalk_message(phone: &str, channel: &str, with_case: bool) -> Value {
    json!({"channelID": channel, "phone": phone, "messageType": "text", "body": "Hi",
           "withCase": with_case, "topicID": 1})
}

#[test]
fn every_product_checks_its_key_header() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let missing = post(
        &a,
        &format!("{u}{SEND}"),
        &[],
        &text_message("6281100001", "text"),
    );
    assert_eq!(
        (missing.http, missing.status(), missing.code()),
        (200, 400, "40001")
    );
    assert_eq!(missing.message(), "Request headers are required (API-Key)");
    let wrong = post(&a, &format!("{u}{OT_SEND}"), &[SENDTALK_KEY], &json!({}));
    assert_eq!((wrong.status(), wrong.code()), (401, "49103"));
    assert_eq!(wrong.message(), "API-Key is not found");

    let pt = post(&a, &format!("{u}{PT_SYNC}"), &[], &json!({}));
    assert_eq!(pt.message(), "Request headers are required (Server-Key)");
    let garbage = post(
        &a,
        &format!("{u}{PT_SYNC}"),
        &[("Server-Key", "!!")],
        &json!({}),
    );
    assert_eq!(garbage.code(), "49102");
    let other = taptalk_sandbox::SandboxConfig {
        powertalk_key_secret: "other".into(),
        ..SandboxConfig::default()
    };
    let key = other.powertalk_server_key();
    let wrong = post(
        &a,
        &format!("{u}{PT_SYNC}"),
        &[("Server-Key", &key)],
        &json!({}),
    );
    assert_eq!((wrong.status(), wrong.code()), (401, "49103"));
    assert_eq!(wrong.message(), "Server-Key is not found");
    assert!(sb.sendtalk_messages().as_array().unwrap().is_empty());
}

#[test]
fn validation_answers_like_the_sdk_in_each_products_convention() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let r = post(
        &a,
        &format!("{u}{SEND}"),
        &[SENDTALK_KEY],
        &json!({"messageType": "text", "body": "x"}),
    );
    assert_eq!(
        (r.status(), r.code(), r.field(), r.message()),
        (400, "40002", "phone", "Phone is required")
    );
    let key = sb.powertalk_server_key();
    let r = post(
        &a,
        &format!("{u}{PT_SEND}"),
        &[("Server-Key", &key)],
        &json!({"messageType": 1001, "body": "hi", "recipientXCUserID": "6"}),
    );
    assert_eq!((r.code(), r.field()), ("40002", "107"));
    let r = post(
        &a,
        &format!("{u}{PT_SYNC}"),
        &[("Server-Key", &key)],
        &json!({"contacts": []}),
    );
    assert_eq!((r.code(), r.field()), ("40002", "101"));
    let r = get(
        &a,
        &format!("{u}{OT_LIST}?since_timestamp=yesterday"),
        &[ONETALK_KEY],
    );
    assert_eq!(
        (r.code(), r.field(), r.message()),
        ("40002", "since_timestamp", "Since timestamp is invalid")
    );
    let r = get(
        &a,
        &format!("{u}{OT_LIST}?since_timestamp=0&limit=101"),
        &[ONETALK_KEY],
    );
    assert_eq!((r.code(), r.field()), ("40002", "limit"));
    let r = post(
        &a,
        &format!("{u}{OT_UPDATE}"),
        &[ONETALK_KEY],
        &json!({"isJunk": true}),
    );
    assert_eq!((r.code(), r.field()), ("40002", "caseID"));
}

#[test]
fn sendtalk_queues_and_delivers_otp_first() {
    let sb = start_with(SandboxConfig {
        delivery_delay: Duration::from_millis(400),
        ..SandboxConfig::default()
    });
    let a = agent();
    let u = sb.url();
    let mut ids = Vec::new();
    for kind in ["text", "text", "text", "otp"] {
        let r = post(
            &a,
            &format!("{u}{SEND}"),
            &[SENDTALK_KEY],
            &text_message("6281100001", kind),
        );
        assert_eq!(r.data()["success"], true, "{r:?}");
        assert_eq!(r.data()["message"], "The message has been added to queue");
        let id = r.data()["id"].as_str().unwrap().to_string();
        assert_eq!(id.len(), 36);
        ids.push(id);
    }
    let status = post(
        &a,
        &format!("{u}{STATUS}"),
        &[SENDTALK_KEY],
        &json!({"id": ids[3]}),
    );
    assert_eq!(status.data()["status"], "pending");
    assert_eq!(status.data()["isPending"], true);
    assert_eq!(status.data()["sentTime"], 0);
    assert_eq!(status.data()["currency"], "IDR");
    assert_eq!(status.data()["price"], 100);
    assert!(status.data()["createdTime"].as_u64().unwrap() > 1_600_000_000_000);

    let sent_time = |id: &str| {
        let r = post(
            &a,
            &format!("{u}{STATUS}"),
            &[SENDTALK_KEY],
            &json!({"id": id}),
        );
        r.data()["sentTime"].as_u64().unwrap()
    };
    assert!(eventually(Duration::from_secs(5), || ids
        .iter()
        .all(|id| sent_time(id) > 0)));
    let times: Vec<u64> = ids.iter().map(|id| sent_time(id)).collect();
    // The first text was already being sent; the OTP overtakes the other two.
    assert!(
        times[0] < times[3] && times[3] < times[1] && times[1] < times[2],
        "{times:?}"
    );
    let done = post(
        &a,
        &format!("{u}{STATUS}"),
        &[SENDTALK_KEY],
        &json!({"id": ids[1]}),
    );
    assert_eq!(
        (
            done.data()["status"].as_str(),
            done.data()["isSent"].as_bool()
        ),
        (Some("sent"), Some(true))
    );

    let unknown = post(
        &a,
        &format!("{u}{STATUS}"),
        &[SENDTALK_KEY],
        &json!({"id": "nope"}),
    );
    assert_eq!(
        (unknown.status(), unknown.code(), unknown.message()),
        (404, "40401", "Message is not found")
    );
}

#[test]
fn sendtalk_refuses_invalid_recipients_and_an_empty_balance() {
    let sb = start_with(SandboxConfig {
        invalid_recipients: vec!["6200000000".into()],
        sendtalk_balance: Some(250),
        ..SandboxConfig::default()
    });
    let a = agent();
    let url = format!("{}{SEND}", sb.url());
    let r = post(
        &a,
        &url,
        &[SENDTALK_KEY],
        &text_message("6200000000", "text"),
    );
    assert_eq!(
        (r.status(), &r.data()["success"], &r.data()["reason"]),
        (200, &json!(false), &json!("invalid_recipient"))
    );
    let reasons: Vec<Value> = (0..3)
        .map(|_| {
            post(
                &a,
                &url,
                &[SENDTALK_KEY],
                &text_message("6281100001", "text"),
            )
            .data()["reason"]
                .clone()
        })
        .collect();
    assert_eq!(
        reasons,
        [json!(""), json!(""), json!("insufficient_balance")]
    );
    assert_eq!(sb.settings()["sendtalk_balance"], 50);
    sb.set_sendtalk_balance(None);
    assert_eq!(
        post(
            &a,
            &url,
            &[SENDTALK_KEY],
            &text_message("6281100001", "text")
        )
        .data()["success"],
        true
    );
    assert_eq!(sb.sendtalk_messages().as_array().unwrap().len(), 3);
}

#[test]
fn onetalk_cases_open_join_and_update() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    let send = |body: &Value| post(&a, &format!("{u}{OT_SEND}"), &[ONETALK_KEY], body);
    let first = send(&onetalk_message("6281100001", "ch1", true));
    let case_id = first.data()["caseID"].as_str().unwrap().to_string();
    assert_eq!(case_id.len(), 10, "{first:?}");
    assert_eq!(
        send(&onetalk_message("6281100001", "ch1", true)).data()["caseID"],
        case_id.as_str()
    );
    assert_ne!(
        send(&onetalk_message("6281100001", "ch2", true)).data()["caseID"],
        case_id.as_str()
    );
    assert_eq!(
        send(&onetalk_message("6281100001", "ch1", false)).data()["caseID"],
        ""
    );
    let template = json!({"channelID": "ch1", "phoneNumberID": "1", "phone": "6281100001", "templateName": "greetings_v1",
        "languageCode": "en", "parameters": {"body": [{"name": "name", "value": "John"}]}, "withCase": true});
    let r = post(&a, &format!("{u}{OT_TEMPLATE}"), &[ONETALK_KEY], &template);
    assert_eq!(r.data()["caseID"], case_id.as_str(), "{r:?}");
    assert_eq!(sb.onetalk_messages().as_array().unwrap().len(), 5);

    let cases = sb.onetalk_cases();
    let case = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == case_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(case["contact"]["phone"], "6281100001");
    assert_eq!(
        (case["isClosed"].as_bool(), case["isJunk"].as_bool()),
        (Some(false), Some(false))
    );
    std::thread::sleep(Duration::from_millis(5));
    let update = json!({"caseID": case_id, "agentRemark": "vip", "isJunk": true});
    let r = post(&a, &format!("{u}{OT_UPDATE}"), &[ONETALK_KEY], &update);
    assert_eq!(r.data()["message"], "Case updated successfully");
    let list = get(
        &a,
        &format!("{u}{OT_LIST}?since_timestamp={}", case["updatedTime"]),
        &[ONETALK_KEY],
    );
    let updated = &list.data()["cases"][0];
    assert_eq!(
        (updated["id"].as_str(), updated["agentRemark"].as_str()),
        (Some(case_id.as_str()), Some("vip"))
    );
    assert_eq!(updated["isJunk"], true);
    assert!(updated["updatedTime"].as_u64() > case["updatedTime"].as_u64());

    assert!(sb.close_onetalk_case(&case_id));
    assert_ne!(
        send(&onetalk_message("6281100001", "ch1", true)).data()["caseID"],
        case_id.as_str()
    );
    let r = post(
        &a,
        &format!("{u}{OT_UPDATE}"),
        &[ONETALK_KEY],
        &json!({"caseID": "0000000000", "isJunk": true}),
    );
    assert_eq!((r.status(), r.code()), (404, "40401"));
}

#[test]
fn following_last_timestamp_sees_every_case_once() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    for n in 0..9 {
        post(
            &a,
            &format!("{u}{OT_SEND}"),
            &[ONETALK_KEY],
            &onetalk_message(&format!("628120000{n}"), "c", true),
        );
    }
    let mut seen = Vec::new();
    let mut since = 0u64;
    for _ in 0..20 {
        let page = get(
            &a,
            &format!("{u}{OT_LIST}?since_timestamp={since}&limit=2"),
            &[ONETALK_KEY],
        );
        let cases = page.data()["cases"].as_array().unwrap().clone();
        let times: Vec<u64> = cases
            .iter()
            .map(|c| c["updatedTime"].as_u64().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
        seen.extend(cases.iter().map(|c| c["id"].as_str().unwrap().to_string()));
        since = page.data()["lastTimestamp"].as_u64().unwrap();
        if page.data()["hasMore"] == false {
            break;
        }
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (9, 9));
}

#[test]
fn onetalk_tiers_refuse_as_configured() {
    let sb = start();
    let a = agent();
    let u = sb.url();
    sb.set_onetalk_tier("none").unwrap();
    let r = post(
        &a,
        &format!("{u}{OT_SEND}"),
        &[ONETALK_KEY],
        &onetalk_message("6281100001", "c", true),
    );
    assert_eq!(
        (r.status(), r.code(), r.message()),
        (499, "49900", "Please select a tier")
    );
    let r = get(
        &a,
        &format!("{u}{OT_LIST}?since_timestamp=0"),
        &[ONETALK_KEY],
    );
    assert_eq!(r.code(), "49900");
    sb.set_onetalk_tier("feature_missing").unwrap();
    let r = post(
        &a,
        &format!("{u}{OT_SEND}"),
        &[ONETALK_KEY],
        &onetalk_message("6281100001", "c", true),
    );
    let case_id = r.data()["caseID"].as_str().unwrap().to_string();
    let r = post(
        &a,
        &format!("{u}{OT_UPDATE}"),
        &[ONETALK_KEY],
        &json!({"caseID": case_id, "isJunk": true}),
    );
    assert_eq!((r.status(), r.code()), (499, "49901"));
    assert!(sb.set_onetalk_tier("platinum").is_err());
}

#[test]
fn powertalk_stores_messages_per_room_and_splits_long_bodies() {
    let sb = start_with(SandboxConfig {
        powertalk_max_body_chars: 10,
        ..SandboxConfig::default()
    });
    let a = agent();
    let url = format!("{}{PT_SEND}", sb.url());
    let key = sb.powertalk_server_key();
    let auth = [("Server-Key", key.as_str())];
    let msg = |sender: &str, recipient: &str, room: &str, body: &str, filter: &str| {
        json!({"messageType": 1001, "body": body, "data": "", "filterID": filter,
               "senderXCUserID": sender, "recipientXCUserID": recipient, "xcRoomID": room})
    };
    let r = post(&a, &url, &auth, &msg("1", "6", "", "Hi", ""));
    assert_eq!(r.data()["localID"].as_str().unwrap().len(), 32, "{r:?}");
    post(&a, &url, &auth, &msg("6", "1", "", "Hello", ""));
    post(&a, &url, &auth, &msg("1", "", "6A02C41D", "All", ""));
    let image = json!({"messageType": 1002, "body": "Image", "senderXCUserID": "1", "recipientXCUserID": "6",
        "data": "{\"url\":\"http://www.example.com/a.jpg\",\"mediaType\":\"image/jpeg\",\"size\":1,\"width\":1,\"height\":1,\"caption\":\"\"}"});
    assert_eq!(post(&a, &url, &auth, &image).data()["success"], true);
    let stored = sb.powertalk_messages();
    let rooms: Vec<&str> = stored
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["roomID"].as_str().unwrap())
        .collect();
    assert_eq!(rooms[0], rooms[1]);
    assert_eq!(rooms[2], "6A02C41D");

    sb.reset();
    let r = post(
        &a,
        &url,
        &auth,
        &msg("1", "6", "", "abcdefghijklmnopqrstuvwxy", "products:1"),
    );
    let stored = sb.powertalk_messages();
    let parts = stored.as_array().unwrap();
    assert_eq!(parts.len(), 3);
    let bodies: Vec<&str> = parts.iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["abcdefghij", "klmnopqrst", "uvwxy"]);
    let visible: Vec<bool> = parts
        .iter()
        .map(|m| m["isVisible"].as_bool().unwrap())
        .collect();
    assert_eq!(visible, [false, false, true]);
    assert_eq!(parts[2]["localID"], r.data()["localID"]);
}

#[test]
fn powertalk_contact_sync_follows_the_page() {
    let sb = start();
    let a = agent();
    let url = format!("{}{PT_SYNC}", sb.url());
    let key = sb.powertalk_server_key();
    let page_example = json!({"contacts": [
        {"ownerXCUserID": "1", "contactXCUserID": "2"},
        {"ownerXCUserID": "1", "contactXCUserID": "6", "isDeleted": false},
        {"ownerXCUserID": "1", "contactXCUserID": "9", "isDeleted": true},
        {"ownerXCUserID": "6", "contactXCUserID": "1", "isDeleted": false}
    ]});
    let r = post(&a, &url, &[("Server-Key", &key)], &page_example);
    assert_eq!(
        r.data(),
        &json!({"countInserted": 3, "countDeleted": 1}),
        "{r:?}"
    );
    let both = json!({"contacts": [
        {"ownerXCUserID": "1", "contactXCUserID": "2", "isDeleted": true},
        {"ownerXCUserID": "1", "contactXCUserID": "2"}
    ]});
    let r = post(&a, &url, &[("Server-Key", &key)], &both);
    assert_eq!(r.data(), &json!({"countInserted": 0, "countDeleted": 1}));
    let pairs: Vec<(String, String)> = sb
        .powertalk_contacts()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["ownerXCUserID"].as_str().unwrap().into(),
                c["contactXCUserID"].as_str().unwrap().into(),
            )
        })
        .collect();
    // One-way: 1 -> 6 and 6 -> 1 are separate entries; 1 -> 2 ended deleted.
    assert_eq!(pairs, [("1".into(), "6".into()), ("6".into(), "1".into())]);
}
