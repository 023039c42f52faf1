//! Every operation the SDK speaks, each written once as one entry of [`OPERATIONS`]: its
//! name, product, method, path, whether it may be repeated (and why), its field rules and
//! its wire transform. The client, the C layer, the log lines, `tt_call`, the docs tests
//! and the sandbox all read this table; nothing else names an operation's properties.
//!
//! ```
//! use taptalk::{Method, Operation, Product};
//! let op = Operation::SendtalkSendWhatsapp;
//! assert_eq!(op.name(), "sendtalk_send_whatsapp"); // the C export is `tt_` + name
//! assert_eq!((op.product(), op.method()), (Product::SendTalk, Method::Post));
//! assert_eq!(op.path(), "/api/v1/message/send_whatsapp");
//! assert!(!op.may_repeat()); // a send: never repeated once it may have reached the server
//! assert_eq!(Operation::from_name("sendtalk.send_whatsapp"), Some(op)); // the old spelling
//! ```

use serde_json::{Map, Value};

mod chatbot;
mod onetalk;
mod powertalk;
mod sendtalk;
mod validate;

use validate::Checked;
pub use validate::InvalidField;

/// The TapTalk products the SDK speaks to (a OneTalk custom chatbot's calls back to OneTalk
/// count as one: they have their own URL, secret and reply shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Product {
    /// PowerTalk Server API (per-customer base URL, `Server-Key` header).
    PowerTalk,
    /// SendTalk API (`API-Key` header).
    SendTalk,
    /// OneTalk Integration API (`API-Key` header).
    OneTalk,
    /// A OneTalk custom chatbot's actions: its URL per organisation and chatbot,
    /// `Secret-Key` header, plain-text replies.
    Chatbot,
}

impl Product {
    /// Every product, in the order of the config's sections.
    pub const ALL: [Product; 4] = [
        Product::PowerTalk,
        Product::SendTalk,
        Product::OneTalk,
        Product::Chatbot,
    ];

    /// The name used in config keys, operation names and messages: `"powertalk"`,
    /// `"sendtalk"`, `"onetalk"`, `"chatbot"`.
    pub fn key(self) -> &'static str {
        match self {
            Product::PowerTalk => "powertalk",
            Product::SendTalk => "sendtalk",
            Product::OneTalk => "onetalk",
            Product::Chatbot => "chatbot",
        }
    }

    /// The header that carries this product's credentials.
    pub fn auth_header(self) -> &'static str {
        match self {
            Product::PowerTalk => "Server-Key",
            Product::SendTalk | Product::OneTalk => "API-Key",
            Product::Chatbot => "Secret-Key",
        }
    }

    /// The documented host, when the vendor has one (PowerTalk's is per customer).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Product::PowerTalk => None,
            Product::SendTalk => Some("https://sendtalk-api.taptalk.io"),
            Product::OneTalk | Product::Chatbot => Some("https://onetalk-api.taptalk.io"),
        }
    }

    /// How the product's server answers: TapTalk's envelope, or (the chatbot URL) plain
    /// text with an HTTP status, which the transport maps into an envelope.
    pub(crate) fn replies(self) -> Replies {
        match self {
            Product::Chatbot => Replies::PlainText,
            _ => Replies::Envelope,
        }
    }
}

/// The shape of a product's replies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replies {
    /// `{"status", "error", "data"}`, errors included (with HTTP 200).
    Envelope,
    /// `ok` with HTTP 200, or a reason such as `secret key is invalid` with an HTTP error
    /// status.
    PlainText,
}

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// Request fields travel as a JSON body.
    Post,
    /// Request fields travel in the query string.
    Get,
}

