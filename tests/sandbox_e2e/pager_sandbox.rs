//! The case cursor over HTTP against the sandbox, under both readings of `since_timestamp`
//! and both page edges: groups sharing a time across page limits, groups larger than the
//! page, cases updated while paging, a resume from saved state, and the >100 group error.
//! The sandbox's clock is frozen, so which cases share a millisecond is decided here.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{json, Value};
use support::sandbox::{client, ok, start};
use taptalk::{CaseCursor, Client, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig};

use crate::support;

const SETTINGS: [(&str, &str); 4] = [
    ("after", "keep_groups"),
    ("after", "split_groups"),
    ("at_or_after", "keep_groups"),
    ("at_or_after", "split_groups"),
];

fn sandbox(reading: &str, edge: &str) -> (Sandbox, Client) {
    let sb = start(SandboxConfig::default());
    sb.update_settings(json!({"onetalk_since_reading": reading, "onetalk_page_edge": edge}))
        .unwrap();
    sb.freeze_clock();
    let client = client(&sb);
    (sb, client)
}

/// Opens `size` cases per group, all of a group in one millisecond; answers their ids.
fn open_groups(sb: &Sandbox, client: &Client, sizes: &[usize], first_phone: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut phone = first_phone;
    for &size in sizes {
        sb.advance_clock(Duration::from_millis(1));
        for _ in 0..size {
            phone += 1;
            let data = ok(
                client,
                Operation::OnetalkSendWhatsapp,
                json!({"channelID": "1", "phone": format!("62812{phone:08}"), "messageType": "text",
                    "body": "hi", "withCase": true, "topicID": 1}),
            );
            ids.push(data["caseID"].as_str().unwrap().to_owned());
        }
    }
    ids
}

fn update(sb: &Sandbox, client: &Client, id: &str) -> i64 {
    sb.advance_clock(Duration::from_millis(1));
    ok(
        client,
        Operation::OnetalkUpdateCase,
        json!({"caseID": id, "isJunk": true}),
    );
    sb.now_ms() as i64
}

