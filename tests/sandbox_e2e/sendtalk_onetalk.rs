//! End to end: `taptalk::Client` against the in-process sandbox, SendTalk and OneTalk.
//!
//! Everything goes through the SDK; the sandbox's inspection methods check what arrived.
//! Timing-sensitive behaviour (pending -> sent, OTP priority, equal `updatedTime`s) runs on
//! the sandbox's frozen clock, so no assertion depends on how fast this machine is. Every
//! wait loop is bounded.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::sandbox::{assert_error, client, ok, start};
use taptalk::{Client, Operation};
use taptalk_sandbox::SandboxConfig;

use crate::support;

const PHONE: &str = "6281212345678";
const CHANNEL: &str = "2101081881";
const OTHER_CHANNEL: &str = "2101081882";

fn list(v: Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn status_of(client: &Client, id: &Value) -> Value {
    ok(client, Operation::SendtalkGetStatus, json!({ "id": id }))
}

fn sendtalk_text(client: &Client, kind: &str, body: &str) -> Value {
    let data = ok(
        client,
        Operation::SendtalkSendWhatsapp,
        json!({"phone": PHONE, "messageType": kind, "body": body}),
    );
    assert_eq!(data["success"], true, "{data}");
    assert_eq!(data["message"], "The message has been added to queue");
    data["id"].clone()
}

fn onetalk_send(client: &Client, phone: &str, channel: &str, with_case: bool) -> String {
    let data = ok(
        client,
        Operation::OnetalkSendWhatsapp,
        json!({"channelID": channel, "phone": phone, "messageType": "text",
            "body": format!("hello {phone}"), "withCase": with_case, "topicID": 7}),
    );
    assert_eq!(data["success"], true, "{data}");
    data["caseID"]
        .as_str()
        .expect("caseID is a string")
        .to_owned()
}

fn updated_cases(client: &Client, since: u64, limit: u64) -> Value {
    ok(
        client,
        Operation::OnetalkGetUpdatedCases,
        json!({"since_timestamp": since, "limit": limit}),
    )
}

#[test]
fn sendtalk_send_is_stored_as_sent_and_goes_from_pending_to_sent() {
    let sb = start(SandboxConfig {
        delivery_delay: Duration::from_millis(50),
        sendtalk_price: 250,
        ..SandboxConfig::default()
    });
    let c = client(&sb);
    let image = json!({"phone": PHONE, "messageType": "image", "body": "https://example.com/a.png",
        "filename": "a.png", "caption": "the parcel"});
    let data = ok(&c, Operation::SendtalkSendWhatsapp, image);
    let id = data["id"].clone();
    assert_eq!(id.as_str().map(str::len), Some(36), "a UUID: {data}");
    let stored = list(sb.sendtalk_messages());
    assert_eq!(stored.len(), 1);
    for (key, value) in [
        ("id", id.clone()),
        ("phone", json!(PHONE)),
        ("messageType", json!("image")),
        ("body", json!("https://example.com/a.png")),
        ("filename", json!("a.png")),
        ("caption", json!("the parcel")),
    ] {
        assert_eq!(stored[0][key], value, "{key}");
    }

    // Running clock: poll (bounded) until the virtual worker has delivered it.
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        let status = status_of(&c, &id);
        if status["isSent"] == true || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status["status"], "sent", "{status}");
    assert_eq!(status["isPending"], false);
    assert_eq!(
        (status["currency"].clone(), status["price"].clone()),
        (json!("IDR"), json!(250))
    );
    let created = status["createdTime"].as_u64().unwrap();
    assert!(
        status["sentTime"].as_u64().unwrap() >= created + 50,
        "{status}"
    );
}

#[test]
fn sendtalk_pending_then_sent_exactly_one_delivery_delay_later_on_a_frozen_clock() {
    let sb = start(SandboxConfig {
        delivery_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    });
    let c = client(&sb);
    let t = sb.freeze_clock();
    let id = sendtalk_text(&c, "text", "Your parcel has shipped");
    let pending = status_of(&c, &id);
    assert_eq!(
        pending,
        json!({"status": "pending", "isPending": true, "isSent": false, "sentTime": 0,
            "currency": "IDR", "price": 100, "createdTime": t})
    );
    sb.advance_clock(Duration::from_millis(99));
    assert_eq!(status_of(&c, &id)["status"], "pending");
    sb.advance_clock(Duration::from_millis(1));
    let sent = status_of(&c, &id);
    assert_eq!(
        sent,
        json!({"status": "sent", "isPending": false, "isSent": true, "sentTime": t + 100,
            "currency": "IDR", "price": 100, "createdTime": t})
    );
    assert_eq!(list(sb.sendtalk_messages())[0]["status"], "sent");
}

