//! The blocking client: checks a request, builds its wire form, sends it once.
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
use ureq::http::HeaderValue;

use crate::envelope::{Envelope, LocalCode};
use crate::transport::{Transport, WireRequest};
use crate::{onetalk, powertalk, validate, Config, Method, Operation, Product, ProductConfig};

/// A thread-safe TapTalk client holding one pooled keep-alive HTTP agent. Share it (e.g. in
/// an `Arc`) rather than making one per call.
pub struct Client {
    config: Config,
    transport: Transport,
    powertalk: Option<Credentials>,
    sendtalk: Option<Credentials>,
    onetalk: Option<Credentials>,
}

/// A product's base URL and its auth header value, built once.
struct Credentials {
    base_url: String,
    auth_value: HeaderValue,
}

impl Credentials {
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
            auth_value,
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
        match serde_json::from_str::<Value>(request_json) {
            Ok(value @ Value::Object(_)) => self.call_value(op, value),
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
        let product = op.product();
        let Some(credentials) = self.credentials(product) else {
            return Envelope::local(
                LocalCode::NotConfigured,
                format!(
                    "Request headers are required ({}): {} is not configured; add a \"{}\" section to the client config",
                    product.auth_header(),
                    product.key(),
                    product.key()
                ),
                "",
            );
        };
        if let Err(invalid) = validate(op, &request) {
            return Envelope::local(LocalCode::InvalidParam, invalid.message, invalid.field);
        }
        let Value::Object(map) = request else {
            unreachable!("validate() accepts only objects")
        };
        self.transport.exchange(wire_request(op, credentials, map))
    }

    fn credentials(&self, product: Product) -> Option<&Credentials> {
        match product {
            Product::PowerTalk => self.powertalk.as_ref(),
            Product::SendTalk => self.sendtalk.as_ref(),
            Product::OneTalk => self.onetalk.as_ref(),
        }
    }
}

/// The request as it goes on the wire: the caller's fields, with PowerTalk `data` encoded
/// to the string the API wants, or moved to the query string for the GET operation.
fn wire_request(
    op: Operation,
    credentials: &Credentials,
    mut map: Map<String, Value>,
) -> WireRequest<'_> {
    let mut url = format!("{}{}", credentials.base_url, op.path());
    let body = match op.method() {
        Method::Get => {
            url.push('?');
            url.push_str(&onetalk::updated_cases_query(&map));
            None
        }
        Method::Post => {
            if op == Operation::PowertalkSendCustomMessage {
                powertalk::encode_data(&mut map);
            }
            Some(Value::Object(map).to_string().into_bytes())
        }
    };
    WireRequest {
        method: op.method(),
        url,
        auth_header: op.product().auth_header(),
        auth_value: &credentials.auth_value,
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
