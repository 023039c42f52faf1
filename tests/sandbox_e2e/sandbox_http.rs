//! The sandbox under raw HTTP: requests no SDK would send get a documented
//! answer and the server keeps serving; many clients at once lose nothing.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};
use taptalk_sandbox::{Sandbox, SandboxConfig, DEFAULT_SENDTALK_API_KEY};

const SEND: &str = "/api/v1/message/send_whatsapp";

fn start() -> Sandbox {
    Sandbox::start(SandboxConfig::default()).expect("sandbox starts")
}

fn connect(sb: &Sandbox) -> TcpStream {
    let stream = TcpStream::connect(sb.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    stream
}

/// One parsed answer: status code, header lines, body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response (Content-Length framed, as the sandbox always sends),
/// skipping interim 1xx answers.
fn read_answer(stream: &mut TcpStream) -> Option<Answer> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        while !buf.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).ok()? == 0 {
                return None;
            }
            buf.push(byte[0]);
            assert!(buf.len() < 64 * 1024, "runaway head");
        }
        let head = String::from_utf8_lossy(&buf).to_string();
        buf.clear();
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        if status < 200 {
            continue;
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0);
        let mut body = vec![0; length];
        stream.read_exact(&mut body).ok()?;
        return Some(Answer {
            status,
            headers,
            body,
        });
    }
}

