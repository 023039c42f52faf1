//! The case cursor and `tt_request` as C users get them: `tests/c/cursor_request.c` includes
//! the header, links the built library, pages the sandbox (under the hostile settings: "at
//! or after" reading, pages that split groups) and runs under valgrind when installed.

use crate::support;

use std::time::Duration;

use serde_json::json;
use support::c::{compile, run};
use support::sandbox::{client, ok, start};
use taptalk::Operation;
use taptalk_sandbox::SandboxConfig;

#[test]
fn a_c_program_pages_every_case_once_and_survives_hostile_input() {
    let sb = start(SandboxConfig::default());
    sb.update_settings(
        json!({"onetalk_since_reading": "at_or_after", "onetalk_page_edge": "split_groups"}),
    )
    .unwrap();
    sb.freeze_clock();
    let client = client(&sb);
    let mut phone = 0;
    for size in [2, 5, 1, 7, 3] {
        sb.advance_clock(Duration::from_millis(1));
        for _ in 0..size {
            phone += 1;
            ok(
                &client,
                Operation::OnetalkSendWhatsapp,
                json!({"channelID": "1", "phone": format!("62813{phone:08}"), "messageType": "text",
                    "body": "hi", "withCase": true, "topicID": 1}),
            );
        }
    }
    let program = compile("tests/c/cursor_request.c", "cursor_request");
    let key = sb.config().onetalk_api_key.clone();
    let output = run(&program, &[&sb.url(), &key], true);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("cursor_request: ") && stdout.contains(" checks, 0 failed"),
        "{stdout}"
    );
    let delivered: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("case "))
        .collect();
    let expected: Vec<String> = sb
        .onetalk_cases()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(delivered, expected, "every case once, in order");
    assert!(stdout.contains("delivered 18"), "{stdout}");
    // tt_request's GET reached the sandbox with the query object, in key order.
    let log = sb.requests();
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(
        last["path"],
        "/api/integration/v1/inbox/case/get_updated_list"
    );
    assert_eq!(last["query"], "limit=1&since_timestamp=0");
}
