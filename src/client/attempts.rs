//! The one attempt loop, for named operations and raw requests alike: send, judge the
//! attempt, wait, repeat, and the envelope the call ends with.
//!
//! The rule that matters most: a send is repeated only when the request provably never
//! reached the server (no connection, TLS refused, or the server said "not now" with
//! `Retry-After`). After a timeout or a broken connection once bytes were written, its
//! outcome is unknown and it is handed back to the caller with code 91010 instead. Reads
//! and idempotent writes (the operation table says which) are also repeated when the server
//! may or may not have processed them.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};

use super::pacing::Pacer;
use crate::cancel;
use crate::config::RetryPolicy;
use crate::envelope::{Envelope, LocalCode};
use crate::log::{self, level};
use crate::transport::{cancelled, Attempt, Delivery, Transport, WireRequest};

/// What the retry loop and the log lines need to know about a call: its name in log lines,
/// and whether it must never be repeated once written (a send).
pub(crate) struct CallKind<'a> {
    pub name: &'a str,
    pub sends: bool,
}

/// Whether repeating this attempt is safe and may help.
fn may_repeat(op: &CallKind, attempt: &Attempt) -> bool {
    let idempotent = !op.sends;
    match attempt.delivery {
        // Nothing reached the server: safe for every operation.
        Delivery::NotSent => true,
        // Nothing reached the server, and repeating cannot help (a certificate that fails).
        Delivery::Refused => false,
        // The request may have been processed: only a read or an idempotent update.
        Delivery::Unknown => idempotent,
        Delivery::Answered => match attempt.http_status {
            // "Not now": the server did not process it. A send relies on that only when
            // the server says so explicitly with Retry-After.
            Some(429 | 503) => idempotent || attempt.retry_after.is_some(),
            // A gateway may have forwarded the request before failing.
            Some(502 | 504) => idempotent,
            _ => false,
        },
    }
}

/// The envelope a call ends with: a send whose outcome is unknown says so; a local failure
/// after several attempts says how many.
fn finish(op: &CallKind, attempt: Attempt, attempts: u32) -> Envelope {
    let cause = attempt.envelope;
    if op.sends && attempt.delivery == Delivery::Unknown {
        let message = format!(
            "Outcome unknown: {}. The message may have been sent, so it was not retried; check before sending again (SendTalk: keep the request and ask get_status if you have an id)",
            cause.message().trim_end_matches('.')
        );
        let data = serde_json::json!({"attempts": attempts, "cause": cause.code()});
        return Envelope::with_data(
            LocalCode::OutcomeUnknown.status(),
            LocalCode::OutcomeUnknown,
            message,
            "",
            data,
        );
    }
    match cause.local_code() {
        Some(code) if attempts > 1 => {
            let message = format!("{} (after {attempts} attempts)", cause.message());
            let mut data = match cause.data() {
                Value::Object(data) => data,
                _ => Map::new(),
            };
            data.insert("attempts".to_owned(), attempts.into());
            Envelope::with_data(
                cause.status(),
                code,
                message,
                cause.field(),
                Value::Object(data),
            )
        }
        _ => cause,
    }
}

fn log_attempt(
    op: &CallKind,
    number: u32,
    max: u32,
    phone: Option<&str>,
    attempt: &Attempt,
    took: Duration,
    wait: Option<Duration>,
) {
    let severity = match (wait, attempt.http_status) {
        (Some(_), _) => level::WARN,
        (None, Some(_)) => level::INFO,
        (None, None) => level::ERROR,
    };
    log::emit(severity, || {
        let to = phone.map(|p| format!(" to {p}")).unwrap_or_default();
        let http = attempt
            .http_status
            .map_or_else(|| "no HTTP reply".to_owned(), |s| format!("HTTP {s}"));
        let envelope = &attempt.envelope;
        let outcome = if envelope.code().is_empty() {
            format!("status {}", envelope.status())
        } else {
            format!("status {} code {}", envelope.status(), envelope.code())
        };
        let next = wait.map_or_else(String::new, |w| {
            format!("; retrying in {} ms", w.as_millis())
        });
        format!(
            "{} attempt {number}/{max}{to}: {http}, {outcome}, {:.1} ms{next}",
            op.name,
            took.as_secs_f64() * 1000.0
        )
    });
}