fn exchange(stream: &mut TcpStream, raw: &[u8]) -> Option<Answer> {
    stream.write_all(raw).ok()?;
    read_answer(stream)
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: sandbox\r\n");
    for (k, v) in headers {
        raw.push_str(&format!("{k}: {v}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    raw
}

fn send_body() -> Vec<u8> {
    json!({"phone": "6281212345678", "messageType": "text", "body": "hi"})
        .to_string()
        .into_bytes()
}

const KEY: (&str, &str) = ("API-Key", DEFAULT_SENDTALK_API_KEY);

/// The server still answers a well-formed send on a fresh connection.
fn assert_still_serving(sb: &Sandbox) {
    let mut stream = connect(sb);
    let answer = exchange(&mut stream, &request("POST", SEND, &[KEY], &send_body())).unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["data"]["success"], true, "{answer:?}");
}

#[test]
fn bad_json_gets_a_40002_envelope_and_the_connection_stays_usable() {
    let sb = start();
    let mut stream = connect(&sb);
    for body in [&b"{\"phone\": "[..], b"[1,2", b"\xff\xfe", b"null"] {
        let answer = exchange(&mut stream, &request("POST", SEND, &[KEY], body)).unwrap();
        assert_eq!(answer.status, 200);
        let v = answer.json();
        assert_eq!(
            (v["status"].as_i64(), v["error"]["code"].as_str()),
            (Some(400), Some("40002")),
            "{v}"
        );
    }
    let answer = exchange(&mut stream, &request("POST", SEND, &[KEY], &send_body())).unwrap();
    assert_eq!(answer.json()["data"]["success"], true);
}

#[test]
fn a_wrong_method_gets_405_with_allow() {
    let sb = start();
    let mut stream = connect(&sb);
    for method in ["GET", "PUT", "DELETE"] {
        let answer = exchange(&mut stream, &request(method, SEND, &[KEY], b"")).unwrap();
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("Allow"), Some("POST"));
        assert_eq!(answer.json()["error"]["code"], "40500");
    }
    let list = "/api/integration/v1/inbox/case/get_updated_list";
    let answer = exchange(&mut stream, &request("POST", list, &[], b"{}")).unwrap();
    assert_eq!((answer.status, answer.header("Allow")), (405, Some("GET")));
    assert_still_serving(&sb);
}

#[test]
fn a_post_without_content_length_has_an_empty_body() {
    let sb = start();
    let mut stream = connect(&sb);
    let raw = format!(
        "POST {SEND} HTTP/1.1\r\nHost: sandbox\r\nAPI-Key: {DEFAULT_SENDTALK_API_KEY}\r\n\r\n"
    );
    let answer = exchange(&mut stream, raw.as_bytes()).unwrap();
    assert_eq!(answer.status, 200);
    let v = answer.json();
    assert_eq!(v["error"]["code"], "40002");
    assert_eq!(
        v["error"]["message"],
        "Request body is required (a JSON object)"
    );
    let answer = exchange(&mut stream, &request("POST", SEND, &[KEY], &send_body())).unwrap();
    assert_eq!(answer.json()["data"]["success"], true);
}

#[test]
fn a_10_mb_body_gets_413_and_the_connection_goes_on() {
    let sb = start();
    let mut stream = connect(&sb);
    let big = vec![b'x'; 10 * 1024 * 1024];
    let answer = exchange(&mut stream, &request("POST", SEND, &[KEY], &big)).unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"]["code"], "41300");
    let answer = exchange(&mut stream, &request("POST", SEND, &[KEY], &send_body())).unwrap();
    assert_eq!(answer.json()["data"]["success"], true);
    assert_eq!(sb.sendtalk_messages().as_array().unwrap().len(), 1);
}

#[test]
fn an_absurd_content_length_is_refused_without_waiting_for_it() {
    let sb = start();
    let mut stream = connect(&sb);
    let raw = format!(
        "POST {SEND} HTTP/1.1\r\nHost: s\r\nAPI-Key: {DEFAULT_SENDTALK_API_KEY}\r\nContent-Length: 100000000000\r\n\r\n{{}}"
    );
    let start = Instant::now();
    let answer = exchange(&mut stream, raw.as_bytes()).unwrap();
    assert_eq!(answer.status, 413);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_still_serving(&sb);
}

#[test]
fn a_body_that_never_arrives_times_out_with_408() {
    let sb = start();
    let mut stream = connect(&sb);
    let raw = format!(
        "POST {SEND} HTTP/1.1\r\nHost: s\r\nAPI-Key: {DEFAULT_SENDTALK_API_KEY}\r\nContent-Length: 5000\r\n\r\n{{\"phone\""
    );
    let start = Instant::now();
    let answer = exchange(&mut stream, raw.as_bytes()).unwrap();
    assert_eq!(answer.status, 408);
    assert_eq!(answer.json()["error"]["code"], "40800");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_still_serving(&sb);
}

#[test]
fn unknown_paths_garbage_and_half_requests_do_not_hurt() {
    let sb = start();
    let mut stream = connect(&sb);
    let answer = exchange(&mut stream, &request("POST", "/v1/unknown", &[KEY], b"{}")).unwrap();
    assert_eq!(
        (answer.status, answer.json()["error"]["code"].as_str()),
        (404, Some("40400"))
    );

    // Not HTTP at all: the server answers a bare 400 and closes.
    let mut garbage = connect(&sb);
    let answer = exchange(&mut garbage, b"\x16\x03\x01 hello there\r\n\r\n").unwrap();
    assert_eq!(answer.status, 400);

    // A client that sends half a request and leaves.
    let mut half = connect(&sb);
    half.write_all(b"POST /api/v1/message/send_whatsapp HTTP/1.1\r\nContent-Le")
        .unwrap();
    half.shutdown(Shutdown::Both).unwrap();

    // A body cut short by the client closing.
    let mut cut = connect(&sb);
    let raw = format!(
        "POST {SEND} HTTP/1.1\r\nHost: s\r\nContent-Length: 4000\r\n\r\n{}",
        "x".repeat(2000)
    );
    cut.write_all(raw.as_bytes()).unwrap();
    drop(cut);

    // `Connection: upgrade` must not hand the raw stream over to anyone: the body is
    // still read by its length, not until the client leaves.
    let mut upgrade = connect(&sb);
    let body = send_body();
    let raw = format!(
        "POST {SEND} HTTP/1.1\r\nHost: s\r\nConnection: Upgrade\r\nAPI-Key: {DEFAULT_SENDTALK_API_KEY}\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        String::from_utf8(body).unwrap()
    );
    let answer = exchange(&mut upgrade, raw.as_bytes()).unwrap();
    assert_eq!(answer.json()["data"]["success"], true, "{answer:?}");

    // Chunked bodies are understood.
    let body = send_body();
    let raw = format!(
        "POST {SEND} HTTP/1.1\r\nHost: s\r\nAPI-Key: {DEFAULT_SENDTALK_API_KEY}\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        body.len(),
        String::from_utf8(body).unwrap()
    );
    let answer = exchange(&mut stream, raw.as_bytes()).unwrap();
    assert_eq!(answer.json()["data"]["success"], true, "{answer:?}");
    assert_still_serving(&sb);
}

#[test]
fn eight_clients_times_500_requests_lose_nothing() {
    const CLIENTS: usize = 8;
    const REQUESTS: usize = 500;
    let sb = Sandbox::start(SandboxConfig {
        delivery_delay: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .unwrap();
    let url = sb.url();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let url = url.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let mut ids = Vec::with_capacity(REQUESTS);
                for n in 0..REQUESTS {
                    let body = json!({"phone": "6281212345678", "messageType": "text", "body": format!("{client}-{n}")});
                    let text = agent
                        .post(format!("{url}{SEND}"))
                        .header("API-Key", DEFAULT_SENDTALK_API_KEY)
                        .header("Content-Type", "application/json")
                        .send(body.to_string())
                        .expect("answered")
                        .body_mut()
                        .read_to_string()
                        .unwrap();
                    let v: Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(v["data"]["success"], true, "{v}");
                    ids.push(v["data"]["id"].as_str().unwrap().to_string());
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), CLIENTS * REQUESTS);
    let stored = sb.sendtalk_messages();
    let stored = stored.as_array().unwrap();
    assert_eq!(stored.len(), CLIENTS * REQUESTS);
    let mut bodies: Vec<&str> = stored.iter().map(|m| m["body"].as_str().unwrap()).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), CLIENTS * REQUESTS);
    assert!(
        stored.iter().all(|m| m["status"] == "sent"),
        "zero delay delivers everything"
    );
}

/// Regression (from the sandbox's tiny_http days, when a pool of threads queued a burst of
/// new keep-alive connections behind busy ones): 8 clients starting together each get
/// their first answer at once.
#[test]
fn a_burst_of_new_clients_is_served_at_once() {
    let sb = start();
    let config = json!({"sendtalk": {"base_url": sb.url(), "api_key": DEFAULT_SENDTALK_API_KEY},
                        "timeout_ms": 3000, "retry": {"max_attempts": 1}});
    for round in 0..5 {
        sb.reset();
        let client = std::sync::Arc::new(taptalk::Client::from_json(&config.to_string()).unwrap());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let client = client.clone();
                std::thread::spawn(move || {
                    (0..20)
                        .map(|n| {
                            let request = json!({"phone": "6281212345678", "messageType": "text", "body": format!("r{round}-{t}-{n}")});
                            client.call(taptalk::Operation::SendtalkSendWhatsapp, &request.to_string())
                        })
                        .filter(|reply| !reply.is_success())
                        .map(|reply| reply.into_json())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for thread in threads {
            let failures = thread.join().unwrap();
            assert!(failures.is_empty(), "round {round}: {failures:?}");
        }
        assert_eq!(sb.sendtalk_messages().as_array().unwrap().len(), 160);
    }
}
