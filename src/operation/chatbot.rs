//! A OneTalk custom chatbot's calls back to OneTalk: messages to the customer, and handing
//! over, closing and updating the case or its contact. All five go to one URL generated when
//! the chatbot is made (`.../webhook/chatbot/custom/{organizationID}/{chatbotID}`) with the
//! `Secret-Key` header; the body's `eventType` says which, and the operation sets it.
//!
//! Requests take the vendor's body as it is (`caseID`, `eventType`, and `messages`,
//! `handoverCase`, `closeCase`, `updateCase` or `updateContact`); `eventType` may be left out.
//! Fields are reported by name, as OneTalk does ("Case ID is required"). WhatsApp Business
//! interactive messages are checked against the documented limits (3 buttons, titles of 20
//! characters, 10 rows, ...), which WhatsApp would otherwise refuse after the fact.

use serde_json::{Map, Value};

use super::validate::{check_items, field, Checked, Field, Fields, InvalidField, Style};

const CASE_ID: Field = field("caseID", "Case ID");
const EVENT_TYPE: Field = field("eventType", "Event type");
const MESSAGES: Field = field("messages", "Messages");
const HANDOVER: Field = field("handoverCase", "Handover case");
const CLOSE: Field = field("closeCase", "Close case");
const UPDATE_CASE: Field = field("updateCase", "Update case");
const UPDATE_CONTACT: Field = field("updateContact", "Update contact");

/// The body's `eventType` for each operation, and the object that carries its details.
pub(crate) const EVENTS: [(&str, Field); 5] = [
    ("messages", MESSAGES),
    ("handover_case", HANDOVER),
    ("close_case", CLOSE),
    ("update_case", UPDATE_CASE),
    ("update_contact", UPDATE_CONTACT),
];

/// `caseID`, `eventType` (when given, the operation's own), and the event's object only.
fn envelope<'a>(map: &'a Map<String, Value>, event: usize) -> Checked<Fields<'a>> {
    let (name, object) = EVENTS[event];
    let f = Fields::new(map, Style::Named);
    f.only(&[CASE_ID, EVENT_TYPE, object])?;
    f.required_str(CASE_ID)?;
    if f.optional_str(EVENT_TYPE)?
        .is_some_and(|given| given != name)
    {
        return Err(f.invalid(EVENT_TYPE, &format!("this operation sends {name}")));
    }
    Ok(f)
}

/// The event's object, when given: `None` when absent.
fn object<'a>(f: &Fields<'a>, at: Field) -> Checked<Option<Fields<'a>>> {
    match f.get(at) {
        None => Ok(None),
        Some(Value::Object(map)) => Ok(Some(f.child(at, map))),
        Some(_) => Err(f.wrong_type(at, "an object")),
    }
}

pub(crate) fn check_send_messages(map: &Map<String, Value>) -> Checked<()> {
    let f = envelope(map, 0)?;
    match f.get(MESSAGES) {
        None => Err(f.required(MESSAGES)),
        Some(Value::Array(items)) if items.is_empty() => {
            Err(f.invalid(MESSAGES, "give at least one message"))
        }
        Some(Value::Array(items)) => check_items(&f, MESSAGES, items, check_message),
        Some(_) => Err(f.wrong_type(MESSAGES, "an array of messages")),
    }
}

const TYPE: Field = field("type", "Type");
const TEXT: Field = field("text", "Text");
const DOCUMENT: Field = field("document", "Document");
const IMAGE: Field = field("image", "Image");
const VIDEO: Field = field("video", "Video");
const WHATSAPPBA: Field = field("whatsappba", "WhatsApp Business");
const CUSTOM_DATA: Field = field("customData", "Custom data");
const BODY: Field = field("body", "Body");
const URL: Field = field("url", "URL");
const FILENAME: Field = field("filename", "Filename");
const CAPTION: Field = field("caption", "Caption");

/// One OutboundMessage: its `type` names the one object that must be there.
fn check_message(m: &Fields) -> Checked<()> {
    m.only(&[TYPE, TEXT, DOCUMENT, IMAGE, VIDEO, WHATSAPPBA, CUSTOM_DATA])?;
    let kind = m.required_choice(TYPE, &["text", "document", "image", "video", "whatsappba"])?;
    m.optional_str(CUSTOM_DATA)?;
    let (part, fields): (Field, &[Field]) = match kind {
        "text" => (TEXT, &[BODY]),
        "document" => (DOCUMENT, &[URL, FILENAME, CAPTION]),
        "image" => (IMAGE, &[URL, CAPTION]),
        "video" => (VIDEO, &[URL, CAPTION]),
        _ => return check_whatsappba(m),
    };
    let Some(inner) = object(m, part)? else {
        return Err(m.required(part));
    };
    inner.only(fields)?;
    inner.required_str(fields[0])?;
    for optional in &fields[1..] {
        inner.optional_str(*optional)?;
    }
    Ok(())
}

