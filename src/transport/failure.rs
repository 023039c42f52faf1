//! The one place a failure becomes a code: every way an exchange can fail (transport
//! errors, TLS, the proxy, redirects, replies that are not envelopes) is mapped here to an
//! envelope with the library's own code, and to how far the request got, which is what the
//! attempt loop (`client/attempts.rs`) decides a repeat on.

use std::io;
use std::time::{Duration, SystemTime};

use ureq::http::StatusCode;
use ureq::{Error, Timeout};

use super::resolve::ResolveFailure;
use super::tls::HandshakeFailure;
use crate::cancel;
use crate::config::ProxySettings;
use crate::envelope::{Envelope, LocalCode};
use crate::operation::Replies;
use crate::text::quoted;

/// What one attempt produced, and whether the request may have reached the server.
pub(crate) struct Attempt {
    pub envelope: Envelope,
    pub delivery: Delivery,
    /// The HTTP status, when a response head arrived.
    pub http_status: Option<u16>,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
}

/// How far a request got. Only `NotSent` makes it safe to repeat a send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Nothing reached the server: no connection, or the TLS handshake failed.
    NotSent,
    /// Nothing reached the server, and repeating cannot help: the server's certificate
    /// does not verify.
    Refused,
    /// The request was (or may have been) written and no complete reply came back.
    Unknown,
    /// The server answered something: an envelope, an HTTP error, or garbage.
    Answered,
}

impl Attempt {
    /// Nothing reached the server; `permanent`: and repeating cannot help.
    fn not_sent(code: LocalCode, message: String, permanent: bool) -> Attempt {
        Attempt {
            envelope: Envelope::local(code, message, ""),
            delivery: if permanent {
                Delivery::Refused
            } else {
                Delivery::NotSent
            },
            http_status: None,
            retry_after: None,
        }
    }

    pub(crate) fn answered(
        envelope: Envelope,
        status: u16,
        retry_after: Option<Duration>,
    ) -> Attempt {
        Attempt {
            envelope,
            delivery: Delivery::Answered,
            http_status: Some(status),
            retry_after,
        }
    }
}

/// A reply that came back: the server's envelope unchanged, a plain-text reply mapped into
/// one (the chatbot URL's), or the code for what it was instead (a redirect, which is never
/// followed; a body that is not an envelope; an HTTP error without one).
pub(crate) fn reply(
    status: u16,
    body: Vec<u8>,
    retry_after: Option<Duration>,
    replies: Replies,
) -> Attempt {
    if replies == Replies::PlainText && !(300..400).contains(&status) {
        if let Some(envelope) = plain_text(status, &body) {
            return Attempt::answered(envelope, status, retry_after);
        }
    }
    let length = body.len();
    // A body that is not UTF-8 cannot be a JSON envelope.
    let envelope = if (300..400).contains(&status) {
        Envelope::local(
            LocalCode::Redirect,
            format!(
                "The server answered a redirect (HTTP {status}); redirects are not followed so that keys never reach another host. Check base_url."
            ),
            "",
        )
    } else if let Some(envelope) = String::from_utf8(body)
        .ok()
        .and_then(Envelope::from_server_text)
    {
        envelope
    } else if (200..300).contains(&status) {
        Envelope::local(
            LocalCode::InvalidReply,
            format!(
                "The server's reply (HTTP {status}, {length} bytes) is not a TapTalk envelope; check base_url"
            ),
            "",
        )
    } else {
        Envelope::with_status(
            i64::from(status),
            LocalCode::HttpStatus,
            format!(
                "The server answered HTTP {} without a TapTalk envelope{}",
                status_text(status),
                if status == 404 {
                    "; check base_url"
                } else {
                    ""
                }
            ),
            "",
        )
    };
    Attempt::answered(envelope, status, retry_after)
}

/// The chatbot URL's plain-text answer as an envelope: `ok` with a 2xx is success (`data`
/// `{"success": true, "message": "ok"}`, the shape of OneTalk's other replies); a reason with
/// an HTTP error status is 93010 with that status and the reason quoted as every message
/// quotes outside text (`text::quoted`). JSON or HTML is not plain text: it is judged like
/// any reply.
fn plain_text(status: u16, body: &[u8]) -> Option<Envelope> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.starts_with(['{', '[', '<']) {
        return None;
    }
    if (200..300).contains(&status) {
        return Some(Envelope::success(
            serde_json::json!({"success": true, "message": text}),
        ));
    }
    let reason = if text.is_empty() {
        "no reason given".to_owned()
    } else {
        quoted(text)
    };
    Some(Envelope::with_status(
        i64::from(status),
        LocalCode::ChatbotRefused,
        format!(
            "OneTalk refused the chatbot action: HTTP {}: {reason}",
            status_text(status)
        ),
        "",
    ))
}

