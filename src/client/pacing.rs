//! Pacing shared by the calls of one batch (`batch.rs`): a server that answers 429 (or 503
//! with `Retry-After`) slows the whole batch, not only the worker that heard it, and an
//! optional rate caps how many attempts start per second.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When the next attempt of the batch may start.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// Between two attempt starts: `1 / rate_per_second`, when a rate is set.
    interval: Option<Duration>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// No attempt starts before this (a server's "not now").
    paused_until: Instant,
    /// The next free start slot under the rate.
    next_start: Instant,
}

impl Pacer {
    pub(crate) fn new(rate_per_second: Option<f64>) -> Pacer {
        let now = Instant::now();
        Pacer {
            interval: rate_per_second
                .filter(|rate| *rate > 0.0)
                .map(|rate| Duration::from_secs_f64(1.0 / rate)),
            state: Mutex::new(State {
                paused_until: now,
                next_start: now,
            }),
        }
    }

    /// How long the caller must wait before its attempt starts; reserves its start slot.
    pub(crate) fn wait_before_attempt(&self) -> Duration {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut start = state.paused_until.max(now);
        if let Some(interval) = self.interval {
            start = start.max(state.next_start);
            state.next_start = start + interval;
        }
        start - now
    }

    /// Every attempt of the batch waits at least `wait` from now.
    pub(crate) fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.paused_until = state.paused_until.max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_spaces_the_starts_and_a_pause_holds_everyone() {
        let pacer = Pacer::new(Some(10.0));
        let waits: Vec<Duration> = (0..4).map(|_| pacer.wait_before_attempt()).collect();
        for (i, wait) in waits.iter().enumerate() {
            let slot = Duration::from_millis(100) * i as u32;
            assert!(
                *wait <= slot && *wait + Duration::from_millis(20) >= slot,
                "{waits:?}"
            );
        }
        let unpaced = Pacer::new(None);
        assert_eq!(unpaced.wait_before_attempt(), Duration::ZERO);
        unpaced.pause(Duration::from_secs(2));
        let wait = unpaced.wait_before_attempt();
        assert!(wait > Duration::from_millis(1900) && wait <= Duration::from_secs(2));
    }
}
