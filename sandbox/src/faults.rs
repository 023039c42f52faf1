//! Injected faults (`POST /_sandbox/faults`): what each kind does, how its JSON reads, and
//! the queue that hands one use of a fault to each request it applies to.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;

/// What an injected fault does to the request that consumes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Answer this HTTP status instead of handling the request.
    Status { status: u16, body: Option<String> },
    /// HTTP 429 with this `Retry-After` value.
    RetryAfter(String),
    /// Drop the connection without reading the body or answering.
    ResetBeforeRead,
    /// Read and handle the request (a send is stored), then drop the
    /// connection without answering: the client cannot know it went through.
    ResetAfterRead,
    /// The server closes an idle kept-alive connection just as the client reuses it; each
    /// side of that race on its own, so a test can produce either deterministically.
    IdleClose(IdleSide),
}

/// Which side of the idle-close race an `idle_close` fault produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleSide {
    /// `"after_reply"`: answer this request normally (no `Connection: close`), then close
    /// the connection (FIN) the moment the answer is out, as an idle timeout firing before
    /// the client writes again would. A careful client notices and connects afresh.
    AfterReply,
    /// `"on_reuse"`: the next request that arrives on a reused connection (not the first
    /// on it) is not read: the connection is closed with no answer, as when the server's
    /// idle close crossed the client's write. Requests on fresh connections pass untouched
    /// and leave the fault pending.
    OnReuse,
}

impl FaultKind {
    /// Whether the fault may be used by a request that is the `reused` (or first) one on
    /// its connection.
    fn applies(&self, reused: bool) -> bool {
        reused || *self != FaultKind::IdleClose(IdleSide::OnReuse)
    }
}

#[derive(Debug, Clone)]
pub struct Fault {
    /// An API path, or "*" for every API path.
    pub path: String,
    pub remaining: u32,
    pub kind: FaultKind,
}

const MAX_COUNT: u64 = 10_000;
const MAX_DELAY_MS: u64 = 60_000;

impl Fault {
    /// Parses the body of `POST /_sandbox/faults`; the error names the field.
    pub fn from_json(v: &Value) -> Result<Fault, (String, String)> {
        let bad = |field: &str, message: &str| Err((field.to_string(), message.to_string()));
        let Some(path) = v["path"].as_str().filter(|p| !p.is_empty()) else {
            return bad(
                "path",
                "path is required (an API path such as /api/v1/message/send_whatsapp, or \"*\")",
            );
        };
        if path.starts_with("/_sandbox") {
            return bad("path", "the control API cannot be faulted");
        }
        let count = match &v["count"] {
            Value::Null => 1,
            c => match c.as_u64() {
                Some(n) if (1..=MAX_COUNT).contains(&n) => n,
                _ => return bad("count", "count must be an integer from 1 to 10000"),
            },
        };
        let kind = match v["kind"].as_str().unwrap_or("") {
            "delay" => match v["delay_ms"].as_u64() {
                Some(ms) if ms <= MAX_DELAY_MS => FaultKind::Delay(Duration::from_millis(ms)),
                _ => return bad("delay_ms", "delay_ms must be an integer from 0 to 60000"),
            },
            "status" => {
                let status = match &v["status"] {
                    Value::Null => 500,
                    s => match s.as_u64() {
                        Some(s) if (400..=599).contains(&s) => s as u16,
                        _ => return bad("status", "status must be an HTTP status from 400 to 599"),
                    },
                };
                let body = v["body"].as_str().map(str::to_string);
                FaultKind::Status { status, body }
            }
            "retry_after" => {
                let value = match &v["retry_after"] {
                    Value::Null => "1".to_string(),
                    Value::String(s) if !s.is_empty() && s.len() <= 64 => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return bad("retry_after", "retry_after must be a short string"),
                };
                FaultKind::RetryAfter(value)
            }
            "reset_before_read" => FaultKind::ResetBeforeRead,
            "reset_after_read" => FaultKind::ResetAfterRead,
            "idle_close" => match v["when"].as_str() {
                Some("after_reply") => FaultKind::IdleClose(IdleSide::AfterReply),
                Some("on_reuse") => FaultKind::IdleClose(IdleSide::OnReuse),
                _ => return bad("when", "when must be \"after_reply\" or \"on_reuse\""),
            },
            _ => return bad(
                "kind",
                "kind must be one of delay, status, retry_after, reset_before_read, reset_after_read, idle_close",
            ),
        };
        Ok(Fault {
            path: path.to_string(),
            remaining: count as u32,
            kind,
        })
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({ "path": self.path, "count": self.remaining });
        match &self.kind {
            FaultKind::Delay(d) => {
                v["kind"] = json!("delay");
                v["delay_ms"] = json!(d.as_millis() as u64);
            }
            FaultKind::Status { status, body } => {
                v["kind"] = json!("status");
                v["status"] = json!(status);
                if let Some(body) = body {
                    v["body"] = json!(body);
                }
            }
            FaultKind::RetryAfter(value) => {
                v["kind"] = json!("retry_after");
                v["retry_after"] = json!(value);
            }
            FaultKind::ResetBeforeRead => v["kind"] = json!("reset_before_read"),
            FaultKind::ResetAfterRead => v["kind"] = json!("reset_after_read"),
            FaultKind::IdleClose(side) => {
                v["kind"] = json!("idle_close");
                v["when"] = json!(match side {
                    IdleSide::AfterReply => "after_reply",
                    IdleSide::OnReuse => "on_reuse",
                });
            }
        }
        v
    }
}

