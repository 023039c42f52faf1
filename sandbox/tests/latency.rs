//! `latency_ms` holds no thread: a thousand delayed requests, on a sandbox with two
//! runtime threads, are all in flight at once (counted by the server itself), and every
//! one is answered and stored exactly once.

mod support;

use serde_json::json;
use std::io::Write;
use support::wire::{Wire, SEND};
use taptalk_sandbox::{Sandbox, SandboxConfig};

const REQUESTS: usize = 1000;

/// Client and server sockets share this process: 2,000 descriptors and more.
fn raise_open_files_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid, correctly typed struct.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
    }
    assert!(
        limit.rlim_cur >= 2 * REQUESTS as u64 + 100,
        "this test needs {} open files; the hard limit is {}",
        2 * REQUESTS + 100,
        limit.rlim_max
    );
}

#[test]
fn a_thousand_delayed_requests_wait_at_once_on_two_threads() {
    raise_open_files_limit();
    let sb = Sandbox::start(SandboxConfig {
        threads: 2,
        // Long enough that the last request arrives while the first still waits, however
        // slow this machine is: one thread opens a thousand loopback connections in far
        // less.
        latency: std::time::Duration::from_secs(3),
        delivery_delay: std::time::Duration::ZERO,
        ..SandboxConfig::default()
    })
    .unwrap();
    // Every request is written before any answer is read, each on its own connection.
    let mut wires: Vec<Wire> = (0..REQUESTS)
        .map(|n| {
            let mut wire = Wire::open(&sb);
            let body =
                json!({"phone": "6281212345678", "messageType": "text", "body": format!("m{n}")});
            wire.send("POST", SEND, &body, &[]);
            wire
        })
        .collect();
    for wire in &mut wires {
        let answer = wire.read().answer();
        assert_eq!(answer.json()["data"]["success"], true, "{answer:?}");
    }
    let counts = sb.connections();
    assert_eq!(counts["max_in_flight"], REQUESTS, "{counts}");
    assert_eq!(counts["accepted"], REQUESTS, "{counts}");
    assert_eq!(counts["in_flight"], 0, "{counts}");
    let stored = sb.sendtalk_messages();
    let mut bodies: Vec<&str> = stored
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), REQUESTS);
    let _ = std::io::stdout().flush();
}
