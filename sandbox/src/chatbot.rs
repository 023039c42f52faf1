//! The OneTalk side of a custom chatbot and of the organisation webhook: what the sandbox
//! sends (each OneTalk send's message statuses, resolved cases, a customer's message to the
//! chatbot) and what it accepts back (the chatbot's five actions at its URL, answered in
//! plain text as OneTalk does: `ok`, `secret key is invalid`, `case id is required`, ...).
//!
//! The payloads follow the vendor's published samples (../shared/api/webhooks.md); the
//! statuses of a send go acknowledge, delivered, read, or acknowledge then failed (with a
//! reason) for a number marked invalid.

use crate::ids::Ids;
use crate::onetalk::{self, OneTalkStore};
use crate::reply::Reply;
use crate::webhooks::{Emitter, Receiver};
use serde_json::{json, Value};
use taptalk::Operation;

/// The chatbot URL's path before its two ids.
pub const PATH_PREFIX: &str = "/api/visitor/v1/webhook/chatbot/custom/";

/// Why a failed message failed, in the events of a number marked invalid.
pub const INVALID_REASON: &str = "The phone number is not registered on WhatsApp";

/// A OneTalk send (`kind` "whatsapp" or "whatsappba_template"): stored by `onetalk::send`,
/// then its statuses queued for the organisation webhook, in order.
pub fn send(
    store: &mut OneTalkStore,
    ids: &mut Ids,
    emitter: &Emitter,
    invalid: &[String],
    request: &Value,
    kind: &str,
    now: u64,
) -> Reply {
    let trx_id = ids.uuid();
    let reply = onetalk::send(store, ids, request, kind, now, &trx_id);
    let phone = request["phone"].as_str().unwrap_or_default();
    let failed = invalid.iter().any(|p| p == phone);
    let statuses: &[&str] = if failed {
        &["acknowledge", "failed"]
    } else {
        &["acknowledge", "delivered", "read"]
    };
    let channel_type = if kind == "whatsapp" {
        "whatsapp"
    } else {
        "whatsappba"
    };
    for (n, status) in statuses.iter().enumerate() {
        let reason = if *status == "failed" {
            INVALID_REASON
        } else {
            ""
        };
        emitter.emit(
            Receiver::Webhook,
            json!({
                "type": "integration_message_status",
                "integrationMessageStatus": {
                    "channelID": request["channelID"],
                    "channelType": channel_type,
                    "contactPhone": phone,
                    "reason": reason,
                    "status": status,
                    "timestamp": now + n as u64,
                    "trxID": trx_id,
                },
                "organizationID": emitter.settings.organization_id,
            }),
        );
    }
    reply
}

/// Closes a case and queues its `case_resolved`; `None` for an unknown case.
pub fn resolve(store: &mut OneTalkStore, emitter: &Emitter, case_id: &str, now: u64) -> Option<()> {
    let resolved = store.close_case(case_id, now, &emitter.settings.chatbot_id)?;
    emitter.emit(
        Receiver::Webhook,
        json!({
            "organizationID": emitter.settings.organization_id,
            "type": "case_resolved",
            "caseResolved": resolved,
        }),
    );
    Some(())
}

/// A customer writes to the chatbot (the control API's `/_sandbox/chatbot/messages`): the
/// message joins the phone's open case (a new one, the chatbot's, when there is none) and
/// goes to `chatbot_url` as the inbound payload.
pub fn customer_message(
    store: &mut OneTalkStore,
    ids: &mut Ids,
    emitter: &Emitter,
    input: &Value,
    now: u64,
) -> Result<Value, (String, String)> {
    let text = |key: &str| input[key].as_str().unwrap_or_default().to_string();
    let (phone, body) = (text("phone"), text("text"));
    if phone.is_empty() || body.is_empty() {
        return Err(("phone".into(), "phone and text are required".into()));
    }
    let channel_id = Some(text("channelID")).filter(|c| !c.is_empty());
    let channel_id = channel_id.unwrap_or_else(|| "sandbox-channel".to_string());
    let name = Some(text("contactName")).filter(|n| !n.is_empty());
    let case_id = store.chatbot_case(ids, &phone, &channel_id, now);
    let message_id = format!("wamid.sandbox-{}", ids.uuid());
    let payload = json!({
        "caseID": case_id,
        "channelType": "whatsapp",
        "channelID": channel_id,
        "channelName": "Sandbox WhatsApp",
        "sender": {
            "customerUserID": "",
            "phone": phone,
            "contactName": name.unwrap_or_else(|| phone.clone()),
        },
        "message": {"id": message_id, "type": "text", "timestamp": now, "text": {"body": body}},
    });
    store.record_message(json!({"kind": "customer", "caseID": case_id, "createdTime": now, "message": payload["message"]}));
    let queued = emitter.emit(Receiver::Chatbot, payload);
    Ok(json!({"caseID": case_id, "messageID": message_id, "queued": queued}))
}

