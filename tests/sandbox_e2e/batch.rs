//! Sending to many at once (`Client::call_many`, `tt_call_many`; issue 19): results in input
//! order, bad items answered in their place at no network cost, progress on the caller's
//! thread, a shared pause after a 429 and a rate cap, a cancelled batch, and under injected
//! faults every send delivered at most once with every item's outcome reported.

use crate::support;

use std::collections::HashMap;
use std::ffi::{c_void, CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::sandbox::{client_from, config, start};
use support::{config_for, ok, MockServer, Reply};
use taptalk::{Cancel, Client, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig};

fn send(body: &str) -> Value {
    json!({"phone": "6281212345678", "messageType": "text", "body": body})
}

fn batch(client: &Client, requests: &[Value], options: &str) -> Value {
    let reply = client.call_many(
        Operation::SendtalkSendWhatsapp,
        &Value::Array(requests.to_vec()).to_string(),
        Some(options),
        &mut |_, _| {},
    );
    serde_json::from_str(reply.as_json()).unwrap()
}

/// How many times each body reached the sandbox.
fn deliveries(sandbox: &Sandbox) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in sandbox.sendtalk_messages().as_array().unwrap() {
        *counts
            .entry(message["body"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

#[test]
fn results_come_back_in_input_order_and_bad_items_cost_no_network_call() {
    let sb = start(SandboxConfig::default());
    let client = client_from(&config(&sb));
    let mut requests: Vec<Value> = (0..120).map(|i| send(&format!("m{i}"))).collect();
    requests[7] = json!({"phone": "6281212345678", "messageType": "text"}); // no body
    requests[50] = json!("not an object");
    let reply = batch(&client, &requests, r#"{"concurrency": 16}"#);
    assert_eq!(reply["status"], 200, "{reply}");
    let data = &reply["data"];
    assert_eq!(
        (
            data["total"].clone(),
            data["succeeded"].clone(),
            data["failed"].clone()
        ),
        (json!(120), json!(118), json!(2))
    );
    let results = data["results"].as_array().unwrap();
    assert_eq!(results[7]["error"]["code"], "40002");
    assert_eq!(results[7]["error"]["field"], "body");
    assert_eq!(results[50]["error"]["code"], "90002");
    // Each success is the server's reply to its own request: the stored message with that
    // id carries the request's body.
    let stored: HashMap<String, String> = sb
        .sendtalk_messages()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        stored.len(),
        118,
        "the two bad items never reached the server"
    );
    for (i, result) in results.iter().enumerate() {
        if i == 7 || i == 50 {
            continue;
        }
        let id = result["data"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{i}: {result}"));
        assert_eq!(
            stored[id],
            format!("m{i}"),
            "result {i} is its own request's"
        );
    }
}

#[test]
fn progress_runs_on_the_callers_thread_up_to_the_total() {
    let sb = start(SandboxConfig::default());
    let client = client_from(&config(&sb));
    let requests: Vec<Value> = (0..40).map(|i| send(&format!("p{i}"))).collect();
    let caller = thread::current().id();
    let mut seen = Vec::new();
    let reply = client.call_many(
        Operation::SendtalkSendWhatsapp,
        &Value::Array(requests).to_string(),
        Some(r#"{"concurrency": 8}"#),
        &mut |done, total| {
            assert_eq!(thread::current().id(), caller);
            seen.push((done, total));
        },
    );
    assert!(reply.is_success());
    assert_eq!(seen, (1..=40).map(|d| (d, 40)).collect::<Vec<_>>());
}

#[test]
fn a_429_pauses_the_whole_batch_and_a_rate_spaces_the_starts() {
    // The first request is answered 429 with Retry-After: 1; every other one takes 50 ms. The
    // other three workers would keep the server busy through the next second on their own
    // (40 requests at 3 x 20 a second); with the batch paused, none arrives in the window
    // from 0.5 s to 0.95 s after the 429 was sent. (A client slower than 0.5 s to read one
    // reply would blur the window's start; nothing can blur its end.)
    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let refused_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let first = Arc::new(AtomicBool::new(true));
    let server = {
        let (arrivals, refused_at, first) = (arrivals.clone(), refused_at.clone(), first.clone());
        MockServer::start(move |_| {
            arrivals.lock().unwrap().push(Instant::now());
            if first.swap(false, Ordering::SeqCst) {
                *refused_at.lock().unwrap() = Some(Instant::now());
                Reply::Raw(
                    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"
                        .to_vec(),
                )
            } else {
                Reply::Delay(Duration::from_millis(50), Box::new(ok(json!({"id": "x"}))))
            }
        })
    };
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let requests: Vec<Value> = (0..40).map(|i| send(&format!("r{i}"))).collect();
    let reply = batch(&client, &requests, r#"{"concurrency": 4}"#);
    assert_eq!(reply["data"]["succeeded"], 40, "{reply}");
    let refused_at = refused_at.lock().unwrap().unwrap();
    let in_window = arrivals
        .lock()
        .unwrap()
        .iter()
        .filter(|t| {
            let after = t.saturating_duration_since(refused_at);
            after > Duration::from_millis(500) && after < Duration::from_millis(950)
        })
        .count();
    assert_eq!(in_window, 0, "requests arrived while the batch was paused");

    // A rate holds attempt starts apart: 10 starts at 20 a second cannot all happen in less
    // than 9 intervals (450 ms) after the batch began. Without the rate they take a few ms.
    let paced = MockServer::answering(json!({"id": "x"}));
    let client = Client::from_json(&config_for(&paced.url())).unwrap();
    let requests: Vec<Value> = (0..10).map(|i| send(&format!("t{i}"))).collect();
    let began = Instant::now();
    let reply = batch(
        &client,
        &requests,
        r#"{"concurrency": 10, "rate_per_second": 20}"#,
    );
    let took = began.elapsed();
    assert_eq!(reply["data"]["succeeded"], 10);
    assert!(
        took >= Duration::from_millis(450),
        "10 starts at 20/s took {took:?}"
    );
}

#[test]
fn a_cancelled_batch_reports_every_item_and_starts_no_more() {
    let sb = start(SandboxConfig::default());
    sb.update_settings(json!({"latency_ms": 200})).unwrap();
    let client = client_from(&config(&sb));
    let requests: Vec<Value> = (0..100).map(|i| send(&format!("c{i}"))).collect();
    let handle = Cancel::new();
    let canceller = {
        let handle = handle.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(500));
            handle.cancel();
        })
    };
    let reply = handle.run(|| batch(&client, &requests, r#"{"concurrency": 4}"#));
    canceller.join().unwrap();
    let results = reply["data"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 100);
    let delivered = deliveries(&sb);
    let mut not_started = 0;
    for (i, result) in results.iter().enumerate() {
        let body = format!("c{i}");
        let count = delivered.get(&body).copied().unwrap_or(0);
        match result["error"]["code"].as_str().unwrap() {
            "" => assert_eq!(count, 1, "{body}"),
            "91010" => assert!(count <= 1, "{body}"),
            "91012" => {
                assert_eq!(result["data"]["maybe_sent"], false, "{result}");
                assert_eq!(count, 0, "{body}");
                not_started += 1;
            }
            other => panic!("{body}: {other} {result}"),
        }
    }
    assert!(not_started >= 80, "{not_started} of 100 were never started");
}

/// 2,000 sends through one batch while faults are injected (resets before and after the
/// request is read, replies slower than the timeout, 500s, 503s, 429s): every item's outcome
/// is reported and no message is delivered twice.
#[test]
fn under_faults_no_send_is_delivered_twice_and_every_outcome_is_reported() {
    let sb = Arc::new(start(SandboxConfig::default()));
    let mut cfg = config(&sb);
    cfg["timeout_ms"] = json!(400);
    cfg["retry"] = json!({"max_attempts": 3, "base_delay_ms": 5, "max_delay_ms": 20});
    let client = client_from(&cfg);
    let done = Arc::new(AtomicBool::new(false));
    let injector = {
        let (sb, done) = (sb.clone(), done.clone());
        thread::spawn(move || {
            let kinds = [
                json!({"kind": "reset_before_read"}),
                json!({"kind": "reset_after_read"}),
                json!({"kind": "delay", "delay_ms": 700}),
                json!({"kind": "status", "status": 500}),
                json!({"kind": "status", "status": 503}),
                json!({"kind": "retry_after", "retry_after": "0"}),
            ];
            let mut injected = 0usize;
            while !done.load(Ordering::SeqCst) {
                if sb.faults().as_array().map_or(0, Vec::len) >= 2 {
                    thread::sleep(Duration::from_millis(3));
                    continue;
                }
                let mut fault = kinds[injected % kinds.len()].clone();
                fault["path"] = json!("/api/v1/message/send_whatsapp");
                sb.inject_fault(fault).unwrap();
                injected += 1;
            }
            injected
        })
    };
    let requests: Vec<Value> = (0..2000).map(|i| send(&format!("f{i}"))).collect();
    let reply = batch(&client, &requests, r#"{"concurrency": 32}"#);
    done.store(true, Ordering::SeqCst);
    let injected = injector.join().unwrap();
    let results = reply["data"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2000, "every item's outcome is reported");
    let delivered = deliveries(&sb);
    assert!(
        delivered.values().all(|&n| n == 1),
        "no message delivered twice"
    );
    let mut codes: HashMap<String, usize> = HashMap::new();
    for (i, result) in results.iter().enumerate() {
        let body = format!("f{i}");
        let count = delivered.get(&body).copied().unwrap_or(0);
        let code = result["error"]["code"].as_str().unwrap().to_owned();
        match code.as_str() {
            "" => assert_eq!(count, 1, "{body} succeeded"),
            "91010" => {}
            _ => assert_eq!(count, 0, "{body} failed with {code} yet was delivered"),
        }
        *codes.entry(code).or_default() += 1;
    }
    assert!(injected > 50, "{injected} faults injected");
    eprintln!("batch under faults: {injected} faults injected, outcomes {codes:?}");
}

unsafe extern "C" fn count_progress(user_data: *mut c_void, done: usize, total: usize) {
    // SAFETY: the test passes a pointer to a Mutex<Vec<(usize, usize)>> that outlives the call.
    let seen = unsafe { &*(user_data as *const Mutex<Vec<(usize, usize)>>) };
    seen.lock().unwrap().push((done, total));
}

#[test]
fn the_c_batch_reports_progress_and_can_be_cancelled() {
    use taptalk::c_abi::{
        tt_call_many, tt_call_many_cancellable, tt_cancel, tt_cancel_free, tt_cancel_new,
        tt_client_free, tt_client_new, tt_string_free,
    };
    let sb = start(SandboxConfig::default());
    let c = |s: &str| CString::new(s).unwrap();
    let config = c(&config(&sb).to_string());
    let take = |raw: *mut std::ffi::c_char| -> Value {
        // SAFETY: a string from the library, freed once here.
        let text = unsafe { CStr::from_ptr(raw) }.to_str().unwrap().to_owned();
        unsafe { tt_string_free(raw) };
        serde_json::from_str(&text).unwrap()
    };
    // SAFETY: valid strings; everything made here is freed below.
    unsafe {
        let client = tt_client_new(config.as_ptr(), std::ptr::null_mut());
        let requests = c(&json!([send("x1"), send("x2"), send("x3")]).to_string());
        let op = c("sendtalk_send_whatsapp");
        let seen: Mutex<Vec<(usize, usize)>> = Mutex::default();
        let reply = take(tt_call_many_cancellable(
            client,
            op.as_ptr(),
            requests.as_ptr(),
            std::ptr::null(),
            Some(count_progress),
            &seen as *const _ as *mut c_void,
            std::ptr::null(),
        ));
        assert_eq!(reply["data"]["succeeded"], 3, "{reply}");
        assert_eq!(*seen.lock().unwrap(), vec![(1, 3), (2, 3), (3, 3)]);

        let cancel = tt_cancel_new();
        tt_cancel(cancel);
        tt_cancel(cancel); // twice is harmless
        let reply = take(tt_call_many_cancellable(
            client,
            op.as_ptr(),
            requests.as_ptr(),
            std::ptr::null(),
            None,
            std::ptr::null_mut(),
            cancel,
        ));
        for result in reply["data"]["results"].as_array().unwrap() {
            assert_eq!(result["error"]["code"], "91012", "{result}");
        }
        tt_cancel_free(cancel);
        tt_cancel(std::ptr::null());
        tt_cancel_free(std::ptr::null_mut());

        let not_array = take(tt_call_many(
            client,
            op.as_ptr(),
            c("{}").as_ptr(),
            std::ptr::null(),
        ));
        assert_eq!(not_array["error"]["code"], "90002");
        let bad_options = take(tt_call_many(
            client,
            op.as_ptr(),
            requests.as_ptr(),
            c(r#"{"concurrency": 1000}"#).as_ptr(),
        ));
        assert_eq!(bad_options["error"]["field"], "concurrency");
        tt_client_free(client);
    }
    assert_eq!(deliveries(&sb).len(), 3);
}
