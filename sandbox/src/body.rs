//! Request bodies in (bounded in size and in time, so a client that stops sending cannot
//! hold anything) and reply bodies out (one chunk, which tells its connection when hyper
//! has taken it).

use crate::conn::Answering;
use crate::reply::Reply;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{HeaderMap, CONTENT_LENGTH, TRANSFER_ENCODING};
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// How long a client may pause while sending a body once its headers arrived.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// An oversized body up to this size is read and discarded so the connection can carry
/// the 413 and stay open; a larger one is refused at once and the connection closed.
pub const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// A body that could not be read: the answer, and whether the connection must close
/// after it (part of the body is still unread).
#[derive(Debug)]
pub struct BodyError {
    pub reply: Reply,
    pub close: bool,
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Reads the whole body, refusing one larger than `max` bytes (413), one that stops
/// arriving for `BODY_TIMEOUT` (408) and one cut short (400).
pub async fn read(headers: &HeaderMap, body: Incoming, max: usize) -> Result<Vec<u8>, BodyError> {
    let too_large = |close| BodyError {
        reply: Reply::http_error(
            413,
            "41300",
            &format!("Request body is larger than {max} bytes"),
        ),
        close,
    };
    let declared = declared_length(headers);
    if declared.is_none() && !headers.contains_key(TRANSFER_ENCODING) {
        // No framing means no body.
        return Ok(Vec::new());
    }
    match declared {
        Some(n) if n > DRAIN_LIMIT => return Err(too_large(true)),
        Some(n) if n > max as u64 => {
            let drained = drain(body, n).await;
            return Err(too_large(!drained));
        }
        _ => {}
    }
    let mut out = Vec::new();
    let mut body = body;
    loop {
        let frame = match tokio::time::timeout(BODY_TIMEOUT, body.frame()).await {
            Err(_) => {
                let message = "Request body was not received in time";
                return Err(BodyError {
                    reply: Reply::http_error(408, "40800", message),
                    close: true,
                });
            }
            Ok(None) => return Ok(out),
            Ok(Some(Err(_))) => {
                return Err(BodyError {
                    reply: Reply::http_error(400, "40000", "Request body could not be read"),
                    close: true,
                })
            }
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            out.extend_from_slice(&data);
            if out.len() > max {
                return Err(too_large(true));
            }
        }
    }
}

/// Reads and discards up to `limit` bytes of body; true when the whole body was read, so
/// the connection can carry another request.
pub async fn drain(mut body: Incoming, limit: u64) -> bool {
    let mut seen = 0u64;
    loop {
        match tokio::time::timeout(BODY_TIMEOUT, body.frame()).await {
            Ok(None) => return true,
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    seen += data.len() as u64;
                    if seen > limit {
                        return false;
                    }
                }
            }
            _ => return false,
        }
    }
}

/// A reply's bytes, handed to hyper in one frame; dropping it (hyper does once it has
/// taken the last frame, or when the connection goes) ends the connection's answer.
pub struct ReplyBody {
    data: Option<Bytes>,
    _answering: Option<Answering>,
}

impl ReplyBody {
    pub fn new(data: Vec<u8>, answering: Option<Answering>) -> ReplyBody {
        ReplyBody {
            data: Some(Bytes::from(data)).filter(|d| !d.is_empty()),
            _answering: answering,
        }
    }
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.data.take().map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}
