//! Which handler answers each of the SDK's operations. Paths, methods and products come
//! from the SDK's own table, so the two cannot drift apart; a test checks that every
//! operation of the table has a route here.

use crate::reply::Reply;
use crate::state::Shared;
use crate::{customers, directory, onetalk, powertalk, sendtalk, verification};
use serde_json::Value;
use taptalk::Operation;

/// A handler runs on a request that passed the SDK's own validation.
type Handler = fn(&Shared, &Value) -> Reply;

const ROUTES: &[(Operation, Handler)] = &[
    (
        Operation::PowertalkSendCustomMessage,
        powertalk::send_custom_message,
    ),
    (Operation::PowertalkSyncContacts, powertalk::sync_contacts),
    (Operation::PowertalkUpdateUser, directory::update_user),
    (
        Operation::PowertalkCreateOrUpdateRoom,
        directory::create_or_update_room,
    ),
    (
        Operation::PowertalkRequestAuthTicket,
        directory::request_auth_ticket,
    ),
    (Operation::SendtalkSendWhatsapp, sendtalk::send_whatsapp),
    (Operation::SendtalkGetStatus, sendtalk::get_status),
    (
        Operation::SendtalkCheckWhatsappPhone,
        verification::check_whatsapp_phone,
    ),
    (
        Operation::SendtalkCreateWhatsappVerification,
        verification::create_whatsapp_verification,
    ),
    (Operation::OnetalkSendWhatsapp, |s, r| {
        onetalk::send(s, r, "whatsapp")
    }),
    (Operation::OnetalkSendWhatsappTemplate, |s, r| {
        onetalk::send(s, r, "whatsappba_template")
    }),
    (Operation::OnetalkGetUpdatedCases, onetalk::get_updated_list),
    (Operation::OnetalkUpdateCase, onetalk::update_case),
    (
        Operation::OnetalkRequestUserAuthTicket,
        customers::request_auth_ticket,
    ),
    (Operation::OnetalkSyncUserContact, customers::sync_contact),
];

/// A request path (a trailing slash tolerated) to its operation.
pub fn operation_at(path: &str) -> Option<Operation> {
    let path = match path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => path,
    };
    Operation::from_path(path)
}

/// Runs an operation on a request that passed every check. An operation of the SDK's table
/// without a route here (the test below prevents it) answers 404 like an unknown path.
pub fn handle(op: Operation, shared: &Shared, request: &Value) -> Reply {
    match ROUTES.iter().find(|(o, _)| *o == op) {
        Some((_, handler)) => handler(shared, request),
        None => Reply::http_error(404, "40400", &format!("No operation at {}", op.path())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_sdk_has_exactly_one_route() {
        for &op in Operation::ALL {
            let routes = ROUTES.iter().filter(|(o, _)| *o == op).count();
            assert_eq!(routes, 1, "{}: {routes} routes", op.name());
        }
    }
}
