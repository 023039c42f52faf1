//! OneTalk: WhatsApp sends that open or join a case, and the case list; the cases a custom
//! chatbot works on (`chatbot.rs` applies its actions through the methods here).

use crate::ids::Ids;
use crate::reply::Reply;
use crate::settings::Paging;
use serde_json::{json, Value};
use std::collections::HashMap;

#[derive(Debug)]
struct Contact {
    id: String,
    phone: String,
    created_ms: u64,
    /// What a chatbot's update_contact set (fullName, alias, companyName, jobTitle,
    /// customFields).
    details: serde_json::Map<String, Value>,
}

#[derive(Debug)]
struct Case {
    id: String,
    channel_id: String,
    topic_id: i64,
    phone: String,
    first_message: String,
    is_closed: bool,
    is_junk: bool,
    agent_remark: String,
    /// "" (nobody yet), "chatbot" or "agent".
    assignee_type: String,
    agent_email: String,
    created_ms: u64,
    updated_ms: u64,
    /// Breaks ties between cases updated in the same millisecond.
    seq: u64,
}

#[derive(Debug, Default)]
pub struct OneTalkStore {
    cases: Vec<Case>,
    by_id: HashMap<String, usize>,
    contacts: HashMap<String, Contact>,
    messages: Vec<Value>,
    next_seq: u64,
}

impl OneTalkStore {
    fn case_json(&self, case: &Case) -> Value {
        let contact = &self.contacts[&case.phone];
        json!({
            "id": case.id,
            "channelID": case.channel_id,
            "topicID": case.topic_id,
            "contact": {
                "id": contact.id,
                "fullName": contact.phone,
                "alias": "",
                "email": "",
                "phone": contact.phone,
                "agentRemark": "",
                "createdTime": contact.created_ms,
                "updatedTime": 0,
                "details": contact.details,
            },
            "agent": { "email": case.agent_email, "fullName": "" },
            "assigneeType": case.assignee_type,
            "firstMessage": case.first_message,
            "isClosed": case.is_closed,
            "isJunk": case.is_junk,
            "agentRemark": case.agent_remark,
            "createdTime": case.created_ms,
            "updatedTime": case.updated_ms,
        })
    }

    pub fn cases_json(&self) -> Value {
        Value::Array(self.cases.iter().map(|c| self.case_json(c)).collect())
    }

    pub fn messages_json(&self) -> Value {
        Value::Array(self.messages.clone())
    }

    fn touch(&mut self, index: usize, now: u64) {
        self.next_seq += 1;
        let case = &mut self.cases[index];
        case.updated_ms = now.max(case.updated_ms);
        case.seq = self.next_seq;
    }

    /// Closes a case (an agent or the chatbot resolving it), so the next send opens another;
    /// answers the organisation webhook's `case_resolved` object, `None` for an unknown case.
    /// `chatbot_id` is the sandbox chatbot's, named when it had the case.
    pub fn close_case(&mut self, case_id: &str, now: u64, chatbot_id: &str) -> Option<Value> {
        let &index = self.by_id.get(case_id)?;
        self.cases[index].is_closed = true;
        self.touch(index, now);
        let case = &self.cases[index];
        let by_chatbot = case.assignee_type == "chatbot";
        Some(json!({
            "caseID": case.id,
            "channelType": "whatsapp",
            "channelID": case.channel_id,
            "topicID": case.topic_id,
            "topicName": "General",
            "assigneeType": if by_chatbot { "chatbot" } else { "agent" },
            "chatbotID": if by_chatbot { chatbot_id } else { "" },
            "chatbotName": if by_chatbot { "Sandbox chatbot" } else { "" },
            "agentEmail": case.agent_email,
            "agentFullName": if case.agent_email.is_empty() { "" } else { "Sandbox Agent" },
            "isJunk": case.is_junk,
            "agentRemark": case.agent_remark,
            "createdTime": case.created_ms,
            "counterStartTime": case.created_ms,
            "firstResponseTime": 0,
            "resolvedTime": now,
        }))
    }

    /// Whether `case_id` is a case, and whether it is closed.
    pub fn case_state(&self, case_id: &str) -> Option<bool> {
        self.by_id.get(case_id).map(|&i| self.cases[i].is_closed)
    }

    /// The open case of `phone` on `channel_id` for a customer writing to the chatbot (a new
    /// one assigned to the chatbot when there is none).
    pub fn chatbot_case(
        &mut self,
        ids: &mut Ids,
        phone: &str,
        channel_id: &str,
        now: u64,
    ) -> String {
        let request = json!({"phone": phone, "channelID": channel_id, "body": ""});
        let id = self.case_for(ids, &request, now);
        let index = self.by_id[&id];
        if self.cases[index].assignee_type.is_empty() {
            self.cases[index].assignee_type = "chatbot".to_string();
        }
        id
    }