impl Method {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// Whether an attempt may be repeated once its bytes may have reached the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// It delivers something to a person (a message, a verification): a repeat could deliver
    /// it twice, so it is repeated only when it provably never reached the server.
    Never(&'static str),
    /// A read, or a write whose repeat leaves the same state: repeated on failures where the
    /// server may or may not have processed it.
    Safe(&'static str),
}

/// How the checked request fields become the wire request.
#[derive(Clone, Copy)]
pub(crate) enum Wire {
    /// The fields as the JSON body, unchanged.
    Body,
    /// The fields as the JSON body after a product's rewrite (e.g. PowerTalk's `data`).
    BodyWith(fn(&mut Map<String, Value>)),
    /// The fields as the query string of a GET.
    Query(fn(&Map<String, Value>) -> String),
}

/// One operation's entry in the table.
pub(crate) struct Spec {
    pub op: Operation,
    /// `product_operation`: the C export is `tt_` + this, `tt_call` and the logs use it.
    pub name: &'static str,
    /// What it does, in a few words (the README table's "operation" column).
    pub summary: &'static str,
    pub product: Product,
    pub method: Method,
    pub path: &'static str,
    pub repeat: Repeat,
    /// The product module's field rules.
    pub check: fn(&Map<String, Value>) -> Checked<()>,
    pub wire: Wire,
}

/// Declares the operations: each entry gives the enum variant (with its doc) and its spec,
/// so the variant list, [`Operation::ALL`] and the table cannot disagree.
macro_rules! operations {
    ($( $(#[$doc:meta])* $variant:ident => { $($field:ident: $value:expr),* $(,)? } )*) => {
        /// One operation of TapTalk's public server APIs. See [`Operation::ALL`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $variant, )*
        }

        impl Operation {
            /// Every operation, in the order of the README's table.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];
        }

        /// The table, in [`Operation::ALL`] order (`spec()` indexes it by discriminant).
        pub(crate) static OPERATIONS: &[Spec] = &[$(
            Spec { op: Operation::$variant, $($field: $value),* },
        )*];
    };
}

operations! {
    /// PowerTalk: send a custom message on behalf of a user.
    PowertalkSendCustomMessage => {
        name: "powertalk_send_custom_message", summary: "send custom message",
        product: Product::PowerTalk, method: Method::Post, path: "/v1/server/message/send/custom",
        repeat: Repeat::Never("delivers a message: a repeat would show it twice"),
        check: powertalk::check_send_custom_message, wire: Wire::BodyWith(powertalk::encode_data),
    }
    /// PowerTalk: add and delete one-way contacts.
    PowertalkSyncContacts => {
        name: "powertalk_sync_contacts", summary: "sync contacts",
        product: Product::PowerTalk, method: Method::Post, path: "/v1/server/contact/sync",
        repeat: Repeat::Safe("adding a pair twice or deleting it twice leaves the same contact list"),
        check: powertalk::check_sync_contacts, wire: Wire::Body,
    }
    /// PowerTalk: create a user, or update the user with that `xcUserID`.
    PowertalkUpdateUser => {
        name: "powertalk_update_user", summary: "update (create) user",
        product: Product::PowerTalk, method: Method::Post, path: "/v1/server/user/update",
        repeat: Repeat::Safe("an upsert keyed by xcUserID: a repeat writes the same values"),
        check: powertalk::check_update_user, wire: Wire::Body,
    }
    /// PowerTalk: create a room, or update the room with that `xcRoomID`.
    PowertalkCreateOrUpdateRoom => {
        name: "powertalk_create_or_update_room", summary: "create or update room",
        product: Product::PowerTalk, method: Method::Post, path: "/v1/server/room/create_or_update",
        repeat: Repeat::Safe("an upsert keyed by xcRoomID (participants apply to new rooms only): a repeat leaves the same room"),
        check: powertalk::check_create_or_update_room, wire: Wire::Body,
    }
    /// PowerTalk: an auth ticket for a user's app to sign in with (valid one hour).
    PowertalkRequestAuthTicket => {
        name: "powertalk_request_auth_ticket", summary: "request auth ticket",
        product: Product::PowerTalk, method: Method::Post, path: "/v1/server/auth_ticket/request",
        repeat: Repeat::Safe("a repeat only issues another ticket; an unused one expires after an hour and nothing reaches a person"),
        check: powertalk::check_request_auth_ticket, wire: Wire::Body,
    }
    /// SendTalk: queue a WhatsApp message (otp, text or image).
    SendtalkSendWhatsapp => {
        name: "sendtalk_send_whatsapp", summary: "send WhatsApp",
        product: Product::SendTalk, method: Method::Post, path: "/api/v1/message/send_whatsapp",
        repeat: Repeat::Never("delivers a WhatsApp message (and charges for it): a repeat would send it twice"),
        check: sendtalk::check_send_whatsapp, wire: Wire::Body,
    }
    /// SendTalk: the delivery status of a queued message.
    SendtalkGetStatus => {
        name: "sendtalk_get_status", summary: "get status",
        product: Product::SendTalk, method: Method::Post, path: "/api/v1/message/get_status",
        repeat: Repeat::Safe("a read"),
        check: sendtalk::check_get_status, wire: Wire::Body,
    }
    /// SendTalk: whether a phone number has WhatsApp.
    SendtalkCheckWhatsappPhone => {
        name: "sendtalk_check_whatsapp_phone", summary: "check WhatsApp phone",
        product: Product::SendTalk, method: Method::Post, path: "/api/v1/message/check_whatsapp_phone",
        repeat: Repeat::Safe("a read: nothing is sent to the number"),
        check: sendtalk::check_check_whatsapp_phone, wire: Wire::Body,
    }
    /// SendTalk: send a user a WhatsApp verification message.
    SendtalkCreateWhatsappVerification => {
        name: "sendtalk_create_whatsapp_verification", summary: "create WhatsApp verification",
        product: Product::SendTalk, method: Method::Post, path: "/api/v1/verification/create_whatsapp_verification",
        repeat: Repeat::Never("delivers a verification message to the user: a repeat would send a second one"),
        check: sendtalk::check_create_whatsapp_verification, wire: Wire::Body,
    }
    /// OneTalk: send a WhatsApp message, optionally into a case.
    OnetalkSendWhatsapp => {
        name: "onetalk_send_whatsapp", summary: "send WhatsApp",
        product: Product::OneTalk, method: Method::Post, path: "/api/integration/v1/inbox/send_message_whatsapp",
        repeat: Repeat::Never("delivers a WhatsApp message: a repeat would send it twice"),
        check: onetalk::check_send_whatsapp, wire: Wire::Body,
    }
    /// OneTalk: send a WhatsApp Business API template message.
    OnetalkSendWhatsappTemplate => {
        name: "onetalk_send_whatsapp_template", summary: "send WABA template",
        product: Product::OneTalk, method: Method::Post, path: "/api/integration/v1/inbox/send_templated_message_whatsappba",
        repeat: Repeat::Never("delivers a template message: a repeat would send it twice"),
        check: onetalk::check_send_whatsapp_template, wire: Wire::Body,
    }
    /// OneTalk: cases created or updated since a timestamp.
    OnetalkGetUpdatedCases => {
        name: "onetalk_get_updated_cases", summary: "get updated cases",
        product: Product::OneTalk, method: Method::Get, path: "/api/integration/v1/inbox/case/get_updated_list",
        repeat: Repeat::Safe("a read"),
        check: onetalk::check_get_updated_cases, wire: Wire::Query(onetalk::updated_cases_query),
    }
    /// OneTalk: change a case's agent remark or junk flag.
    OnetalkUpdateCase => {
        name: "onetalk_update_case", summary: "update case",
        product: Product::OneTalk, method: Method::Post, path: "/api/integration/v1/inbox/case/update",
        repeat: Repeat::Safe("sets fields to given values: a repeat leaves the same case"),
        check: onetalk::check_update_case, wire: Wire::Body,
    }
    /// OneTalk: an auth ticket for a customer user (e.g. to open a live-chat session).
    OnetalkRequestUserAuthTicket => {
        name: "onetalk_request_user_auth_ticket", summary: "request user auth ticket",
        product: Product::OneTalk, method: Method::Post, path: "/api/integration/v1/user/request_auth_ticket",
        repeat: Repeat::Safe("a repeat only issues another ticket; an unused one expires after an hour and nothing reaches a person"),
        check: onetalk::check_user, wire: Wire::Body,
    }
    /// OneTalk: create or update a customer user's contact details.
    OnetalkSyncUserContact => {
        name: "onetalk_sync_user_contact", summary: "sync user contact",
        product: Product::OneTalk, method: Method::Post, path: "/api/integration/v1/user/sync_contact",
        repeat: Repeat::Safe("an upsert keyed by customerUserID: a repeat writes the same values"),
        check: onetalk::check_user, wire: Wire::Body,
    }
    /// Custom chatbot: send messages to the customer in a case (eventType `messages`).
    ChatbotSendMessages => {
        name: "chatbot_send_messages", summary: "send messages",
        product: Product::Chatbot, method: Method::Post, path: CHATBOT_PATH,
        repeat: Repeat::Never("delivers messages to the customer: a repeat would send them twice"),
        check: chatbot::check_send_messages, wire: Wire::BodyWith(chatbot::wire_messages),
    }
    /// Custom chatbot: hand the case over to an agent (eventType `handover_case`).
    ChatbotHandoverCase => {
        name: "chatbot_handover_case", summary: "hand over case",
        product: Product::Chatbot, method: Method::Post, path: CHATBOT_PATH,
        repeat: Repeat::Never("assigns the case and notifies an agent, and may post the handover summary: a repeat could do it twice"),
        check: chatbot::check_handover_case, wire: Wire::BodyWith(chatbot::wire_handover_case),
    }
    /// Custom chatbot: close (resolve) the case (eventType `close_case`).
    ChatbotCloseCase => {
        name: "chatbot_close_case", summary: "close case",
        product: Product::Chatbot, method: Method::Post, path: CHATBOT_PATH,
        repeat: Repeat::Never("may send the customer the closing message: a repeat could send it twice"),
        check: chatbot::check_close_case, wire: Wire::BodyWith(chatbot::wire_close_case),
    }
    /// Custom chatbot: change the case's agent remark or junk flag (eventType `update_case`).
    ChatbotUpdateCase => {
        name: "chatbot_update_case", summary: "update case",
        product: Product::Chatbot, method: Method::Post, path: CHATBOT_PATH,
        repeat: Repeat::Safe("sets fields to given values: a repeat leaves the same case"),
        check: chatbot::check_update_case, wire: Wire::BodyWith(chatbot::wire_update_case),
    }
    /// Custom chatbot: change the case's contact details (eventType `update_contact`).
    ChatbotUpdateContact => {
        name: "chatbot_update_contact", summary: "update contact",
        product: Product::Chatbot, method: Method::Post, path: CHATBOT_PATH,
        repeat: Repeat::Safe("sets fields to given values: a repeat leaves the same contact"),
        check: chatbot::check_update_contact, wire: Wire::BodyWith(chatbot::wire_update_contact),
    }
}

/// The custom chatbot's URL below the base URL; the two ids come from the `chatbot`
/// config section. One URL for five operations: the body's `eventType` tells them apart.
const CHATBOT_PATH: &str = "/api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}";

impl Operation {
    pub(crate) fn spec(self) -> &'static Spec {
        &OPERATIONS[self as usize]
    }

    /// `product_operation`, e.g. `"sendtalk_send_whatsapp"`: the C export is `tt_` + this
    /// name; `tt_call`, the Python method table and the log lines use it as it is.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// What the operation does, in a few words (e.g. "send custom message").
    pub fn summary(self) -> &'static str {
        self.spec().summary
    }

    /// Which product serves it.
    pub fn product(self) -> Product {
        self.spec().product
    }

    /// The HTTP method on the wire.
    pub fn method(self) -> Method {
        self.spec().method
    }

    /// The path below the product's base URL.
    pub fn path(self) -> &'static str {
        self.spec().path
    }

