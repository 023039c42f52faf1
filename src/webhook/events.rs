//! The event table: every callback TapTalk makes to a server, how its body is recognised,
//! and the fields of each event type with the kind each is normalised to. Written once here;
//! `normalise.rs` walks it, `key.rs` reads the ids it names, and the docs' event table is
//! this one in prose (WEBHOOKS.md).
//!
//! What the vendor publishes about each (../shared/api/webhooks.md) marks fields as
//! documented or inferred; the table takes every documented field and the inferred ones its
//! examples show. Fields not listed pass through untouched.

use serde_json::{Map, Value};

/// Who calls, and so what a body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Callback {
    /// The OneTalk organisation webhook (dashboard: Integration > Webhooks): message statuses
    /// and resolved cases. No secret header is documented.
    OneTalk,
    /// A OneTalk custom chatbot's inbound message (a customer wrote), with `X-Secret-Key`.
    Chatbot,
    /// A OneTalk custom (or Kata.ai) channel's outbound message or closed case, with
    /// `X-Secret-Key`.
    Channel,
    /// The PowerTalk chat SDK's message webhook: one message object. No secret header is
    /// documented.
    PowerTalk,
}

impl Callback {
    /// `"onetalk"`, `"chatbot"`, `"channel"` or `"powertalk"`: `data.callback` of a parsed
    /// webhook.
    pub fn name(self) -> &'static str {
        match self {
            Callback::OneTalk => "onetalk",
            Callback::Chatbot => "chatbot",
            Callback::Channel => "channel",
            Callback::PowerTalk => "powertalk",
        }
    }

    /// Whether the vendor documents an `X-Secret-Key` on every such call: then one must be
    /// checked, and a parse without a secret is refused rather than trusting the body.
    pub fn carries_secret(self) -> bool {
        matches!(self, Callback::Chatbot | Callback::Channel)
    }
}

/// What a field is normalised to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// An id: a string; a whole number becomes its decimal text (`topicID: 1` -> `"1"`).
    Id,
    /// A time in Unix milliseconds: an integer; a whole-number string or float is read as
    /// one; absent or `""` is 0 (the vendor's "not set").
    Time,
    /// A string.
    Text,
    /// A boolean; `"true"` and `"false"` are read as one.
    Flag,
    /// A whole number (e.g. PowerTalk's message type 1001); a numeric string is read as one.
    Integer,
    /// Any number (a latitude); a numeric string is read as one.
    Number,
    /// A JSON string holding JSON (PowerTalk's `data`); an object or array given instead is
    /// written as that string.
    JsonText,
    /// An object whose listed fields are always filled (defaults when absent).
    Object(&'static [Field]),
    /// An object normalised only when present (a message's `text`, `image`, ...).
    Optional(&'static [Field]),
}

/// One field of an event: its vendor name and kind.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub kind: Kind,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field { name, kind }
}

/// One known event type of a callback.
pub(crate) struct EventSpec {
    pub callback: Callback,
    /// `data.type`: the vendor's `type` where it has one; `"message"` for the chatbot and
    /// PowerTalk bodies, which have none (PowerTalk's `type` is the message type id).
    pub name: &'static str,
    pub fields: &'static [Field],
    /// A repair applied before normalising (the chatbot video example's `image` key).
    pub fixup: Option<fn(&mut Map<String, Value>)>,
    /// The event's stable key from its own ids, when they are there (`key.rs`).
    pub key: fn(&Map<String, Value>) -> Option<String>,
}

use super::key;
use Kind::*;

const MESSAGE_STATUS: &[Field] = &[
    f("channelID", Id),
    f("channelType", Text),
    f("contactPhone", Id),
    f("reason", Text),
    f("status", Text),
    f("timestamp", Time),
    f("trxID", Id),
];

const CASE_RESOLVED: &[Field] = &[
    f("caseID", Id),
    f("channelType", Text),
    f("channelID", Id),
    // A string in the vendor's table, a number in its example.
    f("topicID", Id),
    f("topicName", Text),
    f("assigneeType", Text),
    f("chatbotID", Id),
    f("chatbotName", Text),
    f("agentEmail", Text),
    f("agentFullName", Text),
    f("isJunk", Flag),
    f("agentRemark", Text),
    f("createdTime", Time),
    f("counterStartTime", Time),
    f("firstResponseTime", Time),
    f("resolvedTime", Time),
];