    /// A chatbot's handover: the case goes to an agent (the one given, or the sandbox's).
    pub fn hand_over(&mut self, case_id: &str, topic_id: i64, agent_email: &str, now: u64) {
        if let Some(&index) = self.by_id.get(case_id) {
            let case = &mut self.cases[index];
            case.assignee_type = "agent".to_string();
            case.agent_email = if agent_email.is_empty() {
                "agent@sandbox.example".to_string()
            } else {
                agent_email.to_string()
            };
            if topic_id > 0 {
                case.topic_id = topic_id;
            }
            self.touch(index, now);
        }
    }

    /// A chatbot's update_contact: the given fields replace the contact's.
    pub fn update_contact(&mut self, case_id: &str, fields: &serde_json::Map<String, Value>) {
        let Some(&index) = self.by_id.get(case_id) else {
            return;
        };
        let phone = self.cases[index].phone.clone();
        if let Some(contact) = self.contacts.get_mut(&phone) {
            for (key, value) in fields {
                contact.details.insert(key.clone(), value.clone());
            }
        }
    }

    /// A message in a case that did not come through the send operations (the customer's,
    /// the chatbot's), kept with the others.
    pub fn record_message(&mut self, message: Value) {
        self.messages.push(message);
    }

    /// The open case of this phone on this channel, or a new one.
    fn case_for(&mut self, shared_ids: &mut Ids, request: &Value, now: u64) -> String {
        let phone = text(request, "phone");
        let channel_id = text(request, "channelID");
        let open = self
            .cases
            .iter()
            .position(|c| !c.is_closed && c.phone == phone && c.channel_id == channel_id);
        if let Some(index) = open {
            self.touch(index, now);
            return self.cases[index].id.clone();
        }
        self.contacts
            .entry(phone.clone())
            .or_insert_with(|| Contact {
                id: shared_ids.uuid(),
                phone: phone.clone(),
                created_ms: now,
                details: serde_json::Map::new(),
            });
        let mut id = shared_ids.case_id();
        while self.by_id.contains_key(&id) {
            id = shared_ids.case_id();
        }
        let first_message = match request["templateName"].as_str() {
            Some(template) => template.to_string(),
            None => text(request, "body"),
        };
        self.next_seq += 1;
        self.by_id.insert(id.clone(), self.cases.len());
        self.cases.push(Case {
            id: id.clone(),
            channel_id,
            topic_id: request["topicID"].as_i64().unwrap_or(0),
            phone,
            first_message,
            is_closed: false,
            is_junk: false,
            agent_remark: String::new(),
            assignee_type: String::new(),
            agent_email: String::new(),
            created_ms: now,
            updated_ms: now,
            seq: self.next_seq,
        });
        id
    }

