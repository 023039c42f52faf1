//! The request log: one entry per API request, as `GET /_sandbox/requests` shows it.

use serde_json::{json, Value};
use std::collections::VecDeque;

/// Old entries fall off so a long-running sandbox stays bounded in memory.
const LOG_CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<Value>,
    next_seq: u64,
}

impl RequestLog {
    pub fn push(&mut self, mut entry: Value) {
        self.next_seq += 1;
        entry["seq"] = json!(self.next_seq);
        if self.entries.len() == LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn to_json(&self, path: Option<&str>) -> Value {
        Value::Array(
            self.entries
                .iter()
                .filter(|e| path.is_none_or(|p| e["path"] == p))
                .cloned()
                .collect(),
        )
    }
}
