//! A realistic day with taptalk, end to end, in one command (and, against the sandbox, the
//! webhooks that tell your server what became of a message):
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Without credentials it starts the offline sandbox in-process and runs against it. With
//! `TAPTALK_*` variables set it runs against the real service instead (see the README):
//! `TAPTALK_SENDTALK_API_KEY`, `TAPTALK_ONETALK_API_KEY`, `TAPTALK_ONETALK_CHANNEL_ID`,
//! `TAPTALK_POWERTALK_BASE_URL`, `TAPTALK_POWERTALK_KEY_ID`, `TAPTALK_POWERTALK_KEY_SECRET`,
//! and `TAPTALK_PHONE` (the WhatsApp number that receives the messages). Steps whose product
//! has no credentials are skipped.

use std::env;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use taptalk::{parse_webhook, Client, Envelope, Operation, WebhookOptions};
use taptalk_sandbox::{Sandbox, SandboxConfig};

fn main() {
    let live = env::vars().any(|(k, _)| {
        matches!(
            k.as_str(),
            "TAPTALK_SENDTALK_API_KEY" | "TAPTALK_ONETALK_API_KEY" | "TAPTALK_POWERTALK_KEY_SECRET"
        )
    });
    // Keep the sandbox alive for the whole walk; it stops when dropped.
    let (config, sandbox) = if live {
        println!("Running against the real TapTalk service (TAPTALK_* variables found).");
        (live_config(), None)
    } else {
        let sandbox = Sandbox::start(SandboxConfig::default()).expect("start the sandbox");
        println!("Started the offline sandbox at {}", sandbox.url());
        let mut config = sandbox.client_config();
        config["user_agent"] = json!("taptalk-quickstart");
        (config, Some(sandbox))
    };
    let client = match Client::from_json(&config.to_string()) {
        Ok(client) => client,
        Err(refusal) => {
            eprintln!("The configuration was refused: {}", refusal.message());
            std::process::exit(1);
        }
    };
    let phone = env::var("TAPTALK_PHONE").unwrap_or_else(|_| "6281212345678".to_owned());
    let channel =
        env::var("TAPTALK_ONETALK_CHANNEL_ID").unwrap_or_else(|_| "2101081881".to_owned());
    let day = Day {
        client,
        phone,
        channel,
    };

    if day.has("powertalk") {
        day.powertalk();
    }
    if day.has("sendtalk") {
        day.sendtalk();
    }
    if day.has("onetalk") {
        day.onetalk();
        match &sandbox {
            Some(sandbox) => day.webhooks(sandbox),
            None => println!("\n(Webhooks need a public URL for TapTalk to call: see the README's Webhooks section.)"),
        }
    }
    day.local_validation();
    println!("\nDone. Every step above went through taptalk's public API.");
}

struct Day {
    client: Client,
    phone: String,
    channel: String,
}

impl Day {
    fn has(&self, product: &str) -> bool {
        let configured = match product {
            "powertalk" => self.client.config().powertalk.is_some(),
            "sendtalk" => self.client.config().sendtalk.is_some(),
            _ => self.client.config().onetalk.is_some(),
        };
        if !configured {
            println!("\n(skipping {product}: no credentials)");
        }
        configured
    }

    /// Runs one call; on failure prints why and returns None.
    fn call(&self, op: Operation, request: Value) -> Option<Value> {
        let reply: Envelope = self.client.call_value(op, request);
        if reply.is_success() {
            Some(reply.data())
        } else {
            println!(
                "  ! {} failed: status {}, code {}: {}",
                op.name(),
                reply.status(),
                reply.code(),
                reply.message()
            );
            None
        }
    }

