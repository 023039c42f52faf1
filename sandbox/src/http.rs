//! One request from arrival to answer: faults, framing limits, the key
//! header, validation, then the product handler.

use crate::faults::FaultKind;
use crate::reply::Reply;
use crate::request::{query_object, Head};
use crate::settings::Tier;
use crate::socket::Connection;
use crate::state::Shared;
use crate::{auth, control, routes};
use serde_json::{json, Value};
use std::io::{ErrorKind, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;
use taptalk::{Operation, Product};
use tiny_http::{Request, StatusCode};

/// How long a client may take to send a body once its headers arrived.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// An oversized body up to this size is read and discarded so the
/// connection can carry the 413 and stay open; a larger one is cut off.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;
/// tiny_http itself reads bodies up to this size before handing us the
/// request, so only larger ones can stall a worker.
const PREREAD_BYTES: usize = 1024;
/// Request bodies longer than this are shortened in the request log.
const LOGGED_BODY_BYTES: usize = 64 * 1024;

/// A body that could not be read, and what that leaves of the connection.
struct BodyError {
    reply: Reply,
    after: Aftermath,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aftermath {
    /// The body was consumed; the connection can carry the next request.
    KeepAlive,
    /// Part of the body is unread: answer, then close.
    Close,
    /// So much is unread that tiny_http must never try to skip it (it would
    /// allocate the whole remainder at once): answer on the raw socket.
    Abandon,
}

pub fn serve(shared: &Shared, port: u16, mut request: Request) {
    let head = Head::new(request.method().as_str(), request.url());
    if head.path == "/_sandbox" || head.path.starts_with("/_sandbox/") {
        match read_body(shared, port, &mut request) {
            Ok(body) => {
                let reply = guarded(|| control::handle(shared, &head, &body));
                respond(request, reply);
            }
            Err(e) => refuse(port, request, e),
        }
        return;
    }

    let mut entry = json!({
        "time": shared.clock.now_ms(),
        "method": head.method,
        "path": head.path,
        "query": head.query,
        "headers": request.headers().iter().map(|h| h.field.as_str().as_str()).collect::<Vec<_>>(),
        "body": Value::Null,
        "fault": Value::Null,
    });
    let fault = shared.lock().faults.take(&head.path);
    let mut reset_after_read = false;
    match &fault {
        Some(FaultKind::ResetBeforeRead) => {
            entry["fault"] = json!("reset_before_read");
            shared.lock().log.push(entry);
            abort(port, request);
            return;
        }
        Some(FaultKind::Delay(delay)) => {
            entry["fault"] = json!("delay");
            std::thread::sleep(*delay);
        }
        Some(FaultKind::Status { status, body }) => {
            let reply = match body {
                Some(text) => Reply {
                    http_status: *status,
                    headers: Vec::new(),
                    body: text.clone().into_bytes(),
                },
                None => Reply::http_error(*status, "99999", "Injected fault"),
            };
            entry["fault"] = json!("status");
            return finish(shared, port, request, entry, reply, false);
        }
        Some(FaultKind::RetryAfter(value)) => {
            let reply = Reply::http_error(429, "42900", "Too many requests")
                .with_header("Retry-After", value);
            entry["fault"] = json!("retry_after");
            return finish(shared, port, request, entry, reply, false);
        }
        Some(FaultKind::ResetAfterRead) => {
            entry["fault"] = json!("reset_after_read");
            reset_after_read = true;
        }
        None => {}
    }

    let Some(op) = routes::operation_at(&head.path) else {
        let reply = Reply::http_error(404, "40400", &format!("No operation at {}", head.path));
        return finish(shared, port, request, entry, reply, reset_after_read);
    };
    entry["operation"] = json!(op.name());
    if head.method != op.method().as_str() {
        let allowed = op.method().as_str();
        let message = format!("Method {} is not allowed here; use {allowed}", head.method);
        let reply = Reply::http_error(405, "40500", &message).with_header("Allow", allowed);
        return finish(shared, port, request, entry, reply, reset_after_read);
    }
    let body = match read_body(shared, port, &mut request) {
        Ok(body) => body,
        Err(e) => {
            let mut state = shared.lock();
            entry["status"] = json!(e.reply.http_status);
            entry["code"] = json!(e.reply.code());
            state.log.push(entry);
            drop(state);
            return refuse(port, request, e);
        }
    };
    entry["body"] = logged_body(&body);
    let key = header(&request, op.product().auth_header());
    let reply = guarded(|| answer(shared, op, &head, key.as_deref(), &body));
    finish(shared, port, request, entry, reply, reset_after_read)
}

/// The API answer to a readable request.
fn answer(shared: &Shared, op: Operation, head: &Head, key: Option<&str>, body: &[u8]) -> Reply {
    if let Err(reply) = auth::authenticate(&shared.config, op.product(), key) {
        return reply;
    }
    if op.product() == Product::OneTalk {
        match shared.lock().settings.onetalk_tier {
            Tier::None => return Reply::api_error(499, "49900", "Please select a tier", ""),
            Tier::FeatureMissing if op == Operation::OnetalkUpdateCase => {
                let message = "This feature is not available for your current tier";
                return Reply::api_error(499, "49901", message, "");
            }
            _ => {}
        }
    }
    let request = if op.method().as_str() == "GET" {
        query_object(&head.query)
    } else if body.iter().all(u8::is_ascii_whitespace) {
        return Reply::invalid_param("Request body is required (a JSON object)", "");
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => v,
            Err(_) => return Reply::invalid_param("Request body is not valid JSON", ""),
        }
    };
    if let Err(invalid) = taptalk::validate(op, &request) {
        return Reply::invalid_param(&invalid.message, &invalid.field);
    }
    routes::handle(op, shared, &request)
}

/// A handler bug becomes an HTTP 500 envelope instead of a dead worker.
fn guarded(f: impl FnOnce() -> Reply) -> Reply {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Reply::http_error(
            500,
            "50000",
            "Sandbox internal error (a bug in the sandbox)",
        )
    })
}

