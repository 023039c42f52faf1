//! The blocking client: checks a request, builds its wire form, sends it, and repeats the
//! attempt only where that cannot deliver a message twice (see `retry.rs`).
//!
//! ```no_run
//! use taptalk::{Client, Operation};
//! let client = Client::from_json(r#"{"sendtalk": {"api_key": "YOUR_KEY"}}"#).unwrap();
//! let reply = client.call(Operation::SendtalkSendWhatsapp,
//!     r#"{"phone": "6281212345678", "messageType": "text", "body": "Hi"}"#);
//! if reply.is_success() {
//!     println!("queued as {}", reply.data()["id"]);
//! } else {
//!     println!("{} {}: {}", reply.status(), reply.code(), reply.message());
//! }
//! ```

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Map, Value};
use ureq::http::{HeaderName, HeaderValue};

use crate::envelope::{Envelope, LocalCode};
use crate::log::{self, level};
use crate::operation::Wire;
use crate::transport::{Attempt, Delivery, Transport, WireRequest};
use crate::{validate, Config, Method, Operation, Product, ProductConfig, RetryPolicy};

/// A thread-safe TapTalk client holding one pooled keep-alive HTTP agent. Share it (e.g. in
/// an `Arc`) rather than making one per call.
pub struct Client {
    config: Config,
    transport: Transport,
    powertalk: Option<Credentials>,
    sendtalk: Option<Credentials>,
    onetalk: Option<Credentials>,
}

/// A product's base URL, auth header value and extra headers, built once.
pub(crate) struct Credentials {
    base_url: String,
    /// `None` for a relay section without a TapTalk key.
    auth_value: Option<HeaderValue>,
    extra_headers: Vec<(HeaderName, HeaderValue)>,
}

impl Credentials {
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A request to `url` carrying this product's headers exactly as an operation's would.
    pub(crate) fn wire(
        &self,
        product: Product,
        method: Method,
        url: String,
        body: Option<Vec<u8>>,
    ) -> WireRequest<'_> {
        WireRequest {
            method,
            url,
            auth: self.auth(product),
            extra_headers: &self.extra_headers,
            body,
        }
    }

    /// The key header and its value, unless this is a relay section without a key.
    fn auth(&self, product: Product) -> Option<(&'static str, &HeaderValue)> {
        self.auth_value
            .as_ref()
            .map(|value| (product.auth_header(), value))
    }

    fn new(product: Product, config: &ProductConfig) -> Credentials {
        let raw = match product {
            Product::PowerTalk => base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                config.key_id,
                config.key.expose()
            )),
            Product::SendTalk | Product::OneTalk => config.key.expose().to_owned(),
        };
        // Config parsing refused control and non-ASCII characters, so this cannot fail.
        let mut auth_value =
            HeaderValue::from_str(&raw).unwrap_or_else(|_| HeaderValue::from_static(""));
        // Keeps the value out of http's Debug output.
        auth_value.set_sensitive(true);
        Credentials {
            base_url: config.base_url.clone(),
            auth_value: (!config.key.expose().is_empty()).then_some(auth_value),
            extra_headers: crate::relay::wire(&config.headers),
        }
    }
}

impl Client {
    /// A client for a checked configuration.
    pub fn new(config: Config) -> Client {
        let credentials = |product| {
            config
                .product(product)
                .map(|section| Credentials::new(product, section))
        };
        Client {
            powertalk: credentials(Product::PowerTalk),
            sendtalk: credentials(Product::SendTalk),
            onetalk: credentials(Product::OneTalk),
            transport: Transport::new(&config),
            config,
        }
    }

