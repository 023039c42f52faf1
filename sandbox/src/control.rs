//! The sandbox's own API under `/_sandbox/`: look at what was stored, reset,
//! inject faults, change settings. Answers use the vendor's envelope too, so
//! one JSON reader serves a test for both.

use crate::chatbot;
use crate::faults::Fault;
use crate::reply::Reply;
use crate::request::{query_object, Head};
use crate::state::Shared;
use serde_json::{json, Value};

/// A refused control request: the field at fault and why.
pub type Refusal = (String, String);

const ENDPOINTS: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/_sandbox/powertalk/messages",
        "stored PowerTalk messages",
    ),
    (
        "GET",
        "/_sandbox/powertalk/contacts",
        "PowerTalk contact pairs",
    ),
    (
        "GET",
        "/_sandbox/sendtalk/messages",
        "SendTalk messages with their delivery status",
    ),
    (
        "GET",
        "/_sandbox/powertalk/users",
        "PowerTalk users (user/update, auth_ticket/request)",
    ),
    ("GET", "/_sandbox/powertalk/rooms", "PowerTalk rooms"),
    (
        "GET",
        "/_sandbox/sendtalk/verifications",
        "SendTalk WhatsApp verification requests",
    ),
    ("GET", "/_sandbox/onetalk/users", "OneTalk customer users"),
    (
        "GET",
        "/_sandbox/auth_tickets",
        "auth tickets of both products, with expiry on the sandbox clock",
    ),
    (
        "POST",
        "/_sandbox/auth_tickets/check",
        "what an app signing in with a ticket would learn: {\"ticket\": ..}",
    ),
    ("GET", "/_sandbox/onetalk/cases", "OneTalk cases"),
    ("GET", "/_sandbox/onetalk/messages", "OneTalk messages"),
    (
        "POST",
        "/_sandbox/onetalk/cases/close",
        "close (resolve) a case, which sends case_resolved: {\"caseID\": ..}",
    ),
    (
        "GET",
        "/_sandbox/webhooks",
        "outgoing callbacks: every delivery with its attempts, how many are pending, the settings",
    ),
    (
        "POST",
        "/_sandbox/webhooks",
        "change callback settings: webhook_url, webhook_secret, chatbot_url, chatbot_secret, attempts, retry_delay_ms, timeout_ms",
    ),
    (
        "POST",
        "/_sandbox/chatbot/messages",
        "a customer writes to the chatbot: {\"phone\", \"text\", \"channelID\"?, \"contactName\"?}",
    ),
    (
        "GET",
        "/_sandbox/requests",
        "request log (?path= to filter)",
    ),
    (
        "GET",
        "/_sandbox/connections",
        "connections accepted and open, API requests in flight and the most at once",
    ),
    (
        "POST",
        "/_sandbox/reset",
        "clear state, faults and settings",
    ),
    ("GET", "/_sandbox/faults", "pending faults"),
    (
        "POST",
        "/_sandbox/faults",
        "inject a fault (or an array of them)",
    ),
    ("GET", "/_sandbox/settings", "runtime settings"),
    (
        "POST",
        "/_sandbox/settings",
        "change runtime settings (e.g. keep_alive, idle_timeout_ms, latency_ms, onetalk_since_reading: after|at_or_after, onetalk_page_edge: keep_groups|split_groups)",
    ),
    (
        "GET",
        "/_sandbox/clock",
        "the sandbox clock: now_ms, frozen",
    ),
    (
        "POST",
        "/_sandbox/clock",
        "freeze, advance or resume the clock: {\"freeze\": bool, \"advance_ms\": N}",
    ),
];

