//! Soak: threads x mixed calls through the C ABI against the sandbox while faults are
//! injected (delays past the timeout, 500/503, 429 with Retry-After, resets before and after
//! the request is read). Every call must return an envelope, no send may be delivered twice,
//! every success is delivered once, every "outcome unknown" (91010) is accounted for, and
//! memory stays flat.
//!
//! Short by default (4 x 400 calls). The long run of the issue (4 x 20,000):
//! `TAPTALK_SOAK_CALLS=20000 cargo test --release --test soak -- --nocapture`

use crate::support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use support::c::{compile, run};
use taptalk_sandbox::{Sandbox, SandboxConfig};

const THREADS: usize = 4;

fn faults() -> Vec<Value> {
    vec![
        json!({"kind": "delay", "delay_ms": 30}),
        json!({"kind": "delay", "delay_ms": 700}), // past the client's 400 ms timeout
        json!({"kind": "status", "status": 500}),
        json!({"kind": "status", "status": 503}),
        json!({"kind": "retry_after", "retry_after": "0"}),
        json!({"kind": "reset_before_read"}),
        json!({"kind": "reset_after_read"}),
    ]
}

const PATHS: [&str; 5] = [
    "/api/v1/message/send_whatsapp",
    "/api/v1/message/get_status",
    "/api/integration/v1/inbox/send_message_whatsapp",
    "/api/integration/v1/inbox/case/get_updated_list",
    "/v1/server/message/send/custom",
];

#[test]
fn soak_with_faults_delivers_nothing_twice() {
    let calls: usize = std::env::var("TAPTALK_SOAK_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let config = SandboxConfig {
        threads: 16,
        ..SandboxConfig::default()
    };
    let sandbox = Arc::new(Sandbox::start(config).unwrap());
    let program = compile("tests/c/soak.c", "soak");

    // Keep a few faults pending at all times, rotating kinds and paths, until the run ends:
    // a steady share of requests is hit without starving the run.
    let done = Arc::new(AtomicBool::new(false));
    let injector = {
        let (sandbox, done) = (sandbox.clone(), done.clone());
        thread::spawn(move || {
            let (kinds, mut injected) = (faults(), 0usize);
            while !done.load(Ordering::SeqCst) {
                if sandbox.faults().as_array().map_or(0, Vec::len) >= 3 {
                    thread::sleep(Duration::from_millis(2));
                    continue;
                }
                let mut fault = kinds[injected % kinds.len()].clone();
                fault["path"] = json!(PATHS[(injected / kinds.len()) % PATHS.len()]);
                sandbox.inject_fault(fault).unwrap();
                injected += 1;
            }
            injected
        })
    };
    let output = run(
        &program,
        &[&sandbox.url(), &THREADS.to_string(), &calls.to_string()],
        false,
    );
    done.store(true, Ordering::SeqCst);
    let injected = injector.join().unwrap();

    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut outcome: HashMap<String, String> = HashMap::new();
    let mut total = "";
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("S ") {
            let (body, code) = rest.split_once(' ').unwrap();
            assert!(outcome.insert(body.to_owned(), code.to_owned()).is_none());
        } else if line.starts_with("TOTAL") {
            total = line;
        }
    }
    let delivered = deliveries(&sandbox);

    let (mut unknown, mut unknown_delivered, mut failed) = (0, 0, 0);
    for (body, code) in &outcome {
        let count = delivered.get(body).copied().unwrap_or(0);
        match code.as_str() {
            "ok" => assert_eq!(count, 1, "{body} succeeded but was delivered {count} times"),
            "91010" => {
                unknown += 1;
                unknown_delivered += count;
                assert!(
                    count <= 1,
                    "{body}: outcome unknown, delivered {count} times"
                );
            }
            _ => {
                failed += 1;
                assert_eq!(count, 0, "{body} failed with {code} yet was delivered");
            }
        }
    }
    let duplicates = delivered.values().filter(|&&n| n > 1).count();
    assert_eq!(duplicates, 0);
    assert!(
        delivered.keys().all(|b| outcome.contains_key(b)),
        "only sends made by this run were delivered"
    );
    let field = |name: &str| -> i64 {
        total
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1)
    };
    assert_eq!(field("missing"), 0, "every call returned an envelope");
    assert_eq!(field("envelopes"), (THREADS * calls) as i64);
    let (early, end) = (field("rss_early_kb"), field("rss_end_kb"));
    assert!(
        end - early < 32 * 1024,
        "RSS grew from {early} kB to {end} kB"
    );
    eprintln!(
        "soak: {} calls, {} sends, {injected} faults injected, {failed} sends failed cleanly, \
         {unknown} outcome-unknown ({unknown_delivered} of them delivered), 0 duplicates, \
         RSS {early} kB -> {end} kB",
        THREADS * calls,
        outcome.len()
    );
}

/// How many times each body reached the sandbox, over all three products.
fn deliveries(sandbox: &Sandbox) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for list in [
        sandbox.sendtalk_messages(),
        sandbox.onetalk_messages(),
        sandbox.powertalk_messages(),
    ] {
        for message in list.as_array().unwrap() {
            if let Some(body) = message["body"].as_str() {
                *counts.entry(body.to_owned()).or_default() += 1;
            }
        }
    }
    counts
}