    /// Parses `config_json` (see [`Config::from_json`]); a refusal comes as an envelope with
    /// code 90003 and `field` naming the key.
    pub fn from_json(config_json: &str) -> Result<Client, Envelope> {
        Config::from_json(config_json)
            .map(Client::new)
            .map_err(|e| e.to_envelope())
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs `op` with a request in the vendor's JSON field names.
    pub fn call(&self, op: Operation, request_json: &str) -> Envelope {
        self.call_with_retry(op, request_json, &self.config.retry)
    }

    /// Like [`Client::call`] with a retry policy for this call only.
    pub fn call_with_retry(
        &self,
        op: Operation,
        request_json: &str,
        retry: &RetryPolicy,
    ) -> Envelope {
        match serde_json::from_str::<Value>(request_json) {
            Ok(value @ Value::Object(_)) => self.run(op, value, retry),
            Ok(_) => Envelope::local(
                LocalCode::InvalidJson,
                "The request must be a JSON object",
                "",
            ),
            Err(e) => Envelope::local(
                LocalCode::InvalidJson,
                format!("The request is not valid JSON: {e}"),
                "",
            ),
        }
    }

    /// Runs `op` with an already parsed request.
    pub fn call_value(&self, op: Operation, request: Value) -> Envelope {
        self.run(op, request, &self.config.retry)
    }

    fn run(&self, op: Operation, request: Value, retry: &RetryPolicy) -> Envelope {
        let product = op.product();
        let Some(credentials) = self.credentials(product) else {
            return not_configured(product);
        };
        if let Err(invalid) = validate(op, &request) {
            log::emit(level::DEBUG, || {
                format!("{} refused locally: 40002 {}", op.name(), invalid.field)
            });
            return Envelope::local(LocalCode::InvalidParam, invalid.message, invalid.field);
        }
        let Value::Object(map) = request else {
            unreachable!("validate() accepts only objects")
        };
        // Masked only when a line may be written: the call path stays allocation-free otherwise.
        let phone = ["phone", "userPhone"]
            .iter()
            .find_map(|key| map.get(*key))
            .and_then(Value::as_str)
            .filter(|_| log::enabled(level::ERROR))
            .map(log::mask_phone);
        let wire = wire_request(op, credentials, map);
        let kind = CallKind {
            name: op.name(),
            sends: op.is_send(),
        };
        self.attempts(&kind, &wire, retry, phone.as_deref())
    }

    /// Sends `wire`, repeating it while the policy and the rules allow.
    pub(crate) fn attempts(
        &self,
        op: &CallKind,
        wire: &WireRequest,
        policy: &RetryPolicy,
        phone: Option<&str>,
    ) -> Envelope {
        let started = Instant::now();
        let mut number = 1;
        loop {
            let remaining = policy.deadline.saturating_sub(started.elapsed());
            let timeout = self
                .config
                .timeout
                .min(remaining)
                .max(Duration::from_millis(1));
            let attempt_started = Instant::now();
            let attempt = self.transport.exchange(wire, timeout);
            let took = attempt_started.elapsed();

            let wait = if number < policy.max_attempts && may_repeat(op, &attempt) {
                let wait = attempt
                    .retry_after
                    .unwrap_or_else(|| policy.backoff(number));
                // Retry-After is honoured, but never past the call's deadline.
                // Saturating: a huge Retry-After (u64::MAX seconds) must not overflow.
                (started.elapsed().saturating_add(wait) < policy.deadline).then_some(wait)
            } else {
                None
            };
            log_attempt(op, number, policy.max_attempts, phone, &attempt, took, wait);
            match wait {
                Some(wait) => {
                    thread::sleep(wait);
                    number += 1;
                }
                None => return finish(op, attempt, number),
            }
        }
    }

    fn credentials(&self, product: Product) -> Option<&Credentials> {
        match product {
            Product::PowerTalk => self.powertalk.as_ref(),
            Product::SendTalk => self.sendtalk.as_ref(),
            Product::OneTalk => self.onetalk.as_ref(),
        }
    }

    /// A configured product's credentials (for raw requests).
    pub(crate) fn endpoint(&self, product: Product) -> Option<&Credentials> {
        self.credentials(product)
    }
}

/// What the retry loop and the log lines need to know about a call: its name in log lines,
/// and whether it must never be repeated once written (a send).
pub(crate) struct CallKind<'a> {
    pub name: &'a str,
    pub sends: bool,
}

/// The server's own answer to a request without its key header (40001), given locally when
/// the product has no section in the config.
pub(crate) fn not_configured(product: Product) -> Envelope {
    Envelope::local(
        LocalCode::NotConfigured,
        format!(
            "Request headers are required ({}): {} is not configured; add a \"{}\" section to the client config",
            product.auth_header(),
            product.key(),
            product.key()
        ),
        "",
    )
}

