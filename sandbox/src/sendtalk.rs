//! SendTalk: a queue of WhatsApp messages delivered by one virtual worker.
//!
//! Delivery is computed from the clock whenever the state is read, rather
//! than by a thread that sleeps, so no lock is ever held across the delay and
//! the order is deterministic: the worker takes one message at a time, OTP
//! messages first, and each takes `delivery_delay` to send.

use crate::ids::Ids;
use crate::reply::Reply;
use crate::settings::Settings;
use serde_json::{json, Value};
use std::collections::HashMap;

pub const CURRENCY: &str = "IDR";

#[derive(Debug)]
struct Message {
    id: String,
    phone: String,
    message_type: String,
    body: String,
    filename: String,
    caption: String,
    price: u64,
    created_ms: u64,
    sent_ms: Option<u64>,
}

impl Message {
    fn is_otp(&self) -> bool {
        self.message_type == "otp"
    }

    fn status(&self) -> &'static str {
        if self.sent_ms.is_some() {
            "sent"
        } else {
            "pending"
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "phone": self.phone,
            "messageType": self.message_type,
            "body": self.body,
            "filename": self.filename,
            "caption": self.caption,
            "status": self.status(),
            "isPending": self.sent_ms.is_none(),
            "isSent": self.sent_ms.is_some(),
            "sentTime": self.sent_ms.unwrap_or(0),
            "createdTime": self.created_ms,
            "currency": CURRENCY,
            "price": self.price,
        })
    }
}

#[derive(Debug, Default)]
pub struct SendTalkStore {
    messages: Vec<Message>,
    by_id: HashMap<String, usize>,
    /// Indexes of messages not yet sent, in the order they were queued.
    pending: Vec<usize>,
    /// When the virtual worker finished its last delivery.
    worker_free_at: u64,
}

impl SendTalkStore {
    /// Delivers, in virtual time, every message whose delivery ends by `now`.
    pub fn advance(&mut self, now: u64, delay_ms: u64) {
        // Each turn sends one message, so the loop is bounded by the queue.
        for _ in 0..self.pending.len() {
            let Some(earliest) = self
                .pending
                .iter()
                .map(|&i| self.messages[i].created_ms)
                .min()
            else {
                return;
            };
            let start = self.worker_free_at.max(earliest);
            let next = self
                .pending
                .iter()
                .enumerate()
                .filter(|(_, &i)| self.messages[i].created_ms <= start)
                .min_by_key(|(pos, &i)| (!self.messages[i].is_otp(), *pos))
                .map(|(pos, _)| pos);
            let Some(pos) = next else { return };
            let sent_at = start + delay_ms;
            if sent_at > now {
                return;
            }
            let index = self.pending.remove(pos);
            self.messages[index].sent_ms = Some(sent_at);
            self.worker_free_at = sent_at;
        }
    }

    pub fn to_json(&self) -> Value {
        Value::Array(self.messages.iter().map(Message::to_json).collect())
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// The balance in `settings` pays for the send.
pub fn send_whatsapp(
    store: &mut SendTalkStore,
    settings: &mut Settings,
    ids: &mut Ids,
    request: &Value,
    now: u64,
) -> Reply {
    store.advance(now, settings.delivery_delay_ms);

    let phone = text(request, "phone");
    let refused = |message: &str, reason: &str| {
        Reply::ok(json!({ "success": false, "message": message, "reason": reason, "id": "" }))
    };
    if settings.invalid_recipients.contains(&phone) {
        return refused(
            "The phone number is not registered on WhatsApp",
            "invalid_recipient",
        );
    }
    let price = settings.sendtalk_price;
    if let Some(balance) = settings.sendtalk_balance.as_mut() {
        if *balance < price {
            return refused("Insufficient balance", "insufficient_balance");
        }
        *balance -= price;
    }

    let id = ids.uuid();
    store.by_id.insert(id.clone(), store.messages.len());
    store.pending.push(store.messages.len());
    store.messages.push(Message {
        id: id.clone(),
        phone,
        message_type: text(request, "messageType"),
        body: text(request, "body"),
        filename: text(request, "filename"),
        caption: text(request, "caption"),
        price,
        created_ms: now,
        sent_ms: None,
    });
    Reply::ok(json!({
        "success": true,
        "message": "The message has been added to queue",
        "reason": "",
        "id": id,
    }))
}

pub fn get_status(store: &mut SendTalkStore, delay_ms: u64, request: &Value, now: u64) -> Reply {
    store.advance(now, delay_ms);
    let id = request["id"].as_str().unwrap_or_default();
    let Some(&index) = store.by_id.get(id) else {
        return Reply::api_error(404, "40401", "Message is not found", "");
    };
    let m = &store.messages[index];
    Reply::ok(json!({
        "status": m.status(),
        "isPending": m.sent_ms.is_none(),
        "isSent": m.sent_ms.is_some(),
        "sentTime": m.sent_ms.unwrap_or(0),
        "currency": CURRENCY,
        "price": m.price,
        "createdTime": m.created_ms,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(store: &mut SendTalkStore, kind: &str, created_ms: u64) -> usize {
        let index = store.messages.len();
        store.pending.push(index);
        store.messages.push(Message {
            id: index.to_string(),
            phone: String::new(),
            message_type: kind.to_string(),
            body: String::new(),
            filename: String::new(),
            caption: String::new(),
            price: 0,
            created_ms,
            sent_ms: None,
        });
        index
    }

    #[test]
    fn otp_jumps_the_queue_and_each_delivery_takes_the_delay() {
        let mut store = SendTalkStore::default();
        let t1 = queue(&mut store, "text", 1000);
        let t2 = queue(&mut store, "text", 1001);
        let otp = queue(&mut store, "otp", 1002);
        store.advance(1099, 100);
        assert!(store.messages.iter().all(|m| m.sent_ms.is_none()));
        store.advance(10_000, 100);
        assert_eq!(store.messages[t1].sent_ms, Some(1100));
        assert_eq!(store.messages[otp].sent_ms, Some(1200));
        assert_eq!(store.messages[t2].sent_ms, Some(1300));
    }

    #[test]
    fn an_idle_worker_starts_when_the_message_arrives() {
        let mut store = SendTalkStore::default();
        let a = queue(&mut store, "text", 1000);
        store.advance(5000, 100);
        let b = queue(&mut store, "image", 6000);
        store.advance(6050, 100);
        assert_eq!(store.messages[a].sent_ms, Some(1100));
        assert_eq!(store.messages[b].sent_ms, None);
        store.advance(6100, 100);
        assert_eq!(store.messages[b].sent_ms, Some(6100));
    }
}
