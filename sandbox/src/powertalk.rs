//! PowerTalk: custom messages stored per room, and one-way contacts.

use crate::ids::Ids;
use crate::reply::Reply;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub struct PowerTalkStore {
    messages: Vec<Value>,
    /// (owner, contact) pairs: a contact is one-way, like a phone book entry.
    contacts: BTreeSet<(String, String)>,
}

impl PowerTalkStore {
    pub fn messages_json(&self) -> Value {
        Value::Array(self.messages.clone())
    }

    pub fn contacts_json(&self) -> Value {
        Value::Array(
            self.contacts
                .iter()
                .map(|(owner, contact)| {
                    json!({ "ownerXCUserID": owner, "contactXCUserID": contact })
                })
                .collect(),
        )
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// The room a message lands in: the group room when `xcRoomID` is set,
/// otherwise the personal room the two users share, named the same whoever
/// sends.
fn room_of(request: &Value) -> (String, &'static str) {
    let room = text(request, "xcRoomID");
    if !room.is_empty() {
        return (room, "group");
    }
    let mut pair = [
        text(request, "senderXCUserID"),
        text(request, "recipientXCUserID"),
    ];
    pair.sort();
    (format!("personal:{}:{}", pair[0], pair[1]), "personal")
}

/// Splits on character boundaries so multi-byte text is never cut inside a
/// character.
fn split_body(body: &str, max_chars: usize) -> Vec<String> {
    let chars: Vec<char> = body.chars().collect();
    if chars.len() <= max_chars {
        return vec![body.to_string()];
    }
    chars
        .chunks(max_chars.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// `max_body_chars` is the `powertalk_max_body_chars` setting.
pub fn send_custom_message(
    store: &mut PowerTalkStore,
    ids: &mut Ids,
    max_body_chars: usize,
    request: &Value,
    now: u64,
) -> Reply {
    let (room_id, room_type) = room_of(request);
    let filter_id = text(request, "filterID");
    let parts = split_body(request["body"].as_str().unwrap_or_default(), max_body_chars);
    let count = parts.len();
    let mut local_id = String::new();
    for (index, part) in parts.into_iter().enumerate() {
        local_id = ids.local_id();
        let is_last = index + 1 == count;
        store.messages.push(json!({
            "localID": local_id,
            "roomID": room_id,
            "roomType": room_type,
            "messageType": request["messageType"],
            "body": part,
            "data": text(request, "data"),
            "filterID": filter_id,
            "senderXCUserID": text(request, "senderXCUserID"),
            "recipientXCUserID": text(request, "recipientXCUserID"),
            "xcRoomID": text(request, "xcRoomID"),
            "part": index + 1,
            "parts": count,
            "isVisible": is_last || filter_id.is_empty(),
            "createdTime": now,
        }));
    }
    // The page promises one localID; after a split it is the last part's,
    // the one that stays visible under a filterID.
    Reply::ok(json!({ "success": true, "localID": local_id }))
}

pub fn sync_contacts(store: &mut PowerTalkStore, request: &Value) -> Reply {
    let empty = Vec::new();
    let entries = request["contacts"].as_array().unwrap_or(&empty);
    let mut kept = BTreeSet::new();
    let mut deleted = BTreeSet::new();
    for entry in entries {
        let pair = (text(entry, "ownerXCUserID"), text(entry, "contactXCUserID"));
        if entry["isDeleted"].as_bool().unwrap_or(false) {
            deleted.insert(pair);
        } else {
            kept.insert(pair);
        }
    }
    // Deletion runs last: a pair both kept and deleted ends deleted.
    let kept: Vec<_> = kept.difference(&deleted).cloned().collect();
    let contacts = &mut store.contacts;
    for pair in &kept {
        contacts.insert(pair.clone());
    }
    for pair in &deleted {
        contacts.remove(pair);
    }
    Reply::ok(json!({ "countInserted": kept.len(), "countDeleted": deleted.len() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_split_on_characters() {
        assert_eq!(split_body("abc", 3), vec!["abc"]);
        assert_eq!(split_body("ééééé", 2), vec!["éé", "éé", "é"]);
    }

    #[test]
    fn personal_rooms_do_not_depend_on_who_sends() {
        let a = json!({"senderXCUserID": "1", "recipientXCUserID": "6", "xcRoomID": ""});
        let b = json!({"senderXCUserID": "6", "recipientXCUserID": "1"});
        assert_eq!(room_of(&a), room_of(&b));
        let g = json!({"senderXCUserID": "6", "recipientXCUserID": "", "xcRoomID": "6A02C41D"});
        assert_eq!(room_of(&g), ("6A02C41D".to_string(), "group"));
    }
}
