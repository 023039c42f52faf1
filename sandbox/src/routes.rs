//! Which handler answers each of the SDK's operations. Paths, methods and products come
//! from the SDK's own table, so the two cannot drift apart; a test checks that every
//! operation of the table has a route here.

use crate::reply::Reply;
use crate::state::{Shared, State};
use crate::{chatbot, customers, directory, onetalk, powertalk, sendtalk, verification};
use serde_json::Value;
use taptalk::Operation;

/// A handler runs, under the state lock, on a request that passed the SDK's own validation;
/// `u64` is the sandbox clock's time. Each product module takes only the pieces of the state
/// it works on, so the product modules stay below `state` (which holds their stores).
type Handler = fn(&mut State, u64, &Value) -> Reply;

const ROUTES: &[(Operation, Handler)] = &[
    (Operation::PowertalkSendCustomMessage, |s, now, r| {
        let max_chars = s.settings.powertalk_max_body_chars;
        powertalk::send_custom_message(&mut s.powertalk, &mut s.ids, max_chars, r, now)
    }),
    (Operation::PowertalkSyncContacts, |s, _, r| {
        powertalk::sync_contacts(&mut s.powertalk, r)
    }),
    (Operation::PowertalkUpdateUser, |s, now, r| {
        directory::update_user(&mut s.directory, r, now)
    }),
    (Operation::PowertalkCreateOrUpdateRoom, |s, now, r| {
        directory::create_or_update_room(&mut s.directory, &mut s.ids, r, now)
    }),
    (Operation::PowertalkRequestAuthTicket, |s, now, r| {
        directory::request_auth_ticket(&mut s.directory, &mut s.tickets, &mut s.ids, r, now)
    }),
    (Operation::SendtalkSendWhatsapp, |s, now, r| {
        sendtalk::send_whatsapp(&mut s.sendtalk, &mut s.settings, &mut s.ids, r, now)
    }),
    (Operation::SendtalkGetStatus, |s, now, r| {
        sendtalk::get_status(&mut s.sendtalk, s.settings.delivery_delay_ms, r, now)
    }),
    (Operation::SendtalkCheckWhatsappPhone, |s, _, r| {
        verification::check_whatsapp_phone(&s.settings.invalid_recipients, r)
    }),
    (
        Operation::SendtalkCreateWhatsappVerification,
        |s, now, r| {
            let invalid = &s.settings.invalid_recipients;
            verification::create_whatsapp_verification(
                &mut s.verifications,
                &mut s.ids,
                invalid,
                r,
                now,
            )
        },
    ),
    (Operation::OnetalkSendWhatsapp, |s, now, r| {
        let invalid = &s.settings.invalid_recipients;
        chatbot::send(
            &mut s.onetalk,
            &mut s.ids,
            &s.webhooks,
            invalid,
            r,
            "whatsapp",
            now,
        )
    }),
    (Operation::OnetalkSendWhatsappTemplate, |s, now, r| {
        let invalid = &s.settings.invalid_recipients;
        let kind = "whatsappba_template";
        chatbot::send(
            &mut s.onetalk,
            &mut s.ids,
            &s.webhooks,
            invalid,
            r,
            kind,
            now,
        )
    }),
    (Operation::OnetalkGetUpdatedCases, |s, _, r| {
        onetalk::get_updated_list(&s.onetalk, s.settings.onetalk_paging, r)
    }),
    (Operation::OnetalkUpdateCase, |s, now, r| {
        onetalk::update_case(&mut s.onetalk, r, now)
    }),
    (Operation::OnetalkRequestUserAuthTicket, |s, now, r| {
        customers::request_auth_ticket(&mut s.customers, &mut s.tickets, &mut s.ids, r, now)
    }),
    (Operation::OnetalkSyncUserContact, |s, now, r| {
        customers::sync_contact(&mut s.customers, r, now)
    }),
    (Operation::ChatbotSendMessages, |s, now, r| {
        chatbot::apply(
            &mut s.onetalk,
            &s.webhooks,
            Operation::ChatbotSendMessages,
            r,
            now,
        )
    }),
    (Operation::ChatbotHandoverCase, |s, now, r| {
        chatbot::apply(
            &mut s.onetalk,
            &s.webhooks,
            Operation::ChatbotHandoverCase,
            r,
            now,
        )
    }),
    (Operation::ChatbotCloseCase, |s, now, r| {
        chatbot::apply(
            &mut s.onetalk,
            &s.webhooks,
            Operation::ChatbotCloseCase,
            r,
            now,
        )
    }),
    (Operation::ChatbotUpdateCase, |s, now, r| {
        chatbot::apply(
            &mut s.onetalk,
            &s.webhooks,
            Operation::ChatbotUpdateCase,
            r,
            now,
        )
    }),
    (Operation::ChatbotUpdateContact, |s, now, r| {
        chatbot::apply(
            &mut s.onetalk,
            &s.webhooks,
            Operation::ChatbotUpdateContact,
            r,
            now,
        )
    }),
];

/// A request path (a trailing slash tolerated) to its operation. The chatbot's one URL (with
/// its ids) serves five: its first stands for them until the body's `eventType` is read.
pub fn operation_at(path: &str) -> Option<Operation> {
    if path.starts_with(chatbot::PATH_PREFIX) {
        return Some(Operation::ChatbotSendMessages);
    }
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
        Some((_, handler)) => {
            let now = shared.clock.now_ms();
            handler(&mut shared.lock(), now, request)
        }
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
