//! How many requests a second the sandbox sustains with a latency on every answer: N client
//! threads, each with one kept-alive connection, send SendTalk messages one after another
//! and the table says requests/s beside the ceiling `concurrency / latency`.
//!
//! ```sh
//! cargo run --release -p taptalk-sandbox --example load                 # in-process, --threads 2
//! cargo run --release -p taptalk-sandbox --example load -- --url http://127.0.0.1:8080
//! ```
//!
//! Flags: `--requests N` (10000), `--concurrency N,N,..` (64), `--latency-ms MS,MS,..` (50,0),
//! `--threads N` (2, the in-process sandbox's runtime threads), `--url URL` (an external
//! sandbox, whose latency is then set through its control API).

use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use taptalk_sandbox::{Sandbox, SandboxConfig, DEFAULT_SENDTALK_API_KEY};

struct Args {
    requests: usize,
    concurrency: Vec<usize>,
    latency_ms: Vec<u64>,
    threads: usize,
    url: Option<String>,
}

fn list<T: std::str::FromStr>(value: &str) -> Vec<T> {
    value
        .split(',')
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("not a number: {v}"))
        })
        .collect()
}

fn args() -> Args {
    let mut args = Args {
        requests: 10_000,
        concurrency: vec![64],
        latency_ms: vec![50, 0],
        threads: 2,
        url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--requests" => args.requests = list(&value)[0],
            "--concurrency" => args.concurrency = list(&value),
            "--latency-ms" => args.latency_ms = list(&value),
            "--threads" => args.threads = list(&value)[0],
            "--url" => args.url = Some(value.trim_end_matches('/').to_string()),
            _ => panic!("unknown flag {flag}"),
        }
    }
    args
}

/// Sends `count` messages on one kept-alive connection; answers how many failed.
fn client(addr: &str, count: usize, id: usize) -> usize {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream.set_nodelay(true).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut failed = 0;
    for n in 0..count {
        let body =
            json!({"phone": "6281212345678", "messageType": "text", "body": format!("{id}-{n}")})
                .to_string();
        let request = format!(
            "POST /api/v1/message/send_whatsapp HTTP/1.1\r\nHost: sandbox\r\nAPI-Key: {DEFAULT_SENDTALK_API_KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("written");
        let mut length = 0;
        let mut status_ok = false;
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).expect("an answer");
            if line.starts_with("HTTP/1.1 ") {
                status_ok = line.starts_with("HTTP/1.1 200");
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut answer = vec![0; length];
        reader.read_exact(&mut answer).expect("the body");
        if !status_ok || !String::from_utf8_lossy(&answer).contains("\"success\":true") {
            failed += 1;
        }
    }
    failed
}

/// Starts a round afresh (stored messages and counters cleared) with this latency.
fn set_latency(base: &str, ms: u64) {
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    agent
        .post(format!("{base}/_sandbox/reset"))
        .send("{}")
        .expect("the sandbox resets");
    agent
        .post(format!("{base}/_sandbox/settings"))
        .send(json!({ "latency_ms": ms, "delivery_delay_ms": 0 }).to_string())
        .expect("the sandbox takes the settings");
}

fn main() {
    let args = args();
    let local = match &args.url {
        Some(_) => None,
        None => Some(
            Sandbox::start(SandboxConfig {
                threads: args.threads,
                delivery_delay: Duration::ZERO,
                ..SandboxConfig::default()
            })
            .expect("the sandbox starts"),
        ),
    };
    let base = match (&args.url, &local) {
        (Some(url), _) => url.clone(),
        (None, Some(sb)) => sb.url(),
        _ => unreachable!(),
    };
    let addr = base.trim_start_matches("http://").to_string();
    println!(
        "sandbox: {}",
        match &args.url {
            Some(url) => format!("external, {url}"),
            None => format!("in-process, {} runtime threads", args.threads),
        }
    );
    println!("| concurrency | latency ms | requests | seconds | req/s | ceiling req/s | failed | max in flight |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &latency in &args.latency_ms {
        for &concurrency in &args.concurrency {
            set_latency(&base, latency);
            let per_client = args.requests.div_ceil(concurrency);
            let start = Instant::now();
            let workers: Vec<_> = (0..concurrency)
                .map(|id| {
                    let addr = addr.clone();
                    std::thread::spawn(move || client(&addr, per_client, id))
                })
                .collect();
            let failed: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
            let seconds = start.elapsed().as_secs_f64();
            let total = per_client * concurrency;
            let ceiling = (concurrency as u64 * 1000)
                .checked_div(latency)
                .map_or("-".to_string(), |c| c.to_string());
            let max_in_flight = ureq::get(format!("{base}/_sandbox/connections"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .map(|v| v["data"]["connections"]["max_in_flight"].clone())
                .unwrap_or_default();
            println!(
                "| {concurrency} | {latency} | {total} | {seconds:.2} | {:.0} | {ceiling} | {failed} | {max_in_flight} |",
                total as f64 / seconds
            );
        }
    }
}
