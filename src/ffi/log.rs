//! The log callback: levels and `tt_set_log_callback`.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use super::boundary::UserData;

/// Log level: a call failed.
#[allow(dead_code)] // used by C callers through the header
pub const TT_LOG_ERROR: i32 = 1;
/// Log level: an attempt failed and will be retried, or a send's outcome is unknown.
#[allow(dead_code)] // used by C callers through the header
pub const TT_LOG_WARN: i32 = 2;
/// Log level: one line per request attempt.
#[allow(dead_code)] // used by C callers through the header
pub const TT_LOG_INFO: i32 = 3;
/// Log level: requests refused locally before any network use.
#[allow(dead_code)] // used by C callers through the header
pub const TT_LOG_DEBUG: i32 = 4;
/// Log level: finer detail (reserved).
#[allow(dead_code)] // used by C callers through the header
pub const TT_LOG_TRACE: i32 = 5;

/// The log callback's signature: `level` is 1 error, 2 warn, 3 info, 4 debug, 5 trace;
/// `target` is "taptalk"; `message` is one line. Both strings are valid only during the call.
pub type TtLogCallback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: i32,
        target: *const c_char,
        message: *const c_char,
    ),
>;

/// Installs a process-wide log callback for lines at `max_level` and more severe, or
/// removes it when `callback` is NULL (logging is off by default).
///
/// One line per request attempt names the operation (e.g. "sendtalk_send_whatsapp"), the
/// attempt number, the HTTP status and the duration. Keys, the Server-Key and message bodies
/// are never logged; phone numbers are masked ("6281******78").
///
/// Threading: the callback may run on any thread that makes calls, concurrently with itself;
/// `user_data` must be usable from all of them. It must not call back into this library
/// and should return quickly. Lines emitted while this function runs may go to the old or
/// the new callback.
///
/// # Safety
/// `callback`, if not NULL, must stay callable, and `user_data` valid, until it is replaced.
#[no_mangle]
pub unsafe extern "C" fn tt_set_log_callback(
    callback: TtLogCallback,
    user_data: *mut c_void,
    max_level: i32,
) {
    let install = || match callback {
        None => crate::log::set_logger(None, 0),
        Some(callback) => {
            let user_data = UserData(user_data);
            let sink = move |level: i32, target: &str, line: &str| {
                let user_data = &user_data;
                let target = CString::new(target).unwrap_or_default();
                let line = CString::new(line.replace('\0', " ")).unwrap_or_default();
                // SAFETY: the caller guarantees the callback is callable with its user_data.
                unsafe { callback(user_data.0, level, target.as_ptr(), line.as_ptr()) };
            };
            crate::log::set_logger(Some(Arc::new(sink)), max_level);
        }
    };
    crate::panic::guard(install, || ());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_log_levels_match_the_rust_ones() {
        use crate::level;
        assert_eq!(
            [
                TT_LOG_ERROR,
                TT_LOG_WARN,
                TT_LOG_INFO,
                TT_LOG_DEBUG,
                TT_LOG_TRACE
            ],
            [
                level::ERROR,
                level::WARN,
                level::INFO,
                level::DEBUG,
                level::TRACE
            ]
        );
    }
}
