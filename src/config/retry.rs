//! The retry policy (config key `retry`, and `tt_call`'s per-call `options_json`): how many
//! attempts and how long to wait. Which failures may be repeated at all is the attempt
//! loop's rule (`client/attempts.rs`); this is only the numbers.

use std::time::Duration;

use serde_json::Value;

use super::rules::{number_at, refuse_unknown, ConfigError};

/// Defaults: on, modest, and bounded so a call never hangs for long.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// First backoff ceiling; doubles per attempt.
pub const DEFAULT_BASE_DELAY_MS: u64 = 100;
/// Largest backoff between two attempts.
pub const DEFAULT_MAX_DELAY_MS: u64 = 2_000;
/// Total time for all attempts and waits of one call.
pub const DEFAULT_DEADLINE_MS: u64 = 60_000;

/// The retry policy of a client, or of one call (`tt_call`'s `options_json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, including the first; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff ceiling before the second attempt; doubles after each further one.
    pub base_delay: Duration,
    /// Cap on any single backoff (not on a server's `Retry-After`, which the deadline caps).
    pub max_delay: Duration,
    /// Total time budget for the call: attempts, waits and `Retry-After` together.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: Duration::from_millis(DEFAULT_BASE_DELAY_MS),
            max_delay: Duration::from_millis(DEFAULT_MAX_DELAY_MS),
            deadline: Duration::from_millis(DEFAULT_DEADLINE_MS),
        }
    }
}

impl RetryPolicy {
    /// This policy with the keys present in `section` (at config path `path`) replaced.
    pub(crate) fn merged(self, section: &Value, path: &str) -> Result<RetryPolicy, ConfigError> {
        let Some(map) = section.as_object() else {
            return Err(ConfigError::new(path, format!("{path} must be an object")));
        };
        const KEYS: [&str; 4] = [
            "max_attempts",
            "base_delay_ms",
            "max_delay_ms",
            "deadline_ms",
        ];
        refuse_unknown(map, path, &KEYS)?;
        let number = |key: &str, min: u64| -> Result<Option<u64>, ConfigError> {
            number_at(map, key, min, &format!("{path}.{key}"))
        };
        let mut policy = self;
        if let Some(n) = number("max_attempts", 1)? {
            policy.max_attempts = u32::try_from(n.min(100)).unwrap_or(100);
        }
        if let Some(ms) = number("base_delay_ms", 0)? {
            policy.base_delay = Duration::from_millis(ms);
        }
        if let Some(ms) = number("max_delay_ms", 0)? {
            policy.max_delay = Duration::from_millis(ms);
        }
        if let Some(ms) = number("deadline_ms", 1)? {
            policy.deadline = Duration::from_millis(ms);
        }
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_section_overrides_only_its_keys() {
        let merged = RetryPolicy::default()
            .merged(&serde_json::json!({"max_attempts": 1}), "retry")
            .unwrap();
        assert_eq!(merged.max_attempts, 1);
        assert_eq!(merged.deadline, RetryPolicy::default().deadline);
        let err = RetryPolicy::default()
            .merged(&serde_json::json!({"max_attempts": 0}), "retry")
            .unwrap_err();
        assert_eq!(err.key, "retry.max_attempts");
        let err = RetryPolicy::default()
            .merged(&serde_json::json!({"attempts": 2}), "retry")
            .unwrap_err();
        assert_eq!(err.key, "retry.attempts");
    }
}
