//! One request from arrival to answer: faults, framing limits, the key header, validation,
//! the product handler, the latency setting, and how the connection goes on afterwards.
//!
//! Everything that waits (a delay fault, the latency, a slow body) is an async sleep or
//! read, so a thousand waiting requests hold no thread; the state lock is only taken for
//! bookkeeping, never across a wait.

use crate::body::{self, ReplyBody};
use crate::conn::{Conn, Ending};
use crate::faults::{FaultKind, IdleSide};
use crate::reply::Reply;
use crate::request::{query_object, Head};
use crate::settings::Tier;
use crate::state::Shared;
use crate::{auth, chatbot, control, routes};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_TYPE};
use hyper::{HeaderMap, Request, Response};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;
use taptalk::{Operation, Product};

/// Request bodies longer than this are shortened in the request log.
const LOGGED_BODY_BYTES: usize = 64 * 1024;

/// What happens to the connection once the request is dealt with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    /// Answer; keep the connection if the client and the settings allow.
    Answer,
    /// Answer with `Connection: close`: part of the body is unread.
    AnswerAndClose,
    /// Answer, then close as soon as the answer is out, saying nothing (idle close).
    AnswerThenCloseIdle,
    /// No answer: reset the connection.
    Reset,
    /// No answer: close the connection without reading the request (idle close on reuse).
    CloseUnread,
}

pub async fn serve(
    shared: Arc<Shared>,
    conn: Arc<Conn>,
    request: Request<Incoming>,
) -> Result<Response<ReplyBody>, Infallible> {
    let nth = conn.next_request();
    let answering = conn.answering();
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let head = Head::new(request.method().as_str(), target);
    let (parts, body) = request.into_parts();
    let (reply, after) = if head.is_control() {
        match body::read(&parts.headers, body, shared.config.max_request_bytes).await {
            Ok(body) => (
                guarded(|| control::handle(&shared, &head, &body)),
                After::Answer,
            ),
            Err(e) => (e.reply, close_if(e.close)),
        }
    } else {
        // A task of its own, so that a request whose client gives up (a timeout) is still
        // handled to the end and logged, as by a real server: hyper drops this future when
        // the connection goes, the task lives on.
        let task = tokio::spawn({
            let (shared, conn) = (shared.clone(), conn.clone());
            async move {
                let _in_flight = shared.traffic.request();
                let done = api(&shared, &conn, nth, &head, &parts.headers, body).await;
                let latency = shared.lock().settings.latency_ms;
                tokio::time::sleep(Duration::from_millis(latency)).await;
                done
            }
        });
        let (reply, after) = task
            .await
            .unwrap_or_else(|_| (Some(internal_error()), After::AnswerAndClose));
        match (reply, after) {
            (Some(reply), After::Answer | After::AnswerAndClose | After::AnswerThenCloseIdle) => {
                (reply, after)
            }
            // No answer: the connection task drops the connection, and this future with it.
            (_, After::CloseUnread) => return unanswered(&conn, Ending::CloseUnread).await,
            _ => return unanswered(&conn, Ending::Reset).await,
        }
    };
    if after == After::AnswerThenCloseIdle {
        conn.end(Ending::CloseWhenIdle);
    }
    let keep_alive = shared.lock().settings.keep_alive;
    let close = after == After::AnswerAndClose || !keep_alive;
    Ok(response(reply, close, answering))
}

async fn unanswered(conn: &Conn, ending: Ending) -> Result<Response<ReplyBody>, Infallible> {
    conn.end(ending);
    std::future::pending().await
}

fn close_if(close: bool) -> After {
    if close {
        After::AnswerAndClose
    } else {
        After::Answer
    }
}