/// Sends `wire`, repeating it while the policy and the rules allow; `timeout` is the
/// client's per-attempt limit (timeout_ms). In a batch, `pacer` holds every attempt of it
/// back after a server's "not now", and to its rate. A cancellation (`crate::cancel`) ends
/// the loop at once, before the next attempt or during a wait.
pub(crate) fn run(
    transport: &Transport,
    timeout: Duration,
    op: &CallKind,
    wire: &WireRequest,
    policy: &RetryPolicy,
    phone: Option<&str>,
    pacer: Option<&Pacer>,
) -> Envelope {
    let started = Instant::now();
    // Whether an earlier attempt may have reached the server (what a cancellation reports).
    let mut reached = false;
    let mut number = 1;
    loop {
        if let Some(pacer) = pacer {
            let hold = pacer.wait_before_attempt();
            if !hold.is_zero() && cancel::sleep(hold) {
                return cancelled(reached);
            }
        }
        if cancel::requested() {
            return cancelled(reached);
        }
        let remaining = policy.deadline.saturating_sub(started.elapsed());
        let timeout = timeout.min(remaining).max(Duration::from_millis(1));
        let attempt_started = Instant::now();
        let attempt = transport.exchange(wire, timeout);
        let took = attempt_started.elapsed();
        reached |= matches!(attempt.delivery, Delivery::Unknown | Delivery::Answered);
        if let (Some(pacer), Some(429 | 503)) = (pacer, attempt.http_status) {
            // "Not now" to one is "not now" to the whole batch.
            pacer.pause(
                attempt
                    .retry_after
                    .unwrap_or_else(|| backoff(policy, number)),
            );
        }

        let wait =
            if number < policy.max_attempts && !cancel::requested() && may_repeat(op, &attempt) {
                let wait = attempt
                    .retry_after
                    .unwrap_or_else(|| backoff(policy, number));
                // Retry-After is honoured, but never past the call's deadline.
                // Saturating: a huge Retry-After (u64::MAX seconds) must not overflow.
                (started.elapsed().saturating_add(wait) < policy.deadline).then_some(wait)
            } else {
                None
            };
        log_attempt(op, number, policy.max_attempts, phone, &attempt, took, wait);
        match wait {
            Some(wait) => {
                if cancel::sleep(wait) {
                    return finish(op, cancelled_after(attempt, reached), number);
                }
                number += 1;
            }
            None => return finish(op, attempt, number),
        }
    }
}

/// The attempt a cancellation during the wait after `attempt` ends the call with.
fn cancelled_after(attempt: Attempt, reached: bool) -> Attempt {
    Attempt {
        envelope: cancelled(reached),
        delivery: if reached {
            Delivery::Unknown
        } else {
            Delivery::NotSent
        },
        ..attempt
    }
}

/// The request's phone number, masked for the log lines (`phone` for SendTalk and OneTalk,
/// `userPhone` for verifications). Masked only when a line may be written: the call path
/// stays allocation-free otherwise.
pub(crate) fn masked_phone(request: &Map<String, Value>) -> Option<String> {
    ["phone", "userPhone"]
        .iter()
        .find_map(|key| request.get(*key))
        .and_then(Value::as_str)
        .filter(|_| log::enabled(level::ERROR))
        .map(log::mask_phone)
}

/// Full jitter: a uniform wait in `[0, min(max_delay, base_delay * 2^(retry-1))]`, so that
/// clients failing together do not retry together.
fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let ceiling = policy
        .base_delay
        .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
        .min(policy.max_delay);
    let ceiling_ms = ceiling.as_millis() as u64;
    if ceiling_ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(random_u64() % (ceiling_ms + 1))
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
            assert!(backoff(&policy, 1) <= Duration::from_millis(100));
            assert!(backoff(&policy, 2) <= Duration::from_millis(200));
            assert!(backoff(&policy, 5) <= Duration::from_millis(250));
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|_| backoff(&policy, 2)).collect();
        assert!(spread.len() > 5, "jitter varies the wait");
    }
}
