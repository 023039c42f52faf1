//! What every export shares at the boundary: bodies run inside `crate::panic::guard` (a
//! panic becomes the 90004 envelope), NULL and invalid UTF-8 become error envelopes, and
//! returned strings are `CString`s only `tt_string_free` frees.

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;

use crate::envelope::{Envelope, LocalCode};
use crate::panic::{guard, panic_envelope};

/// The body shared by the constructors (`tt_client_new`, `tt_case_cursor_new`): reads the
/// JSON argument, builds the object, and answers it boxed, or NULL with the refusal stored
/// in `*error_out` (when not NULL; `*error_out` is set to NULL on success).
///
/// # Safety
/// `json` must be NULL or NUL-terminated; `error_out` NULL or writable (the exports' contract).
pub(super) unsafe fn construct<T>(
    json: *const c_char,
    name: &str,
    error_out: *mut *mut c_char,
    build: impl FnOnce(&str) -> Result<T, Envelope>,
) -> *mut T {
    let result = guard(
        || {
            // SAFETY: the caller guarantees a NUL-terminated string or NULL.
            let json = unsafe { borrow_str(json, name) }?;
            build(json).map(|object| Box::into_raw(Box::new(object)))
        },
        || Err(panic_envelope()),
    );
    let (object, error) = match result {
        Ok(object) => (object, ptr::null_mut()),
        Err(envelope) => (ptr::null_mut(), into_c_string(envelope)),
    };
    if error_out.is_null() {
        // SAFETY: the pointer came from into_c_string and nobody else has it.
        unsafe { free_c_string(error) };
    } else {
        // SAFETY: the caller guarantees error_out points to writable storage.
        unsafe { *error_out = error };
    }
    object
}

/// A constructor with nothing to refuse (`tt_cancel_new`): the object boxed, or NULL if
/// making it panicked.
pub(super) fn construct_plain<T>(build: impl FnOnce() -> T) -> *mut T {
    guard(|| Box::into_raw(Box::new(build())), ptr::null_mut)
}

/// The body shared by the destructors: NULL is ignored, and a panic while dropping stays here.
///
/// # Safety
/// `object` must be NULL or a pointer from [`construct`] of the same type, not yet released.
pub(super) unsafe fn destroy<T>(object: *mut T) {
    if object.is_null() {
        return;
    }
    // SAFETY: the caller guarantees the pointer came from construct, released once.
    let owned = unsafe { Box::from_raw(object) };
    guard(move || drop(owned), || ());
}

/// Runs `body`, turning a panic into an error envelope so it never unwinds into C.
pub(super) fn guarded(body: impl FnOnce() -> Envelope) -> *mut c_char {
    into_c_string(guard(body, panic_envelope))
}

/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives `'a`.
pub(super) unsafe fn borrow_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Envelope> {
    if ptr.is_null() {
        return Err(Envelope::local(
            LocalCode::InvalidArgument,
            format!("{name} is NULL"),
            "",
        ));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Envelope::local(
            LocalCode::InvalidArgument,
            format!(
                "{name} is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
            "",
        )
    })
}

pub(super) fn into_c_string(envelope: Envelope) -> *mut c_char {
    // Envelope JSON never holds a raw NUL (JSON escapes it), so the fallback is unreachable
    // in practice; it keeps the "never NULL" promise even so.
    CString::new(envelope.into_json())
        .unwrap_or_else(|_| c"{\"status\":500,\"error\":{\"code\":\"90004\",\"message\":\"Internal error\",\"field\":\"\"},\"data\":{}}".to_owned())
        .into_raw()
}

/// # Safety
/// `s` must be NULL or come from `into_c_string`, not yet freed.
pub(super) unsafe fn free_c_string(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: s came from CString::into_raw and is freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// A callback's `user_data`, kept by a process-wide callback (`tt_set_log_callback`,
/// `tt_set_tls_verifier`) and handed back on whatever thread calls it.
pub(super) struct UserData(pub(super) *mut c_void);
// SAFETY: both registration functions' contracts require `user_data` to be usable from any
// thread, for as long as the callback is registered.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_an_internal_error_envelope() {
        let s = guarded(|| panic!("boom"));
        // SAFETY: s came from this module and is freed once, here.
        let text = unsafe { CStr::from_ptr(s) }.to_str().unwrap().to_owned();
        unsafe { free_c_string(s) };
        let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reply["status"], 500);
        assert_eq!(reply["error"]["code"], "90004");
        assert_eq!(reply["data"], serde_json::json!({}));
    }
}
