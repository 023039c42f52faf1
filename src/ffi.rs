//! The C ABI: every `tt_*` function in `include/taptalk.h`.
//!
//! Rules held by every function here: no panic or unwind crosses the boundary
//! (`catch_unwind` around every body), NULL and invalid UTF-8 are answered with an error
//! envelope, and every returned string is a fresh `CString` that only `tt_string_free`
//! releases.

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;

use crate::envelope::{Envelope, LocalCode};
use crate::{Client, Operation};

/// An opaque TapTalk client. Create it with `tt_client_new`, share it freely between threads,
/// and release it with `tt_client_free` once no call on it is running.
pub struct TtClient {
    pub(crate) client: Client,
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
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees a NUL-terminated string or NULL.
        let json = unsafe { borrow_str(config_json, "config_json") }?;
        Client::from_json(json).map(|client| Box::into_raw(Box::new(TtClient { client })))
    }))
    .unwrap_or_else(|_| Err(panic_envelope()));
    let (client, error) = match result {
        Ok(client) => (client, ptr::null_mut()),
        Err(envelope) => (ptr::null_mut(), into_c_string(envelope)),
    };
    if error_out.is_null() {
        // SAFETY: the pointer came from into_c_string and nobody else has it.
        unsafe { free_c_string(error) };
    } else {
        // SAFETY: the caller guarantees error_out points to writable storage.
        unsafe { *error_out = error };
    }
    client
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
    if client.is_null() {
        return;
    }
    // SAFETY: the caller guarantees the pointer came from tt_client_new, once.
    let owned = unsafe { Box::from_raw(client) };
    let _ = catch_unwind(AssertUnwindSafe(move || drop(owned)));
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

/// PowerTalk: sends a custom message on behalf of a user (POST /v1/server/message/send/custom).
///
/// `request_json` uses the vendor's field names: `messageType` (1001 text, 1002 image,
/// 2001 products, 3000-3999 custom), `body`, `senderXCUserID`, exactly one of
/// `recipientXCUserID` / `xcRoomID`, optional `filterID` and `data` (a JSON string, or an
/// object/array the library encodes to one).
///
/// Returns an envelope string, never NULL (short of allocation failure): the server's reply
/// unchanged, or a local error envelope. Free it with `tt_string_free`.
/// Threading: any number of threads may call this concurrently on one client.
/// Sends are never retried by the library.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_powertalk_send_custom_message(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::PowertalkSendCustomMessage) }
}

/// PowerTalk: adds and deletes one-way contacts (POST /v1/server/contact/sync).
///
/// `request_json`: `{"contacts": [{"ownerXCUserID": "1", "contactXCUserID": "2",
/// "isDeleted": false}, ...]}`. Deletions run last on the server.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_powertalk_sync_contacts(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::PowertalkSyncContacts) }
}

/// SendTalk: queues a WhatsApp message (POST /api/v1/message/send_whatsapp).
///
/// `request_json`: `phone` (digits with country code), `messageType` ("otp", "text" or
/// "image"), `body` (text, or the image URL), `filename` (required for "image"), `caption`.
/// On success `data.id` identifies the message for `tt_sendtalk_get_status`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client. Sends are never retried.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_sendtalk_send_whatsapp(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::SendtalkSendWhatsapp) }
}

/// SendTalk: the status of a queued message (POST /api/v1/message/get_status).
///
/// `request_json`: `{"id": "<message id from send>"}`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_sendtalk_get_status(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::SendtalkGetStatus) }
}

/// OneTalk: sends a WhatsApp message
/// (POST /api/integration/v1/inbox/send_message_whatsapp).
///
/// `request_json`: `channelID`, `phone`, `messageType` ("text", "image" or "file"), `body`,
/// `filename` (required for "image" and "file"), `caption`, `withCase` (boolean), `topicID`
/// (integer). With `withCase` the reply's `data.caseID` names the case.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client. Sends are never retried.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_send_whatsapp(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkSendWhatsapp) }
}

/// OneTalk: sends a WhatsApp Business API template message
/// (POST /api/integration/v1/inbox/send_templated_message_whatsappba).
///
/// `request_json`: `channelID`, `phoneNumberID`, `phone`, `templateName`, `languageCode`,
/// `parameters` (`header`, `body`, `footer`, `buttons`: arrays of `{"name", "value"}`),
/// `withCase`, `topicID`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client. Sends are never retried.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_send_whatsapp_template(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkSendWhatsappTemplate) }
}

/// OneTalk: cases created or updated since a time
/// (GET /api/integration/v1/inbox/case/get_updated_list?since_timestamp=..&limit=..).
///
/// `request_json`: `{"since_timestamp": <Unix ms>, "limit": 1..100}` (limit defaults to 100).
/// Continue from `data.lastTimestamp` while `data.hasMore` is true.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_get_updated_cases(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkGetUpdatedCases) }
}

/// OneTalk: changes a case's `agentRemark` and/or `isJunk`
/// (POST /api/integration/v1/inbox/case/update).
///
/// `request_json`: `{"caseID": "...", "agentRemark": "...", "isJunk": true}`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_update_case(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkUpdateCase) }
}

