//! PowerTalk users and rooms (`user/update`, `room/create_or_update`) and auth tickets
//! (`auth_ticket/request`, which also creates or updates the user it names).
//!
//! A room's participants must be known users: a room that names a user this server has
//! never seen is refused (404 40401, field "107"), since the real server has no such user to
//! add. Participants apply to new rooms only, as the vendor documents; an update keeps them.

use crate::ids::Ids;
use crate::reply::Reply;
use crate::tickets::Tickets;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Directory {
    /// By `xcUserID`; each user also has PowerTalk's own `userID`.
    users: BTreeMap<String, Value>,
    /// By `xcRoomID`.
    rooms: BTreeMap<String, Value>,
    next_user_id: u64,
}

/// The fields a user record keeps (the request's, minus the ticket-only ones).
const USER_FIELDS: [&str; 8] = [
    "xcUserID",
    "fullName",
    "email",
    "phone",
    "username",
    "photoThumbnailURL",
    "photoFullsizeURL",
    "userRoleCode",
];

impl Directory {
    pub fn users_json(&self) -> Value {
        Value::Array(self.users.values().cloned().collect())
    }

    pub fn rooms_json(&self) -> Value {
        Value::Array(self.rooms.values().cloned().collect())
    }

    /// Creates or updates the user named by `request.xcUserID`; fields not given keep
    /// their values. Returns the user's `userID`.
    fn upsert_user(&mut self, request: &Value, now: u64) -> String {
        let xc_user_id = request["xcUserID"].as_str().unwrap_or_default().to_string();
        if !self.users.contains_key(&xc_user_id) {
            self.next_user_id += 1;
            let user_id = (1_000_000 + self.next_user_id).to_string();
            let mut user = Map::new();
            user.insert("userID".into(), json!(user_id));
            for key in USER_FIELDS {
                user.insert(key.into(), json!(""));
            }
            user.insert("createdTime".into(), json!(now));
            self.users.insert(xc_user_id.clone(), Value::Object(user));
        }
        let user = &mut self.users.get_mut(&xc_user_id).expect("inserted above");
        for key in USER_FIELDS {
            if let Some(value) = request.get(key) {
                user[key] = value.clone();
            }
        }
        user["updatedTime"] = json!(now);
        user["userID"].as_str().unwrap_or_default().to_string()
    }
}

pub fn update_user(directory: &mut Directory, request: &Value, now: u64) -> Reply {
    let user_id = directory.upsert_user(request, now);
    Reply::ok(json!({ "userID": user_id }))
}

const ROOM_FIELDS: [&str; 6] = [
    "type",
    "name",
    "photoThumbnailURL",
    "photoFullsizeURL",
    "tags",
    "participantUserRoles",
];

pub fn create_or_update_room(
    directory: &mut Directory,
    ids: &mut Ids,
    request: &Value,
    now: u64,
) -> Reply {
    let xc_room_id = request["xcRoomID"].as_str().unwrap_or_default().to_string();
    if !directory.rooms.contains_key(&xc_room_id) {
        let participants: Vec<String> = request["participantXCUserIDs"]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| id.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(unknown) = participants
            .iter()
            .find(|id| !directory.users.contains_key(*id))
        {
            let message = format!("User '{unknown}' is not found");
            return Reply::api_error(404, "40401", &message, "107");
        }
        let room = json!({
            "roomID": ids.case_id(),
            "xcRoomID": xc_room_id,
            "type": 0,
            "name": "",
            "photoThumbnailURL": "",
            "photoFullsizeURL": "",
            "tags": [],
            "participantXCUserIDs": participants,
            "participantUserRoles": [],
            "createdTime": now,
        });
        directory.rooms.insert(xc_room_id.clone(), room);
    }
    let room = directory
        .rooms
        .get_mut(&xc_room_id)
        .expect("inserted above");
    for key in ROOM_FIELDS {
        if let Some(value) = request.get(key) {
            room[key] = value.clone();
        }
    }
    room["updatedTime"] = json!(now);
    Reply::ok(json!({ "room": room.clone() }))
}

pub fn request_auth_ticket(
    directory: &mut Directory,
    tickets: &mut Tickets,
    ids: &mut Ids,
    request: &Value,
    now: u64,
) -> Reply {
    directory.upsert_user(request, now);
    let user = request["xcUserID"].as_str().unwrap_or_default();
    let ticket = tickets.issue(ids, "powertalk", user, now);
    Reply::ok(json!({ "ticket": ticket }))
}