/// Plain text, as OneTalk answers the chatbot URL.
pub fn text_reply(status: u16, text: &str) -> Reply {
    Reply {
        http_status: status,
        headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
        body: text.as_bytes().to_vec(),
    }
}

/// The checks before a chatbot action is applied: the URL names this sandbox's organisation
/// and chatbot, `Secret-Key` is its secret, the body is JSON with a known `eventType` and
/// passes the SDK's own validation. Answers the action and its request, or the refusal.
pub fn check(
    emitter: &Emitter,
    path: &str,
    key: Option<&str>,
    body: &[u8],
) -> Result<(Operation, Value), Reply> {
    let settings = &emitter.settings;
    let own = format!(
        "{PATH_PREFIX}{}/{}",
        settings.organization_id, settings.chatbot_id
    );
    if path.trim_end_matches('/') != own {
        return Err(text_reply(404, "chatbot is not found"));
    }
    if key != Some(settings.chatbot_secret.as_str()) {
        return Err(text_reply(401, "secret key is invalid"));
    }
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return Err(text_reply(400, "request body is invalid"));
    };
    if request["caseID"].as_str().is_none_or(str::is_empty) {
        return Err(text_reply(400, "case id is required"));
    }
    let event = request["eventType"].as_str().unwrap_or_default();
    let Some(op) = Operation::from_chatbot_event(event) else {
        return Err(text_reply(400, "event type is invalid"));
    };
    if let Err(invalid) = taptalk::validate(op, &request) {
        return Err(text_reply(400, &invalid.message.to_lowercase()));
    }
    Ok((op, request))
}

/// Applies one checked action to its case.
pub fn apply(
    store: &mut OneTalkStore,
    emitter: &Emitter,
    op: Operation,
    request: &Value,
    now: u64,
) -> Reply {
    let case_id = request["caseID"].as_str().unwrap_or_default();
    match store.case_state(case_id) {
        None => return text_reply(400, "case is not found"),
        Some(true) => return text_reply(400, "case is already closed"),
        Some(false) => {}
    }
    match op {
        Operation::ChatbotSendMessages => {
            for message in request["messages"].as_array().into_iter().flatten() {
                store.record_message(json!({"kind": "chatbot", "caseID": case_id, "createdTime": now, "message": message}));
            }
        }
        Operation::ChatbotHandoverCase => {
            let handover = &request["handoverCase"];
            let topic = handover["topicID"].as_i64().unwrap_or(0);
            let agent = handover["agentEmail"].as_str().unwrap_or_default();
            store.hand_over(case_id, topic, agent, now);
        }
        Operation::ChatbotCloseCase => {
            if request["closeCase"]["sendClosingMessage"].as_bool() == Some(true) {
                let closing =
                    json!({"type": "text", "text": {"body": "This case is closed. Thank you!"}});
                store.record_message(json!({"kind": "closing", "caseID": case_id, "createdTime": now, "message": closing}));
            }
            resolve(store, emitter, case_id, now);
        }
        Operation::ChatbotUpdateCase => {
            let mut update = request["updateCase"].clone();
            update["caseID"] = json!(case_id);
            onetalk::update_case(store, &update, now);
        }
        Operation::ChatbotUpdateContact => {
            if let Some(fields) = request["updateContact"].as_object() {
                store.update_contact(case_id, fields);
            }
        }
        _ => return text_reply(404, "event type is invalid"),
    }
    text_reply(200, "ok")
}
