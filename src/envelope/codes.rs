//! The library's own error codes: each written once, here, as an enum value. The C header's
//! `TT_ERR_*` constants are generated from this enum (cbindgen reads this file), the README
//! table and the Python exceptions are checked against it by tests, and the envelope's
//! `error.code` is the value as a string.
//!
//! Adding a code: one variant below (doc comment, name, value) and its row in
//! `LocalCode::ROWS` further down (status, and whether a send may have been delivered).

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
    /// 91012, status 499: the call was cancelled (tt_cancel). data.maybe_sent says whether its
    /// request may have reached the server; a send cancelled after it was written ends as
    /// 91010 instead, and is never repeated.
    Cancelled = 91012,
    /// 92001, status 502: the case cursor cannot progress: 100 or more cases share one
    /// updatedTime (a page holds at most 100), or the server says hasMore with an empty page.
    /// Nothing was skipped or repeated; data.state is where the cursor stands.
    PagingStuck = 92001,
    /// 93001, status 401: a webhook was to be checked against a secret and carries no
    /// X-Secret-Key header (or an empty one). Answer the sender with error.status.
    WebhookSecretMissing = 93001,
    /// 93002, status 401: the webhook's X-Secret-Key differs from the secret, or the header
    /// is given more than once.
    WebhookSecretWrong = 93002,
    /// 93003, status 500: the webhook is a callback that always carries X-Secret-Key (custom
    /// chatbot, custom channel), but no secret was given to check it: pass the secret.
    WebhookSecretNotGiven = 93003,
    /// 93004, status 400: the webhook body is not one JSON object: not UTF-8, not JSON, a key
    /// given twice in one object, nested deeper than 128, or another JSON value.
    WebhookInvalidBody = 93004,
    /// 93005, status 413: the webhook body is larger than max_body_bytes (1 MiB by default).
    WebhookTooLarge = 93005,
    /// 93006, status 400: the body is a JSON object in none of TapTalk's callback shapes.
    WebhookUnrecognized = 93006,
    /// 93007, status 400: a field of a known event has a type it cannot be read as (e.g. a
    /// status that is a number); error.field names it.
    WebhookInvalidField = 93007,
    /// 93010, status = the HTTP status: OneTalk's custom chatbot endpoint refused an action
    /// with a plain-text reply (e.g. 401 "secret key is invalid"), quoted in error.message.
    ChatbotRefused = 93010,
}

/// Where a request stood when a local failure ended the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sent {
    /// Nothing reached the server.
    No,
    /// It may have reached the server: a send may have been delivered.
    Maybe,
    /// It reached the server (which answered something unusable).
    Yes,
}

impl LocalCode {
    /// Every code with its envelope `status` (0: the HTTP status received) and whether the
    /// request had been sent; in the order of the README's table. A test checks it lists
    /// every variant (the header's `TT_ERR_*` constants).
    const ROWS: &'static [(LocalCode, i64, Sent)] = &[
        (LocalCode::NotConfigured, 400, Sent::No),
        (LocalCode::InvalidParam, 400, Sent::No),
        (LocalCode::InvalidArgument, 400, Sent::No),
        (LocalCode::InvalidJson, 400, Sent::No),
        (LocalCode::InvalidConfig, 400, Sent::No),
        (LocalCode::Internal, 500, Sent::Maybe),
        (LocalCode::ClientClosed, 400, Sent::No),
        (LocalCode::Timeout, 504, Sent::Maybe),
        (LocalCode::ConnectFailed, 503, Sent::No),
        (LocalCode::ConnectionLost, 502, Sent::Maybe),
        (LocalCode::Tls, 502, Sent::No),
        (LocalCode::Redirect, 502, Sent::Yes),
        (LocalCode::InvalidReply, 502, Sent::Yes),
        (LocalCode::TruncatedReply, 502, Sent::Yes),
        (LocalCode::HttpStatus, 0, Sent::Yes),
        (LocalCode::ReplyTooLarge, 502, Sent::Yes),
        (LocalCode::OutcomeUnknown, 502, Sent::Maybe),
        (LocalCode::ProxyFailed, 502, Sent::No),
        (LocalCode::Cancelled, 499, Sent::Maybe),
        (LocalCode::PagingStuck, 502, Sent::Yes),
        (LocalCode::WebhookSecretMissing, 401, Sent::No),
        (LocalCode::WebhookSecretWrong, 401, Sent::No),
        (LocalCode::WebhookSecretNotGiven, 500, Sent::No),
        (LocalCode::WebhookInvalidBody, 400, Sent::No),
        (LocalCode::WebhookTooLarge, 413, Sent::No),
        (LocalCode::WebhookUnrecognized, 400, Sent::No),
        (LocalCode::WebhookInvalidField, 400, Sent::No),
        (LocalCode::ChatbotRefused, 0, Sent::Yes),
    ];

    /// Every code, in the order of the README's table.
    pub const ALL: &'static [LocalCode] = &{
        let mut all = [LocalCode::NotConfigured; LocalCode::ROWS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = LocalCode::ROWS[i].0;
            i += 1;
        }
        all
    };

    fn row(self) -> (LocalCode, i64, Sent) {
        // Every variant has a row (tests/repository/header.rs checks it against the header).
        LocalCode::ROWS
            .iter()
            .copied()
            .find(|row| row.0 == self)
            .unwrap_or((self, 500, Sent::Maybe))
    }

    /// The number, as in the C header's `TT_ERR_*` constant.
    pub fn number(self) -> i32 {
        self as i32
    }

    /// The string in `error.code`.
    pub fn code(self) -> String {
        self.number().to_string()
    }

    /// The code with this number, if it is one of the library's.
    pub fn from_number(number: i32) -> Option<LocalCode> {
        LocalCode::ALL
            .iter()
            .copied()
            .find(|c| c.number() == number)
    }

    /// Whether the envelope's `status` is the HTTP status received (`HttpStatus`,
    /// `ChatbotRefused`) rather than a fixed one.
    pub fn takes_http_status(self) -> bool {
        self.row().1 == 0
    }

    /// The `status` in the envelope. `HttpStatus` and `ChatbotRefused` use the HTTP status
    /// received instead (and answer 502 here).
    pub fn status(self) -> i64 {
        match self.row().1 {
            0 => 502,
            status => status,
        }
    }

    /// Whether the request had been sent when this failure ended the call.
    pub fn sent(self) -> Sent {
        self.row().2
    }
}