#[test]
fn sendtalk_otp_is_delivered_before_earlier_queued_text_messages() {
    let sb = start(SandboxConfig {
        delivery_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    });
    let c = client(&sb);
    let t = sb.freeze_clock();
    let texts: Vec<Value> = (1..=3)
        .map(|n| sendtalk_text(&c, "text", &format!("newsletter {n}")))
        .collect();
    let otp = sendtalk_text(&c, "otp", "Your code is 482913");
    sb.advance_clock(Duration::from_millis(100));
    assert_eq!(status_of(&c, &otp)["status"], "sent", "the OTP goes first");
    for id in &texts {
        assert_eq!(status_of(&c, id)["status"], "pending");
    }
    sb.advance_clock(Duration::from_millis(300));
    assert_eq!(status_of(&c, &otp)["sentTime"], t + 100);
    for (n, id) in texts.iter().enumerate() {
        let status = status_of(&c, id);
        assert_eq!(
            status["sentTime"],
            t + 200 + 100 * n as u64,
            "texts keep their order"
        );
    }
}

#[test]
fn sendtalk_unknown_ids_invalid_recipients_and_an_exhausted_balance() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let unknown = json!({"id": "00000000-0000-4000-8000-000000000000"});
    let reply = c.call_value(Operation::SendtalkGetStatus, unknown);
    assert_error(&reply, 404, "40401", "Message is not found");

    sb.set_invalid_recipients(&["6281200000000"]);
    let request = json!({"phone": "6281200000000", "messageType": "text", "body": "hi"});
    let data = ok(&c, Operation::SendtalkSendWhatsapp, request);
    assert_eq!(
        (data["success"].clone(), data["reason"].clone()),
        (json!(false), json!("invalid_recipient"))
    );
    assert!(list(sb.sendtalk_messages()).is_empty(), "nothing is stored");

    sb.set_sendtalk_balance(Some(250)); // the price is 100: two sends, then empty
    sendtalk_text(&c, "text", "one");
    sendtalk_text(&c, "otp", "two");
    let request = json!({"phone": PHONE, "messageType": "text", "body": "three"});
    let data = ok(&c, Operation::SendtalkSendWhatsapp, request);
    assert_eq!(
        (data["success"].clone(), data["reason"].clone()),
        (json!(false), json!("insufficient_balance"))
    );
    assert_eq!(list(sb.sendtalk_messages()).len(), 2);
}

#[test]
fn onetalk_with_case_reuses_the_open_case_per_phone_and_channel() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let first = onetalk_send(&c, PHONE, CHANNEL, true);
    assert_eq!(first.len(), 10, "{first}");
    assert_eq!(
        onetalk_send(&c, PHONE, CHANNEL, true),
        first,
        "the open case is reused"
    );
    assert_eq!(
        onetalk_send(&c, PHONE, CHANNEL, false),
        "",
        "no case without withCase"
    );
    let template = json!({"channelID": CHANNEL, "phoneNumberID": "1234567890", "phone": PHONE,
        "templateName": "order_update", "languageCode": "id", "withCase": true, "topicID": 7,
        "parameters": {"body": [{"name": "1", "value": "Budi"}],
            "buttons": [{"name": "url", "value": "track/123"}]}});
    let data = ok(&c, Operation::OnetalkSendWhatsappTemplate, template.clone());
    assert_eq!(data["caseID"], first, "a template send joins the case too");

    let other = onetalk_send(&c, PHONE, OTHER_CHANNEL, true);
    assert!(
        other.len() == 10 && other != first,
        "another channel, another case"
    );
    assert!(sb.close_onetalk_case(&first));
    let reopened = onetalk_send(&c, PHONE, CHANNEL, true);
    assert!(
        reopened != first && reopened != other,
        "a closed case is not reused"
    );
    let data = ok(&c, Operation::OnetalkSendWhatsappTemplate, template.clone());
    assert_eq!(data["caseID"], reopened);

    let cases = list(sb.onetalk_cases());
    let summary: Vec<(Value, Value, Value)> = cases
        .iter()
        .map(|k| {
            (
                k["id"].clone(),
                k["channelID"].clone(),
                k["isClosed"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (json!(first), json!(CHANNEL), json!(true)),
            (json!(other), json!(OTHER_CHANNEL), json!(false)),
            (json!(reopened), json!(CHANNEL), json!(false)),
        ]
    );
    for case in &cases {
        assert_eq!(
            (case["topicID"].clone(), case["contact"]["phone"].clone()),
            (json!(7), json!(PHONE))
        );
    }
    let messages = list(sb.onetalk_messages());
    let kinds: Vec<&str> = messages
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "whatsapp",
            "whatsapp",
            "whatsapp",
            "whatsappba_template",
            "whatsapp",
            "whatsapp",
            "whatsappba_template"
        ]
    );
    let stored_template = &messages[3];
    for key in [
        "templateName",
        "languageCode",
        "phoneNumberID",
        "parameters",
        "phone",
    ] {
        assert_eq!(stored_template[key], template[key], "{key}");
    }
    assert_eq!(messages[0]["body"], format!("hello {PHONE}"));
}

