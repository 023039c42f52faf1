//! Per-call options (`options_json` of `tt_call` and `tt_request`): the one parser for
//! named operations and raw requests.
//!
//! `{"retry": {...}}` replaces the client's retry settings for one call (keys given only);
//! a raw request also takes `"safe_to_repeat": true`, which lets a POST be repeated like a
//! read. A named operation refuses that key: whether it may be repeated is the operation
//! table's to say, never the caller's. A batch (`tt_call_many`) also takes `concurrency`
//! (1 to [`MAX_CONCURRENCY`], default [`DEFAULT_CONCURRENCY`]) and `rate_per_second`.

use serde_json::Value;

use super::retry::RetryPolicy;
use super::rules::{flag, number_at, object, refuse_unknown, ConfigError, Parsed};

/// Requests of a batch in flight at once, unless the options say otherwise.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// The most a batch may have in flight at once (each is a thread of the calling process).
pub const MAX_CONCURRENCY: usize = 256;

/// What `options_json` set for one call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct CallOptions {
    /// The client's retry policy with the call's `retry` keys replaced.
    pub retry: RetryPolicy,
    /// Raw requests only: a POST may be repeated like a read.
    pub safe_to_repeat: bool,
    /// Batches only: requests in flight at once.
    pub concurrency: usize,
    /// Batches only: the most attempts started per second (none: as fast as answered).
    pub rate_per_second: Option<f64>,
}

impl CallOptions {
    /// The options of a named operation (`tt_call`): `retry` only.
    pub(crate) fn for_operation(base: &RetryPolicy, json: Option<&str>) -> Parsed<CallOptions> {
        CallOptions::parse(base, json, &["retry"])
    }

    /// The options of a raw request (`tt_request`): `retry` and `safe_to_repeat`.
    pub(crate) fn for_raw_request(base: &RetryPolicy, json: Option<&str>) -> Parsed<CallOptions> {
        CallOptions::parse(base, json, &["retry", "safe_to_repeat"])
    }

    /// The options of a batch (`tt_call_many`): `retry`, `concurrency`, `rate_per_second`.
    pub(crate) fn for_batch(base: &RetryPolicy, json: Option<&str>) -> Parsed<CallOptions> {
        CallOptions::parse(base, json, &["retry", "concurrency", "rate_per_second"])
    }

    fn parse(base: &RetryPolicy, json: Option<&str>, known: &[&str]) -> Parsed<CallOptions> {
        let mut options = CallOptions {
            retry: *base,
            safe_to_repeat: false,
            concurrency: DEFAULT_CONCURRENCY,
            rate_per_second: None,
        };
        let Some(text) = json else {
            return Ok(options);
        };
        let map = object(text, "The options are")?;
        refuse_unknown(&map, "", known)?;
        if let Some(section) = map.get("retry") {
            options.retry = base.merged(section, "retry")?;
        }
        if let Some(safe) = flag(&map, "safe_to_repeat", "safe_to_repeat")? {
            options.safe_to_repeat = safe;
        }
        if let Some(n) = number_at(&map, "concurrency", 1, "concurrency")? {
            if n > MAX_CONCURRENCY as u64 {
                return Err(ConfigError::new(
                    "concurrency",
                    format!("concurrency must be at most {MAX_CONCURRENCY}"),
                ));
            }
            options.concurrency = n as usize;
        }
        match map.get("rate_per_second") {
            None => {}
            Some(Value::Number(n)) if n.as_f64().is_some_and(|r| r > 0.0 && r.is_finite()) => {
                options.rate_per_second = n.as_f64();
            }
            Some(_) => {
                return Err(ConfigError::new(
                    "rate_per_second",
                    "rate_per_second must be a number above 0",
                ))
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_operation_takes_retry_and_refuses_safe_to_repeat() {
        let base = RetryPolicy::default();
        let options =
            CallOptions::for_operation(&base, Some(r#"{"retry": {"max_attempts": 1}}"#)).unwrap();
        assert_eq!(options.retry.max_attempts, 1);
        assert_eq!(options.retry.deadline, base.deadline);
        let err =
            CallOptions::for_operation(&base, Some(r#"{"safe_to_repeat": true}"#)).unwrap_err();
        assert_eq!(err.key, "safe_to_repeat");
        assert_eq!(CallOptions::for_operation(&base, None).unwrap().retry, base);
    }

    #[test]
    fn a_batch_takes_concurrency_and_a_rate_within_bounds() {
        let base = RetryPolicy::default();
        let options = CallOptions::for_batch(&base, None).unwrap();
        assert_eq!(
            (options.concurrency, options.rate_per_second),
            (DEFAULT_CONCURRENCY, None)
        );
        let options = CallOptions::for_batch(
            &base,
            Some(r#"{"concurrency": 64, "rate_per_second": 2.5}"#),
        )
        .unwrap();
        assert_eq!(
            (options.concurrency, options.rate_per_second),
            (64, Some(2.5))
        );
        for (bad, key) in [
            (r#"{"concurrency": 0}"#, "concurrency"),
            (r#"{"concurrency": 257}"#, "concurrency"),
            (r#"{"rate_per_second": 0}"#, "rate_per_second"),
            (r#"{"rate_per_second": "5"}"#, "rate_per_second"),
            (r#"{"safe_to_repeat": true}"#, "safe_to_repeat"),
        ] {
            assert_eq!(
                CallOptions::for_batch(&base, Some(bad)).unwrap_err().key,
                key,
                "{bad}"
            );
        }
    }

    #[test]
    fn a_raw_request_takes_safe_to_repeat_as_a_boolean() {
        let base = RetryPolicy::default();
        let options =
            CallOptions::for_raw_request(&base, Some(r#"{"safe_to_repeat": true}"#)).unwrap();
        assert!(options.safe_to_repeat);
        let err =
            CallOptions::for_raw_request(&base, Some(r#"{"safe_to_repeat": 1}"#)).unwrap_err();
        assert_eq!(
            (err.key.as_str(), err.message.as_str()),
            ("safe_to_repeat", "safe_to_repeat must be true or false")
        );
        let err = CallOptions::for_raw_request(&base, Some("[]")).unwrap_err();
        assert_eq!(err.message, "The options must be a JSON object");
        let err = CallOptions::for_raw_request(&base, Some("{")).unwrap_err();
        assert!(err.message.starts_with("The options are not valid JSON: "));
    }
}
