//! SendTalk: `check_whatsapp_phone`, answered from the `invalid_recipients` setting, and
//! `create_whatsapp_verification`, whose requests are stored for inspection.

use crate::ids::Ids;
use crate::reply::Reply;
use serde_json::{json, Value};

/// The expiry when the request gives none (the vendor's example uses 10).
pub const DEFAULT_EXPIRY_MINUTES: i64 = 10;

#[derive(Debug, Default)]
pub struct Verifications {
    stored: Vec<Value>,
}

impl Verifications {
    pub fn to_json(&self) -> Value {
        Value::Array(self.stored.clone())
    }
}

/// `invalid_recipients` is the setting of that name.
pub fn check_whatsapp_phone(invalid_recipients: &[String], request: &Value) -> Reply {
    let phone = request["phone"].as_str().unwrap_or_default();
    let registered = !invalid_recipients.iter().any(|p| p == phone);
    let message = if registered {
        "The phone number is registered on WhatsApp"
    } else {
        "The phone number is not registered on WhatsApp"
    };
    Reply::ok(json!({ "isRegistered": registered, "message": message }))
}

pub fn create_whatsapp_verification(
    verifications: &mut Verifications,
    ids: &mut Ids,
    invalid_recipients: &[String],
    request: &Value,
    now: u64,
) -> Reply {
    let phone = request["userPhone"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if invalid_recipients.contains(&phone) {
        return Reply::ok(json!({
            "success": false,
            "message": "The phone number is not registered on WhatsApp",
            "reason": "invalid_recipient",
            "id": "",
        }));
    }
    let minutes = request["expiryMinutes"]
        .as_i64()
        .unwrap_or(DEFAULT_EXPIRY_MINUTES);
    let id = ids.uuid();
    verifications.stored.push(json!({
        "id": id,
        "userPhone": phone,
        "languageCode": request["languageCode"],
        "expiryMinutes": minutes,
        "appURL": request["appURL"].as_str().unwrap_or_default(),
        "createdTime": now,
        "expiresTime": now.saturating_add((minutes.max(0) as u64).saturating_mul(60_000)),
    }));
    Reply::ok(json!({
        "success": true,
        "message": "The verification has been created",
        "reason": "",
        "id": id,
    }))
}