    fn powertalk(&self) {
        println!("\nPowerTalk (chat inside your app)");
        // Users and a room first: both calls are upserts, safe to run on every start-up.
        for (id, name) in [("alice", "Alice Tan"), ("bob", "Bob Wijaya")] {
            let user = json!({"xcUserID": id, "fullName": name});
            if let Some(data) = self.call(Operation::PowertalkUpdateUser, user) {
                println!("  User {id} is ready (userID {})", text_of(&data["userID"]));
            }
        }
        let room = json!({"xcRoomID": "order-1001", "type": 4, "name": "Order #1001",
            "participantXCUserIDs": ["alice", "bob"]});
        if let Some(data) = self.call(Operation::PowertalkCreateOrUpdateRoom, room) {
            let room = &data["room"];
            println!(
                "  Room {} ({}) has {} participants",
                text_of(&room["xcRoomID"]),
                text_of(&room["name"]),
                room["participantXCUserIDs"].as_array().map_or(0, Vec::len)
            );
        }
        let sign_in = json!({"userIPAddress": "203.0.113.7", "userAgent": "ShopApp/2.1",
            "userPlatform": "android", "userDeviceID": "alice-phone", "xcUserID": "alice",
            "fullName": "Alice Tan"});
        if let Some(data) = self.call(Operation::PowertalkRequestAuthTicket, sign_in) {
            println!(
                "  Auth ticket for alice's app: {} (valid one hour)",
                secret_prefix(text_of(&data["ticket"]))
            );
        }
        let contacts = json!({"contacts": [
            {"ownerXCUserID": "alice", "contactXCUserID": "bob"},
            {"ownerXCUserID": "bob", "contactXCUserID": "alice"},
            {"ownerXCUserID": "alice", "contactXCUserID": "mallory", "isDeleted": true}
        ]});
        if let Some(data) = self.call(Operation::PowertalkSyncContacts, contacts) {
            println!(
                "  Synced contacts: {} added, {} removed",
                data["countInserted"], data["countDeleted"]
            );
        }
        let text = json!({"messageType": 1001, "body": "Hi Bob, your order has shipped.",
            "senderXCUserID": "alice", "recipientXCUserID": "bob"});
        if let Some(data) = self.call(Operation::PowertalkSendCustomMessage, text) {
            println!(
                "  Sent a text message to bob (localID {})",
                text_of(&data["localID"])
            );
        }
        // `data` may be given as an object: taptalk encodes it to the string the API wants.
        let image = json!({"messageType": 1002, "body": "Here is the parcel",
            "data": {"url": "https://example.com/parcel.jpg", "mediaType": "image/jpeg",
                     "size": 131072, "width": 1280, "height": 720, "caption": "Your parcel"},
            "senderXCUserID": "alice", "recipientXCUserID": "bob"});
        if let Some(data) = self.call(Operation::PowertalkSendCustomMessage, image) {
            println!(
                "  Sent an image message to bob (localID {})",
                text_of(&data["localID"])
            );
        }
    }

    fn sendtalk(&self) {
        println!("\nSendTalk (WhatsApp notifications)");
        let otp =
            json!({"phone": self.phone, "messageType": "otp", "body": "Your login code is 482913"});
        let Some(sent) = self.call(Operation::SendtalkSendWhatsapp, otp) else {
            return;
        };
        let id = text_of(&sent["id"]);
        println!("  Queued a WhatsApp OTP to {} (id {id})", mask(&self.phone));
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            let Some(status) = self.call(Operation::SendtalkGetStatus, json!({"id": id})) else {
                return;
            };
            if status["isSent"] == true {
                println!(
                    "  Delivered after {} ms, charged {} {}",
                    started.elapsed().as_millis(),
                    status["price"],
                    text_of(&status["currency"])
                );
                return;
            }
            println!("  ...still {}", text_of(&status["status"]));
            thread::sleep(Duration::from_millis(100));
        }
        println!("  Not delivered within 30 s; check it later with get_status");
    }

    fn onetalk(&self) {
        println!("\nOneTalk (customer service inbox)");
        // A customer opens the live chat: the backend asks for a ticket for them.
        let customer = json!({"customerUserID": "customer-42", "fullName": "Citra Lestari",
            "phone": self.phone});
        if let Some(data) = self.call(Operation::OnetalkRequestUserAuthTicket, customer) {
            println!(
                "  Auth ticket for customer-42: {} (valid one hour)",
                secret_prefix(text_of(&data["ticket"]))
            );
        }
        let since = now_ms();
        let message = json!({"channelID": self.channel, "phone": self.phone, "messageType": "text",
            "body": "Hello! How can we help you today?", "withCase": true, "topicID": 1});
        let Some(sent) = self.call(Operation::OnetalkSendWhatsapp, message) else {
            return;
        };
        println!(
            "  Sent a WhatsApp message that opened case {}",
            text_of(&sent["caseID"])
        );
        let query = json!({"since_timestamp": since.saturating_sub(1000), "limit": 10});
        let Some(page) = self.call(Operation::OnetalkGetUpdatedCases, query) else {
            return;
        };
        let cases = page["cases"].as_array().cloned().unwrap_or_default();
        println!("  {} case(s) updated in the last second:", cases.len());
        for case in &cases {
            println!(
                "    case {}: contact {}, closed: {}, junk: {}",
                text_of(&case["id"]),
                mask(text_of(&case["contact"]["phone"])),
                case["isClosed"],
                case["isJunk"]
            );
        }
        if let Some(case) = cases.first() {
            let update = json!({"caseID": case["id"], "isJunk": true, "agentRemark": "test message from the quickstart"});
            if self.call(Operation::OnetalkUpdateCase, update).is_some() {
                println!("  Marked case {} as junk", text_of(&case["id"]));
            }
        }
    }

    /// A small receiver (what your web handler does with taptalk::parse_webhook), the
    /// sandbox told to call it, and one message's statuses printed as they arrive.
    fn webhooks(&self, sandbox: &Sandbox) {
        println!("\nWebhooks (OneTalk tells your server what became of a message)");
        let (url, events) = receiver();
        if let Err(e) = sandbox.update_webhooks(json!({ "webhook_url": url })) {
            println!("  The sandbox refused the webhook URL: {e}");
            return;
        }
        println!("  Receiving webhooks at {url}");
        let message = json!({"channelID": self.channel, "phone": self.phone,
            "messageType": "text", "body": "Your order has shipped."});
        let Some(sent) = self.call(Operation::OnetalkSendWhatsapp, message) else {
            return;
        };
        let trx = text_of(&sent["trxID"]).to_owned();
        println!("  Sent a WhatsApp message (trxID {trx}); its statuses as they arrive:");
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = String::new();
        while last != "read" && last != "failed" {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(data) = events.recv_timeout(left) else {
                println!("  (no more statuses within 10 s)");
                return;
            };
            let status = &data["event"]["integrationMessageStatus"];
            if status["trxID"] != trx.as_str() {
                continue;
            }
            last = text_of(&status["status"]).to_owned();
            println!(
                "    webhook: message {trx} is {last} (event key {})",
                text_of(&data["key"])
            );
        }
    }

    fn local_validation(&self) {
        println!("\nA mistake caught before anything is sent");
        let reply = self.client.call(
            Operation::SendtalkSendWhatsapp,
            r#"{"phone": "+62 812-1234-5678", "messageType": "text", "body": "hi"}"#,
        );
        println!(
            "  status {}, code {}, field '{}': {}",
            reply.status(),
            reply.code(),
            reply.field(),
            reply.message()
        );
    }
}

