//! How a sandbox starts: keys, product switches, limits and the server's connection behaviour.

use crate::tls::SandboxTls;
use crate::webhooks::WebhookSettings;
use std::time::Duration;

/// How a sandbox starts. Everything a test may want to vary without touching
/// the control API; the runtime copy of the mutable parts lives in `Settings`.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    pub powertalk_key_id: String,
    pub powertalk_key_secret: String,
    pub sendtalk_api_key: String,
    pub onetalk_api_key: String,
    /// Time a SendTalk message takes to go from pending to sent.
    pub delivery_delay: Duration,
    /// PowerTalk bodies longer than this many characters are split.
    pub powertalk_max_body_chars: usize,
    /// `None` is unlimited; each accepted send costs `sendtalk_price`.
    pub sendtalk_balance: Option<u64>,
    pub sendtalk_price: u64,
    /// Phones answered as "not on WhatsApp" (`invalid_recipient`).
    pub invalid_recipients: Vec<String>,
    pub threads: usize,
    /// Bodies larger than this are refused with HTTP 413.
    pub max_request_bytes: usize,
    /// Serve HTTPS with this certificate instead of plain HTTP.
    pub tls: Option<SandboxTls>,
    /// Keep HTTP/1.1 connections open for further requests, as real servers do; `false`
    /// answers every request with `Connection: close`.
    pub keep_alive: bool,
    /// A kept-alive connection idle this long is closed by the server.
    pub idle_timeout: Duration,
    /// Every API answer waits this long first (at most a minute), holding no thread.
    pub latency: Duration,
    /// Outgoing callbacks: the organisation webhook's and the custom chatbot's URLs, the
    /// chatbot's ids and secret, retries.
    pub webhooks: WebhookSettings,
}

pub const DEFAULT_POWERTALK_KEY_ID: &str = "sandbox-powertalk-key-id";
pub const DEFAULT_POWERTALK_KEY_SECRET: &str = "sandbox-powertalk-key-secret";
pub const DEFAULT_SENDTALK_API_KEY: &str = "sandbox-sendtalk-api-key";
pub const DEFAULT_ONETALK_API_KEY: &str = "sandbox-onetalk-api-key";

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            powertalk_key_id: DEFAULT_POWERTALK_KEY_ID.to_string(),
            powertalk_key_secret: DEFAULT_POWERTALK_KEY_SECRET.to_string(),
            sendtalk_api_key: DEFAULT_SENDTALK_API_KEY.to_string(),
            onetalk_api_key: DEFAULT_ONETALK_API_KEY.to_string(),
            delivery_delay: Duration::from_millis(200),
            powertalk_max_body_chars: 2000,
            sendtalk_balance: None,
            sendtalk_price: 100,
            invalid_recipients: Vec::new(),
            threads: 8,
            max_request_bytes: 1024 * 1024,
            tls: None,
            keep_alive: true,
            idle_timeout: Duration::from_secs(5),
            latency: Duration::ZERO,
            webhooks: WebhookSettings::default(),
        }
    }
}

impl SandboxConfig {
    /// The `Server-Key` header value a PowerTalk client must send.
    pub fn powertalk_server_key(&self) -> String {
        use base64::Engine as _;
        let pair = format!("{}:{}", self.powertalk_key_id, self.powertalk_key_secret);
        base64::engine::general_purpose::STANDARD.encode(pair)
    }
}
