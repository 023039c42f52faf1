//! One process-wide log sink, off by default, for lines about each request attempt.
//!
//! Lines never carry keys, the Server-Key, or message bodies; phone numbers are masked.
//! The sink is called on whichever thread made the call, outside any lock of ours.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use crate::fork::ForkLock;

/// Log levels, as in the C ABI: 1 error, 2 warn, 3 info, 4 debug, 5 trace.
pub mod level {
    /// A call failed.
    pub const ERROR: i32 = 1;
    /// An attempt failed and will be retried, or a send's outcome is unknown.
    pub const WARN: i32 = 2;
    /// One line per request attempt.
    pub const INFO: i32 = 3;
    /// Requests refused locally before any network use.
    pub const DEBUG: i32 = 4;
    /// Reserved for finer detail.
    pub const TRACE: i32 = 5;
}

/// A log sink: `(level, target, message)`.
pub type LogSink = dyn Fn(i32, &str, &str) + Send + Sync;

/// The installed sink (boxed once more so the slot is one pointer, replaced whole: see
/// `ForkLock`). The lock is held only to swap or clone it, never while the sink runs.
static SINK: ForkLock<Option<Arc<Installed>>> = ForkLock::new(None);

struct Installed(Arc<LogSink>);
/// Checked before any formatting, so logging costs one atomic load when off.
static MAX_LEVEL: AtomicI32 = AtomicI32::new(0);

/// The `target` of every line.
pub const TARGET: &str = "taptalk";

/// Installs `sink` for lines at `max_level` and more severe (1..=5), or removes it (`None`).
///
/// ```
/// taptalk::set_logger(Some(std::sync::Arc::new(|level, target, line: &str| eprintln!("{level} {target}: {line}"))), 3);
/// taptalk::set_logger(None, 0);
/// ```
pub fn set_logger(sink: Option<Arc<LogSink>>, max_level: i32) {
    let level = if sink.is_some() {
        max_level.clamp(0, level::TRACE)
    } else {
        0
    };
    let installed = sink.map(|sink| Arc::new(Installed(sink)));
    let mut slot = SINK.lock();
    let previous = std::mem::replace(&mut *slot, installed);
    MAX_LEVEL.store(level, Ordering::SeqCst);
    drop(slot);
    drop(previous);
}

pub(crate) fn enabled(level: i32) -> bool {
    level <= MAX_LEVEL.load(Ordering::Relaxed)
}

/// Emits the line built by `line` if `level` is enabled.
pub(crate) fn emit(level: i32, line: impl FnOnce() -> String) {
    if !enabled(level) {
        return;
    }
    // Clone the sink out so it runs without our lock held: it may take its time, or even
    // replace itself.
    let sink = SINK.lock().clone();
    if let Some(installed) = sink {
        (installed.0)(level, TARGET, &line());
    }
}

/// `6281212345678` -> `6281*******78`: enough to tell numbers apart, not to dial one.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn phones_keep_only_their_ends() {
        assert_eq!(mask_phone("628121234578"), "6281******78");
        assert_eq!(mask_phone("6281212345678"), "6281*******78");
        assert_eq!(mask_phone("12345"), "*****");
    }
}
