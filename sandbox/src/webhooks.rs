//! The sandbox's outgoing callbacks: the OneTalk organisation webhook (message statuses,
//! resolved cases) to `webhook_url`, and a custom chatbot's inbound messages to
//! `chatbot_url` with `X-Secret-Key`.
//!
//! Deliveries to one receiver go one at a time, in the order they were queued, from a thread
//! of that receiver's own (TapTalk's "a slow chatbot holds up the queue"): each is POSTed, and
//! retried after a short wait on a non-2xx reply, a timeout or a refused connection, up to
//! `attempts` times, before the next one starts. Every delivery is recorded (what was sent,
//! each attempt's outcome, and whether it was delivered) for the control API
//! (`/_sandbox/webhooks`). Receivers are plain `http://` URLs (a test's, the quickstart's).
//! What the vendor leaves unsaid (retry counts, timeouts, a header on the organisation
//! webhook) is the sandbox's own neutral choice, stated in sandbox/README.md.

use serde_json::{json, Map, Value};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Who a delivery goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Receiver {
    /// The organisation webhook (`webhook_url`).
    Webhook,
    /// The custom chatbot's API URL (`chatbot_url`), with `X-Secret-Key`.
    Chatbot,
}

impl Receiver {
    fn name(self) -> &'static str {
        match self {
            Receiver::Webhook => "webhook",
            Receiver::Chatbot => "chatbot",
        }
    }
}

/// Where and how callbacks go; set from the command line, changed by the control API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `organizationID` of the organisation webhook's events, and the first id in the
    /// chatbot's URL.
    pub organization_id: u64,
    /// The chatbot's id in its URL (`.../webhook/chatbot/custom/{organizationID}/{chatbotID}`).
    pub chatbot_id: String,
    pub webhook_url: Option<String>,
    /// Sent as `X-Secret-Key` on organisation webhooks when set (the vendor documents none).
    pub webhook_secret: Option<String>,
    pub chatbot_url: Option<String>,
    pub chatbot_secret: String,
    /// Tries per delivery (1 = no retry).
    pub attempts: u32,
    /// The wait before the n-th retry is n times this.
    pub retry_delay_ms: u64,
    /// Connect and reply limit of one attempt.
    pub timeout_ms: u64,
}

/// The custom chatbot's secret when none is given (`--chatbot-secret`).
pub const DEFAULT_CHATBOT_SECRET: &str = "sandbox-chatbot-secret";
/// The custom chatbot's id when none is given (`--chatbot-id`).
pub const DEFAULT_CHATBOT_ID: &str = "sandbox-chatbot";

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            organization_id: 1,
            chatbot_id: DEFAULT_CHATBOT_ID.to_string(),
            webhook_url: None,
            webhook_secret: None,
            chatbot_url: None,
            chatbot_secret: DEFAULT_CHATBOT_SECRET.to_string(),
            attempts: 4,
            retry_delay_ms: 100,
            timeout_ms: 2000,
        }
    }
}

impl WebhookSettings {
    pub fn to_json(&self) -> Value {
        json!({
            "organization_id": self.organization_id,
            "chatbot_id": self.chatbot_id,
            "webhook_url": self.webhook_url,
            "webhook_secret": self.webhook_secret.as_ref().map(|_| "<set>"),
            "chatbot_url": self.chatbot_url,
            "attempts": self.attempts,
            "retry_delay_ms": self.retry_delay_ms,
            "timeout_ms": self.timeout_ms,
        })
    }

