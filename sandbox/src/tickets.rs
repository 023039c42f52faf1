//! Auth tickets of both products: unique, and valid for one hour on the sandbox clock.

use crate::ids::Ids;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The vendor's "valid one hour".
pub const TICKET_LIFETIME_MS: u64 = 3_600_000;

#[derive(Debug)]
struct Ticket {
    ticket: String,
    product: &'static str,
    /// The user it was issued for (PowerTalk `xcUserID`, OneTalk `customerUserID`).
    user: String,
    created_ms: u64,
}

impl Ticket {
    fn expires_ms(&self) -> u64 {
        self.created_ms + TICKET_LIFETIME_MS
    }

    fn to_json(&self, now: u64) -> Value {
        json!({
            "ticket": self.ticket,
            "product": self.product,
            "user": self.user,
            "createdTime": self.created_ms,
            "expiresTime": self.expires_ms(),
            "isExpired": now >= self.expires_ms(),
        })
    }
}

#[derive(Debug, Default)]
pub struct Tickets {
    tickets: Vec<Ticket>,
    by_ticket: HashMap<String, usize>,
}

impl Tickets {
    /// A new ticket for `user`; never one issued before, even for the same user.
    pub fn issue(&mut self, ids: &mut Ids, product: &'static str, user: &str, now: u64) -> String {
        let ticket = loop {
            let candidate = format!("{}{}", ids.local_id(), ids.local_id());
            if !self.by_ticket.contains_key(&candidate) {
                break candidate;
            }
        };
        self.by_ticket.insert(ticket.clone(), self.tickets.len());
        self.tickets.push(Ticket {
            ticket: ticket.clone(),
            product,
            user: user.to_string(),
            created_ms: now,
        });
        ticket
    }

    pub fn to_json(&self, now: u64) -> Value {
        Value::Array(self.tickets.iter().map(|t| t.to_json(now)).collect())
    }

    /// What an app signing in with `ticket` at `now` would learn: the ticket's entry with
    /// `isValid` (known and not expired), or `None` for a ticket never issued.
    pub fn check(&self, ticket: &str, now: u64) -> Option<Value> {
        let found = &self.tickets[*self.by_ticket.get(ticket)?];
        let mut entry = found.to_json(now);
        entry["isValid"] = json!(now < found.expires_ms());
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_unique_and_expire_after_an_hour() {
        let (mut ids, mut tickets) = (Ids::seeded(), Tickets::default());
        let a = tickets.issue(&mut ids, "powertalk", "u1", 1000);
        let b = tickets.issue(&mut ids, "powertalk", "u1", 1000);
        assert_ne!(a, b);
        assert_eq!(tickets.check(&a, 1000).unwrap()["isValid"], true);
        let last_valid = 1000 + TICKET_LIFETIME_MS - 1;
        assert_eq!(tickets.check(&a, last_valid).unwrap()["isValid"], true);
        let expired = tickets.check(&a, 1000 + TICKET_LIFETIME_MS).unwrap();
        assert_eq!(
            (&expired["isValid"], &expired["isExpired"]),
            (&json!(false), &json!(true))
        );
        assert!(tickets.check("nope", 1000).is_none());
    }
}