/// `Retry-After` as seconds or an HTTP date, as a wait from now.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The attempt a transport error ends: its code, and how far the request got.
///
/// The rule, total: a failure before the first byte of the request was handed to the
/// connection (resolving, connecting, the TLS handshake, the proxy's tunnel, or anything
/// else that happened then) is "not sent", with its cause named, whatever kind of error it
/// is; only a failure after that can leave the outcome unknown.
pub(crate) fn failure(
    error: Error,
    phase: Phase,
    timeout: Duration,
    max_response_bytes: u64,
) -> Attempt {
    let error = unwrap_io(error);
    if matches!(&error, Error::Io(e) if cancel::caused(e)) {
        let written = phase != Phase::BeforeWrite;
        return Attempt {
            envelope: cancelled(written),
            delivery: if written {
                Delivery::Unknown
            } else {
                Delivery::NotSent
            },
            http_status: None,
            retry_after: None,
        };
    }
    match phase {
        Phase::BeforeWrite => not_sent(error),
        Phase::AwaitingReply | Phase::Body => {
            after_write(error, phase, timeout, max_response_bytes)
        }
    }
}

/// The envelope of a cancelled call (`crate::cancel`): whether its request may have reached
/// the server is in the message and in `data.maybe_sent`.
pub(crate) fn cancelled(maybe_sent: bool) -> Envelope {
    let message = if maybe_sent {
        "The call was cancelled after its request was sent; it may have reached the server"
    } else {
        "The call was cancelled before its request was sent; nothing reached the server"
    };
    Envelope::with_data(
        LocalCode::Cancelled.status(),
        LocalCode::Cancelled,
        message,
        "",
        serde_json::json!({ "maybe_sent": maybe_sent }),
    )
}

/// A failure before any byte of the request left: never "may have been sent".
fn not_sent(error: Error) -> Attempt {
    if let Some(failure) = handshake_failure(&error) {
        let message = format!(
            "The TLS handshake with the server failed: {}; the request was not sent",
            failure.cause
        );
        return Attempt::not_sent(LocalCode::Tls, message, failure.permanent);
    }
    if let Some(failure) = resolve_failure(&error) {
        let message = format!(
            "The server's host name could not be resolved ({}: {}); the request was not sent",
            failure.host, failure.cause
        );
        return Attempt::not_sent(LocalCode::ConnectFailed, message, false);
    }
    let (code, message) = match &error {
        Error::ConnectProxyFailed(reason) => return connect_refused(reason),
        Error::Timeout(Timeout::Resolve) => (
            LocalCode::ConnectFailed,
            "The server's host name could not be resolved in time (connect_timeout_ms); the request was not sent".to_owned(),
        ),
        Error::Timeout(Timeout::Connect) => (
            LocalCode::ConnectFailed,
            "Could not connect to the server within connect_timeout_ms; the request was not sent"
                .to_owned(),
        ),
        Error::Timeout(_) => (
            LocalCode::ConnectFailed,
            "Could not connect to the server before the call's time ran out (timeout_ms); the request was not sent".to_owned(),
        ),
        Error::HostNotFound => (
            LocalCode::ConnectFailed,
            "The server's host name could not be resolved (no address); the request was not sent"
                .to_owned(),
        ),
        Error::Tls(_) | Error::Rustls(_) | Error::Pem(_) => (
            LocalCode::Tls,
            "The TLS handshake with the server failed (certificate or protocol); the request was not sent".to_owned(),
        ),
        Error::Io(e) if e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) => (
            LocalCode::Tls,
            "The TLS handshake with the server failed (certificate or protocol); the request was not sent".to_owned(),
        ),
        Error::Io(e) => (
            LocalCode::ConnectFailed,
            format!(
                "Could not connect to the server ({}); the request was not sent",
                e.kind()
            ),
        ),
        Error::ConnectionFailed => (
            LocalCode::ConnectFailed,
            "Could not connect to the server; the request was not sent".to_owned(),
        ),
        other => (
            LocalCode::ConnectFailed,
            format!(
                "The connection to the server could not be set up ({}); the request was not sent",
                kind_of(other)
            ),
        ),
    };
    Attempt::not_sent(code, message, false)
}

