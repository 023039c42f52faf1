//! A tiny HTTP client over ureq for the sandbox's own tests.
#![allow(dead_code)]

pub mod wire;

use serde_json::Value;
use std::time::Duration;
use taptalk_sandbox::{Sandbox, SandboxConfig};

pub fn start() -> Sandbox {
    start_with(SandboxConfig::default())
}

pub fn start_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).expect("sandbox starts")
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// An answer: HTTP status, the envelope, and the Retry-After header if any.
#[derive(Debug)]
pub struct Answer {
    pub http: u16,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl Answer {
    pub fn status(&self) -> i64 {
        self.body["status"].as_i64().unwrap_or(-1)
    }
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("?")
    }
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("?")
    }
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("?")
    }
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
}

fn answer(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Answer, String> {
    let mut response = result.map_err(|e| e.to_string())?;
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    Ok(Answer {
        http: response.status().as_u16(),
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        retry_after,
    })
}

pub fn try_post(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Result<Answer, String> {
    let mut request = agent.post(url).header("Content-Type", "application/json");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    answer(request.send(body.to_string()))
}

pub fn post(agent: &ureq::Agent, url: &str, headers: &[(&str, &str)], body: &Value) -> Answer {
    try_post(agent, url, headers, body).expect("request answered")
}

pub fn get(agent: &ureq::Agent, url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = agent.get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    answer(request.call()).expect("request answered")
}

pub const SENDTALK_KEY: (&str, &str) = ("API-Key", taptalk_sandbox::DEFAULT_SENDTALK_API_KEY);
pub const ONETALK_KEY: (&str, &str) = ("API-Key", taptalk_sandbox::DEFAULT_ONETALK_API_KEY);

/// Polls until `done` holds, for at most `limit`.
pub fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}
