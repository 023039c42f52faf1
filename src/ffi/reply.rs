//! The C ABI for reading a reply without a JSON library: `tt_reply_ok`, `tt_reply_status`,
//! `tt_reply_get` (the logic is in `src/envelope/reply.rs`).
//!
//! Same rules as every export (`boundary.rs`): no panic crosses the boundary, NULL and
//! invalid UTF-8 are answered (here with NULL / -1 / 0, since these read rather than call),
//! and every returned string is a fresh `CString` that only `tt_string_free` releases.

use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr;

use crate::envelope::reply;
use crate::panic::guard;

/// Whether `reply` is a successful envelope: 1 when its `status` is 200 and its `error.code`
/// is empty (or absent), else 0. 0 as well for NULL, invalid UTF-8, or text that is not an
/// envelope (a JSON object with an integer `status` and an `error` object).
///
/// Threading: may be called from any thread at any time.
///
/// # Safety
/// `reply` must be NULL or point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_reply_ok(reply: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller's guarantee.
    let text = unsafe { borrow(reply) };
    guard(|| text.is_some_and(reply::is_success).into(), || 0)
}

/// The envelope's `status` (200 on success, else the error's status, e.g. 400 or 504), or
/// -1 when `reply` is NULL, not valid UTF-8, not an envelope, or its status does not fit in
/// 32 bits.
///
/// Threading: may be called from any thread at any time.
///
/// # Safety
/// `reply` must be NULL or point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_reply_status(reply: *const c_char) -> i32 {
    // SAFETY: forwarded from the caller's guarantee.
    let text = unsafe { borrow(reply) };
    guard(
        || {
            text.and_then(reply::status)
                .and_then(|status| i32::try_from(status).ok())
                .unwrap_or(-1)
        },
        || -1,
    )
}

/// Reads one value out of a reply (or any JSON text) by RFC 6901 JSON Pointer, e.g.
/// "/error/code", "/data/id", "/data/cases/0/id"; "" names the whole document. In a token,
/// "~1" stands for "/" and "~0" for "~"; array indexes are "0" or digits without a leading
/// zero.
///
/// Returns a new string, freed with `tt_string_free`:
/// - a JSON string comes back decoded: no quotes, escapes resolved, UTF-8
///   (`"a \"b\""` gives `a "b"`; an empty string gives "", not NULL);
/// - any other value comes back as its JSON text exactly as it stands in `reply`:
///   `42`, `1.50`, `true`, `false`, `null`, `{"id":"C1"}`, `[1,2]` (so an object or array
///   can be read further with another `tt_reply_get` on the returned text).
///
/// Returns NULL when nothing is there, and also when `reply` or `pointer` is NULL or not
/// valid UTF-8, `reply` is not JSON, the pointer is malformed (not "" and not starting with
/// "/", a "~" not followed by 0 or 1, an index like "01", "+1" or "-"), or the value is a
/// string holding U+0000 (which a C string cannot carry). When an object repeats a key, the
/// last one counts.
///
/// Threading: may be called from any thread at any time.
///
/// # Safety
/// `reply` and `pointer` must each be NULL or point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_reply_get(reply: *const c_char, pointer: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    let (text, pointer) = unsafe { (borrow(reply), borrow(pointer)) };
    guard(
        || {
            let value = reply::get(text?, pointer?)?;
            // reply::get refuses strings holding U+0000, and JSON text outside strings has none.
            CString::new(value).ok().map(CString::into_raw)
        },
        || None,
    )
    .unwrap_or(ptr::null_mut())
}

/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives `'a`.
unsafe fn borrow<'a>(ptr: *const c_char) -> Option<&'a str> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated per the caller.
    unsafe { CStr::from_ptr(ptr) }.to_str().ok()
}
