//! One export per operation, each one line: the operation table (`operation.rs`) says
//! everything else. Written out rather than generated so cbindgen puts each prototype, with
//! its doc comment naming method and path, into the header.

use std::ffi::c_char;

use super::client::call;
use super::client::TtClient;
use crate::operation::Operation;

/// PowerTalk: sends a custom message on behalf of a user (POST /v1/server/message/send/custom).
///
/// `request_json` uses the vendor's field names: `messageType` (1001 text, 1002 image,
/// 2001 products, 3000-3999 custom), `body`, `senderXCUserID`, exactly one of
/// `recipientXCUserID` / `xcRoomID`, optional `filterID` and `data` (a JSON string, or an
/// object/array the library encodes to one).
///
/// Returns an envelope string, never NULL (short of allocation failure): the server's reply
/// unchanged, or a local error envelope. Free it with `tt_string_free`.
/// Threading: any number of threads may call this concurrently on one client.
/// Sends are never retried by the library.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_powertalk_send_custom_message(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::PowertalkSendCustomMessage) }
}

/// PowerTalk: adds and deletes one-way contacts (POST /v1/server/contact/sync).
///
/// `request_json`: `{"contacts": [{"ownerXCUserID": "1", "contactXCUserID": "2",
/// "isDeleted": false}, ...]}`. Deletions run last on the server.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_powertalk_sync_contacts(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::PowertalkSyncContacts) }
}

/// PowerTalk: creates a user, or updates the user with that `xcUserID`
/// (POST /v1/server/user/update).
///
/// `request_json`: `xcUserID` (up to 50 characters) and `fullName` (required), `email`,
/// `phone`, `username`, `photoThumbnailURL`, `photoFullsizeURL`, `userRoleCode`.
/// On success `data.userID` is PowerTalk's own ID for the user. Safe to repeat (an upsert).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_powertalk_update_user(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::PowertalkUpdateUser) }
}

/// PowerTalk: creates a room, or updates the room with that `xcRoomID`
/// (POST /v1/server/room/create_or_update).
///
/// `request_json`: `xcRoomID` (1 to 50 characters), `type` (2 group, 4 transaction), `name`,
/// `photoThumbnailURL`, `photoFullsizeURL`, `tags` (array of strings),
/// `participantXCUserIDs` (array; used for new rooms only), `participantUserRoles` (array).
/// On success `data.room` is the room. Safe to repeat (an upsert).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_powertalk_create_or_update_room(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::PowertalkCreateOrUpdateRoom) }
}

/// PowerTalk: an auth ticket a user's app signs in with, valid one hour
/// (POST /v1/server/auth_ticket/request).
///
/// `request_json`: `userIPAddress`, `userAgent`, `userPlatform` ("android", "ios" or "web"),
/// `userDeviceID`, `xcUserID`, `fullName` (all required), `email`, `phone`, `username`,
/// `photoThumbnailURL`, `photoFullsizeURL`, `userRoleCode`. On success `data.ticket`.
/// Safe to repeat (a repeat only issues another ticket).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_powertalk_request_auth_ticket(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::PowertalkRequestAuthTicket) }
}

/// SendTalk: queues a WhatsApp message (POST /api/v1/message/send_whatsapp).
///
/// `request_json`: `phone` (digits with country code), `messageType` ("otp", "text" or
/// "image"), `body` (text, or the image URL), `filename` (required for "image"), `caption`.
/// On success `data.id` identifies the message for `tt_sendtalk_get_status`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client. Sends are never retried.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_sendtalk_send_whatsapp(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::SendtalkSendWhatsapp) }
}

/// SendTalk: the status of a queued message (POST /api/v1/message/get_status).
///
/// `request_json`: `{"id": "<message id from send>"}`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_sendtalk_get_status(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::SendtalkGetStatus) }
}

/// SendTalk: whether a phone number has WhatsApp
/// (POST /api/v1/message/check_whatsapp_phone).
///
/// `request_json`: `{"phone": "6281212345678"}`. On success `data.isRegistered` and
/// `data.message`. Nothing is sent to the number; safe to repeat.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_sendtalk_check_whatsapp_phone(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::SendtalkCheckWhatsappPhone) }
}

/// SendTalk: sends a user a WhatsApp verification message
/// (POST /api/v1/verification/create_whatsapp_verification).
///
/// `request_json`: `userPhone` (digits with country code), `languageCode` ("en" or "id"),
/// `expiryMinutes` (optional positive integer), `appURL` (optional; "" counts as absent).
/// A send: never retried once it may have reached the server.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_sendtalk_create_whatsapp_verification(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe {
        call(
            client,
            request_json,
            Operation::SendtalkCreateWhatsappVerification,
        )
    }
}