/// Runs any operation by name, with options for this call only.
///
/// `operation` is the operation's name: "powertalk.send_custom_message",
/// "powertalk.sync_contacts", "sendtalk.send_whatsapp", "sendtalk.get_status",
/// "onetalk.send_whatsapp", "onetalk.send_whatsapp_template", "onetalk.get_updated_cases" or
/// "onetalk.update_case" (an unknown name answers code 90001). `options_json` may be NULL or
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
    guarded(|| {
        // SAFETY: the caller guarantees NULL or a live client.
        let Some(client) = (unsafe { client.as_ref() }) else {
            return Envelope::local(LocalCode::InvalidArgument, "client is NULL", "");
        };
        // SAFETY: the caller guarantees NULL or NUL-terminated strings for all three.
        let (name, request, options) = unsafe {
            (
                borrow_str(operation, "operation"),
                borrow_str(request_json, "request_json"),
                (!options_json.is_null()).then(|| borrow_str(options_json, "options_json")),
            )
        };
        let result = (|| {
            let name = name?;
            let op = Operation::ALL
                .into_iter()
                .find(|op| op.name() == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
                    Envelope::local(
                        LocalCode::InvalidArgument,
                        format!("Unknown operation '{name}' (known: {})", known.join(", ")),
                        "",
                    )
                })?;
            let retry = match options.transpose()? {
                None => client.client.config().retry,
                Some(json) => crate::config::call_retry(&client.client.config().retry, json)
                    .map_err(|e| e.to_envelope())?,
            };
            Ok(client.client.call_with_retry(op, request?, &retry))
        })();
        result.unwrap_or_else(|envelope: Envelope| envelope)
    })
}

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
/// One line per request attempt names the operation (e.g. "sendtalk.send_whatsapp"), the
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
    let _ = catch_unwind(AssertUnwindSafe(|| match callback {
        None => crate::set_logger(None, 0),
        Some(callback) => {
            let user_data = UserData(user_data);
            let sink = move |level: i32, target: &str, line: &str| {
                let user_data = &user_data;
                let target = CString::new(target).unwrap_or_default();
                let line = CString::new(line.replace('\0', " ")).unwrap_or_default();
                // SAFETY: the caller guarantees the callback is callable with its user_data.
                unsafe { callback(user_data.0, level, target.as_ptr(), line.as_ptr()) };
            };
            crate::set_logger(Some(Arc::new(sink)), max_level);
        }
    }));
}

/// The caller's `user_data`, which the header requires to be usable from any thread.
struct UserData(*mut c_void);
// SAFETY: tt_set_log_callback's contract makes the pointer usable from any thread.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// The body shared by every operation export.
///
/// # Safety
/// As for the exports: `client` NULL or live, `request_json` NULL or NUL-terminated.
unsafe fn call(client: *const TtClient, request_json: *const c_char, op: Operation) -> *mut c_char {
    guarded(|| {
        // SAFETY: the caller guarantees NULL or a live client.
        let Some(client) = (unsafe { client.as_ref() }) else {
            return Envelope::local(LocalCode::InvalidArgument, "client is NULL", "");
        };
        // SAFETY: the caller guarantees NULL or a NUL-terminated string.
        match unsafe { borrow_str(request_json, "request_json") } {
            Ok(json) => client.client.call(op, json),
            Err(envelope) => envelope,
        }
    })
}

/// Runs `body`, turning a panic into an error envelope so it never unwinds into C.
pub(crate) fn guarded(body: impl FnOnce() -> Envelope) -> *mut c_char {
    let envelope = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| panic_envelope());
    into_c_string(envelope)
}

pub(crate) fn panic_envelope() -> Envelope {
    Envelope::local(
        LocalCode::Internal,
        "Internal error: a panic inside taptalk was caught at the C boundary; please report it",
        "",
    )
}

/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn borrow_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Envelope> {
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

pub(crate) fn into_c_string(envelope: Envelope) -> *mut c_char {
    // Envelope JSON never holds a raw NUL (JSON escapes it), so the fallback is unreachable
    // in practice; it keeps the "never NULL" promise even so.
    CString::new(envelope.into_json())
        .unwrap_or_else(|_| c"{\"status\":500,\"error\":{\"code\":\"90004\",\"message\":\"Internal error\",\"field\":\"\"},\"data\":{}}".to_owned())
        .into_raw()
}

/// # Safety
/// `s` must be NULL or come from `into_c_string`, not yet freed.
pub(crate) unsafe fn free_c_string(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: s came from CString::into_raw and is freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(s: *mut c_char) -> serde_json::Value {
        // SAFETY: s came from this module and is freed once, here.
        let text = unsafe { CStr::from_ptr(s) }.to_str().unwrap().to_owned();
        unsafe { tt_string_free(s) };
        serde_json::from_str(&text).unwrap()
    }

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

    #[test]
    fn a_panic_inside_becomes_an_internal_error_envelope() {
        let reply = take(guarded(|| panic!("boom")));
        assert_eq!(reply["status"], 500);
        assert_eq!(reply["error"]["code"], "90004");
        assert_eq!(reply["data"], serde_json::json!({}));
    }
}
