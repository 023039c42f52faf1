//! The C ABI of the exactly-once case cursor (`src/client/pager.rs`), under the same boundary
//! rules as every export (`boundary.rs`): NULL, invalid UTF-8, bad JSON and panics all answer envelopes.

use std::ffi::c_char;
use std::sync::{Mutex, MutexGuard};

use super::boundary::{borrow_str, construct, destroy, guarded};
use super::client::TtClient;
use crate::client::CaseCursor;
use crate::envelope::{Envelope, LocalCode};

/// An opaque cursor over OneTalk's updated cases. Create it with `tt_case_cursor_new`,
/// release it with `tt_case_cursor_free`. Calls on one cursor from several threads are
/// safe but run one at a time; a cursor is meant for one consumer.
pub struct TtCaseCursor {
    inner: Mutex<CaseCursor>,
}

impl TtCaseCursor {
    /// The cursor, unless a panic inside an earlier call may have left it half-updated:
    /// then it must not be trusted to neither skip nor repeat.
    fn lock(&self) -> Result<MutexGuard<'_, CaseCursor>, Envelope> {
        self.inner.lock().map_err(|_| {
            Envelope::local(
                LocalCode::Internal,
                "Internal error: this cursor failed earlier and cannot be trusted; create a new one from the last saved state",
                "",
            )
        })
    }
}

/// Runs `body` on a live cursor (NULL answers 90001).
///
/// # Safety
/// `cursor` must be NULL or a live cursor.
unsafe fn with_cursor(
    cursor: *const TtCaseCursor,
    body: impl FnOnce(&mut CaseCursor) -> Envelope,
) -> *mut c_char {
    guarded(|| {
        // SAFETY: the caller guarantees NULL or a live cursor.
        let Some(cursor) = (unsafe { cursor.as_ref() }) else {
            return Envelope::local(LocalCode::InvalidArgument, "cursor is NULL", "");
        };
        match cursor.lock() {
            Ok(mut guard) => body(&mut guard),
            Err(envelope) => envelope,
        }
    })
}

/// Creates a cursor over every OneTalk case created or updated since a time, delivered
/// exactly once whatever the server means by since_timestamp and wherever it ends a page.
///
/// \param options_json  {"since_timestamp": <Unix ms>, "page_size": 1..100 (default 100),
///                      "seen": {"<case id>": <updatedTime>, ...}, "reading": "auto"}, or
///                      a state saved from tt_case_cursor_state. Without "seen": cases
///                      updated strictly after since_timestamp; with it: at or after,
///                      except those seen. page_size is a hint: a larger page (up to 100) is
///                      asked for when cases sharing one time fill a page. "reading"
///                      ("auto", "after", "at_or_after") says what the server means by
///                      since_timestamp; leave it "auto" unless you know.
/// \param error_out     NULL, or receives NULL on success and an error envelope (40002
///                      naming the option, 90001, 90002) on failure; free it with
///                      tt_string_free.
/// \return a cursor to release with tt_case_cursor_free, or NULL on failure. It holds no
///         client: each call that fetches takes one, so it may outlive any client.
///
/// # Safety
/// `options_json` must be NULL or NUL-terminated; `error_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_new(
    options_json: *const c_char,
    error_out: *mut *mut c_char,
) -> *mut TtCaseCursor {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe {
        construct(options_json, "options_json", error_out, |json| {
            CaseCursor::from_json(json).map(|cursor| TtCaseCursor {
                inner: Mutex::new(cursor),
            })
        })
    }
}

/// Releases a cursor. NULL is ignored. Must not race with a call on the same cursor.
///
/// # Safety
/// `cursor` must be NULL or a cursor from `tt_case_cursor_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_free(cursor: *mut TtCaseCursor) {
    // SAFETY: the caller guarantees the pointer came from tt_case_cursor_new, once.
    unsafe { destroy(cursor) }
}

