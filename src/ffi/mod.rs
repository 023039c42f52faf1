//! The C ABI: every `tt_*` function in `include/taptalk.h`. `client.rs` holds the client's
//! life cycle and `tt_call`; `operations.rs` the one export per operation, `request.rs` raw
//! requests, `cursor.rs` the case cursor, `reply.rs` the reply getters, `log.rs` the log
//! callback, `verifier.rs` the platform certificate verifier, `webhook.rs` webhook parsing, `boundary.rs` the guard they
//! all go through; `crate::envelope::codes` the `TT_ERR_*` constants.
//!
//! Rules held by every function here: no panic or unwind crosses the boundary (each body
//! runs inside `crate::panic::guard`), NULL and invalid UTF-8 are answered with an error
//! envelope, and every returned string is a fresh `CString` that only `tt_string_free`
//! releases.

mod batch;
mod boundary;
mod cancel;
mod client;
mod cursor;
mod log;
mod operations;
mod reply;
mod request;
mod verifier;
mod webhook;

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use crate::operation::Operation;
pub use batch::{tt_call_many, tt_call_many_cancellable};
use boundary::free_c_string;
pub use cancel::{tt_call_cancellable, tt_cancel, tt_cancel_free, tt_cancel_new, TtCancel};
pub use client::{tt_call, tt_client_free, tt_client_new, TtClient};
pub use operations::{export, Export};
pub use webhook::tt_webhook_parse;
// The JNI layer (src/jni/) wraps these exports exactly as C callers see them.
#[cfg(feature = "jni")]
pub(crate) use cancel::tt_request_cancellable;
#[cfg(feature = "jni")]
pub(crate) use cursor::{
    tt_case_cursor_free, tt_case_cursor_new, tt_case_cursor_next_case, tt_case_cursor_next_page,
    tt_case_cursor_state, TtCaseCursor,
};
#[cfg(feature = "jni")]
pub(crate) use reply::tt_reply_get;
pub use request::tt_request;

/// The ABI version this header describes; compare with `tt_abi_version()` at run time to
/// detect a mismatched library. Bumped on any change that breaks callers compiled against
/// an older header.
pub const TT_ABI_VERSION: u32 = 1;

static VERSION_NUL: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// Returns the library version, "MAJOR.MINOR.PATCH".
///
/// Ownership: the string is static; never free it.
/// Threading: may be called from any thread at any time.
#[no_mangle]
pub extern "C" fn tt_version() -> *const c_char {
    VERSION_NUL.as_ptr().cast()
}

/// Returns the ABI version. It changes whenever a function's signature or meaning changes
/// incompatibly; a wrapper should refuse a library whose number differs from the one it was
/// written for.
///
/// Threading: may be called from any thread at any time.
#[no_mangle]
pub extern "C" fn tt_abi_version() -> u32 {
    TT_ABI_VERSION
}

/// Releases a string returned by this library (an envelope or `*error_out`). NULL is ignored.
/// This is the only correct way to free them: not `free()`, not another allocator.
///
/// Threading: may be called from any thread, including one other than the caller that got
/// the string.
///
/// # Safety
/// `s` must be NULL or a string returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tt_string_free(s: *mut c_char) {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { free_c_string(s) }
}

/// Returns the operations this library speaks, as a JSON array of
/// `{"name", "export", "summary", "product", "method", "path", "may_repeat",
/// "repeat_reason"}` (`name` is what `tt_call` takes; `export` the function's name).
/// Bindings and docs read it instead of keeping their own list.
///
/// Ownership: the string is static; never free it.
/// Threading: may be called from any thread at any time.
#[no_mangle]
pub extern "C" fn tt_operations() -> *const c_char {
    static TABLE: OnceLock<CString> = OnceLock::new();
    crate::panic::guard(
        || {
            TABLE
                .get_or_init(|| CString::new(Operation::table_json()).unwrap_or_default())
                .as_ptr()
        },
        || c"[]".as_ptr(),
    )
}