/// A plain HTTP server on a free port: each request's headers and raw body go to
/// `taptalk::parse_webhook`, each parsed event's `data` is handed on (before the answer, so
/// events are handed on in the order they came), and the sender gets its status (200 at
/// once: the work comes after).
fn receiver() -> (String, mpsc::Receiver<Value>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let url = format!("http://{}/taptalk/webhook", listener.local_addr().unwrap());
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("a socket"));
            let (mut headers, mut line) = (Vec::new(), String::new());
            let _ = reader.read_line(&mut line); // the request line
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                match line.trim_end().split_once(':') {
                    Some((name, value)) => headers.push((name.to_owned(), value.trim().to_owned())),
                    None => break,
                }
            }
            let length = headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let pairs = headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
            let reply = parse_webhook(pairs, &body, None, &WebhookOptions::default());
            if reply.is_success() && send.send(reply.data()).is_err() {
                return;
            }
            let answer = format!(
                "HTTP/1.1 {} OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                reply.status()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (url, receive)
}

fn live_config() -> Value {
    let var = |name: &str| env::var(name).ok();
    let mut config = json!({"user_agent": "taptalk-quickstart"});
    if let Some(key) = var("TAPTALK_SENDTALK_API_KEY") {
        config["sendtalk"] = json!({"api_key": key});
    }
    if let Some(key) = var("TAPTALK_ONETALK_API_KEY") {
        config["onetalk"] = json!({"api_key": key});
    }
    if let (Some(url), Some(id), Some(secret)) = (
        var("TAPTALK_POWERTALK_BASE_URL"),
        var("TAPTALK_POWERTALK_KEY_ID"),
        var("TAPTALK_POWERTALK_KEY_SECRET"),
    ) {
        config["powertalk"] =
            json!({"base_url": url, "server_key_id": id, "server_key_secret": secret});
    }
    config
}

fn text_of(value: &Value) -> &str {
    value.as_str().unwrap_or("?")
}

/// Phone numbers are personal data: show only the ends.
fn mask(phone: &str) -> String {
    if phone.len() <= 6 {
        return "*".repeat(phone.len());
    }
    format!(
        "{}{}{}",
        &phone[..4],
        "*".repeat(phone.len() - 6),
        &phone[phone.len() - 2..]
    )
}

/// A ticket signs a user in: show only enough to recognise it.
fn secret_prefix(ticket: &str) -> String {
    let shown: String = ticket.chars().take(6).collect();
    format!("{shown}...")
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}
