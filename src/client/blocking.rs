//! The blocking client: checks a request, builds its wire form, and sends it through the
//! one attempt loop (`attempts.rs`), which repeats it only where that cannot deliver a
//! message twice.
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

use base64::Engine;
use serde_json::{Map, Value};
use ureq::http::{HeaderName, HeaderValue};

use super::attempts::{self, CallKind};
use super::pacing::Pacer;
use crate::config::{relay, Config, ProductConfig, RetryPolicy};
use crate::envelope::{Envelope, LocalCode};
use crate::fork::PerProcess;
use crate::json::{self, Duplicates};
use crate::log::{self, level};
use crate::operation::{validate, Method, Operation, Product, Wire};
use crate::transport::{Transport, WireRequest};

/// A thread-safe TapTalk client holding one pooled keep-alive HTTP agent. Share it (e.g. in
/// an `Arc`) rather than making one per call.
///
/// Fork-safe: in a process forked from one that used it, the client makes a transport of
/// its own (connection pool, resolver cache and threads) on its first call there, and never
/// touches the parent's connections (see `crate::fork`).
pub struct Client {
    config: Config,
    transport: PerProcess<Transport>,
    powertalk: Option<Credentials>,
    sendtalk: Option<Credentials>,
    onetalk: Option<Credentials>,
    chatbot: Option<Credentials>,
}

/// A product's base URL, auth header value and extra headers, built once.
pub(crate) struct Credentials {
    base_url: String,
    /// `None` for a relay section without a TapTalk key.
    auth_value: Option<HeaderValue>,
    extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// `{placeholder}` -> value for the product's paths (the chatbot's ids).
    path_params: Vec<(String, String)>,
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
            replies: product.replies(),
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
            Product::SendTalk | Product::OneTalk | Product::Chatbot => {
                config.key.expose().to_owned()
            }
        };
        // Config parsing refused control and non-ASCII characters, so this cannot fail.
        let mut auth_value =
            HeaderValue::from_str(&raw).unwrap_or_else(|_| HeaderValue::from_static(""));
        // Keeps the value out of http's Debug output.
        auth_value.set_sensitive(true);
        Credentials {
            base_url: config.base_url.clone(),
            auth_value: (!config.key.expose().is_empty()).then_some(auth_value),
            extra_headers: relay::wire(&config.headers),
            path_params: config
                .path_params
                .iter()
                .map(|(name, value)| (format!("{{{name}}}"), value.clone()))
                .collect(),
        }
    }

    /// `path` with its placeholders filled from the config (ids checked to be path-safe).
    fn fill(&self, path: &str) -> String {
        self.path_params
            .iter()
            .fold(path.to_owned(), |path, (placeholder, value)| {
                path.replace(placeholder, value)
            })
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
            chatbot: credentials(Product::Chatbot),
            transport: PerProcess::new(Transport::new(&config)),
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
        match json::parse_object(request_json, Duplicates::LastWins) {
            Ok(Some(map)) => self.run(op, Value::Object(map), retry),
            Ok(None) => Envelope::local(
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
        self.run_paced(op, request, retry, None)
    }

    /// Checks and sends one request of `op`; in a batch, paced with the batch (`pacer`).
    pub(crate) fn run_paced(
        &self,
        op: Operation,
        request: Value,
        retry: &RetryPolicy,
        pacer: Option<&Pacer>,
    ) -> Envelope {
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
        let phone = attempts::masked_phone(&map);
        let wire = wire_request(op, credentials, map);
        let kind = CallKind {
            name: op.name(),
            sends: op.is_send(),
        };
        self.attempts(&kind, &wire, retry, phone.as_deref(), pacer)
    }

    /// Sends `wire` through the one attempt loop (`attempts.rs`).
    pub(crate) fn attempts(
        &self,
        kind: &CallKind,
        wire: &WireRequest,
        policy: &RetryPolicy,
        phone: Option<&str>,
        pacer: Option<&Pacer>,
    ) -> Envelope {
        let transport = self.transport.get(|| Transport::new(&self.config));
        attempts::run(
            &transport,
            self.config.timeout,
            kind,
            wire,
            policy,
            phone,
            pacer,
        )
    }

    fn credentials(&self, product: Product) -> Option<&Credentials> {
        match product {
            Product::PowerTalk => self.powertalk.as_ref(),
            Product::SendTalk => self.sendtalk.as_ref(),
            Product::OneTalk => self.onetalk.as_ref(),
            Product::Chatbot => self.chatbot.as_ref(),
        }
    }

    /// A configured product's credentials (for raw requests).
    pub(crate) fn endpoint(&self, product: Product) -> Option<&Credentials> {
        self.credentials(product)
    }
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

/// The request as it goes on the wire: the caller's fields as the operation's table entry
/// says (a JSON body, one rewritten by its product, or a query string).
fn wire_request(
    op: Operation,
    credentials: &Credentials,
    mut map: Map<String, Value>,
) -> WireRequest<'_> {
    let mut url = format!("{}{}", credentials.base_url, credentials.fill(op.path()));
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
        replies: op.product().replies(),
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