/// A failure once the request was (perhaps partly) written.
fn after_write(error: Error, phase: Phase, timeout: Duration, max_response_bytes: u64) -> Attempt {
    let (code, message) = match (error, phase) {
        (Error::Timeout(_), _) => (
            LocalCode::Timeout,
            format!(
                "No complete reply within timeout_ms ({} ms)",
                timeout.as_millis()
            ),
        ),
        (Error::BodyExceedsLimit(_), _) => (
            LocalCode::ReplyTooLarge,
            format!(
                "The server's reply is larger than max_response_bytes ({max_response_bytes} bytes) and was refused"
            ),
        ),
        (Error::TooManyRedirects | Error::RedirectFailed, _) => (
            LocalCode::Redirect,
            "The server answered a redirect, which is not followed".to_owned(),
        ),
        (Error::Io(e), phase) => io_failure(&e, phase, timeout),
        (Error::Protocol(_), Phase::Body) => (
            LocalCode::TruncatedReply,
            "The server's reply body was cut short or malformed".to_owned(),
        ),
        (Error::Protocol(_), _) => (
            LocalCode::InvalidReply,
            "The server's reply is not valid HTTP".to_owned(),
        ),
        (other, _) => (
            LocalCode::ConnectionLost,
            format!(
                "The exchange with the server failed ({}); the request may have reached the server",
                kind_of(&other)
            ),
        ),
    };
    // Something came back (a redirect, garbage, too much), or it may have been processed
    // and its reply lost: nothing in between once bytes were written.
    let delivery = match code {
        LocalCode::Redirect
        | LocalCode::InvalidReply
        | LocalCode::HttpStatus
        | LocalCode::ReplyTooLarge => Delivery::Answered,
        _ => Delivery::Unknown,
    };
    Attempt {
        envelope: Envelope::local(code, message, ""),
        delivery,
        http_status: None,
        retry_after: None,
    }
}

/// ureq reports some of its own errors (the body limit) wrapped in an io::Error by the
/// body reader; unwrap them so they are judged like the rest.
fn unwrap_io(error: Error) -> Error {
    match error {
        Error::Io(e) if e.get_ref().is_some_and(|inner| inner.is::<Error>()) => {
            match e.into_inner().map(|inner| inner.downcast::<Error>()) {
                Some(Ok(inner)) => *inner,
                _ => Error::ConnectionFailed,
            }
        }
        other => other,
    }
}

/// The cause of a failed lookup, named by the resolver (`resolve.rs`).
fn resolve_failure(error: &Error) -> Option<&ResolveFailure> {
    match error {
        Error::Io(e) => e.get_ref()?.downcast_ref::<ResolveFailure>(),
        _ => None,
    }
}

/// The cause of a failed handshake, named by `TlsConnector`.
fn handshake_failure(error: &Error) -> Option<&HandshakeFailure> {
    match error {
        Error::Io(e) => e.get_ref()?.downcast_ref::<HandshakeFailure>(),
        _ => None,
    }
}

/// Where an exchange was when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Not one byte of the request handed to a connection yet: resolving, connecting, the
    /// TLS handshake, the proxy's tunnel.
    BeforeWrite,
    /// The request (or part of it) written; waiting for the status line and headers.
    AwaitingReply,
    /// Reading the reply body.
    Body,
}

/// An I/O error once the request was written: a timeout, a reply cut short, or a broken
/// connection (a reset, a close, a TLS record that failed), after which the server may have
/// processed the request.
fn io_failure(e: &io::Error, phase: Phase, timeout: Duration) -> (LocalCode, String) {
    use io::ErrorKind::*;
    let tls = e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>());
    match (e.kind(), phase) {
        (TimedOut | WouldBlock, _) => (
            LocalCode::Timeout,
            format!("No complete reply within timeout_ms ({} ms)", timeout.as_millis()),
        ),
        (UnexpectedEof, Phase::Body) => (
            LocalCode::TruncatedReply,
            "The server's reply body ended before its announced length".to_owned(),
        ),
        (kind, _) => (
            LocalCode::ConnectionLost,
            format!(
                "The connection broke before a complete reply ({}); the request may have reached the server",
                if tls { "TLS error".to_owned() } else { kind.to_string() }
            ),
        ),
    }
}

/// "404 Not Found", or the bare number for a status without a standard reason.
fn status_text(code: u16) -> String {
    match StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

/// A short description of an unexpected ureq error. Its Display is not used because it
/// could some day include request details.
fn kind_of(error: &Error) -> &'static str {
    match error {
        Error::Http(_) => "invalid request",
        Error::BadUri(_) => "invalid URL",
        Error::InvalidProxyUrl => "invalid proxy URL in the environment",
        _ => "unexpected transport error",
    }
}

/// A failure to connect, when the only connection made was to the proxy: the proxy could
/// not be reached. Nothing was sent, so the retry rules treat it like any failed connect.
pub(crate) fn blame(proxy: &ProxySettings, attempt: &mut Attempt) {
    if attempt.envelope.local_code() != Some(LocalCode::ConnectFailed) {
        return;
    }
    let message = attempt
        .envelope
        .message()
        .replace("to the server", &format!("to the proxy {proxy}"))
        .replace(
            "The server's host name",
            &format!("The proxy's host name ({proxy})"),
        );
    attempt.envelope = Envelope::local(LocalCode::ProxyFailed, message, "");
    attempt.delivery = Delivery::NotSent;
}