#[test]
fn onetalk_update_case_changes_flags_and_bumps_updated_time() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let t = sb.freeze_clock();
    let case_id = onetalk_send(&c, PHONE, CHANNEL, true);
    let page = updated_cases(&c, t - 1, 10);
    assert_eq!(page["cases"][0]["updatedTime"], t);
    assert_eq!(
        (page["cases"][0]["isJunk"].clone(), page["hasMore"].clone()),
        (json!(false), json!(false))
    );

    sb.advance_clock(Duration::from_millis(5));
    let update = json!({"caseID": case_id, "isJunk": true, "agentRemark": "spam, ignore"});
    let data = ok(&c, Operation::OnetalkUpdateCase, update);
    assert_eq!(data["message"], "Case updated successfully", "{data}");
    assert_eq!(
        updated_cases(&c, t, 10)["cases"].as_array().map(Vec::len),
        Some(1),
        "newer than t now"
    );
    let page = updated_cases(&c, t - 1, 10);
    let case = &page["cases"][0];
    assert_eq!(case["id"], case_id);
    assert_eq!(
        (case["isJunk"].clone(), case["agentRemark"].clone()),
        (json!(true), json!("spam, ignore"))
    );
    assert_eq!(
        (case["createdTime"].clone(), case["updatedTime"].clone()),
        (json!(t), json!(t + 5))
    );
    assert_eq!(page["lastTimestamp"], t + 5);
    assert_eq!(list(sb.onetalk_cases())[0]["agentRemark"], "spam, ignore");

    sb.advance_clock(Duration::from_millis(5));
    let data = ok(
        &c,
        Operation::OnetalkUpdateCase,
        json!({"caseID": case_id, "isJunk": false}),
    );
    assert_eq!(data["success"], true);
    let case = &updated_cases(&c, t + 5, 10)["cases"][0];
    assert_eq!(
        (case["isJunk"].clone(), case["agentRemark"].clone()),
        (json!(false), json!("spam, ignore"))
    );
    assert_eq!(case["updatedTime"], t + 10);

    let reply = c.call_value(
        Operation::OnetalkUpdateCase,
        json!({"caseID": "NOSUCHCASE", "isJunk": true}),
    );
    assert_error(&reply, 404, "40401", "Case is not found");
}

/// Follows `lastTimestamp` until `hasMore` is false (bounded), answering the pages.
fn follow_pages(c: &Client, since: u64, limit: u64) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut since = since;
    for _ in 0..100 {
        let page = updated_cases(c, since, limit);
        let cases = list(page["cases"].clone());
        if let Some(last) = cases.last() {
            assert_eq!(page["lastTimestamp"], last["updatedTime"], "{page}");
        } else {
            assert_eq!(page["lastTimestamp"], since);
        }
        since = page["lastTimestamp"].as_u64().unwrap();
        pages.push(cases);
        if page["hasMore"] == false {
            return pages;
        }
        assert!(
            !pages.last().unwrap().is_empty(),
            "hasMore with an empty page"
        );
    }
    panic!("hasMore never became false in 100 pages");
}

fn assert_each_case_once(pages: &[Vec<Value>], expected: &HashSet<String>) {
    let seen: Vec<String> = pages
        .iter()
        .flatten()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen.len(), expected.len(), "{seen:?}");
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), *expected);
}

#[test]
fn onetalk_pagination_with_limit_4_sees_25_cases_once() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let before = sb.now_ms();
    let ids: HashSet<String> = (0..25)
        .map(|n| onetalk_send(&c, &format!("62812000001{n:02}"), CHANNEL, true))
        .collect();
    assert_eq!(ids.len(), 25);
    let pages = follow_pages(&c, before.saturating_sub(1), 4);
    assert_each_case_once(&pages, &ids);
    assert!(pages.len() >= 7, "{} pages", pages.len());
}

