//! The floor: what the HTTP stack costs. One keep-alive `ureq` agent doing the SendTalk send
//! the library does, reading the whole reply and parsing its JSON, as a user would.
//!
//! Usage: taptalk-bench-floor BASE_URL API_KEY CALLS WARMUP
//! Prints: RESULT<TAB>name<TAB>calls<TAB>threads<TAB>median_ns<TAB>p99_ns<TAB>calls_per_s

use std::time::Instant;

const BODY: &str = r#"{"phone":"6281212345678","messageType":"text","body":"Hello from the benchmark"}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: {} BASE_URL API_KEY CALLS WARMUP", args[0]);
        std::process::exit(2);
    }
    let url = format!("{}/api/v1/message/send_whatsapp", args[1]);
    let key = &args[2];
    let calls: usize = args[3].parse().expect("CALLS");
    let warmup: usize = args[4].parse().expect("WARMUP");

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let call = || {
        let mut response = agent
            .post(&url)
            .header("API-Key", key)
            .header("Content-Type", "application/json")
            .send(BODY)
            .expect("POST failed");
        let text = response.body_mut().read_to_string().expect("body");
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(value["status"], 200, "unexpected reply: {text}");
    };

    for _ in 0..warmup {
        call();
    }
    let mut samples = Vec::with_capacity(calls);
    let start = Instant::now();
    for _ in 0..calls {
        let t = Instant::now();
        call();
        samples.push(t.elapsed().as_nanos() as u64);
    }
    let wall = start.elapsed().as_secs_f64();
    samples.sort_unstable();
    let median = samples[samples.len() / 2];
    let p99 = samples[(samples.len() * 99 / 100).min(samples.len() - 1)];
    println!(
        "RESULT\tureq (Rust, raw)\t{calls}\t1\t{median}\t{p99}\t{:.0}",
        calls as f64 / wall
    );
}