/// An API request: the answer (`None`: close the connection unanswered, unread) and what
/// follows it. Every request is logged once its fate is known.
async fn api(
    shared: &Shared,
    conn: &Conn,
    nth: u64,
    head: &Head,
    headers: &HeaderMap,
    body: Incoming,
) -> (Option<Reply>, After) {
    let mut entry = json!({
        "time": shared.clock.now_ms(),
        "method": head.method,
        "path": head.path,
        "query": head.query,
        "headers": headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
        "body": Value::Null,
        "fault": Value::Null,
        "connection": conn.id,
        "connection_request": nth,
        "processed": false,
    });
    let log = |mut entry: Value, reply: Option<&Reply>| {
        if let Some(reply) = reply {
            entry["status"] = json!(reply.http_status);
            entry["code"] = json!(reply.code());
        }
        shared.lock().log.push(entry);
    };
    let fault = shared.lock().faults.take(&head.path, nth > 1);
    let mut after = After::Answer;
    match fault {
        Some(FaultKind::ResetBeforeRead) => {
            entry["fault"] = json!("reset_before_read");
            log(entry, None);
            return (None, After::Reset);
        }
        Some(FaultKind::IdleClose(IdleSide::OnReuse)) => {
            entry["fault"] = json!("idle_close");
            log(entry, None);
            return (None, After::CloseUnread);
        }
        Some(FaultKind::Delay(delay)) => {
            entry["fault"] = json!("delay");
            tokio::time::sleep(delay).await;
        }
        Some(FaultKind::Status { status, body: text }) => {
            entry["fault"] = json!("status");
            let reply = match text {
                Some(text) => Reply {
                    http_status: status,
                    headers: Vec::new(),
                    body: text.into_bytes(),
                },
                None => Reply::http_error(status, "99999", "Injected fault"),
            };
            let after = close_if(!body::drain(body, body::DRAIN_LIMIT).await);
            log(entry, Some(&reply));
            return (Some(reply), after);
        }
        Some(FaultKind::RetryAfter(value)) => {
            entry["fault"] = json!("retry_after");
            let reply = Reply::http_error(429, "42900", "Too many requests")
                .with_header("Retry-After", &value);
            let after = close_if(!body::drain(body, body::DRAIN_LIMIT).await);
            log(entry, Some(&reply));
            return (Some(reply), after);
        }
        Some(FaultKind::ResetAfterRead) => {
            entry["fault"] = json!("reset_after_read");
            after = After::Reset;
        }
        Some(FaultKind::IdleClose(IdleSide::AfterReply)) => {
            entry["fault"] = json!("idle_close");
            after = After::AnswerThenCloseIdle;
        }
        None => {}
    }

    let refusal = match routes::operation_at(&head.path) {
        None => Some(Reply::http_error(
            404,
            "40400",
            &format!("No operation at {}", head.path),
        )),
        Some(op) if head.method != op.method().as_str() => {
            entry["operation"] = json!(op.name());
            let allowed = op.method().as_str();
            let message = format!("Method {} is not allowed here; use {allowed}", head.method);
            Some(Reply::http_error(405, "40500", &message).with_header("Allow", allowed))
        }
        Some(_) => None,
    };
    if let Some(reply) = refusal {
        if !body::drain(body, body::DRAIN_LIMIT).await && after != After::Reset {
            after = After::AnswerAndClose;
        }
        log(entry, Some(&reply));
        return (Some(reply), after);
    }
    let op = routes::operation_at(&head.path).expect("checked above");
    entry["operation"] = json!(op.name());
    let body = match body::read(headers, body, shared.config.max_request_bytes).await {
        Ok(body) => body,
        // Even under reset_after_read: a body that cannot be read is answered.
        Err(e) => {
            log(entry, Some(&e.reply));
            return (Some(e.reply), close_if(e.close));
        }
    };
    entry["body"] = logged_body(&body);
    let key = headers
        .get(op.product().auth_header())
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let reply = guarded(|| answer(shared, op, head, key.as_deref(), &body));
    entry["processed"] = json!(true);
    log(entry, Some(&reply));
    (Some(reply), after)
}

/// The API answer to a readable request.
fn answer(shared: &Shared, op: Operation, head: &Head, key: Option<&str>, body: &[u8]) -> Reply {
    if op.product() == Product::Chatbot {
        let checked = chatbot::check(&shared.lock().webhooks, &head.path, key, body);
        return match checked {
            Ok((op, request)) => routes::handle(op, shared, &request),
            Err(refusal) => refusal,
        };
    }
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

/// A handler bug becomes an HTTP 500 envelope instead of a dead connection.
fn guarded(f: impl FnOnce() -> Reply) -> Reply {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| internal_error())
}

fn internal_error() -> Reply {
    Reply::http_error(
        500,
        "50000",
        "Sandbox internal error (a bug in the sandbox)",
    )
}

/// The reply as hyper's response; hyper adds `Content-Length` from the body and closes
/// the connection after a `Connection: close` it sees here.
fn response(reply: Reply, close: bool, answering: crate::conn::Answering) -> Response<ReplyBody> {
    let mut response = Response::new(ReplyBody::new(reply.body, Some(answering)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(reply.http_status).unwrap_or(hyper::StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            // A reply's own Content-Type (the chatbot URL's plain text) replaces the JSON one.
            if name == CONTENT_TYPE {
                headers.insert(name, value);
            } else {
                headers.append(name, value);
            }
        }
    }
    if close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The request log keeps bodies as JSON when they are, and never whole when they are huge.
fn logged_body(body: &[u8]) -> Value {
    if body.len() > LOGGED_BODY_BYTES {
        let head = String::from_utf8_lossy(&body[..LOGGED_BODY_BYTES]);
        return json!({ "truncated": true, "bytes": body.len(), "start": head });
    }
    serde_json::from_slice(body).unwrap_or_else(|_| json!(String::from_utf8_lossy(body)))
}
