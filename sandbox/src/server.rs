//! The in-process sandbox: a tokio runtime of its own serving the listening socket, and
//! Rust wrappers around the control API.

use crate::config::SandboxConfig;
use crate::control;
use crate::listen;
use crate::state::Shared;
use serde_json::{json, Value};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// A running sandbox. Dropping it stops it.
pub struct Sandbox {
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
    stop: watch::Sender<bool>,
    accepting: Option<tokio::task::JoinHandle<()>>,
    addr: SocketAddr,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts on a free port of 127.0.0.1.
    pub fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        Sandbox::start_on("127.0.0.1:0", config)
    }

    /// Starts on `addr` ("HOST:PORT"; port 0 picks a free one). `config.threads` runtime
    /// threads serve every connection; waiting requests hold none of them.
    pub fn start_on(addr: &str, config: SandboxConfig) -> io::Result<Sandbox> {
        let acceptor = match &config.tls {
            Some(tls) => {
                let server = tls.server_config().map_err(io::Error::other)?;
                Some(tokio_rustls::TlsAcceptor::from(Arc::new(server)))
            }
            None => None,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.threads.max(1))
            .thread_name("taptalk-sandbox")
            .enable_all()
            .build()?;
        let listener = {
            let _inside = runtime.enter();
            listen::bind(addr)?
        };
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let (stop, stopping) = watch::channel(false);
        let accepting = runtime.spawn(listen::accept_loop(
            listener,
            acceptor,
            shared.clone(),
            stopping,
        ));
        Ok(Sandbox {
            shared,
            runtime: Some(runtime),
            stop,
            accepting: Some(accepting),
            addr,
        })
    }

    /// The base URL for all three products: `http://127.0.0.1:PORT`, or `https://` when
    /// started with `tls`.
    pub fn url(&self) -> String {
        let ip = loopback(self.addr.ip());
        let scheme = if self.is_tls() { "https" } else { "http" };
        format!("{scheme}://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Whether it serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.shared.config.tls.is_some()
    }

    /// The PEM certificate of the CA that signed the sandbox's certificate (HTTPS only):
    /// what a client must trust (`tls.ca_pem` in the SDK's config).
    pub fn ca_cert_pem(&self) -> Option<&str> {
        self.shared.config.tls.as_ref()?.ca_cert_pem.as_deref()
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it started with (see `settings()` for runtime changes).
    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    /// The `Server-Key` header value PowerTalk clients must send.
    pub fn powertalk_server_key(&self) -> String {
        self.shared.config.powertalk_server_key()
    }

    /// A taptalk client configuration (`config_json`) with all three products pointed at
    /// this sandbox and its keys: `Client::from_json(&sandbox.client_config().to_string())`.
    /// Over HTTPS it also trusts the sandbox's CA (`tls.ca_pem`).
    pub fn client_config(&self) -> Value {
        let (url, keys) = (self.url(), &self.shared.config);
        let mut config = json!({
            "powertalk": {"base_url": url, "server_key_id": keys.powertalk_key_id,
                          "server_key_secret": keys.powertalk_key_secret},
            "sendtalk": {"base_url": url, "api_key": keys.sendtalk_api_key},
            "onetalk": {"base_url": url, "api_key": keys.onetalk_api_key},
            "chatbot": {"base_url": url, "organization_id": keys.webhooks.organization_id,
                        "chatbot_id": keys.webhooks.chatbot_id,
                        "secret_key": keys.webhooks.chatbot_secret},
        });
        if let Some(ca) = self.ca_cert_pem() {
            config["tls"] = json!({ "ca_pem": ca });
        }
        config
    }

    /// Stops accepting (the port is closed when this returns), gives requests in progress
    /// a few seconds to finish, and ends the runtime.
    pub fn stop(self) {}

    /// Clears stored data, the request log, pending faults and runtime settings.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Adds a fault, in the JSON shape of `POST /_sandbox/faults`.
    pub fn inject_fault(&self, fault: Value) -> Result<(), String> {
        control::add_faults(&self.shared, &fault)
            .map(|_| ())
            .map_err(|(field, message)| format!("{field}: {message}"))
    }

    pub fn faults(&self) -> Value {
        control::faults(&self.shared)
    }

    /// Changes settings, in the JSON shape of `POST /_sandbox/settings`.
    pub fn update_settings(&self, settings: Value) -> Result<Value, String> {
        control::apply_settings(&self.shared, &settings)
            .map_err(|(field, message)| format!("{field}: {message}"))
    }

    pub fn settings(&self) -> Value {
        control::settings(&self.shared)
    }

    /// "ok", "none" (49900 everywhere) or "feature_missing" (49901 on update).
    pub fn set_onetalk_tier(&self, tier: &str) -> Result<(), String> {
        self.update_settings(json!({ "onetalk_tier": tier }))
            .map(|_| ())
    }

    pub fn set_sendtalk_balance(&self, balance: Option<u64>) {
        let _ = self.update_settings(json!({ "sendtalk_balance": balance }));
    }

    pub fn set_invalid_recipients(&self, phones: &[&str]) {
        let _ = self.update_settings(json!({ "invalid_recipients": phones }));
    }

    pub fn set_delivery_delay(&self, delay: Duration) {
        let ms = (delay.as_millis() as u64).min(3_600_000);
        let _ = self.update_settings(json!({ "delivery_delay_ms": ms }));
    }

    /// Changes the clock, in the JSON shape of `POST /_sandbox/clock`
    /// (`{"freeze": bool, "advance_ms": N}`); answers `{"now_ms", "frozen"}`.
    pub fn set_clock(&self, change: Value) -> Result<Value, String> {
        control::set_clock(&self.shared, &change)
            .map_err(|(field, message)| format!("{field}: {message}"))
    }

    /// Stops the clock at the current time and answers it (Unix ms): every
    /// request then sees this millisecond until `advance_clock` or
    /// `resume_clock`, so several cases can share one `updatedTime`.
    pub fn freeze_clock(&self) -> u64 {
        self.shared.clock.freeze()
    }

    /// Moves the clock forward (at most a year), frozen or running; answers
    /// the new time.
    pub fn advance_clock(&self, by: Duration) -> u64 {
        let ms = by.as_millis().min(u128::from(u64::MAX)) as u64;
        self.shared.clock.advance(ms)
    }

    /// Lets a frozen clock run again from the time it shows.
    pub fn resume_clock(&self) -> u64 {
        self.shared.clock.resume()
    }

    /// The sandbox's current time (Unix ms), as stamped on what it stores.
    pub fn now_ms(&self) -> u64 {
        self.shared.clock.now_ms()
    }

    pub fn powertalk_messages(&self) -> Value {
        control::powertalk_messages(&self.shared)
    }

    pub fn powertalk_contacts(&self) -> Value {
        control::powertalk_contacts(&self.shared)
    }

    pub fn sendtalk_messages(&self) -> Value {
        control::sendtalk_messages(&self.shared)
    }

    pub fn onetalk_cases(&self) -> Value {
        control::onetalk_cases(&self.shared)
    }

    pub fn onetalk_messages(&self) -> Value {
        control::onetalk_messages(&self.shared)
    }

    /// Outgoing callbacks, as `GET /_sandbox/webhooks`: `deliveries` (each with its event,
    /// attempts and `delivered`), `pending`, `settings`.
    pub fn webhooks(&self) -> Value {
        self.shared.lock().webhooks.to_json()
    }

    /// Changes the callback settings, in the JSON shape of `POST /_sandbox/webhooks`.
    pub fn update_webhooks(&self, settings: Value) -> Result<Value, String> {
        control::webhook_settings(&self.shared, &settings)
            .map_err(|(field, message)| format!("{field}: {message}"))
    }

    /// Waits (at most `timeout`) until every queued callback has been delivered or given
    /// up on, and answers `webhooks()`.
    pub fn wait_for_webhooks(&self, timeout: Duration) -> Value {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let state = self.webhooks();
            if state["pending"] == 0 || std::time::Instant::now() >= deadline {
                return state;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A customer writes `text` to the chatbot from `phone`, as `POST /_sandbox/chatbot/messages`:
    /// answers `{"caseID", "messageID", "queued"}`.
    pub fn customer_message(&self, input: Value) -> Result<Value, String> {
        let now = self.shared.clock.now_ms();
        let state = &mut *self.shared.lock();
        crate::chatbot::customer_message(
            &mut state.onetalk,
            &mut state.ids,
            &state.webhooks,
            &input,
            now,
        )
        .map_err(|(field, message)| format!("{field}: {message}"))
    }

    /// Closes a OneTalk case, as an agent resolving it; false if unknown.
    pub fn close_onetalk_case(&self, case_id: &str) -> bool {
        control::close_case(&self.shared, &json!({ "caseID": case_id })).is_ok()
    }

    /// PowerTalk users (from `user/update` and `auth_ticket/request`).
    pub fn powertalk_users(&self) -> Value {
        self.shared.lock().directory.users_json()
    }

    /// PowerTalk rooms.
    pub fn powertalk_rooms(&self) -> Value {
        self.shared.lock().directory.rooms_json()
    }

    /// OneTalk customer users.
    pub fn onetalk_users(&self) -> Value {
        self.shared.lock().customers.to_json()
    }

    /// SendTalk verification requests.
    pub fn sendtalk_verifications(&self) -> Value {
        self.shared.lock().verifications.to_json()
    }

    /// Auth tickets of both products, with `isExpired` on the sandbox clock.
    pub fn auth_tickets(&self) -> Value {
        let now = self.shared.clock.now_ms();
        self.shared.lock().tickets.to_json(now)
    }

    /// What an app signing in with `ticket` now would learn (`isValid`), or `None` for a
    /// ticket never issued.
    pub fn check_auth_ticket(&self, ticket: &str) -> Option<Value> {
        control::check_ticket(&self.shared, &json!({ "ticket": ticket })).ok()
    }

    /// The request log (API requests only; header names, never values).
    pub fn requests(&self) -> Value {
        control::requests(&self.shared, None)
    }

    /// Connection and request counters, as `GET /_sandbox/connections` answers them:
    /// `accepted` and `max_in_flight` since start or reset, `open`, `in_flight`.
    pub fn connections(&self) -> Value {
        self.shared.traffic.to_json()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let (Some(runtime), Some(accepting)) = (self.runtime.take(), self.accepting.take()) {
            // The accept loop closes the listener, then waits (bounded) for the open
            // connections; once it is done the port is closed.
            let _ = runtime.block_on(accepting);
            runtime.shutdown_timeout(Duration::from_millis(100));
        }
    }
}

/// A wildcard address is reachable through the loopback of its family.
fn loopback(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    }
}