/// Pending faults, consumed in the order they were added.
#[derive(Debug, Default)]
pub struct Faults {
    queue: VecDeque<Fault>,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) {
        self.queue.push_back(fault);
    }

    /// Takes one use of the first fault for this path that applies to a request arriving
    /// on a `reused` connection (or a fresh one); a fault for the exact path wins over a
    /// "*" one added earlier.
    pub fn take(&mut self, path: &str, reused: bool) -> Option<FaultKind> {
        let fits = |f: &Fault, p: &str| f.path == p && f.kind.applies(reused);
        let index = self
            .queue
            .iter()
            .position(|f| fits(f, path))
            .or_else(|| self.queue.iter().position(|f| fits(f, "*")))?;
        let fault = &mut self.queue[index];
        let kind = fault.kind.clone();
        fault.remaining -= 1;
        if fault.remaining == 0 {
            self.queue.remove(index);
        }
        Some(kind)
    }

    pub fn to_json(&self) -> Value {
        Value::Array(self.queue.iter().map(Fault::to_json).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_consumed_per_path_and_count() {
        let mut faults = Faults::default();
        let f =
            Fault::from_json(&json!({"path": "/a", "count": 2, "kind": "status", "status": 503}))
                .unwrap();
        faults.add(f);
        faults.add(Fault::from_json(&json!({"path": "*", "kind": "reset_before_read"})).unwrap());
        assert_eq!(faults.take("/b", false), Some(FaultKind::ResetBeforeRead));
        assert_eq!(faults.take("/b", false), None);
        let status = FaultKind::Status {
            status: 503,
            body: None,
        };
        assert_eq!(faults.take("/a", false), Some(status.clone()));
        assert_eq!(faults.take("/a", true), Some(status));
        assert_eq!(faults.take("/a", false), None);
    }

    #[test]
    fn an_on_reuse_idle_close_waits_for_a_reused_connection() {
        let mut faults = Faults::default();
        let spec = json!({"path": "*", "kind": "idle_close", "when": "on_reuse"});
        faults.add(Fault::from_json(&spec).unwrap());
        let after = json!({"path": "/a", "kind": "idle_close", "when": "after_reply"});
        faults.add(Fault::from_json(&after).unwrap());
        assert_eq!(
            faults.to_json()[0],
            json!({"path": "*", "count": 1, "kind": "idle_close", "when": "on_reuse"})
        );
        assert_eq!(faults.take("/b", false), None);
        assert_eq!(
            faults.take("/a", false),
            Some(FaultKind::IdleClose(IdleSide::AfterReply))
        );
        assert_eq!(
            faults.take("/b", true),
            Some(FaultKind::IdleClose(IdleSide::OnReuse))
        );
        assert_eq!(faults.to_json(), json!([]));
        let err = Fault::from_json(&json!({"path": "*", "kind": "idle_close"})).unwrap_err();
        assert_eq!(err.0, "when");
    }

    #[test]
    fn bad_fault_specs_name_their_field() {
        let err = |v: Value| Fault::from_json(&v).unwrap_err().0;
        assert_eq!(err(json!({"kind": "delay"})), "path");
        assert_eq!(err(json!({"path": "/a", "kind": "explode"})), "kind");
        assert_eq!(err(json!({"path": "/a", "kind": "delay"})), "delay_ms");
        assert_eq!(
            err(json!({"path": "/a", "kind": "status", "status": 200})),
            "status"
        );
        assert_eq!(
            err(json!({"path": "/a", "kind": "status", "count": 0})),
            "count"
        );
        assert_eq!(
            err(json!({"path": "/_sandbox/reset", "kind": "status"})),
            "path"
        );
    }
}
