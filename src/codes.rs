//! The library's own error codes: each written once, here, as an enum value. The C header's
//! `TT_ERR_*` constants are generated from this enum (cbindgen reads this file), the README
//! table and the Python exceptions are checked against it by tests, and the envelope's
//! `error.code` is the value as a string.
//!
//! Adding a code: one variant below (doc comment, name, value) and its row in
//! `LocalCode::ROWS` (envelope.rs: status, and whether a send may have been delivered).

/// An error code of the library's own, for failures that never produced a server envelope.
/// In C, compare `atoi(error.code)` with these constants.
///
/// The numbers are outside every range the vendor uses (4xxxx, 49xxx, 50001, 99999), except
/// 40001 and 40002, which take the server's own meaning.
/// cbindgen:rename-all=QualifiedScreamingSnakeCase
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum LocalCode {
    /// 40001, status 400: the product is not configured, so no key header could be sent
    /// (the server's missing-header code). Nothing was sent.
    NotConfigured = 40001,
    /// 40002, status 400: a request field failed local validation; error.field names it.
    InvalidParam = 40002,
    /// 90001, status 400: a NULL pointer or invalid UTF-8 reached the C boundary, or an
    /// unknown operation name was given to tt_call.
    InvalidArgument = 90001,
    /// 90002, status 400: the request is not valid JSON, or not a JSON object.
    InvalidJson = 90002,
    /// 90003, status 400: tt_client_new refused the configuration (or tt_call its options);
    /// error.field names the key.
    InvalidConfig = 90003,
    /// 90004, status 500: a panic inside the library was caught at the boundary (please
    /// report it).
    Internal = 90004,
    /// 90005, status 400: a binding's client (Python `Client`, Java `TapTalkClient`) was
    /// closed before the call; nothing was sent. The C ABI itself never answers it: a freed
    /// TtClient must not be passed to any function.
    ClientClosed = 90005,
    /// 91001, status 504: no complete reply within timeout_ms; a send MAY have been delivered.
    Timeout = 91001,
    /// 91002, status 503: no connection could be made (refused, DNS failure, unreachable,
    /// connect timeout). The request never left this process.
    ConnectFailed = 91002,
    /// 91003, status 502: the connection broke after the request was sent (reset, closed
    /// without a reply); a send MAY have been delivered.
    ConnectionLost = 91003,
    /// 91004, status 502: the TLS handshake or certificate check failed.
    Tls = 91004,
    /// 91005, status 502: the server answered with a redirect, which is never followed.
    Redirect = 91005,
    /// 91006, status 502: the reply was not a TapTalk envelope (not JSON, or another shape).
    InvalidReply = 91006,
    /// 91007, status 502: the reply body ended before its announced length.
    TruncatedReply = 91007,
    /// 91008, status = the HTTP status: an HTTP error status without a TapTalk envelope.
    HttpStatus = 91008,
    /// 91009, status 502: the reply body was larger than max_response_bytes.
    ReplyTooLarge = 91009,
    /// 91010, status 502: outcome unknown: a send timed out or lost its connection after it
    /// was written. It may have been delivered and was not retried; check before sending again.
    OutcomeUnknown = 91010,
    /// 91011, status 502: the HTTP proxy could not be reached, refused the request (e.g. 407)
    /// or could not reach the server. Nothing was sent to the server.
    ProxyFailed = 91011,
    /// 92001, status 502: the case cursor cannot progress: 100 or more cases share one
    /// updatedTime (a page holds at most 100), or the server says hasMore with an empty page.
    /// Nothing was skipped or repeated; data.state is where the cursor stands.
    PagingStuck = 92001,
}