/// OneTalk: sends a WhatsApp message
/// (POST /api/integration/v1/inbox/send_message_whatsapp).
///
/// `request_json`: `channelID`, `phone`, `messageType` ("text", "image" or "file"), `body`,
/// `filename` (required for "image" and "file"), `caption`, `withCase` (boolean), `topicID`
/// (integer). With `withCase` the reply's `data.caseID` names the case.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client. Sends are never retried.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_send_whatsapp(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkSendWhatsapp) }
}

/// OneTalk: sends a WhatsApp Business API template message
/// (POST /api/integration/v1/inbox/send_templated_message_whatsappba).
///
/// `request_json`: `channelID`, `phoneNumberID`, `phone`, `templateName`, `languageCode`,
/// `parameters` (`header`, `body`, `footer`, `buttons`: arrays of `{"name", "value"}`),
/// `withCase`, `topicID`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client. Sends are never retried.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_send_whatsapp_template(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkSendWhatsappTemplate) }
}

/// OneTalk: cases created or updated since a time
/// (GET /api/integration/v1/inbox/case/get_updated_list?since_timestamp=..&limit=..).
///
/// `request_json`: `{"since_timestamp": <Unix ms>, "limit": 1..100}` (limit defaults to 100).
/// Continue from `data.lastTimestamp` while `data.hasMore` is true.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_get_updated_cases(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkGetUpdatedCases) }
}

/// OneTalk: changes a case's `agentRemark` and/or `isJunk`
/// (POST /api/integration/v1/inbox/case/update).
///
/// `request_json`: `{"caseID": "...", "agentRemark": "...", "isJunk": true}`.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_update_case(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkUpdateCase) }
}

/// OneTalk: an auth ticket for a customer user, valid one hour
/// (POST /api/integration/v1/user/request_auth_ticket).
///
/// `request_json`: `customerUserID` (1 to 100 characters), `fullName` (1 to 250), `alias`,
/// `email`, `phone` (up to 20), `photoURL`. On success `data.ticket`. Safe to repeat (a
/// repeat only issues another ticket).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_request_user_auth_ticket(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe {
        call(
            client,
            request_json,
            Operation::OnetalkRequestUserAuthTicket,
        )
    }
}

/// OneTalk: creates or updates a customer user's contact details
/// (POST /api/integration/v1/user/sync_contact).
///
/// `request_json`: `customerUserID` (1 to 100 characters), `fullName` (1 to 250), `alias`,
/// `email`, `phone` (up to 20), `photoURL`. Safe to repeat (an upsert).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_onetalk_sync_user_contact(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::OnetalkSyncUserContact) }
}

/// Custom chatbot: sends messages to the customer in a case
/// (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
/// "messages", header `Secret-Key`; the ids and secret come from the `chatbot` config section).
///
/// `request_json`: `{"caseID": "...", "messages": [{"type": "text", "text": {"body": "Hi"}}]}`;
/// a message's `type` is text, document, image, video or whatsappba, with the object of that
/// name (`document{url, filename, caption}`, `image`/`video{url, caption}`, `whatsappba`
/// `{type: "interactive", interactive: {...}}` within WhatsApp's limits), and `customData`.
/// A send: never retried once it may have reached OneTalk.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`. OneTalk answers
/// this URL in plain text: `ok` becomes `data` `{"success": true, "message": "ok"}`, a
/// refusal code 93010 with the HTTP status and OneTalk's reason (401 "secret key is
/// invalid", 400 "case id is required", ...).
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_chatbot_send_messages(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::ChatbotSendMessages) }
}

/// Custom chatbot: hands the case over to an agent
/// (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
/// "handover_case").
///
/// `request_json`: `{"caseID": "...", "handoverCase": {"topicID": 0, "agentEmail": "",
/// "chatbotHandoverSummary": ""}}` (all three optional; topicID 0 keeps the channel's topic).
/// Never retried once it may have reached OneTalk.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`. OneTalk answers
/// this URL in plain text: `ok` becomes `data` `{"success": true, "message": "ok"}`, a
/// refusal code 93010 with the HTTP status and OneTalk's reason (401 "secret key is
/// invalid", 400 "case id is required", ...).
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_chatbot_handover_case(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::ChatbotHandoverCase) }
}