    /// Changes the keys of `input`; all are checked before any applies.
    pub fn apply(&mut self, input: &Map<String, Value>) -> Result<(), (String, String)> {
        let mut next = self.clone();
        for (key, value) in input {
            let refuse = |why: &str| Err((key.clone(), format!("{key} {why}")));
            match key.as_str() {
                "webhook_url" | "chatbot_url" => {
                    let url = match value {
                        Value::Null => None,
                        Value::String(url) if url.starts_with("http://") => Some(url.clone()),
                        _ => return refuse("must be an http:// URL or null"),
                    };
                    if key == "webhook_url" {
                        next.webhook_url = url;
                    } else {
                        next.chatbot_url = url;
                    }
                }
                "webhook_secret" => match value {
                    Value::Null => next.webhook_secret = None,
                    Value::String(s) if !s.is_empty() => next.webhook_secret = Some(s.clone()),
                    _ => return refuse("must be a non-empty string or null"),
                },
                "chatbot_secret" => match value.as_str().filter(|s| !s.is_empty()) {
                    Some(s) => next.chatbot_secret = s.to_string(),
                    None => return refuse("must be a non-empty string"),
                },
                "chatbot_id" => {
                    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
                    match value
                        .as_str()
                        .filter(|s| !s.is_empty() && s.chars().all(plain))
                    {
                        Some(s) => next.chatbot_id = s.to_string(),
                        None => return refuse("must be letters, digits, '-' and '_'"),
                    }
                }
                "attempts" => match value.as_u64().filter(|n| (1..=20).contains(n)) {
                    Some(n) => next.attempts = n as u32,
                    None => return refuse("must be 1 to 20"),
                },
                "retry_delay_ms" => match value.as_u64().filter(|n| *n <= 60_000) {
                    Some(n) => next.retry_delay_ms = n,
                    None => return refuse("must be 0 to 60000"),
                },
                "timeout_ms" => match value.as_u64().filter(|n| (1..=60_000).contains(n)) {
                    Some(n) => next.timeout_ms = n,
                    None => return refuse("must be 1 to 60000"),
                },
                _ => return refuse("is not a webhook setting"),
            }
        }
        *self = next;
        Ok(())
    }
}

/// One queued callback.
struct Delivery {
    id: usize,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: String,
}

/// The outgoing callbacks of one sandbox state: its settings, the per-receiver queues and
/// the record of every delivery. A reset makes a new one; the old one's queues stop.
#[derive(Debug)]
pub struct Emitter {
    pub settings: WebhookSettings,
    queues: Mutex<Vec<(String, Sender<Delivery>)>>,
    records: Arc<Mutex<Vec<Value>>>,
    pending: Arc<AtomicUsize>,
    stopped: Arc<AtomicBool>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Delivery({} to {})", self.id, self.url)
    }
}

impl Emitter {
    pub fn new(settings: WebhookSettings) -> Emitter {
        Emitter {
            settings,
            queues: Mutex::new(Vec::new()),
            records: Arc::default(),
            pending: Arc::default(),
            stopped: Arc::default(),
        }
    }

    /// Queues `event` for `receiver`, if it has a URL; `false` when it has none.
    pub fn emit(&self, receiver: Receiver, event: Value) -> bool {
        let (url, secret) = match receiver {
            Receiver::Webhook => (
                &self.settings.webhook_url,
                self.settings.webhook_secret.clone(),
            ),
            Receiver::Chatbot => (
                &self.settings.chatbot_url,
                Some(self.settings.chatbot_secret.clone()),
            ),
        };
        let Some(url) = url.clone() else {
            return false;
        };
        let mut headers = vec![("Content-Type", "application/json".to_string())];
        if let Some(secret) = secret {
            headers.push(("X-Secret-Key", secret));
        }
        // Counted and recorded under one lock, as the worker marks it done and uncounts it,
        // so a reader (`to_json`) sees the records and the count agree: never a record not
        // done with nothing pending, which would let wait_for_webhooks return too early.
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        self.pending.fetch_add(1, Ordering::SeqCst);
        let id = records.len();
        records.push(json!({
            "id": id,
            "receiver": receiver.name(),
            "url": url,
            "event": event,
            "attempts": [],
            "delivered": false,
            "done": false,
        }));
        drop(records);
        let delivery = Delivery {
            id,
            url: url.clone(),
            headers,
            body: event.to_string(),
        };
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        let queue = match queues.iter().find(|(u, _)| *u == url) {
            Some((_, queue)) => queue.clone(),
            None => {
                let queue = self.worker();
                queues.push((url, queue.clone()));
                queue
            }
        };
        // The worker only ends when this emitter is dropped: the send cannot fail before.
        let _ = queue.send(delivery);
        true
    }

