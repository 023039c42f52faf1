//! The sandbox clock: Unix milliseconds that never go backwards, which a test may freeze
//! and advance (`POST /_sandbox/clock`).

use serde_json::{json, Value};
use std::sync::{Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Unix milliseconds that never go backwards, so `updatedTime` ordering and
/// SendTalk's virtual delivery stay consistent even if the wall clock jumps.
///
/// A test may freeze it (every request then sees the same millisecond, so
/// several cases can share one `updatedTime` deterministically), move it
/// forward, and let it run again from where it stood.
#[derive(Debug)]
pub struct Clock {
    base_instant: Instant,
    base_unix_ms: u64,
    control: Mutex<Control>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Control {
    /// Added to the running time: advances, minus the time spent frozen.
    offset_ms: i64,
    /// While frozen, the time every reader sees.
    frozen_at: Option<u64>,
}

/// Largest single `advance_ms`: a year, far beyond any test's need.
pub const MAX_ADVANCE_MS: u64 = 365 * 24 * 3600 * 1000;

impl Clock {
    pub fn new() -> Clock {
        let base_unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            base_instant: Instant::now(),
            base_unix_ms,
            control: Mutex::new(Control::default()),
        }
    }

    /// The lock guards two numbers and is never held across anything else.
    fn lock(&self) -> MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn running_ms(&self, offset_ms: i64) -> u64 {
        let real = self.base_unix_ms + self.base_instant.elapsed().as_millis() as u64;
        (real as i64).saturating_add(offset_ms).max(0) as u64
    }

    pub fn now_ms(&self) -> u64 {
        let control = *self.lock();
        control
            .frozen_at
            .unwrap_or_else(|| self.running_ms(control.offset_ms))
    }

    /// Stops the clock at the current time (no-op when already frozen).
    pub fn freeze(&self) -> u64 {
        let mut control = self.lock();
        let now = control
            .frozen_at
            .unwrap_or_else(|| self.running_ms(control.offset_ms));
        control.frozen_at = Some(now);
        now
    }

    /// Lets a frozen clock run again from the time it shows: no jump.
    pub fn resume(&self) -> u64 {
        let mut control = self.lock();
        if let Some(at) = control.frozen_at.take() {
            let real = self.running_ms(0) as i64;
            control.offset_ms = at as i64 - real;
        }
        self.running_ms(control.offset_ms)
    }

    /// Moves the clock forward, frozen or running.
    pub fn advance(&self, ms: u64) -> u64 {
        let ms = ms.min(MAX_ADVANCE_MS);
        let mut control = self.lock();
        match control.frozen_at.as_mut() {
            Some(at) => {
                *at += ms;
                *at
            }
            None => {
                control.offset_ms += ms as i64;
                self.running_ms(control.offset_ms)
            }
        }
    }

    pub fn to_json(&self) -> Value {
        let frozen = self.lock().frozen_at.is_some();
        json!({ "now_ms": self.now_ms(), "frozen": frozen })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_frozen_clock_stands_still_advances_on_demand_and_resumes_without_a_jump() {
        let clock = Clock::new();
        let at = clock.freeze();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(clock.now_ms(), at);
        assert_eq!(clock.freeze(), at, "freezing twice keeps the time");
        assert_eq!(clock.advance(5), at + 5);
        assert_eq!(clock.now_ms(), at + 5);
        let resumed = clock.resume();
        assert!(
            resumed >= at + 5 && resumed < at + 5 + 1000,
            "{resumed} vs {at}"
        );
        std::thread::sleep(Duration::from_millis(20));
        let later = clock.now_ms();
        assert!(later >= resumed + 15, "it runs again: {later} vs {resumed}");
        let advanced = clock.advance(10_000);
        assert!(advanced >= later + 10_000);
        assert!(clock.now_ms() >= advanced);
    }
}
