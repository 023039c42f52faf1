//! The C layer as C users get it: programs that include `include/taptalk.h`, link the built
//! `libtaptalk.so`, and run against a local server (under valgrind when it is installed).

use crate::support;

use std::collections::HashMap;

use serde_json::json;
use support::c::{compile, run};
use support::MockServer;

#[test]
fn the_c_example_sends_through_every_operation_and_frees_everything() {
    let server = MockServer::answering(json!({"success": true}));
    let program = compile("examples/c/send_all.c", "send_all");
    let output = run(&program, &[&server.url()], true);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(&format!(
            "{n} of {n} operations answered status 200",
            n = taptalk::Operation::ALL.len()
        )),
        "{stdout}"
    );
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    // The chatbot's URL carries the example's organisation and chatbot ids; its five run in
    // the order a bot would (updates before the close).
    use taptalk::Operation::*;
    let order = taptalk::Operation::ALL
        .iter()
        .filter(|op| op.product() != taptalk::Product::Chatbot)
        .copied()
        .chain([
            ChatbotSendMessages,
            ChatbotHandoverCase,
            ChatbotUpdateCase,
            ChatbotUpdateContact,
            ChatbotCloseCase,
        ]);
    let expected: Vec<String> = order
        .map(|op| {
            let path = op
                .path()
                .replace("{organizationID}", "1")
                .replace("{chatbotID}", "sandbox-chatbot");
            format!("{} {path}", op.method().as_str())
        })
        .collect();
    assert_eq!(paths, expected);
    let ua = server.requests()[0]
        .header("user-agent")
        .unwrap()
        .to_owned();
    assert_eq!(ua, format!("taptalk/{} send_all.c/1.0", taptalk::VERSION));
}

#[test]
fn hostile_input_at_the_boundary_gets_envelopes_and_leaks_nothing() {
    let server = MockServer::answering(json!({}));
    let program = compile("tests/c/boundary.c", "boundary");
    let output = run(&program, &[&server.url()], true);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("boundary: ") && stdout.contains(" checks, 0 failed"),
        "{stdout}"
    );
    assert!(
        server.requests().is_empty(),
        "none of these may reach the server"
    );
}

#[test]
fn eight_threads_share_one_client_and_every_send_arrives_exactly_once() {
    let server = MockServer::answering(json!({"success": true}));
    let program = compile("tests/c/concurrency.c", "concurrency");
    run(&program, &[&server.url()], false);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for request in server.requests() {
        *seen
            .entry(request.json()["body"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), 8 * 250, "every send arrived");
    assert!(seen.values().all(|&n| n == 1), "no send arrived twice");
    assert!(
        server.connections() <= 16,
        "keep-alive pooling: {} connections for 2000 sends",
        server.connections()
    );
}

#[test]
fn a_threaded_stress_run_is_clean_under_valgrind() {
    // The same program with fewer sends: memcheck runs ~50x slower.
    let server = MockServer::answering(json!({"success": true}));
    let program = compile("tests/c/concurrency.c", "stress");
    let output = run(&program, &[&server.url(), "40"], true);
    assert!(String::from_utf8_lossy(&output.stdout).contains("320 sends, 0 failed"));
    assert_eq!(server.requests().len(), 320);
}

#[test]
fn a_panic_inside_the_library_is_answered_with_90004_and_the_client_goes_on() {
    // tests/c/panic_inside.c makes libc's clock fail during three sends, which panics inside
    // std; scripts/test-mobile-build.sh runs the same program against the phone build.
    let server = MockServer::answering(json!({"success": true}));
    let program = compile("tests/c/panic_inside.c", "panic_inside");
    let output = run(&program, &[&server.url()], true);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("c panic probe: 5 passed, 0 failed"),
        "{stdout}"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "only the send after the panics reaches the server"
    );
}
