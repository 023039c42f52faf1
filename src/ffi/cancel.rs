//! Cancellation in the C ABI: a handle (`tt_cancel_new`), cancelled from any thread
//! (`tt_cancel`), given to the `_cancellable` variants of the calls that can wait on the
//! network. See `crate::cancel` for what a cancelled call answers.

use std::ffi::c_char;

use super::boundary::{construct_plain, destroy};
use super::client::{tt_call, TtClient};
use super::cursor::{tt_case_cursor_next_case, tt_case_cursor_next_page, TtCaseCursor};
use super::request::tt_request;
use crate::cancel::Cancel;

/// An opaque cancellation handle. Create it with `tt_cancel_new`, give it to one call (or
/// several, to cancel them together), cancel it with `tt_cancel`, release it with
/// `tt_cancel_free` once no call using it is running.
pub struct TtCancel {
    handle: Cancel,
}

impl TtCancel {
    pub(super) fn handle(&self) -> &Cancel {
        &self.handle
    }
}

/// Creates a cancellation handle, not cancelled. Never returns NULL (short of allocation
/// failure).
///
/// Ownership: the caller owns it and releases it with `tt_cancel_free`.
/// Threading: may be called from any thread.
#[no_mangle]
pub extern "C" fn tt_cancel_new() -> *mut TtCancel {
    construct_plain(|| TtCancel {
        handle: Cancel::new(),
    })
}

/// Cancels every call running with `cancel`, and any started with it later: each returns
/// within about 100 ms with code 91012 (`data.maybe_sent`: whether its request may have
/// reached the server; a send cancelled after it was written answers 91010 "outcome
/// unknown" and is never repeated). NULL is ignored.
///
/// Threading: may be called from any thread, while the call runs on another; calling it
/// twice, or after the call finished, does nothing more.
///
/// # Safety
/// `cancel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tt_cancel(cancel: *const TtCancel) {
    // SAFETY: the caller guarantees NULL or a live handle.
    if let Some(cancel) = unsafe { cancel.as_ref() } {
        crate::panic::guard(|| cancel.handle.cancel(), || ());
    }
}

/// Releases a cancellation handle. NULL is ignored.
///
/// Threading: must not race with calls still running with it, nor with `tt_cancel` on it.
///
/// # Safety
/// `cancel` must be NULL or a pointer from `tt_cancel_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tt_cancel_free(cancel: *mut TtCancel) {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { destroy(cancel) }
}

/// Runs `call` with `cancel` (NULL: not cancellable) bound to this thread.
///
/// # Safety
/// `cancel` must be NULL or a live handle.
unsafe fn bound(cancel: *const TtCancel, call: impl FnOnce() -> *mut c_char) -> *mut c_char {
    // SAFETY: the caller guarantees NULL or a live handle.
    let _scope = unsafe { cancel.as_ref() }.map(|cancel| cancel.handle.bind());
    call()
}

/// `tt_call` that `tt_cancel(cancel)` can cancel (`cancel` NULL: as `tt_call`).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: as `tt_call`.
///
/// # Safety
/// As `tt_call`; `cancel` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tt_call_cancellable(
    client: *const TtClient,
    operation: *const c_char,
    request_json: *const c_char,
    options_json: *const c_char,
    cancel: *const TtCancel,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantees.
    unsafe {
        bound(cancel, || {
            tt_call(client, operation, request_json, options_json)
        })
    }
}

/// `tt_request` that `tt_cancel(cancel)` can cancel (`cancel` NULL: as `tt_request`).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: as `tt_request`.
///
/// # Safety
/// As `tt_request`; `cancel` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tt_request_cancellable(
    client: *const TtClient,
    product: *const c_char,
    method: *const c_char,
    path: *const c_char,
    json: *const c_char,
    options_json: *const c_char,
    cancel: *const TtCancel,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantees.
    unsafe {
        bound(cancel, || {
            tt_request(client, product, method, path, json, options_json)
        })
    }
}

/// `tt_case_cursor_next_page` that `tt_cancel(cancel)` can cancel. A cancelled page moves
/// the cursor nowhere: nothing is skipped or repeated, and the next call asks again.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
///
/// # Safety
/// As `tt_case_cursor_next_page`; `cancel` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_next_page_cancellable(
    cursor: *mut TtCaseCursor,
    client: *const TtClient,
    cancel: *const TtCancel,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantees.
    unsafe { bound(cancel, || tt_case_cursor_next_page(cursor, client)) }
}

/// `tt_case_cursor_next_case` that `tt_cancel(cancel)` can cancel, as
/// `tt_case_cursor_next_page_cancellable`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
///
/// # Safety
/// As `tt_case_cursor_next_case`; `cancel` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_next_case_cancellable(
    cursor: *mut TtCaseCursor,
    client: *const TtClient,
    cancel: *const TtCancel,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantees.
    unsafe { bound(cancel, || tt_case_cursor_next_case(cursor, client)) }
}