pub fn handle(shared: &Shared, head: &Head, body: &[u8]) -> Reply {
    let path = head.path.trim_end_matches('/');
    let known = ENDPOINTS.iter().filter(|(_, p, _)| *p == path);
    if path == "/_sandbox" {
        let list: Vec<Value> = ENDPOINTS
            .iter()
            .map(|(m, p, what)| json!({ "method": m, "path": p, "description": what }))
            .collect();
        return Reply::ok(json!({ "endpoints": list }));
    }
    let methods: Vec<&str> = known.map(|(m, _, _)| *m).collect();
    if methods.is_empty() {
        return Reply::http_error(404, "40400", &format!("No control endpoint at {path}"));
    }
    if !methods.contains(&head.method.as_str()) {
        let allowed = methods.join(", ");
        let message = format!("Method {} is not allowed here; use {allowed}", head.method);
        return Reply::http_error(405, "40500", &message).with_header("Allow", &allowed);
    }
    let input = if head.method == "POST" {
        if body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(v) => v,
                Err(_) => return Reply::invalid_param("Request body is not valid JSON", ""),
            }
        }
    } else {
        Value::Null
    };
    let result = match (head.method.as_str(), path) {
        ("GET", "/_sandbox/powertalk/messages") => {
            Ok(json!({ "messages": powertalk_messages(shared) }))
        }
        ("GET", "/_sandbox/powertalk/contacts") => {
            Ok(json!({ "contacts": powertalk_contacts(shared) }))
        }
        ("GET", "/_sandbox/sendtalk/messages") => {
            Ok(json!({ "messages": sendtalk_messages(shared) }))
        }
        ("GET", "/_sandbox/powertalk/users") => {
            Ok(json!({ "users": shared.lock().directory.users_json() }))
        }
        ("GET", "/_sandbox/powertalk/rooms") => {
            Ok(json!({ "rooms": shared.lock().directory.rooms_json() }))
        }
        ("GET", "/_sandbox/sendtalk/verifications") => {
            Ok(json!({ "verifications": shared.lock().verifications.to_json() }))
        }
        ("GET", "/_sandbox/onetalk/users") => {
            Ok(json!({ "users": shared.lock().customers.to_json() }))
        }
        ("GET", "/_sandbox/auth_tickets") => {
            let now = shared.clock.now_ms();
            Ok(json!({ "tickets": shared.lock().tickets.to_json(now) }))
        }
        ("POST", "/_sandbox/auth_tickets/check") => check_ticket(shared, &input),
        ("GET", "/_sandbox/onetalk/cases") => Ok(json!({ "cases": onetalk_cases(shared) })),
        ("GET", "/_sandbox/onetalk/messages") => {
            Ok(json!({ "messages": onetalk_messages(shared) }))
        }
        ("POST", "/_sandbox/onetalk/cases/close") => close_case(shared, &input),
        ("GET", "/_sandbox/webhooks") => Ok(shared.lock().webhooks.to_json()),
        ("POST", "/_sandbox/webhooks") => webhook_settings(shared, &input),
        ("POST", "/_sandbox/chatbot/messages") => {
            let now = shared.clock.now_ms();
            let state = &mut *shared.lock();
            chatbot::customer_message(
                &mut state.onetalk,
                &mut state.ids,
                &state.webhooks,
                &input,
                now,
            )
        }
        ("GET", "/_sandbox/requests") => {
            let query = query_object(&head.query);
            Ok(json!({ "requests": requests(shared, query["path"].as_str()) }))
        }
        ("GET", "/_sandbox/connections") => Ok(json!({ "connections": shared.traffic.to_json() })),
        ("POST", "/_sandbox/reset") => {
            shared.reset();
            Ok(json!({ "success": true }))
        }
        ("GET", "/_sandbox/faults") => Ok(json!({ "faults": faults(shared) })),
        ("POST", "/_sandbox/faults") => add_faults(shared, &input).map(|f| json!({ "faults": f })),
        ("GET", "/_sandbox/settings") => Ok(json!({ "settings": settings(shared) })),
        ("POST", "/_sandbox/settings") => {
            apply_settings(shared, &input).map(|s| json!({ "settings": s }))
        }
        ("GET", "/_sandbox/clock") => Ok(json!({ "clock": shared.clock.to_json() })),
        ("POST", "/_sandbox/clock") => set_clock(shared, &input).map(|c| json!({ "clock": c })),
        _ => unreachable!("every listed endpoint is handled"),
    };
    match result {
        Ok(data) => Reply::ok(data),
        Err((field, message)) => Reply::invalid_param(&message, &field),
    }
}

pub fn powertalk_messages(shared: &Shared) -> Value {
    shared.lock().powertalk.messages_json()
}

pub fn powertalk_contacts(shared: &Shared) -> Value {
    shared.lock().powertalk.contacts_json()
}

pub fn sendtalk_messages(shared: &Shared) -> Value {
    let now = shared.clock.now_ms();
    let mut state = shared.lock();
    let delay = state.settings.delivery_delay_ms;
    state.sendtalk.advance(now, delay);
    state.sendtalk.to_json()
}

pub fn onetalk_cases(shared: &Shared) -> Value {
    shared.lock().onetalk.cases_json()
}