fn finish(
    shared: &Shared,
    port: u16,
    request: Request,
    mut entry: Value,
    reply: Reply,
    drop_connection: bool,
) {
    entry["status"] = json!(reply.http_status);
    entry["code"] = json!(reply.code());
    shared.lock().log.push(entry);
    if drop_connection {
        abort(port, request);
    } else {
        respond(request, reply);
    }
}

fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_string())
}

fn read_body(shared: &Shared, port: u16, request: &mut Request) -> Result<Vec<u8>, BodyError> {
    let max = shared.config.max_request_bytes;
    let too_large = |after| BodyError {
        reply: Reply::http_error(
            413,
            "41300",
            &format!("Request body is larger than {max} bytes"),
        ),
        after,
    };
    let declared = request.body_length();
    let chunked = header(request, "Transfer-Encoding").is_some();
    if declared.is_none() && !chunked {
        // No framing means no body (and with `Connection: upgrade` tiny_http
        // would hand over the raw stream, which never ends by itself).
        return Ok(Vec::new());
    }
    // With `Connection: upgrade` even a small body is read from the socket.
    let upgrade =
        header(request, "Connection").is_some_and(|v| v.to_ascii_lowercase().contains("upgrade"));
    let conn = if chunked || upgrade || declared.is_some_and(|n| n > PREREAD_BYTES) {
        Connection::find(port, request.remote_addr())
    } else {
        None
    };
    if let Some(conn) = conn {
        conn.set_read_timeout(Some(BODY_TIMEOUT));
    }
    let result = match declared {
        Some(n) if n > DRAIN_LIMIT => Err(too_large(Aftermath::Abandon)),
        Some(n) if n > max => {
            let mut rest = request.as_reader().take(n as u64);
            match std::io::copy(&mut rest, &mut std::io::sink()) {
                Ok(got) if got == n as u64 => Err(too_large(Aftermath::KeepAlive)),
                _ => Err(too_large(Aftermath::Close)),
            }
        }
        _ => {
            let mut body = Vec::new();
            let limit = declared.map_or(max as u64 + 1, |n| n as u64);
            match request.as_reader().take(limit).read_to_end(&mut body) {
                Ok(_) if body.len() > max => Err(too_large(Aftermath::Close)),
                Ok(_) => Ok(body),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    let message = "Request body was not received in time";
                    Err(BodyError {
                        reply: Reply::http_error(408, "40800", message),
                        after: Aftermath::Close,
                    })
                }
                Err(_) => Err(BodyError {
                    reply: Reply::http_error(400, "40000", "Request body could not be read"),
                    after: Aftermath::Close,
                }),
            }
        }
    };
    if let Some(conn) = conn {
        conn.set_read_timeout(None);
    }
    result
}

/// Answers a request whose body could not be read, then deals with what is
/// left of the connection.
fn refuse(port: u16, request: Request, error: BodyError) {
    let conn = Connection::find(port, request.remote_addr());
    match error.after {
        Aftermath::KeepAlive => respond(request, error.reply),
        Aftermath::Close => {
            if let Some(conn) = conn {
                conn.stop_reading();
            }
            respond(request, error.reply.with_header("Connection", "close"));
            if let Some(conn) = conn {
                conn.close();
            }
        }
        Aftermath::Abandon => {
            if let Some(conn) = conn {
                // Over TLS raw bytes would corrupt the stream: the client sees the close.
                if !request.secure() {
                    conn.write_all(&raw_response(&error.reply));
                }
                conn.close();
            }
            // Dropping the request would make tiny_http allocate the whole
            // declared body to skip it; leaking this one request is the
            // lesser harm (its connection is already shut).
            std::mem::forget(request);
        }
    }
}

/// The reply as HTTP/1.1 bytes, ending the connection after it.
fn raw_response(reply: &Reply) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.http_status,
        StatusCode(reply.http_status).default_reason_phrase(),
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&reply.body);
    bytes
}

/// Answers with `Connection: close`, written by the sandbox itself.
///
/// tiny_http 0.12 serves each connection on a pool thread for the connection's whole life,
/// and its pool can queue a burst of new connections behind busy keep-alive ones
/// (`TaskPool::spawn` adds a thread only when none is waiting), which stalled concurrent
/// clients for seconds. It also never lets a response say `Connection: close`. With one
/// request per connection every pool task is short, so nothing waits behind it.
fn respond(request: Request, reply: Reply) {
    let mut writer = request.into_writer();
    // A client that went away is no concern of the sandbox's.
    let _ = writer
        .write_all(&raw_response(&reply))
        .and_then(|()| writer.flush());
}

/// Drops the connection without a byte of answer.
fn abort(port: u16, request: Request) {
    if let Some(conn) = Connection::find(port, request.remote_addr()) {
        conn.abort();
    }
    // Taking the writer stops tiny_http from answering 500 when the request
    // is dropped.
    drop(request.into_writer());
}

/// The request log keeps bodies as JSON when they are, and never whole when
/// they are huge.
fn logged_body(body: &[u8]) -> Value {
    if body.len() > LOGGED_BODY_BYTES {
        let head = String::from_utf8_lossy(&body[..LOGGED_BODY_BYTES]);
        return json!({ "truncated": true, "bytes": body.len(), "start": head });
    }
    serde_json::from_slice(body).unwrap_or_else(|_| json!(String::from_utf8_lossy(body)))
}