#[test]
fn onetalk_pagination_never_splits_cases_sharing_an_updated_time() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    // Groups of cases opened in one frozen millisecond; with limit 4 most page boundaries
    // would fall inside a group, and the group of 5 is larger than a page.
    let t = sb.freeze_clock();
    let groups = [3usize, 3, 3, 5, 3, 3, 3, 2];
    let mut ids = HashSet::new();
    let mut phone = 0;
    for (g, size) in groups.iter().enumerate() {
        if g > 0 {
            sb.advance_clock(Duration::from_millis(1));
        }
        for _ in 0..*size {
            phone += 1;
            ids.insert(onetalk_send(
                &c,
                &format!("62812000002{phone:02}"),
                CHANNEL,
                true,
            ));
        }
    }
    assert_eq!(ids.len(), 25);
    let pages = follow_pages(&c, t - 1, 4);
    assert_each_case_once(&pages, &ids);

    // Which page each timestamp appeared on: every group lands whole on one page.
    let mut page_of: BTreeMap<u64, HashSet<usize>> = BTreeMap::new();
    for (p, page) in pages.iter().enumerate() {
        for case in page {
            page_of
                .entry(case["updatedTime"].as_u64().unwrap())
                .or_default()
                .insert(p);
        }
        let over = page.len() > 4;
        let one_big_group = page.len() == 5 && page.iter().all(|k| k["updatedTime"] == t + 3);
        assert!(!over || one_big_group, "page {p} has {} cases", page.len());
    }
    assert_eq!(page_of.len(), groups.len());
    for (time, on) in &page_of {
        assert_eq!(
            on.len(),
            1,
            "the group at {time} was split across pages {on:?}"
        );
    }
    let sizes: Vec<usize> = pages.iter().map(Vec::len).filter(|&n| n > 0).collect();
    assert_eq!(
        sizes,
        [3, 3, 3, 5, 3, 3, 3, 2],
        "one group per page at limit 4"
    );

    // Updating a case moves it to the end, after every other case.
    sb.advance_clock(Duration::from_millis(1));
    let first = pages[0][0]["id"].clone();
    ok(
        &c,
        Operation::OnetalkUpdateCase,
        json!({"caseID": first, "agentRemark": "moved"}),
    );
    let tail = follow_pages(&c, t + 7, 4);
    assert_eq!(
        tail.concat()
            .iter()
            .map(|k| k["id"].clone())
            .collect::<Vec<_>>(),
        [first]
    );
}

#[test]
fn onetalk_tiers_answer_49900_everywhere_and_49901_on_update() {
    let sb = start(SandboxConfig::default());
    let c = client(&sb);
    let case_id = onetalk_send(&c, PHONE, CHANNEL, true);
    let requests = [
        (
            Operation::OnetalkSendWhatsapp,
            json!({"channelID": CHANNEL, "phone": PHONE, "messageType": "text", "body": "hi"}),
        ),
        (
            Operation::OnetalkSendWhatsappTemplate,
            json!({"channelID": CHANNEL, "phoneNumberID": "1", "phone": PHONE,
                "templateName": "t", "languageCode": "en"}),
        ),
        (
            Operation::OnetalkGetUpdatedCases,
            json!({"since_timestamp": 0}),
        ),
        (
            Operation::OnetalkUpdateCase,
            json!({"caseID": case_id, "isJunk": true}),
        ),
    ];
    sb.set_onetalk_tier("none").unwrap();
    for (op, request) in &requests {
        let reply = c.call_value(*op, request.clone());
        assert_error(&reply, 499, "49900", "Please select a tier");
    }
    assert_eq!(
        list(sb.onetalk_messages()).len(),
        1,
        "nothing stored under tier none"
    );

    sb.set_onetalk_tier("feature_missing").unwrap();
    for (op, request) in &requests[..3] {
        ok(&c, *op, request.clone());
    }
    let reply = c.call_value(Operation::OnetalkUpdateCase, requests[3].1.clone());
    assert_error(
        &reply,
        499,
        "49901",
        "This feature is not available for your current tier",
    );
    assert_eq!(list(sb.onetalk_cases())[0]["isJunk"], false);

    sb.set_onetalk_tier("ok").unwrap();
    ok(&c, Operation::OnetalkUpdateCase, requests[3].1.clone());
    assert_eq!(list(sb.onetalk_cases())[0]["isJunk"], true);
}