    /// Whether the operation delivers something to a person (a message, a verification):
    /// such a call is never repeated once its bytes may have reached the server.
    pub fn is_send(self) -> bool {
        matches!(self.spec().repeat, Repeat::Never(_))
    }

    /// Whether an attempt may be repeated when the server may have processed it (the
    /// opposite of [`Operation::is_send`]).
    pub fn may_repeat(self) -> bool {
        !self.is_send()
    }

    /// Why the operation may, or may not, be repeated.
    pub fn repeat_reason(self) -> &'static str {
        match self.spec().repeat {
            Repeat::Never(why) | Repeat::Safe(why) => why,
        }
    }

    /// The operation with this name. The dotted spelling of earlier releases
    /// (`"sendtalk.send_whatsapp"`) is accepted too.
    pub fn from_name(name: &str) -> Option<Operation> {
        let find = |name: &str| OPERATIONS.iter().find(|s| s.name == name).map(|s| s.op);
        find(name).or_else(|| {
            let (product, rest) = name.split_once('.')?;
            let underscored = format!("{product}_{rest}");
            find(&underscored)
        })
    }

    /// The operation served at `path`, if any (used by servers and tests). Paths with
    /// placeholders (the chatbot's, shared by five operations) are not matched here: see
    /// [`Operation::chatbot_event`].
    pub fn from_path(path: &str) -> Option<Operation> {
        OPERATIONS
            .iter()
            .find(|s| s.path == path && !s.path.contains('{'))
            .map(|s| s.op)
    }

    /// A chatbot operation's `eventType` (`"messages"`, `"handover_case"`, ...), which the
    /// library puts into the body; `None` for the other products' operations.
    pub fn chatbot_event(self) -> Option<&'static str> {
        let at = Operation::ALL
            .iter()
            .filter(|op| op.product() == Product::Chatbot)
            .position(|op| *op == self)?;
        Some(chatbot::EVENTS[at].0)
    }

    /// The chatbot operation whose `eventType` is `event`.
    pub fn from_chatbot_event(event: &str) -> Option<Operation> {
        Operation::ALL
            .iter()
            .copied()
            .find(|op| op.chatbot_event() == Some(event))
    }

    /// The table as JSON (name, product, method, path, C export, whether it may be repeated
    /// and why), for bindings and docs: what `tt_operations()` returns.
    pub fn table_json() -> String {
        let rows: Vec<Value> = OPERATIONS
            .iter()
            .map(|s| {
                serde_json::json!({
                    "name": s.name,
                    "export": format!("tt_{}", s.name),
                    "summary": s.summary,
                    "product": s.product.key(),
                    "method": s.method.as_str(),
                    "path": s.path,
                    "may_repeat": s.op.may_repeat(),
                    "repeat_reason": s.op.repeat_reason(),
                })
            })
            .collect();
        Value::Array(rows).to_string()
    }
}

