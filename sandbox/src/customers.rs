//! OneTalk customer users (`user/sync_contact`) and their auth tickets
//! (`user/request_auth_ticket`, which also creates or updates the user it names).

use crate::ids::Ids;
use crate::reply::Reply;
use crate::tickets::Tickets;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const FIELDS: [&str; 6] = [
    "customerUserID",
    "fullName",
    "alias",
    "email",
    "phone",
    "photoURL",
];

#[derive(Debug, Default)]
pub struct Customers {
    /// By `customerUserID`.
    users: BTreeMap<String, Value>,
}

impl Customers {
    pub fn to_json(&self) -> Value {
        Value::Array(self.users.values().cloned().collect())
    }

    /// Creates or updates the user; fields not given keep their values.
    fn upsert(&mut self, request: &Value, now: u64) -> &Value {
        let id = request["customerUserID"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let user = self.users.entry(id).or_insert_with(|| {
            let mut user: Map<String, Value> =
                FIELDS.iter().map(|k| (k.to_string(), json!(""))).collect();
            user.insert("createdTime".into(), json!(now));
            Value::Object(user)
        });
        for key in FIELDS {
            if let Some(value) = request.get(key) {
                user[key] = value.clone();
            }
        }
        user["updatedTime"] = json!(now);
        user
    }
}

pub fn sync_contact(customers: &mut Customers, request: &Value, now: u64) -> Reply {
    let user = customers.upsert(request, now).clone();
    Reply::ok(json!({ "success": true, "message": "Contact synced", "user": user }))
}

pub fn request_auth_ticket(
    customers: &mut Customers,
    tickets: &mut Tickets,
    ids: &mut Ids,
    request: &Value,
    now: u64,
) -> Reply {
    customers.upsert(request, now);
    let user = request["customerUserID"].as_str().unwrap_or_default();
    let ticket = tickets.issue(ids, "onetalk", user, now);
    Reply::ok(json!({ "ticket": ticket }))
}
