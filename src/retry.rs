//! When a failed attempt may be repeated, and how long to wait first.
//!
//! The rule that matters most: a send is repeated only when the request provably never
//! reached the server (no connection, TLS refused, or the server said "not now" with
//! `Retry-After`). After a timeout or a broken connection once bytes were written, its
//! outcome is unknown and it is handed back to the caller with code 91010 instead.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::config::{refuse_unknown, ConfigError};

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

    /// Full jitter: a uniform wait in `[0, min(max_delay, base_delay * 2^(retry-1))]`, so
    /// that clients failing together do not retry together.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
            .min(self.max_delay);
        let ceiling_ms = ceiling.as_millis() as u64;
        if ceiling_ms == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(random_u64() % (ceiling_ms + 1))
    }
}

fn number_at(
    map: &Map<String, Value>,
    key: &str,
    min: u64,
    path: &str,
) -> Result<Option<u64>, ConfigError> {
    match map.get(key) {
        None => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n >= min => Ok(Some(n)),
            _ => Err(ConfigError::new(
                path,
                format!("{path} must be a whole number of at least {min}"),
            )),
        },
    }
}

/// A random number without a dependency: std seeds each `RandomState` from the OS once
/// per thread and perturbs it per instance.
fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

/// `Retry-After` as seconds or an HTTP date, as a wait from now.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_within_the_doubling_ceiling_and_the_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(5) <= Duration::from_millis(250));
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|_| policy.backoff(2)).collect();
        assert!(spread.len() > 5, "jitter varies the wait");
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        let soon = SystemTime::now() + Duration::from_secs(30);
        let wait = parse_retry_after(&httpdate::fmt_http_date(soon)).unwrap();
        assert!(wait > Duration::from_secs(27) && wait <= Duration::from_secs(30));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

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