const URL_CAPTION: &[Field] = &[f("url", Text), f("caption", Text)];
const DOCUMENT: &[Field] = &[f("url", Text), f("filename", Text), f("caption", Text)];
const TEXT: &[Field] = &[f("body", Text)];
const LOCATION: &[Field] = &[
    f("latitude", Number),
    f("longitude", Number),
    f("address", Text),
    f("name", Text),
];
const INTERACTIVE: &[Field] = &[
    f("type", Text),
    f("button_reply", Optional(&[f("id", Id), f("title", Text)])),
    f(
        "list_reply",
        Optional(&[f("id", Id), f("title", Text), f("description", Text)]),
    ),
    f(
        "nfm_reply",
        Optional(&[f("response_json", Text), f("body", Text), f("name", Text)]),
    ),
];
const WHATSAPPBA: &[Field] = &[
    f("type", Text),
    f("button", Optional(&[f("payload", Text), f("text", Text)])),
    f("interactive", Optional(INTERACTIVE)),
];

const CHATBOT_MESSAGE: &[Field] = &[
    f("caseID", Id),
    f("channelType", Text),
    f("channelID", Id),
    f("channelName", Text),
    f(
        "sender",
        Object(&[
            f("customerUserID", Id),
            f("phone", Id),
            f("contactName", Text),
        ]),
    ),
    f(
        "message",
        Object(&[
            f("id", Id),
            f("type", Text),
            f("timestamp", Time),
            f("text", Optional(TEXT)),
            f("document", Optional(DOCUMENT)),
            f("image", Optional(URL_CAPTION)),
            f("video", Optional(URL_CAPTION)),
            f("location", Optional(LOCATION)),
            f("whatsappba", Optional(WHATSAPPBA)),
        ]),
    ),
];

const CHANNEL_MESSAGE: &[Field] = &[f(
    "message",
    Object(&[
        f("chatID", Id),
        f("type", Text),
        f("text", Optional(TEXT)),
        f("document", Optional(DOCUMENT)),
        f("image", Optional(URL_CAPTION)),
        f("video", Optional(URL_CAPTION)),
        f("replyToMessageID", Id),
        f("customData", Text),
    ]),
)];

const CHANNEL_CASE_CLOSED: &[Field] =
    &[f("caseClosed", Object(&[f("chatID", Id), f("caseID", Id)]))];

const IMAGE_URL: &[Field] = &[f("thumbnail", Text), f("fullsize", Text)];
const POWERTALK_MESSAGE: &[Field] = &[
    f("messageID", Id),
    f("localID", Id),
    f("type", Integer),
    f("typeName", Text),
    f("body", Text),
    f("data", JsonText),
    f("filterID", Id),
    f("isHidden", Flag),
    f(
        "quote",
        Object(&[
            f("title", Text),
            f("content", Text),
            f("imageURL", Text),
            f("fileID", Id),
            f("fileType", Text),
        ]),
    ),
    f(
        "replyTo",
        Object(&[
            f("userID", Id),
            f("xcUserID", Id),
            f("fullname", Text),
            f("messageID", Id),
            f("localID", Id),
            f("messageType", Integer),
        ]),
    ),
    f(
        "forwardFrom",
        Object(&[
            f("userID", Id),
            f("xcUserID", Id),
            f("fullname", Text),
            f("messageID", Id),
            f("localID", Id),
        ]),
    ),
    f(
        "room",
        Object(&[
            f("roomID", Id),
            f("xcRoomID", Id),
            f("name", Text),
            f("type", Integer),
            f("imageURL", Object(IMAGE_URL)),
            f("isLocked", Flag),
            f("lockedTime", Time),
            f("deleted", Time),
            f("isDeleted", Flag),
        ]),
    ),
    f(
        "user",
        Object(&[
            // A number in the vendor's example, a string everywhere else.
            f("userID", Id),
            f("xcUserID", Id),
            f("fullname", Text),
            f("imageURL", Object(IMAGE_URL)),
        ]),
    ),
    f("recipientID", Id),
    f("action", Text),
    f(
        "target",
        Object(&[
            f("targetType", Text),
            f("targetID", Id),
            f("targetXCID", Id),
            f("targetName", Text),
        ]),
    ),
    f("isDelivered", Flag),
    f("isRead", Flag),
    f("isDeleted", Flag),
    f("created", Time),
    f("updated", Time),
    f("deleted", Time),
];

