//! The eight documented operations: what each is called, where it lives on the wire.
//!
//! One table drives the client, the FFI layer, the log lines and the sandbox, so a path
//! or a name is written exactly once.

/// The three TapTalk products the SDK speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Product {
    /// PowerTalk Server API (per-customer base URL, `Server-Key` header).
    PowerTalk,
    /// SendTalk API (`API-Key` header).
    SendTalk,
    /// OneTalk Integration API (`API-Key` header).
    OneTalk,
}

impl Product {
    /// The name used in config keys and messages: `"powertalk"`, `"sendtalk"`, `"onetalk"`.
    pub fn key(self) -> &'static str {
        match self {
            Product::PowerTalk => "powertalk",
            Product::SendTalk => "sendtalk",
            Product::OneTalk => "onetalk",
        }
    }

    /// The header that carries this product's credentials.
    pub fn auth_header(self) -> &'static str {
        match self {
            Product::PowerTalk => "Server-Key",
            Product::SendTalk | Product::OneTalk => "API-Key",
        }
    }

    /// The documented host, when the vendor has one (PowerTalk's is per customer).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Product::PowerTalk => None,
            Product::SendTalk => Some("https://sendtalk-api.taptalk.io"),
            Product::OneTalk => Some("https://onetalk-api.taptalk.io"),
        }
    }
}

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// One documented operation.
///
/// ```
/// use taptalk::Operation;
/// let op = Operation::SendtalkSendWhatsapp;
/// assert_eq!(op.name(), "sendtalk.send_whatsapp");
/// assert_eq!(op.path(), "/api/v1/message/send_whatsapp");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// PowerTalk: send a custom message on behalf of a user.
    PowertalkSendCustomMessage,
    /// PowerTalk: add and delete one-way contacts.
    PowertalkSyncContacts,
    /// SendTalk: queue a WhatsApp message (otp, text or image).
    SendtalkSendWhatsapp,
    /// SendTalk: the delivery status of a queued message.
    SendtalkGetStatus,
    /// OneTalk: send a WhatsApp message, optionally into a case.
    OnetalkSendWhatsapp,
    /// OneTalk: send a WhatsApp Business API template message.
    OnetalkSendWhatsappTemplate,
    /// OneTalk: cases created or updated since a timestamp.
    OnetalkGetUpdatedCases,
    /// OneTalk: change a case's agent remark or junk flag.
    OnetalkUpdateCase,
}

impl Operation {
    /// Every operation, in the order of the vendor's index.
    pub const ALL: [Operation; 8] = [
        Operation::PowertalkSendCustomMessage,
        Operation::PowertalkSyncContacts,
        Operation::SendtalkSendWhatsapp,
        Operation::SendtalkGetStatus,
        Operation::OnetalkSendWhatsapp,
        Operation::OnetalkSendWhatsappTemplate,
        Operation::OnetalkGetUpdatedCases,
        Operation::OnetalkUpdateCase,
    ];

    /// `product.operation`, as used in log lines and by the C function names.
    pub fn name(self) -> &'static str {
        match self {
            Operation::PowertalkSendCustomMessage => "powertalk.send_custom_message",
            Operation::PowertalkSyncContacts => "powertalk.sync_contacts",
            Operation::SendtalkSendWhatsapp => "sendtalk.send_whatsapp",
            Operation::SendtalkGetStatus => "sendtalk.get_status",
            Operation::OnetalkSendWhatsapp => "onetalk.send_whatsapp",
            Operation::OnetalkSendWhatsappTemplate => "onetalk.send_whatsapp_template",
            Operation::OnetalkGetUpdatedCases => "onetalk.get_updated_cases",
            Operation::OnetalkUpdateCase => "onetalk.update_case",
        }
    }

    /// Which product serves it.
    pub fn product(self) -> Product {
        match self {
            Operation::PowertalkSendCustomMessage | Operation::PowertalkSyncContacts => {
                Product::PowerTalk
            }
            Operation::SendtalkSendWhatsapp | Operation::SendtalkGetStatus => Product::SendTalk,
            _ => Product::OneTalk,
        }
    }

    /// The HTTP method on the wire.
    pub fn method(self) -> Method {
        match self {
            Operation::OnetalkGetUpdatedCases => Method::Get,
            _ => Method::Post,
        }
    }

    /// The path below the product's base URL.
    pub fn path(self) -> &'static str {
        match self {
            Operation::PowertalkSendCustomMessage => "/v1/server/message/send/custom",
            Operation::PowertalkSyncContacts => "/v1/server/contact/sync",
            Operation::SendtalkSendWhatsapp => "/api/v1/message/send_whatsapp",
            Operation::SendtalkGetStatus => "/api/v1/message/get_status",
            Operation::OnetalkSendWhatsapp => "/api/integration/v1/inbox/send_message_whatsapp",
            Operation::OnetalkSendWhatsappTemplate => {
                "/api/integration/v1/inbox/send_templated_message_whatsappba"
            }
            Operation::OnetalkGetUpdatedCases => "/api/integration/v1/inbox/case/get_updated_list",
            Operation::OnetalkUpdateCase => "/api/integration/v1/inbox/case/update",
        }
    }

    /// Whether the operation delivers a message: such a call must never be repeated once
    /// its bytes may have reached the server.
    pub fn is_send(self) -> bool {
        matches!(
            self,
            Operation::PowertalkSendCustomMessage
                | Operation::SendtalkSendWhatsapp
                | Operation::OnetalkSendWhatsapp
                | Operation::OnetalkSendWhatsappTemplate
        )
    }

    /// The operation served at `path`, if any (used by servers and tests).
    pub fn from_path(path: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.path() == path)
    }
}