    /// A receiver's thread: one delivery at a time, in order, each retried before the next.
    fn worker(&self) -> Sender<Delivery> {
        let (send, receive) = channel::<Delivery>();
        let (records, pending, stopped) = (
            self.records.clone(),
            self.pending.clone(),
            self.stopped.clone(),
        );
        let (attempts, delay, timeout) = (
            self.settings.attempts,
            Duration::from_millis(self.settings.retry_delay_ms),
            Duration::from_millis(self.settings.timeout_ms),
        );
        thread::spawn(move || {
            for delivery in receive {
                for attempt in 1..=attempts {
                    if stopped.load(Ordering::SeqCst) {
                        break;
                    }
                    let outcome = post(&delivery, timeout);
                    let delivered = matches!(outcome, Ok(200..=299));
                    let mut all = records.lock().unwrap_or_else(|e| e.into_inner());
                    let record = &mut all[delivery.id];
                    if let Some(tries) = record["attempts"].as_array_mut() {
                        tries.push(match &outcome {
                            Ok(status) => json!({ "status": status }),
                            Err(why) => json!({ "error": why }),
                        });
                    }
                    record["delivered"] = json!(delivered);
                    drop(all);
                    if delivered {
                        break;
                    }
                    if attempt < attempts {
                        thread::sleep(delay * attempt);
                    }
                }
                let mut all = records.lock().unwrap_or_else(|e| e.into_inner());
                all[delivery.id]["done"] = json!(true);
                pending.fetch_sub(1, Ordering::SeqCst);
            }
        });
        send
    }

    /// Every delivery so far, and how many are still queued or being tried.
    pub fn to_json(&self) -> Value {
        let (records, pending) = {
            let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
            (records.clone(), self.pending.load(Ordering::SeqCst))
        };
        json!({
            "deliveries": records,
            "pending": pending,
            "settings": self.settings.to_json(),
        })
    }

    /// New settings: queues to a URL that changed start afresh (deliveries already queued
    /// finish where they were going).
    pub fn reconfigure(&mut self, settings: WebhookSettings) {
        if settings != self.settings {
            self.queues
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
        }
        self.settings = settings;
    }
}

impl Drop for Emitter {
    fn drop(&mut self) {
        // A reset: what is still queued is not delivered.
        self.stopped.store(true, Ordering::SeqCst);
    }
}

/// One POST over plain HTTP/1.1: the reply's status, or why there was none.
fn post(delivery: &Delivery, timeout: Duration) -> Result<u16, String> {
    let rest = delivery
        .url
        .strip_prefix("http://")
        .ok_or("not an http:// URL")?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let address = authority
        .to_socket_addrs()
        .map_err(|e| format!("resolve: {e}"))?
        .next()
        .ok_or("no address")?;
    let mut stream =
        TcpStream::connect_timeout(&address, timeout).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(timeout)).ok();
    stream.set_write_timeout(Some(timeout)).ok();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: taptalk-sandbox\r\nContent-Length: {}\r\nConnection: close\r\n",
        delivery.body.len()
    );
    for (name, value) in &delivery.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(delivery.body.as_bytes()))
        .map_err(|e| format!("write: {e}"))?;
    let mut reply = [0u8; 64];
    let mut have = 0;
    while have < 12 {
        match stream.read(&mut reply[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return Err("timeout: no reply".into())
            }
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    let line = String::from_utf8_lossy(&reply[..have]);
    line.get(9..12)
        .and_then(|code| code.parse::<u16>().ok())
        .filter(|_| line.starts_with("HTTP/1."))
        .ok_or_else(|| "not an HTTP reply".to_string())
}
