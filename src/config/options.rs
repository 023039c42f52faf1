//! Per-call options (`options_json` of `tt_call` and `tt_request`): the one parser for
//! named operations and raw requests.
//!
//! `{"retry": {...}}` replaces the client's retry settings for one call (keys given only);
//! a raw request also takes `"safe_to_repeat": true`, which lets a POST be repeated like a
//! read. A named operation refuses that key: whether it may be repeated is the operation
//! table's to say, never the caller's.

use super::retry::RetryPolicy;
use super::rules::{flag, object, refuse_unknown, Parsed};

/// What `options_json` set for one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CallOptions {
    /// The client's retry policy with the call's `retry` keys replaced.
    pub retry: RetryPolicy,
    /// Raw requests only: a POST may be repeated like a read.
    pub safe_to_repeat: bool,
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

    fn parse(base: &RetryPolicy, json: Option<&str>, known: &[&str]) -> Parsed<CallOptions> {
        let mut options = CallOptions {
            retry: *base,
            safe_to_repeat: false,
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