/// The proxy answered `CONNECT` with something else than 200 (ureq's reason text is
/// `proxy server responded 407/407`, or `proxy server did not respond`).
fn connect_refused(reason: &str) -> Attempt {
    let status = reason
        .strip_prefix("proxy server responded ")
        .and_then(|rest| rest.split('/').next())
        .and_then(|code| code.parse::<u16>().ok());
    let message = match status {
        // tinyproxy answers a wrong password with 401 rather than 407.
        Some(code @ (401 | 407)) => format!(
            "The proxy refused the tunnel to the server: HTTP {} (check the user and password in proxy); the request was not sent",
            status_text(code)
        ),
        Some(code) => format!(
            "The proxy refused the tunnel to the server: HTTP {}; the request was not sent",
            status_text(code)
        ),
        None => "The proxy closed the connection without answering CONNECT; the request was not sent".to_owned(),
    };
    Attempt {
        envelope: Envelope::local(LocalCode::ProxyFailed, message, ""),
        // A 4xx is the proxy's policy or missing credentials: repeating cannot help.
        delivery: match status {
            Some(400..=499) => Delivery::Refused,
            _ => Delivery::NotSent,
        },
        http_status: None,
        retry_after: None,
    }
}

/// A forward request's 407 is the proxy's, not the server's: nothing reached the server.
/// So is a 401 with an HTTP authentication challenge when proxy credentials were sent
/// (tinyproxy answers a wrong password so; TapTalk's APIs never challenge).
pub(crate) fn refusal(
    proxy: &ProxySettings,
    response: &ureq::http::Response<ureq::Body>,
) -> Option<Attempt> {
    let status = response.status().as_u16();
    let challenged = response.headers().contains_key("www-authenticate");
    if !(status == 407 || (status == 401 && challenged && proxy.has_credentials())) {
        return None;
    }
    let message = format!(
        "The proxy {proxy} refused the request: HTTP {} (check the user and password in proxy); the request was not sent",
        status_text(status)
    );
    Some(Attempt {
        envelope: Envelope::local(LocalCode::ProxyFailed, message, ""),
        delivery: Delivery::Refused,
        http_status: Some(status),
        retry_after: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(error: Error, phase: Phase) -> (String, Delivery) {
        let attempt = failure(error, phase, Duration::from_secs(1), 100);
        (attempt.envelope.code().to_owned(), attempt.delivery)
    }

    #[test]
    fn every_error_before_the_write_is_not_sent_whatever_its_kind() {
        let odd = || Error::Io(io::Error::other("something no one foresaw"));
        let named = Error::Io(io::Error::new(
            io::ErrorKind::NotFound,
            ResolveFailure {
                host: "nonexistent.invalid".into(),
                cause: "Name or service not known".into(),
            },
        ));
        for error in [
            odd(),
            named,
            Error::HostNotFound,
            Error::BadUri("x".into()),
            Error::Timeout(Timeout::Global),
            Error::Timeout(Timeout::Resolve),
            Error::ConnectionFailed,
            Error::TooManyRedirects,
            Error::InvalidProxyUrl,
        ] {
            let shown = format!("{error:?}");
            assert_eq!(
                judge(error, Phase::BeforeWrite),
                ("91002".into(), Delivery::NotSent),
                "{shown}"
            );
        }
        // The same unknown error once bytes were written: the outcome is unknown.
        assert_eq!(
            judge(odd(), Phase::AwaitingReply),
            ("91003".into(), Delivery::Unknown)
        );
        assert_eq!(
            judge(Error::Timeout(Timeout::Global), Phase::AwaitingReply),
            ("91001".into(), Delivery::Unknown)
        );
    }

    #[test]
    fn a_lookup_failure_names_the_host_and_its_cause() {
        let error = Error::Io(io::Error::new(
            io::ErrorKind::NotFound,
            ResolveFailure {
                host: "api.example".into(),
                cause: "Temporary failure in name resolution".into(),
            },
        ));
        let attempt = failure(error, Phase::BeforeWrite, Duration::from_secs(1), 100);
        assert_eq!(
            attempt.envelope.message(),
            "The server's host name could not be resolved (api.example: Temporary failure in name resolution); the request was not sent"
        );
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        let soon = SystemTime::now() + Duration::from_secs(30);
        let wait = parse_retry_after(&httpdate::fmt_http_date(soon)).unwrap();
        assert!(wait > Duration::from_secs(27) && wait <= Duration::from_secs(30));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
