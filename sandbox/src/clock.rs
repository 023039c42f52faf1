use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Unix milliseconds that never go backwards, so `updatedTime` ordering and
/// SendTalk's virtual delivery stay consistent even if the wall clock jumps.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    base_instant: Instant,
    base_unix_ms: u64,
}

impl Clock {
    pub fn new() -> Clock {
        let base_unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            base_instant: Instant::now(),
            base_unix_ms,
        }
    }

    pub fn now_ms(&self) -> u64 {
        self.base_unix_ms + self.base_instant.elapsed().as_millis() as u64
    }
}