fn pairs(cases: &Value) -> Vec<(String, i64)> {
    cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["updatedTime"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn sandbox_pairs(sb: &Sandbox) -> HashSet<(String, i64)> {
    pairs(&sb.onetalk_cases()).into_iter().collect()
}

fn limits_asked(sb: &Sandbox) -> Vec<u64> {
    sb.requests()
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/api/integration/v1/inbox/case/get_updated_list")
        .map(|r| {
            let query = r["query"].as_str().unwrap_or_default();
            let limit = query.split('&').find_map(|kv| kv.strip_prefix("limit="));
            limit.unwrap().parse().unwrap()
        })
        .collect()
}

#[test]
fn pages_deliver_every_case_once_with_updates_and_a_resume_under_every_setting() {
    for (reading, edge) in SETTINGS {
        let (sb, client) = sandbox(reading, edge);
        // Groups across page limits, and two larger than the page of 4.
        let ids = open_groups(&sb, &client, &[1, 5, 2, 13, 1, 4, 30, 2], 0);
        let mut cursor =
            CaseCursor::from_json(r#"{"since_timestamp": 0, "page_size": 4}"#).unwrap();
        let mut got: Vec<(String, i64)> = Vec::new();
        let first = cursor.next_page(&client);
        assert!(first.is_success(), "{first}");
        got.extend(pairs(&first.data()["cases"]));
        // While paging: one delivered case and one still ahead are updated.
        let updated_early = update(&sb, &client, &ids[0]);
        update(&sb, &client, &ids[40]);
        let mut pages = 1;
        let mut saved;
        loop {
            let page = cursor.next_page(&client);
            assert!(page.is_success(), "{reading}/{edge}: {page}");
            let data = page.data();
            got.extend(pairs(&data["cases"]));
            saved = data["state"].clone();
            pages += 1;
            if data["hasMore"] == false {
                break;
            }
            if pages == 4 {
                // A restart: a new cursor from the saved state, through JSON text.
                cursor = CaseCursor::from_json(&saved.to_string()).unwrap();
            }
            assert!(pages < 100, "{reading}/{edge}: no end");
        }
        let unique: HashSet<(String, i64)> = got.iter().cloned().collect();
        assert_eq!(unique.len(), got.len(), "{reading}/{edge}: a repeat");
        for pair in sandbox_pairs(&sb) {
            assert!(unique.contains(&pair), "{reading}/{edge}: lost {pair:?}");
        }
        assert!(
            unique.contains(&(ids[0].clone(), updated_early)),
            "the update came"
        );
        assert_eq!(got.iter().filter(|(id, _)| *id == ids[0]).count(), 2);
        assert!(limits_asked(&sb).iter().all(|&l| (1..=100).contains(&l)));
        // A poll from the saved state finds nothing until something changes.
        let mut again = CaseCursor::from_json(&saved.to_string()).unwrap();
        let page = again.next_page(&client).data();
        assert_eq!(
            (page["cases"].clone(), page["hasMore"].clone()),
            (json!([]), json!(false))
        );
        let at = update(&sb, &client, &ids[7]);
        let page = again.next_page(&client).data();
        assert_eq!(
            pairs(&page["cases"]),
            vec![(ids[7].clone(), at)],
            "{reading}/{edge}"
        );
    }
}

#[test]
fn next_case_hands_out_one_case_at_a_time_and_its_state_resumes_after_it() {
    for (reading, edge) in SETTINGS {
        let (sb, client) = sandbox(reading, edge);
        let ids = open_groups(&sb, &client, &[3, 6, 2], 100);
        let mut cursor =
            CaseCursor::from_json(r#"{"since_timestamp": 0, "page_size": 2}"#).unwrap();
        let mut got = Vec::new();
        for _ in 0..5 {
            let reply = cursor.next_case(&client);
            assert!(reply.is_success(), "{reply}");
            got.push(reply.data()["case"]["id"].as_str().unwrap().to_owned());
        }
        let mut resumed = CaseCursor::from_json(&cursor.state().to_string()).unwrap();
        loop {
            let data = resumed.next_case(&client).data();
            if data["case"].is_null() {
                assert_eq!(data["hasMore"], false);
                break;
            }
            got.push(data["case"]["id"].as_str().unwrap().to_owned());
        }
        assert_eq!(got, ids, "{reading}/{edge}");
    }
}

#[test]
fn more_than_100_cases_in_one_millisecond_stop_with_92001_and_nothing_repeats() {
    for reading in ["after", "at_or_after"] {
        let (sb, client) = sandbox(reading, "split_groups");
        let ids = open_groups(&sb, &client, &[2, 120, 1], 200);
        let mut cursor =
            CaseCursor::from_json(r#"{"since_timestamp": 0, "page_size": 10}"#).unwrap();
        let mut got = Vec::new();
        let error = loop {
            let reply = cursor.next_page(&client);
            if !reply.is_success() {
                break reply;
            }
            got.extend(pairs(&reply.data()["cases"]));
            assert!(got.len() <= ids.len());
        };
        assert_eq!((error.status(), error.code()), (502, "92001"), "{error}");
        let group_time = sb.onetalk_cases()[2]["updatedTime"].as_i64().unwrap();
        assert!(error
            .message()
            .contains(&format!("updatedTime {group_time}")));
        let unique: HashSet<_> = got.iter().collect();
        assert_eq!(unique.len(), got.len(), "nothing repeated");
        assert_eq!(got.len(), 102, "the first group and 100 of the big one");
        let requests = limits_asked(&sb).len();
        assert!(cursor.next_page(&client).code() == "92001");
        assert!(limits_asked(&sb).len() - requests <= 3, "no loop");
    }
    // A server that keeps groups whole sends all 120 at once: no error.
    let (sb, client) = sandbox("after", "keep_groups");
    open_groups(&sb, &client, &[2, 120, 1], 300);
    let mut cursor = CaseCursor::from_json(r#"{"since_timestamp": 0, "page_size": 10}"#).unwrap();
    let mut count = 0;
    loop {
        let data = cursor.next_page(&client).data();
        count += data["cases"].as_array().unwrap().len();
        if data["hasMore"] == false {
            break;
        }
    }
    assert_eq!(count, 123);
}

#[test]
fn a_failed_request_comes_back_unchanged_and_the_cursor_stays_put() {
    let (sb, client) = sandbox("after", "keep_groups");
    open_groups(&sb, &client, &[2], 400);
    let mut cursor = CaseCursor::from_json(r#"{"since_timestamp": 0}"#).unwrap();
    sb.set_onetalk_tier("none").unwrap();
    let reply = cursor.next_page(&client);
    assert_eq!((reply.status(), reply.code()), (499, "49900"));
    assert_eq!(cursor.state()["since_timestamp"], 0);
    sb.set_onetalk_tier("ok").unwrap();
    assert_eq!(
        cursor.next_page(&client).data()["cases"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
