//! The client's life cycle and the calls on it: `tt_client_new`, `tt_client_free`, `tt_call`,
//! and the body every operation export shares.

use std::ffi::c_char;

use super::boundary::{borrow_str, construct, destroy, guarded};
use crate::client::Client;
use crate::config::CallOptions;
use crate::envelope::{Envelope, LocalCode};
use crate::operation::Operation;
use crate::text::quoted;

/// An opaque TapTalk client. Create it with `tt_client_new`, share it freely between threads,
/// and release it with `tt_client_free` once no call on it is running.
pub struct TtClient {
    pub(super) client: Client,
}

/// The body shared by every operation export.
///
/// # Safety
/// As for the exports: `client` NULL or live, `request_json` NULL or NUL-terminated.
pub(super) unsafe fn call(
    client: *const TtClient,
    request_json: *const c_char,
    op: Operation,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe {
        with_client(client, |client| {
            // SAFETY: the caller guarantees NULL or a NUL-terminated string.
            let json = borrow_str(request_json, "request_json")?;
            Ok(client.call(op, json))
        })
    }
}

/// Runs `body` with the client behind `client`, answering 90001 for NULL and an error
/// envelope for a panic.
///
/// # Safety
/// `client` must be NULL or a live client (the exports' contract).
pub(super) unsafe fn with_client(
    client: *const TtClient,
    body: impl FnOnce(&Client) -> Result<Envelope, Envelope>,
) -> *mut c_char {
    guarded(|| {
        // SAFETY: the caller guarantees NULL or a live client.
        let Some(client) = (unsafe { client.as_ref() }) else {
            return Envelope::local(LocalCode::InvalidArgument, "client is NULL", "");
        };
        body(&client.client).unwrap_or_else(|envelope| envelope)
    })
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
/// for the same client. Other clients are unaffected. In particular, never from inside a
/// log callback or a TLS verifier while they run for a call on this client: that call is
/// still running, and freeing its client under it is a use after free (note the wish and
/// free the client after the call returns).
///
/// Fork: a forked child may keep using a client its parent made (it gets connections of
/// its own on its first call); it may also free it.
///
/// # Safety
/// `client` must be NULL or a pointer returned by `tt_client_new` and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tt_client_free(client: *mut TtClient) {
    // SAFETY: the caller guarantees the pointer came from tt_client_new, once.
    unsafe { destroy(client) }
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
                    format!(
                        "Unknown operation {} (known: {})",
                        quoted(name),
                        known.join(", ")
                    ),
                    "",
                )
            })?;
            let options = CallOptions::for_operation(&client.config().retry, options.transpose()?)
                .map_err(|e| e.to_envelope())?;
            Ok(client.call_with_retry(op, request?, &options.retry))
        })
    }
}