/// Whether repeating this attempt is safe and may help.
fn may_repeat(op: &CallKind, attempt: &Attempt) -> bool {
    let idempotent = !op.sends;
    match attempt.delivery {
        // Nothing reached the server: safe for every operation.
        Delivery::NotSent => true,
        // Nothing reached the server, and repeating cannot help (a certificate that fails).
        Delivery::Refused => false,
        // The request may have been processed: only a read or an idempotent update.
        Delivery::Unknown => idempotent,
        Delivery::Answered => match attempt.http_status {
            // "Not now": the server did not process it. A send relies on that only when
            // the server says so explicitly with Retry-After.
            Some(429 | 503) => idempotent || attempt.retry_after.is_some(),
            // A gateway may have forwarded the request before failing.
            Some(502 | 504) => idempotent,
            _ => false,
        },
    }
}

/// The envelope a call ends with: a send whose outcome is unknown says so; a local failure
/// after several attempts says how many.
fn finish(op: &CallKind, attempt: Attempt, attempts: u32) -> Envelope {
    let cause = attempt.envelope;
    if op.sends && attempt.delivery == Delivery::Unknown {
        let message = format!(
            "Outcome unknown: {}. The message may have been sent, so it was not retried; check before sending again (SendTalk: keep the request and ask get_status if you have an id)",
            cause.message().trim_end_matches('.')
        );
        let data = serde_json::json!({"attempts": attempts, "cause": cause.code()});
        return Envelope::with_data(
            LocalCode::OutcomeUnknown.status(),
            LocalCode::OutcomeUnknown,
            message,
            "",
            data,
        );
    }
    match cause.local_code() {
        Some(code) if attempts > 1 => {
            let message = format!("{} (after {attempts} attempts)", cause.message());
            let data = serde_json::json!({"attempts": attempts});
            Envelope::with_data(cause.status(), code, message, cause.field(), data)
        }
        _ => cause,
    }
}

fn log_attempt(
    op: &CallKind,
    number: u32,
    max: u32,
    phone: Option<&str>,
    attempt: &Attempt,
    took: Duration,
    wait: Option<Duration>,
) {
    let severity = match (wait, attempt.http_status) {
        (Some(_), _) => level::WARN,
        (None, Some(_)) => level::INFO,
        (None, None) => level::ERROR,
    };
    log::emit(severity, || {
        let to = phone.map(|p| format!(" to {p}")).unwrap_or_default();
        let http = attempt
            .http_status
            .map_or_else(|| "no HTTP reply".to_owned(), |s| format!("HTTP {s}"));
        let envelope = &attempt.envelope;
        let outcome = if envelope.code().is_empty() {
            format!("status {}", envelope.status())
        } else {
            format!("status {} code {}", envelope.status(), envelope.code())
        };
        let next = wait.map_or_else(String::new, |w| {
            format!("; retrying in {} ms", w.as_millis())
        });
        format!(
            "{} attempt {number}/{max}{to}: {http}, {outcome}, {:.1} ms{next}",
            op.name,
            took.as_secs_f64() * 1000.0
        )
    });
}

/// The request as it goes on the wire: the caller's fields as the operation's table entry
/// says (a JSON body, one rewritten by its product, or a query string).
fn wire_request(
    op: Operation,
    credentials: &Credentials,
    mut map: Map<String, Value>,
) -> WireRequest<'_> {
    let mut url = format!("{}{}", credentials.base_url, op.path());
    let body = match op.spec().wire {
        Wire::Query(query) => {
            url.push('?');
            url.push_str(&query(&map));
            None
        }
        Wire::BodyWith(rewrite) => {
            rewrite(&mut map);
            Some(Value::Object(map).to_string().into_bytes())
        }
        Wire::Body => Some(Value::Object(map).to_string().into_bytes()),
    };
    WireRequest {
        method: op.method(),
        url,
        auth: credentials.auth(op.product()),
        extra_headers: &credentials.extra_headers,
        body,
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Config's Debug redacts keys; the precomputed header values are not printed at all.
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
