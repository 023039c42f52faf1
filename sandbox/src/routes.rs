//! Which handler answers each of the SDK's operations. Paths, methods and
//! products come from the SDK's own table, so the two cannot drift apart.

use crate::reply::Reply;
use crate::state::Shared;
use crate::{onetalk, powertalk, sendtalk};
use serde_json::Value;
use taptalk::Operation;

/// A request path (a trailing slash tolerated) to its operation.
pub fn operation_at(path: &str) -> Option<Operation> {
    let path = match path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => path,
    };
    Operation::from_path(path)
}

/// Runs an operation on a request that passed every check.
pub fn handle(op: Operation, shared: &Shared, request: &Value) -> Reply {
    match op {
        Operation::PowertalkSendCustomMessage => powertalk::send_custom_message(shared, request),
        Operation::PowertalkSyncContacts => powertalk::sync_contacts(shared, request),
        Operation::SendtalkSendWhatsapp => sendtalk::send_whatsapp(shared, request),
        Operation::SendtalkGetStatus => sendtalk::get_status(shared, request),
        Operation::OnetalkSendWhatsapp => onetalk::send(shared, request, "whatsapp"),
        Operation::OnetalkSendWhatsappTemplate => {
            onetalk::send(shared, request, "whatsappba_template")
        }
        Operation::OnetalkGetUpdatedCases => onetalk::get_updated_list(shared, request),
        Operation::OnetalkUpdateCase => onetalk::update_case(shared, request),
    }
}