/// Checks `request` against the documented rules of `op` (the rules its product module
/// owns; the table points at them).
///
/// Public so that servers built on this crate (the sandbox) answer exactly what the SDK
/// would have refused locally.
///
/// ```
/// use serde_json::json;
/// use taptalk::{validate, Operation};
/// let err = validate(Operation::SendtalkSendWhatsapp, &json!({"messageType": "text", "body": "hi"})).unwrap_err();
/// assert_eq!((err.field.as_str(), err.message.as_str()), ("phone", "Phone is required"));
/// ```
pub fn validate(op: Operation, request: &Value) -> Result<(), InvalidField> {
    match request.as_object() {
        Some(map) => (op.spec().check)(map),
        None => Err(InvalidField {
            field: String::new(),
            message: "The request must be a JSON object".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        for (i, spec) in OPERATIONS.iter().enumerate() {
            assert_eq!(spec.op as usize, i, "{} is out of order", spec.name);
            assert_eq!(Operation::ALL[i], spec.op);
            let prefix = format!("{}_", spec.product.key());
            assert!(spec.name.starts_with(&prefix), "{}: name rule", spec.name);
            assert!(spec.path.starts_with('/'), "{}: path", spec.name);
            // A GET carries its fields in the query, a POST in the body.
            let query = matches!(spec.wire, Wire::Query(_));
            assert_eq!(query, spec.method == Method::Get, "{}: wire", spec.name);
            assert_eq!(Operation::from_name(spec.name), Some(spec.op));
            if spec.product == Product::Chatbot {
                let event = spec.op.chatbot_event().unwrap();
                assert_eq!(Operation::from_chatbot_event(event), Some(spec.op));
                assert!(spec.name.ends_with(event.trim_start_matches("send_")));
            } else {
                assert_eq!(Operation::from_path(spec.path), Some(spec.op));
                assert_eq!(spec.op.chatbot_event(), None);
            }
            let dotted = spec.name.replacen('_', ".", 1);
            assert_eq!(Operation::from_name(&dotted), Some(spec.op), "{dotted}");
        }
        let mut names: Vec<_> = OPERATIONS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPERATIONS.len(), "duplicate names");
        assert_eq!(Operation::from_name("sendtalk_nope"), None);
        assert_eq!(Operation::from_name("nope"), None);
    }
}