    /// One page of cases updated after `since` (or at or after it, under
    /// `Paging::at_or_after`), oldest first.
    ///
    /// With `keep_groups` (the default) a page never ends inside a group of
    /// cases sharing one `updatedTime`: following `lastTimestamp` (strictly
    /// newer) then sees every case exactly once, and a single group larger
    /// than `limit` is returned whole. With `split_groups` the limit is a hard
    /// cap and a page may end inside a group, as a plain SQL `LIMIT` would.
    fn updated_page(&self, since: i64, limit: usize, paging: Paging) -> (Vec<&Case>, bool) {
        let mut list: Vec<&Case> = self
            .cases
            .iter()
            .filter(|c| {
                let t = c.updated_ms as i64;
                t > since || paging.at_or_after && t == since
            })
            .collect();
        list.sort_by_key(|c| (c.updated_ms, c.seq));
        if list.len() <= limit {
            return (list, false);
        }
        if paging.split_groups {
            list.truncate(limit);
            return (list, true);
        }
        let cut_at = list[limit].updated_ms;
        let mut end = limit;
        while end > 0 && list[end - 1].updated_ms == cut_at {
            end -= 1;
        }
        if end == 0 {
            end = list.iter().take_while(|c| c.updated_ms == cut_at).count();
        }
        let has_more = end < list.len();
        list.truncate(end);
        (list, has_more)
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// Both send operations: store the message, and with `withCase` attach it to
/// a case. `trx_id` names the message in the organisation webhook's status events and in
/// the reply (`data.trxID`: the vendor's published reply has none; the SDK does not need it).
pub fn send(
    store: &mut OneTalkStore,
    ids: &mut Ids,
    request: &Value,
    kind: &str,
    now: u64,
    trx_id: &str,
) -> Reply {
    let with_case = request["withCase"].as_bool().unwrap_or(false);
    let case_id = if with_case {
        store.case_for(ids, request, now)
    } else {
        String::new()
    };
    let mut record = request.clone();
    if !record.is_object() {
        record = json!({});
    }
    record["sandboxMessageID"] = json!(ids.uuid());
    record["kind"] = json!(kind);
    record["caseID"] = json!(case_id);
    record["createdTime"] = json!(now);
    record["trxID"] = json!(trx_id);
    store.messages.push(record);
    Reply::ok(json!({
        "success": true,
        "message": "The message has been added to queue",
        "caseID": case_id,
        "trxID": trx_id,
    }))
}

/// `get_updated_list`, whose parameters arrive as a query string already
/// turned into a JSON object.
pub fn get_updated_list(store: &OneTalkStore, paging: Paging, query: &Value) -> Reply {
    let since = query["since_timestamp"]
        .as_i64()
        .or_else(|| query["since_timestamp"].as_u64().map(|_| i64::MAX))
        .unwrap_or(0);
    let limit = query["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let (page, has_more) = store.updated_page(since, limit, paging);
    let last = page.last().map(|c| c.updated_ms as i64).unwrap_or(since);
    let cases: Vec<Value> = page.iter().map(|c| store.case_json(c)).collect();
    Reply::ok(json!({ "cases": cases, "hasMore": has_more, "lastTimestamp": last }))
}

pub fn update_case(store: &mut OneTalkStore, request: &Value, now: u64) -> Reply {
    let case_id = request["caseID"].as_str().unwrap_or_default();
    let Some(&index) = store.by_id.get(case_id) else {
        return Reply::api_error(404, "40401", "Case is not found", "");
    };
    let case = &mut store.cases[index];
    if let Some(remark) = request["agentRemark"].as_str() {
        case.agent_remark = remark.to_string();
    }
    if let Some(junk) = request["isJunk"].as_bool() {
        case.is_junk = junk;
    }
    store.touch(index, now);
    Reply::ok(json!({ "success": true, "message": "Case updated successfully" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(times: &[u64]) -> OneTalkStore {
        let mut store = OneTalkStore::default();
        let mut ids = Ids::seeded();
        for (n, &t) in times.iter().enumerate() {
            let request = json!({"phone": format!("62{n}"), "channelID": "c", "body": "hi"});
            store.case_for(&mut ids, &request, t);
        }
        store
    }

    /// Follows `lastTimestamp` like a client would, collecting case ids.
    fn follow(store: &OneTalkStore, limit: usize) -> Vec<String> {
        let mut seen = Vec::new();
        let mut since = 0i64;
        for _ in 0..100 {
            let (page, more) = store.updated_page(since, limit, Paging::default());
            assert!(!page.is_empty() || !more);
            seen.extend(page.iter().map(|c| c.id.clone()));
            if let Some(last) = page.last() {
                since = last.updated_ms as i64;
            }
            if !more {
                break;
            }
        }
        seen
    }

    #[test]
    fn following_last_timestamp_sees_each_case_once_despite_ties() {
        let store = store_with(&[10, 20, 20, 20, 30, 40, 40, 50]);
        for limit in 1..=9 {
            let seen = follow(&store, limit);
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(seen.len(), 8, "limit {limit}");
            assert_eq!(unique.len(), 8, "limit {limit}");
        }
    }

    #[test]
    fn a_page_respects_the_limit_when_no_group_is_too_large() {
        let store = store_with(&[10, 20, 20, 30, 40]);
        let (page, more) = store.updated_page(0, 2, Paging::default());
        assert_eq!(page.len(), 1);
        assert!(more);
        let (page, more) = store.updated_page(10, 2, Paging::default());
        assert_eq!(page.len(), 2);
        assert!(more);
        let (page, more) = store.updated_page(20, 3, Paging::default());
        assert_eq!(page.len(), 2);
        assert!(!more);
    }

    #[test]
    fn the_paging_settings_select_the_reading_and_the_page_edge() {
        let store = store_with(&[10, 20, 20, 20, 30]);
        let times = |page: Vec<&Case>| page.iter().map(|c| c.updated_ms).collect::<Vec<_>>();
        let inclusive = Paging {
            at_or_after: true,
            split_groups: false,
        };
        let (page, more) = store.updated_page(20, 10, inclusive);
        assert_eq!((times(page), more), (vec![20, 20, 20, 30], false));
        let split = Paging {
            at_or_after: false,
            split_groups: true,
        };
        let (page, more) = store.updated_page(10, 2, split);
        assert_eq!((times(page), more), (vec![20, 20], true));
        let mut paging = Paging::default();
        paging
            .set("onetalk_page_edge", &json!("split_groups"))
            .unwrap();
        paging
            .set("onetalk_since_reading", &json!("at_or_after"))
            .unwrap();
        assert_eq!(
            paging,
            Paging {
                at_or_after: true,
                split_groups: true
            }
        );
        assert!(paging
            .set("onetalk_since_reading", &json!("before"))
            .is_err());
    }
}