const INTERACTIVE: Field = field("interactive", "Interactive");
const HEADER: Field = field("header", "Header");
const FOOTER: Field = field("footer", "Footer");
const BUTTON_ACTION: Field = field("buttonAction", "Button action");
const LIST_ACTION: Field = field("listAction", "List action");
const FLOW_ACTION: Field = field("flowAction", "Flow action");

/// `whatsappba: {type: "interactive", interactive: {...}}`, with WhatsApp's limits.
fn check_whatsappba(m: &Fields) -> Checked<()> {
    let Some(w) = object(m, WHATSAPPBA)? else {
        return Err(m.required(WHATSAPPBA));
    };
    w.only(&[TYPE, INTERACTIVE])?;
    w.required_choice(TYPE, &["interactive"])?;
    let Some(i) = object(&w, INTERACTIVE)? else {
        return Err(w.required(INTERACTIVE));
    };
    i.only(&[
        TYPE,
        HEADER,
        BODY,
        FOOTER,
        BUTTON_ACTION,
        LIST_ACTION,
        FLOW_ACTION,
    ])?;
    let kind = i.required_choice(TYPE, &["button", "list", "flow", "request_contact_info"])?;
    for part in [BODY, FOOTER] {
        if let Some(text) = object(&i, part)? {
            text.only(&[TEXT])?;
            text.required_str(TEXT)?;
        }
    }
    if let Some(header) = object(&i, HEADER)? {
        header.only(&[TYPE, TEXT, DOCUMENT, IMAGE, VIDEO])?;
        header.required_choice(TYPE, &["text", "document", "image", "video"])?;
        header.optional_str(TEXT)?;
    }
    match kind {
        "button" => check_buttons(&i),
        "list" => check_list(&i),
        "flow" => check_flow(&i),
        _ => Ok(()),
    }
}

fn check_buttons(i: &Fields) -> Checked<()> {
    let Some(action) = object(i, BUTTON_ACTION)? else {
        return Err(i.required(BUTTON_ACTION));
    };
    let buttons = field("buttons", "Buttons");
    action.only(&[buttons])?;
    let items = array(&action, buttons, 1..=3)?;
    check_items(&action, buttons, items, |b| {
        let reply = field("reply", "Reply");
        b.only(&[TYPE, reply])?;
        b.required_choice(TYPE, &["reply"])?;
        let Some(r) = object(b, reply)? else {
            return Err(b.required(reply));
        };
        r.only(&[field("id", "ID"), field("title", "Title")])?;
        r.required_str_len(field("id", "ID"), 1..=256)?;
        r.required_str_len(field("title", "Title"), 1..=20)?;
        Ok(())
    })
}

fn check_list(i: &Fields) -> Checked<()> {
    let Some(action) = object(i, LIST_ACTION)? else {
        return Err(i.required(LIST_ACTION));
    };
    let (button, sections) = (field("button", "Button"), field("sections", "Sections"));
    action.only(&[button, sections])?;
    action.required_str_len(button, 1..=20)?;
    let items = array(&action, sections, 1..=10)?;
    let mut rows_total = 0;
    check_items(&action, sections, items, |s| {
        let rows = field("rows", "Rows");
        s.only(&[field("title", "Title"), rows])?;
        s.optional_str(field("title", "Title"))?;
        let items = array(s, rows, 1..=10)?;
        rows_total += items.len();
        check_items(s, rows, items, |r| {
            let (id, title, description) = (
                field("id", "ID"),
                field("title", "Title"),
                field("description", "Description"),
            );
            r.only(&[id, title, description])?;
            r.required_str_len(id, 1..=200)?;
            r.required_str_len(title, 1..=24)?;
            r.optional_str_len(description, 1..=72)?;
            Ok(())
        })
    })?;
    if rows_total > 10 {
        return Err(action.invalid(sections, "hold at most 10 rows in all"));
    }
    Ok(())
}

fn check_flow(i: &Fields) -> Checked<()> {
    let Some(action) = object(i, FLOW_ACTION)? else {
        return Err(i.required(FLOW_ACTION));
    };
    let (id, mode, cta) = (
        field("flowID", "Flow ID"),
        field("flowMode", "Flow mode"),
        field("flowCTA", "Flow CTA"),
    );
    let (act, payload) = (
        field("flowAction", "Flow action"),
        field("flowActionPayload", "Flow action payload"),
    );
    action.only(&[id, mode, cta, act, payload])?;
    action.required_str(id)?;
    if action.get(mode).is_some() {
        action.required_choice(mode, &["draft", "published"])?;
    }
    action.required_str_len(cta, 1..=30)?;
    if action.get(act).is_some() {
        action.required_choice(act, &["navigate", "data_exchange"])?;
    }
    if action.get(payload).is_some() && object(&action, payload)?.is_none() {
        return Err(action.wrong_type(payload, "an object"));
    }
    Ok(())
}