pub fn onetalk_messages(shared: &Shared) -> Value {
    shared.lock().onetalk.messages_json()
}

pub fn requests(shared: &Shared, path: Option<&str>) -> Value {
    shared.lock().log.to_json(path)
}

pub fn faults(shared: &Shared) -> Value {
    shared.lock().faults.to_json()
}

pub fn settings(shared: &Shared) -> Value {
    shared.lock().settings.to_json()
}

pub fn close_case(shared: &Shared, input: &Value) -> Result<Value, Refusal> {
    let Some(case_id) = input["caseID"].as_str() else {
        return Err(("caseID".into(), "Case ID is required".into()));
    };
    let now = shared.clock.now_ms();
    let state = &mut *shared.lock();
    match chatbot::resolve(&mut state.onetalk, &state.webhooks, case_id, now) {
        Some(()) => Ok(json!({ "success": true })),
        None => Err(("caseID".into(), "Case is not found".into())),
    }
}

/// Changes the outgoing callbacks' settings; all keys are checked first.
pub fn webhook_settings(shared: &Shared, input: &Value) -> Result<Value, Refusal> {
    let Some(map) = input.as_object() else {
        return Err((String::new(), "Settings must be a JSON object".into()));
    };
    let mut state = shared.lock();
    let mut next = state.webhooks.settings.clone();
    next.apply(map)?;
    state.webhooks.reconfigure(next);
    Ok(state.webhooks.to_json())
}

pub fn check_ticket(shared: &Shared, input: &Value) -> Result<Value, Refusal> {
    let Some(ticket) = input["ticket"].as_str() else {
        return Err(("ticket".into(), "Ticket is required".into()));
    };
    let now = shared.clock.now_ms();
    match shared.lock().tickets.check(ticket, now) {
        Some(entry) => Ok(entry),
        None => Err(("ticket".into(), "Ticket is not found".into())),
    }
}

/// One fault object or an array of them; all are checked before any is added.
pub fn add_faults(shared: &Shared, input: &Value) -> Result<Value, Refusal> {
    let specs = match input {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let parsed = specs
        .into_iter()
        .map(Fault::from_json)
        .collect::<Result<Vec<_>, _>>()?;
    let mut state = shared.lock();
    for fault in parsed {
        state.faults.add(fault);
    }
    Ok(state.faults.to_json())
}

/// Changes the settings named in `input`; all are checked before any applies.
pub fn apply_settings(shared: &Shared, input: &Value) -> Result<Value, Refusal> {
    let Some(map) = input.as_object() else {
        return Err((String::new(), "Settings must be a JSON object".into()));
    };
    let now = shared.clock.now_ms();
    let mut state = shared.lock();
    let mut next = state.settings.clone();
    for (key, value) in map {
        next.set(key, value)
            .map_err(|message| (key.clone(), message.to_string()))?;
    }
    // Messages already due under the old delay keep their delivery times.
    let old_delay = state.settings.delivery_delay_ms;
    state.sendtalk.advance(now, old_delay);
    state.settings = next;
    Ok(state.settings.to_json())
}

/// Freezes, advances and/or resumes the clock; all keys are checked first.
/// `{"freeze": true}` stops it at the current time, `{"advance_ms": N}` moves
/// it forward (frozen or running), `{"freeze": false}` lets it run again from
/// the time it shows. Time never goes backwards.
pub fn set_clock(shared: &Shared, input: &Value) -> Result<Value, Refusal> {
    let Some(map) = input.as_object() else {
        return Err((
            String::new(),
            "The clock request must be a JSON object".into(),
        ));
    };
    let mut freeze = None;
    let mut advance = 0;
    for (key, value) in map {
        match key.as_str() {
            "freeze" => match value.as_bool() {
                Some(b) => freeze = Some(b),
                None => return Err((key.clone(), "freeze must be true or false".into())),
            },
            "advance_ms" => match value.as_u64() {
                Some(ms) if ms <= crate::clock::MAX_ADVANCE_MS => advance = ms,
                _ => {
                    let message = format!(
                        "advance_ms must be a whole number from 0 to {}",
                        crate::clock::MAX_ADVANCE_MS
                    );
                    return Err((key.clone(), message));
                }
            },
            _ => return Err((key.clone(), "unknown clock key".into())),
        }
    }
    if freeze == Some(true) {
        shared.clock.freeze();
    }
    shared.clock.advance(advance);
    if freeze == Some(false) {
        shared.clock.resume();
    }
    Ok(shared.clock.to_json())
}
