//! The C ABI: every `tt_*` function in `include/taptalk.h`. This file holds the client's
//! life cycle and `tt_call`; `operations.rs` the one export per operation, `request.rs` raw
//! requests, `cursor.rs` the case cursor, `reply.rs` the reply getters, `log.rs` the log
//! callback, `verifier.rs` the platform certificate verifier, `boundary.rs` the guard they all
//! use; `crate::codes` the `TT_ERR_*` constants.
//!
//! Rules held by every function here: no panic or unwind crosses the boundary
//! (`catch_unwind` around every body), NULL and invalid UTF-8 are answered with an error
//! envelope, and every returned string is a fresh `CString` that only `tt_string_free`
//! releases.

mod boundary;
mod cursor;
mod log;
mod operations;
mod reply;
mod request;
mod verifier;

use std::ffi::{c_char, CString};
use std::panic::catch_unwind;
use std::sync::OnceLock;

use crate::envelope::{Envelope, LocalCode};
use crate::{Client, Operation};
use boundary::{borrow_str, construct, destroy, free_c_string, with_client};
pub use operations::{export, Export};
// The JNI layer (src/jni.rs) wraps these exports exactly as C callers see them.
#[cfg(feature = "jni")]
pub(crate) use cursor::{
    tt_case_cursor_free, tt_case_cursor_new, tt_case_cursor_next_case, tt_case_cursor_next_page,
    tt_case_cursor_state, TtCaseCursor,
};
#[cfg(feature = "jni")]
pub(crate) use request::tt_request;

/// An opaque TapTalk client. Create it with `tt_client_new`, share it freely between threads,
/// and release it with `tt_client_free` once no call on it is running.
pub struct TtClient {
    client: Client,
}

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

/// Creates a client from a JSON configuration (see the README for every key), e.g.
/// `{"sendtalk": {"api_key": "..."}, "timeout_ms": 30000}`.
///
/// Returns NULL on failure. Then, if `error_out` is not NULL, `*error_out` receives an error
/// envelope (code 90003 with `field` naming the key at fault, or 90001 for a NULL or non-UTF-8
/// `config_json`) that the caller frees with `tt_string_free`. On success `*error_out` is set
/// to NULL.
///
/// Ownership: `config_json` is borrowed for the duration of the call. The returned client is
/// owned by the caller and released with `tt_client_free`.
/// Threading: may be called from any thread; clients are independent of each other.
///
/// # Safety
/// `config_json` must be NULL or point to a NUL-terminated string; `error_out` must be NULL or
/// point to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn tt_client_new(
    config_json: *const c_char,
    error_out: *mut *mut c_char,
) -> *mut TtClient {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe {
        construct(config_json, "config_json", error_out, |json| {
            Client::from_json(json).map(|client| TtClient { client })
        })
    }
}

/// Releases a client and its connection pool. NULL is ignored.
///
/// Threading: must not race with calls still running on this client, nor be called twice
/// for the same client. Other clients are unaffected.
///
/// # Safety
/// `client` must be NULL or a pointer returned by `tt_client_new` and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tt_client_free(client: *mut TtClient) {
    // SAFETY: the caller guarantees the pointer came from tt_client_new, once.
    unsafe { destroy(client) }
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

/// Runs any operation by name, with options for this call only.
///
/// `operation` is the operation's name: its export's name without `tt_`, e.g.
/// "sendtalk_send_whatsapp" (the dotted "sendtalk.send_whatsapp" of earlier releases is
/// accepted too; `tt_operations()` lists them all; an unknown name answers code 90001).
/// `options_json` may be NULL or
/// `{"retry": {"max_attempts": 1, "base_delay_ms": 100, "max_delay_ms": 2000,
/// "deadline_ms": 60000}}`; keys given replace the client's retry settings for this call (a bad
/// option answers code 90003 naming it).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; the strings NULL (not allowed for `operation` and
/// `request_json`) or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tt_call(
    client: *const TtClient,
    operation: *const c_char,
    request_json: *const c_char,
    options_json: *const c_char,
) -> *mut c_char {
    // SAFETY: the caller guarantees NULL or a live client, and NULL or NUL-terminated
    // strings for the three others (read inside).
    unsafe {
        with_client(client, |client| {
            // SAFETY: the caller guarantees NULL or NUL-terminated strings for all three.
            let (name, request, options) = (
                borrow_str(operation, "operation"),
                borrow_str(request_json, "request_json"),
                (!options_json.is_null()).then(|| borrow_str(options_json, "options_json")),
            );
            let name = name?;
            let op = Operation::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
                Envelope::local(
                    LocalCode::InvalidArgument,
                    format!("Unknown operation '{name}' (known: {})", known.join(", ")),
                    "",
                )
            })?;
            let retry = match options.transpose()? {
                None => client.config().retry,
                Some(json) => crate::config::call_retry(&client.config().retry, json)
                    .map_err(|e| e.to_envelope())?,
            };
            Ok(client.call_with_retry(op, request?, &retry))
        })
    }
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
    let table = catch_unwind(|| {
        TABLE
            .get_or_init(|| CString::new(Operation::table_json()).unwrap_or_default())
            .as_ptr()
    });
    table.unwrap_or(c"[]".as_ptr())
}