/// An array of `range` items.
fn array<'a>(
    f: &Fields<'a>,
    at: Field,
    range: std::ops::RangeInclusive<usize>,
) -> Checked<&'a [Value]> {
    match f.get(at) {
        None => Err(f.required(at)),
        Some(Value::Array(items)) if range.contains(&items.len()) => Ok(items),
        Some(Value::Array(_)) => Err(f.invalid(
            at,
            &format!("give {} to {} items", range.start(), range.end()),
        )),
        Some(_) => Err(f.wrong_type(at, "an array")),
    }
}

pub(crate) fn check_handover_case(map: &Map<String, Value>) -> Checked<()> {
    let f = envelope(map, 1)?;
    if let Some(h) = object(&f, HANDOVER)? {
        let (topic, email, summary) = (
            field("topicID", "Topic ID"),
            field("agentEmail", "Agent email"),
            field("chatbotHandoverSummary", "Chatbot handover summary"),
        );
        h.only(&[topic, email, summary])?;
        if h.optional_int(topic)?.is_some_and(|id| id < 0) {
            return Err(h.invalid(topic, "must be 0 (the channel's topic) or a topic's ID"));
        }
        h.optional_str(email)?;
        h.optional_str(summary)?;
    }
    Ok(())
}

pub(crate) fn check_close_case(map: &Map<String, Value>) -> Checked<()> {
    let f = envelope(map, 2)?;
    if let Some(c) = object(&f, CLOSE)? {
        let send = field("sendClosingMessage", "Send closing message");
        c.only(&[send])?;
        c.optional_bool(send)?;
    }
    Ok(())
}

pub(crate) fn check_update_case(map: &Map<String, Value>) -> Checked<()> {
    let f = envelope(map, 3)?;
    let Some(u) = object(&f, UPDATE_CASE)? else {
        return Err(f.required(UPDATE_CASE));
    };
    let (remark, junk) = (
        field("agentRemark", "Agent remark"),
        field("isJunk", "Is junk"),
    );
    u.only(&[remark, junk])?;
    let given = u.optional_str(remark)?.is_some() | u.optional_bool(junk)?.is_some();
    nothing_to_change(UPDATE_CASE, given, "agentRemark or isJunk")
}

pub(crate) fn check_update_contact(map: &Map<String, Value>) -> Checked<()> {
    let f = envelope(map, 4)?;
    let Some(u) = object(&f, UPDATE_CONTACT)? else {
        return Err(f.required(UPDATE_CONTACT));
    };
    let texts = [
        field("fullName", "Full name"),
        field("alias", "Alias"),
        field("companyName", "Company name"),
        field("jobTitle", "Job title"),
    ];
    let custom = field("customFields", "Custom fields");
    let mut known = texts.to_vec();
    known.push(custom);
    u.only(&known)?;
    let mut given = false;
    for text in texts {
        given |= u.optional_str(text)?.is_some();
    }
    match u.get(custom) {
        None => {}
        // Values are strings: a multi-select as a JSON array in a string, a date as YYYY-MM-DD.
        Some(Value::Object(fields)) if fields.values().all(Value::is_string) => given = true,
        Some(_) => return Err(u.wrong_type(custom, "an object of string values")),
    }
    nothing_to_change(
        UPDATE_CONTACT,
        given,
        "fullName, alias, companyName, jobTitle or customFields",
    )
}

/// Only the fields given change, so an update that gives none is a mistake.
fn nothing_to_change(at: Field, given: bool, which: &str) -> Checked<()> {
    if given {
        return Ok(());
    }
    Err(InvalidField {
        field: at.name.to_owned(),
        message: format!("{} changes nothing: give {which}", at.label),
    })
}

/// The wire body: the request with `eventType` set to the operation's.
fn with_event(map: &mut Map<String, Value>, event: usize) {
    map.insert("eventType".to_owned(), Value::from(EVENTS[event].0));
}

pub(crate) fn wire_messages(map: &mut Map<String, Value>) {
    with_event(map, 0)
}

pub(crate) fn wire_handover_case(map: &mut Map<String, Value>) {
    with_event(map, 1)
}

pub(crate) fn wire_close_case(map: &mut Map<String, Value>) {
    with_event(map, 2)
}

pub(crate) fn wire_update_case(map: &mut Map<String, Value>) {
    with_event(map, 3)
}

pub(crate) fn wire_update_contact(map: &mut Map<String, Value>) {
    with_event(map, 4)
}