/// Custom chatbot: closes (resolves) the case
/// (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
/// "close_case").
///
/// `request_json`: `{"caseID": "...", "closeCase": {"sendClosingMessage": false}}`.
/// Never retried once it may have reached OneTalk (it may send the closing message).
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`. OneTalk answers
/// this URL in plain text: `ok` becomes `data` `{"success": true, "message": "ok"}`, a
/// refusal code 93010 with the HTTP status and OneTalk's reason (401 "secret key is
/// invalid", 400 "case id is required", ...).
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_chatbot_close_case(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::ChatbotCloseCase) }
}

/// Custom chatbot: changes the case's agent remark or junk flag
/// (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
/// "update_case").
///
/// `request_json`: `{"caseID": "...", "updateCase": {"agentRemark": "...", "isJunk": true}}`
/// (only the fields given change; at least one). Safe to repeat.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`. OneTalk answers
/// this URL in plain text: `ok` becomes `data` `{"success": true, "message": "ok"}`, a
/// refusal code 93010 with the HTTP status and OneTalk's reason (401 "secret key is
/// invalid", 400 "case id is required", ...).
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_chatbot_update_case(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::ChatbotUpdateCase) }
}

/// Custom chatbot: changes the case's contact details
/// (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
/// "update_contact").
///
/// `request_json`: `{"caseID": "...", "updateContact": {"fullName", "alias", "companyName",
/// "jobTitle", "customFields": {"name": "value"}}}` (only the fields given change; at least
/// one; custom field values are strings). Safe to repeat.
///
/// Returns an envelope string, never NULL; free it with `tt_string_free`. OneTalk answers
/// this URL in plain text: `ok` becomes `data` `{"success": true, "message": "ok"}`, a
/// refusal code 93010 with the HTTP status and OneTalk's reason (401 "secret key is
/// invalid", 400 "case id is required", ...).
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tt_chatbot_update_contact(
    client: *const TtClient,
    request_json: *const c_char,
) -> *mut c_char {
    // SAFETY: forwarded from the caller's guarantee.
    unsafe { call(client, request_json, Operation::ChatbotUpdateContact) }
}

/// The signature every operation export shares.
pub type Export = unsafe extern "C" fn(*const TtClient, *const c_char) -> *mut c_char;

/// Each operation's export, for tests and the fuzz targets (which call every operation
/// through its own function). A test checks it covers [`Operation::ALL`].
const EXPORTS: &[(Operation, Export)] = &[
    (
        Operation::PowertalkSendCustomMessage,
        tt_powertalk_send_custom_message,
    ),
    (Operation::PowertalkSyncContacts, tt_powertalk_sync_contacts),
    (Operation::PowertalkUpdateUser, tt_powertalk_update_user),
    (
        Operation::PowertalkCreateOrUpdateRoom,
        tt_powertalk_create_or_update_room,
    ),
    (
        Operation::PowertalkRequestAuthTicket,
        tt_powertalk_request_auth_ticket,
    ),
    (Operation::SendtalkSendWhatsapp, tt_sendtalk_send_whatsapp),
    (Operation::SendtalkGetStatus, tt_sendtalk_get_status),
    (
        Operation::SendtalkCheckWhatsappPhone,
        tt_sendtalk_check_whatsapp_phone,
    ),
    (
        Operation::SendtalkCreateWhatsappVerification,
        tt_sendtalk_create_whatsapp_verification,
    ),
    (Operation::OnetalkSendWhatsapp, tt_onetalk_send_whatsapp),
    (
        Operation::OnetalkSendWhatsappTemplate,
        tt_onetalk_send_whatsapp_template,
    ),
    (
        Operation::OnetalkGetUpdatedCases,
        tt_onetalk_get_updated_cases,
    ),
    (Operation::OnetalkUpdateCase, tt_onetalk_update_case),
    (
        Operation::OnetalkRequestUserAuthTicket,
        tt_onetalk_request_user_auth_ticket,
    ),
    (
        Operation::OnetalkSyncUserContact,
        tt_onetalk_sync_user_contact,
    ),
    (Operation::ChatbotSendMessages, tt_chatbot_send_messages),
    (Operation::ChatbotHandoverCase, tt_chatbot_handover_case),
    (Operation::ChatbotCloseCase, tt_chatbot_close_case),
    (Operation::ChatbotUpdateCase, tt_chatbot_update_case),
    (Operation::ChatbotUpdateContact, tt_chatbot_update_contact),
];

/// The C export of `op`.
pub fn export(op: Operation) -> Option<Export> {
    EXPORTS.iter().find(|(o, _)| *o == op).map(|(_, f)| *f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_exactly_one_export() {
        for &op in Operation::ALL {
            let count = EXPORTS.iter().filter(|(o, _)| *o == op).count();
            assert_eq!(count, 1, "{}: {count} exports", op.name());
        }
        assert_eq!(EXPORTS.len(), Operation::ALL.len());
    }
}