/// Fetches and answers the next page of cases not delivered yet, making as many requests
/// (GET /api/integration/v1/inbox/case/get_updated_list) as it takes to find one or to learn
/// there is none.
///
/// \return an envelope; on success data is {"cases": [...], "hasMore": bool,
///         "requests": <requests made>, "state": {...}}. Save "state" after handling the
///         cases to resume there. hasMore false: caught up for now (a later call polls
///         again). A failed request answers its envelope and leaves the cursor unchanged;
///         92001 when 100 or more cases share one updatedTime (nothing skipped or
///         repeated; data.state is where it stands). `client` may be NULL only while cases
///         fed with tt_case_cursor_feed are buffered.
///
/// # Safety
/// `cursor` NULL or live; `client` NULL or a live client.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_next_page(
    cursor: *mut TtCaseCursor,
    client: *const TtClient,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { fetch(cursor, client, CaseCursor::next_page, CaseCursor::drain) }
}

/// Answers the next case not delivered yet, fetching a page when none is buffered.
///
/// \return an envelope; on success data is {"case": {...} or null, "hasMore": bool,
///         "requests": <requests made>}. null: caught up for now. Errors as for
///         tt_case_cursor_next_page. `client` may be NULL while cases are buffered.
///
/// # Safety
/// `cursor` NULL or live; `client` NULL or a live client.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_next_case(
    cursor: *mut TtCaseCursor,
    client: *const TtClient,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { fetch(cursor, client, CaseCursor::next_case, CaseCursor::take_one) }
}

/// Answers where the cursor stands: data is options for tt_case_cursor_new that resume
/// right after the last case handed out ({"since_timestamp", "seen", "page_size",
/// "reading"}). Save it with what you did with the cases.
///
/// # Safety
/// `cursor` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_state(cursor: *const TtCaseCursor) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { with_cursor(cursor, |cursor| Envelope::success(cursor.state())) }
}

/// For callers that fetch pages themselves: answers the get_updated_cases request to send
/// next, data {"since_timestamp", "limit"}. Send it, then pass the reply to
/// tt_case_cursor_feed.
///
/// # Safety
/// `cursor` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_request(cursor: *const TtCaseCursor) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { with_cursor(cursor, |cursor| Envelope::success(cursor.request())) }
}

/// For callers that fetch pages themselves: takes the whole envelope answered to
/// tt_case_cursor_request. Answers data {"buffered": <new cases>, "hasMore": bool}; the cases
/// then come from tt_case_cursor_next_case / next_page with a NULL client. An error reply is
/// answered back unchanged and changes nothing; 92001 as for next_page.
///
/// # Safety
/// `cursor` NULL or live; `reply_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tt_case_cursor_feed(
    cursor: *mut TtCaseCursor,
    reply_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe {
        with_cursor(cursor, |cursor| {
            // SAFETY: the caller guarantees NULL or a NUL-terminated string.
            let text = match borrow_str(reply_json, "reply_json") {
                Ok(text) => text,
                Err(envelope) => return envelope,
            };
            match Envelope::from_server_body(text) {
                Some(reply) => cursor.feed(&reply),
                None => Envelope::local(
                    LocalCode::InvalidJson,
                    "reply_json is not a TapTalk envelope",
                    "",
                ),
            }
        })
    }
}

/// The body of next_page / next_case: `online` with a client, `offline` from cases already
/// fed when `client` is NULL.
///
/// # Safety
/// `cursor` NULL or live; `client` NULL or a live client.
unsafe fn fetch(
    cursor: *mut TtCaseCursor,
    client: *const TtClient,
    online: fn(&mut CaseCursor, &crate::client::Client) -> Envelope,
    offline: fn(&mut CaseCursor) -> Envelope,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe {
        with_cursor(cursor, |cursor| {
            // SAFETY: the caller guarantees NULL or a live client.
            match client.as_ref() {
                Some(client) => online(cursor, &client.client),
                None if cursor.buffered() > 0 => offline(cursor),
                None => no_client(),
            }
        })
    }
}

fn no_client() -> Envelope {
    Envelope::local(
        LocalCode::InvalidArgument,
        "client is NULL and no fed cases are buffered",
        "",
    )
}
