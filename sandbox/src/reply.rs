//! What a handler answers: an HTTP status, extra headers and the vendor envelope as bytes.

use serde_json::{json, Value};

/// What a handler answers. API errors travel with HTTP 200 like the vendor's;
/// only the sandbox's own transport-level refusals use another HTTP status.
#[derive(Debug, Clone)]
pub struct Reply {
    pub http_status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The envelope written in the vendor's key order (status, error, data),
/// which serde_json's sorted maps would not keep.
pub fn envelope(status: u16, code: &str, message: &str, field: &str, data: &Value) -> Vec<u8> {
    let text = |s: &str| Value::from(s).to_string();
    format!(
        r#"{{"status":{status},"error":{{"code":{},"message":{},"field":{}}},"data":{data}}}"#,
        text(code),
        text(message),
        text(field),
    )
    .into_bytes()
}

impl Reply {
    fn envelope(http_status: u16, body: Vec<u8>) -> Reply {
        Reply {
            http_status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn ok(data: Value) -> Reply {
        Reply::envelope(200, envelope(200, "", "", "", &data))
    }

    /// An API error as the vendor sends it: HTTP 200, the real status inside.
    pub fn api_error(status: u16, code: &str, message: &str, field: &str) -> Reply {
        Reply::envelope(200, envelope(status, code, message, field, &json!({})))
    }

    /// A refusal of the request itself (wrong method, too large, ...), where
    /// the HTTP status and the envelope status agree.
    pub fn http_error(http_status: u16, code: &str, message: &str) -> Reply {
        Reply::envelope(
            http_status,
            envelope(http_status, code, message, "", &json!({})),
        )
    }

    pub fn invalid_param(message: &str, field: &str) -> Reply {
        Reply::api_error(400, "40002", message, field)
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The envelope's `error.code`, for the request log.
    pub fn code(&self) -> String {
        serde_json::from_slice::<Value>(&self.body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
            .unwrap_or_default()
    }
}
