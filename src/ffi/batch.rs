//! Sending to many at once in the C ABI: `tt_call_many` and its cancellable variant with a
//! progress callback (the batch itself is `crate::client::batch`).

use std::ffi::{c_char, c_void};

use super::boundary::{borrow_str, UserData};
use super::cancel::TtCancel;
use super::client::{with_client, TtClient};
use crate::envelope::{Envelope, LocalCode};
use crate::operation::Operation;
use crate::text::quoted;

/// A batch's progress: `done` of `total` requests have their result. Called on the thread
/// that called `tt_call_many_cancellable`, after each result, never concurrently with itself.
pub type TtProgressCallback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, done: usize, total: usize)>;

/// Runs one operation for every request of `requests_json`, a JSON array of request objects
/// (each as the operation takes it), at most `concurrency` at a time over the client's pool.
///
/// \param client        the client whose pool and settings every request uses.
/// \param operation     the operation's name, as for `tt_call`.
/// \param requests_json a JSON array of request objects.
/// \param options_json  NULL or {"concurrency": 16, "rate_per_second": 50, "retry": {...}}:
///                      concurrency 1 to 256 (default 16; each is a thread while the batch
///                      runs); rate_per_second caps attempt starts (default: none); retry as
///                      for `tt_call`, per request.
/// \return one envelope, never NULL: on success status 200 and data {"total", "succeeded",
///         "failed", "results": [each request's envelope, in input order]}, every result the
///         server's reply unchanged or a local error, exactly as `tt_call` would answer it;
///         90002 when `requests_json` is not a JSON array, 90003 for refused options, 90001
///         for an unknown operation. Free it with `tt_string_free`.
///
/// One bad request stops nothing else, and one refused locally costs no network call. A
/// send is never repeated once it may have reached the server, in a batch as alone. A 429
/// or a 503 with Retry-After pauses the whole batch, not only the worker that got it.
/// Threading: safe to call concurrently on one client; it blocks until every result is in.
///
/// # Safety
/// `client` must be NULL or a live client; the strings NULL (not allowed for `operation`
/// and `requests_json`) or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tt_call_many(
    client: *const TtClient,
    operation: *const c_char,
    requests_json: *const c_char,
    options_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantees.
    unsafe {
        tt_call_many_cancellable(
            client,
            operation,
            requests_json,
            options_json,
            None,
            std::ptr::null_mut(),
            std::ptr::null(),
        )
    }
}

/// `tt_call_many` with a progress callback (NULL: none) and a cancellation handle (NULL:
/// not cancellable). `tt_cancel(cancel)` ends the batch: requests not started yet answer
/// 91012 with data.maybe_sent false; those in flight end as a cancelled single call does.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: as `tt_call_many`; `progress` runs on this thread.
///
/// # Safety
/// As `tt_call_many`; `progress`, if not NULL, must be callable with `user_data` during
/// the call; `cancel` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tt_call_many_cancellable(
    client: *const TtClient,
    operation: *const c_char,
    requests_json: *const c_char,
    options_json: *const c_char,
    progress: TtProgressCallback,
    user_data: *mut c_void,
    cancel: *const TtCancel,
) -> *mut c_char {
    let user_data = UserData(user_data);
    // SAFETY: the caller guarantees NULL or a live handle.
    let _scope = unsafe { cancel.as_ref() }.map(|cancel| cancel.handle().bind());
    // SAFETY: forwarded from the caller's guarantees.
    unsafe {
        with_client(client, |client| {
            // SAFETY: the caller guarantees NULL or NUL-terminated strings for all three.
            let (name, requests, options) = (
                borrow_str(operation, "operation"),
                borrow_str(requests_json, "requests_json"),
                (!options_json.is_null()).then(|| borrow_str(options_json, "options_json")),
            );
            let name = name?;
            let op = Operation::from_name(name).ok_or_else(|| {
                Envelope::local(
                    LocalCode::InvalidArgument,
                    format!("Unknown operation {}", quoted(name)),
                    "",
                )
            })?;
            let mut report = |done: usize, total: usize| {
                if let Some(progress) = progress {
                    // (Inside the unsafe block above.) SAFETY: the caller guarantees the
                    // callback is callable with user_data during the call.
                    progress(user_data.0, done, total);
                }
            };
            Ok(client.call_many(op, requests?, options.transpose()?, &mut report))
        })
    }
}
