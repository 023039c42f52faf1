//! The stable key of an event (`data.key`), for receivers that must act once per event:
//! TapTalk promises neither that a callback arrives once nor in order, so a receiver stores
//! the keys it has handled and skips a key it has seen.
//!
//! From the event's own ids where they identify it: `onetalk:integration_message_status:
//! <trxID>:<status>` (each status of a message once), `onetalk:case_resolved:<caseID>`,
//! `chatbot:message:<message.id>`, `channel:case_closed:<caseID>`,
//! `powertalk:message:<messageID>:<updated>` (a message's later updates are new events).
//! Otherwise (a channel's outbound message has no id; unknown types; ids missing) the
//! SHA-256 of the normalised event's canonical JSON (keys sorted, no spaces):
//! `<callback>:<type>:sha256:<32 hex digits>`, the same for the same event however its
//! text was spaced or ordered.

use serde_json::{Map, Value};

fn text<'a>(object: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let (last, parents) = path.split_last()?;
    let mut at = object;
    for parent in parents {
        at = at.get(*parent)?.as_object()?;
    }
    at.get(*last)?.as_str().filter(|s| !s.is_empty())
}

pub(crate) fn message_status(event: &Map<String, Value>) -> Option<String> {
    let trx = text(event, &["integrationMessageStatus", "trxID"])?;
    let status = text(event, &["integrationMessageStatus", "status"])?;
    Some(format!("onetalk:integration_message_status:{trx}:{status}"))
}

pub(crate) fn case_resolved(event: &Map<String, Value>) -> Option<String> {
    let case = text(event, &["caseResolved", "caseID"])?;
    Some(format!("onetalk:case_resolved:{case}"))
}

pub(crate) fn chatbot_message(event: &Map<String, Value>) -> Option<String> {
    let id = text(event, &["message", "id"])?;
    Some(format!("chatbot:message:{id}"))
}

pub(crate) fn channel_case_closed(event: &Map<String, Value>) -> Option<String> {
    let case = text(event, &["caseClosed", "caseID"])?;
    Some(format!("channel:case_closed:{case}"))
}

pub(crate) fn powertalk_message(event: &Map<String, Value>) -> Option<String> {
    let id = text(event, &["messageID"])?;
    let updated = event.get("updated").and_then(Value::as_i64).unwrap_or(0);
    Some(format!("powertalk:message:{id}:{updated}"))
}

/// For events without an id of their own: always the hash.
pub(crate) fn none(_: &Map<String, Value>) -> Option<String> {
    None
}

/// The hash key of `event` (its canonical JSON: serde_json's map keeps keys sorted).
pub(crate) fn hashed(callback: &str, kind: &str, event: &Map<String, Value>) -> String {
    let canonical = serde_json::to_vec(event).unwrap_or_default();
    let digest = ring::digest::digest(&ring::digest::SHA256, &canonical);
    let hex: String = digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{callback}:{kind}:sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_hash_ignores_spacing_and_key_order_but_not_content() {
        let parse = |text: &str| {
            crate::json::parse_object(text, crate::json::Duplicates::Refused)
                .unwrap()
                .unwrap()
        };
        let a = parse(r#"{"type": "message", "message": {"chatID": "c1", "type": "text"}}"#);
        let b = parse(r#"{"message":{"type":"text","chatID":"c1"},"type":"message"}"#);
        let c = parse(r#"{"type": "message", "message": {"chatID": "c2", "type": "text"}}"#);
        let key = hashed("channel", "message", &a);
        assert_eq!(key, hashed("channel", "message", &b));
        assert_ne!(key, hashed("channel", "message", &c));
        assert!(
            key.starts_with("channel:message:sha256:") && key.len() == 23 + 32,
            "{key}"
        );
    }

    #[test]
    fn ids_make_the_key_when_present() {
        let event = json!({"integrationMessageStatus": {"trxID": "t-1", "status": "read"}});
        let event = event.as_object().unwrap();
        assert_eq!(
            message_status(event).as_deref(),
            Some("onetalk:integration_message_status:t-1:read")
        );
        let empty = json!({"integrationMessageStatus": {"trxID": "", "status": "read"}});
        assert_eq!(message_status(empty.as_object().unwrap()), None);
    }
}