/// Every known event. The organisation webhook's two carry `organizationID` (a number in
/// the vendor's table, normalised to a string like every id) beside their object.
pub(crate) static EVENTS: &[EventSpec] = &[
    EventSpec {
        callback: Callback::OneTalk,
        name: "integration_message_status",
        fields: &[
            f("organizationID", Id),
            f("integrationMessageStatus", Object(MESSAGE_STATUS)),
        ],
        fixup: None,
        key: key::message_status,
    },
    EventSpec {
        callback: Callback::OneTalk,
        name: "case_resolved",
        fields: &[
            f("organizationID", Id),
            f("caseResolved", Object(CASE_RESOLVED)),
        ],
        fixup: None,
        key: key::case_resolved,
    },
    EventSpec {
        callback: Callback::Chatbot,
        name: "message",
        fields: CHATBOT_MESSAGE,
        fixup: Some(message_video),
        key: key::chatbot_message,
    },
    EventSpec {
        callback: Callback::Channel,
        name: "message",
        fields: CHANNEL_MESSAGE,
        fixup: Some(message_video),
        key: key::none,
    },
    EventSpec {
        callback: Callback::Channel,
        name: "case_closed",
        fields: CHANNEL_CASE_CLOSED,
        fixup: None,
        key: key::channel_case_closed,
    },
    EventSpec {
        callback: Callback::PowerTalk,
        name: "message",
        fields: POWERTALK_MESSAGE,
        fixup: None,
        key: key::powertalk_message,
    },
];

/// The organisation webhook's documented types: a body with one of them is that webhook
/// even without `organizationID`.
const ONETALK_TYPES: [&str; 2] = ["integration_message_status", "case_resolved"];

/// Which callback a body is, and its event type (`data.type`): `None` for a JSON object in
/// none of the shapes.
///
/// - a `messageID` beside `room`, `user` or `localID`: PowerTalk (its `type` is a number);
/// - a string `type`: the organisation webhook when `organizationID` is there or the type is
///   one of its two, else a custom channel (`message`, `case_closed`, or a type added later);
/// - `caseID` with a `message` object and no `type`: a custom chatbot's inbound message.
pub(crate) fn classify(body: &Map<String, Value>) -> Option<(Callback, String)> {
    let has = |key: &str| body.get(key).is_some_and(|v| !v.is_null());
    if has("messageID") && (has("room") || has("user") || has("localID")) {
        return Some((Callback::PowerTalk, "message".to_owned()));
    }
    if let Some(Value::String(kind)) = body.get("type") {
        let callback = if has("organizationID") || ONETALK_TYPES.contains(&kind.as_str()) {
            Callback::OneTalk
        } else {
            Callback::Channel
        };
        return Some((callback, kind.clone()));
    }
    if has("caseID") && body.get("message").is_some_and(Value::is_object) {
        return Some((Callback::Chatbot, "message".to_owned()));
    }
    None
}

/// The table's entry for `callback`'s event `name`, if the SDK knows it.
pub(crate) fn find(callback: Callback, name: &str) -> Option<&'static EventSpec> {
    EVENTS
        .iter()
        .find(|spec| spec.callback == callback && spec.name == name)
}

/// The vendor's video example puts the video under `image` (its table says `video`): for a
/// `message` of type video with no `video`, the `image` object is the video. Chatbot and
/// channel messages alike.
fn message_video(body: &mut Map<String, Value>) {
    let Some(Value::Object(message)) = body.get_mut("message") else {
        return;
    };
    let is_video = message.get("type").and_then(Value::as_str) == Some("video");
    if is_video && message.get("video").is_none_or(Value::is_null) {
        if let Some(image) = message.remove("image") {
            message.insert("video".to_owned(), image);
        }
    }
}
