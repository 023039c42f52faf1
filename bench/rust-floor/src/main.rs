//! The floor: what the HTTP stack costs. One keep-alive `ureq` agent doing the SendTalk send
//! the library does, reading the whole reply and parsing its JSON, as a user would.
//!
//! Usage: taptalk-bench-floor BASE_URL API_KEY CALLS WARMUP
//!
//! `FLOOR_MODE` (diagnosis, see bench/README.md): unset is the plain agent; `timeout` adds
//! the library's `timeout_global`, with which ureq resolves the host on a fresh thread on
//! every call; `timeout-literal` adds a resolver that answers IP-literal hosts without one.
//! Prints: RESULT<TAB>name<TAB>calls<TAB>threads<TAB>median_ns<TAB>p99_ns<TAB>calls_per_s

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

const BODY: &str =
    r#"{"phone":"6281212345678","messageType":"text","body":"Hello from the benchmark"}"#;

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

    let mode = std::env::var("FLOOR_MODE").unwrap_or_default();
    let mut builder = ureq::Agent::config_builder().http_status_as_error(false);
    if mode.starts_with("timeout") {
        builder = builder.timeout_global(Some(Duration::from_secs(30)));
    }
    let config = builder.build();
    let agent = match mode.as_str() {
        "" | "timeout" => ureq::Agent::new_with_config(config),
        "timeout-literal" => {
            ureq::Agent::with_parts(config, DefaultConnector::new(), LiteralFirst::default())
        }
        other => panic!("unknown FLOOR_MODE {other}"),
    };
    let label = match mode.as_str() {
        "" => "ureq (Rust, raw)".to_owned(),
        "timeout" => "ureq + timeout_global (diag.)".to_owned(),
        _ => "ureq + timeout + IP resolver (diag.)".to_owned(),
    };
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
        "RESULT\t{label}\t{calls}\t1\t{median}\t{p99}\t{:.0}",
        calls as f64 / wall
    );
}

/// Answers an IP-literal host without a lookup (so without ureq's per-call thread); other
/// hosts go to the default resolver.
#[derive(Debug, Default)]
struct LiteralFirst(DefaultResolver);

impl Resolver for LiteralFirst {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if let (Ok(ip), Some(port)) = (host.parse::<IpAddr>(), uri.port_u16()) {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        self.0.resolve(uri, config, timeout)
    }
}
