//! The seven operations beyond the vendor's pages: the exact wire request and envelope of
//! each, the vendor's example client accepted as it is, validation in the vendor's styles
//! (PowerTalk's numbers, the others' names), and the per-operation retry rule.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use support::{assert_post_headers, config_for, ok, MockServer, Reply, SERVER_KEY};
use taptalk::{Client, Operation};

const REPLY: &str = "{\"status\": 200, \"error\": {\"code\": \"\", \"message\": \"\", \"field\": \"\"}, \"data\": {\"ticket\": \"T\", \"extra\": [1, null]}}";
const SENDTALK_KEY: &str = "st-API-KEY-123";
const ONETALK_KEY: &str = "ot-API-KEY-456";

/// Runs `op` against a server answering `REPLY`; checks the request went to `path` with
/// `request` as its exact body and the product's headers, and the reply came back as is.
fn exact(op: Operation, path: &str, request: Value) {
    let server = MockServer::start(|_| Reply::Json(REPLY.to_owned()));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let reply = client.call(op, &request.to_string());
    let req = server.single_request();
    let (header, key) = match op.product() {
        taptalk::Product::PowerTalk => ("Server-Key", SERVER_KEY),
        taptalk::Product::SendTalk => ("API-Key", SENDTALK_KEY),
        _ => ("API-Key", ONETALK_KEY),
    };
    assert_post_headers(&req, header, key);
    assert_eq!((req.path.as_str(), &req.query), (path, &None), "{op:?}");
    assert_eq!(req.json(), request, "{op:?}: the body is the request");
    assert_eq!(reply.as_json(), REPLY, "{op:?}: the reply unchanged");
}

#[test]
fn powertalk_update_user_on_the_wire() {
    exact(
        Operation::PowertalkUpdateUser,
        "/v1/server/user/update",
        json!({"xcUserID": "u-1", "fullName": "Ana Putri", "email": "ana@example.com",
            "phone": "6281212345678", "username": "ana", "photoThumbnailURL": "https://x/t.jpg",
            "photoFullsizeURL": "https://x/f.jpg", "userRoleCode": "member"}),
    );
}

#[test]
fn powertalk_create_or_update_room_on_the_wire() {
    exact(
        Operation::PowertalkCreateOrUpdateRoom,
        "/v1/server/room/create_or_update",
        json!({"xcRoomID": "room-1", "type": 2, "name": "Team", "tags": ["a", "b"],
            "participantXCUserIDs": ["u-1", "u-2"], "participantUserRoles": [],
            "photoThumbnailURL": "", "photoFullsizeURL": ""}),
    );
}

#[test]
fn powertalk_request_auth_ticket_on_the_wire() {
    exact(
        Operation::PowertalkRequestAuthTicket,
        "/v1/server/auth_ticket/request",
        json!({"userIPAddress": "203.0.113.9", "userAgent": "Mozilla/5.0", "userPlatform": "ios",
            "userDeviceID": "dev-9", "xcUserID": "u-1", "fullName": "Ana Putri", "email": "",
            "phone": "", "username": "", "photoThumbnailURL": "", "photoFullsizeURL": "",
            "userRoleCode": ""}),
    );
}

#[test]
fn sendtalk_check_whatsapp_phone_on_the_wire() {
    exact(
        Operation::SendtalkCheckWhatsappPhone,
        "/api/v1/message/check_whatsapp_phone",
        json!({"phone": "6281212345678"}),
    );
}

#[test]
fn the_vendor_example_clients_requests_go_out_as_they_are() {
    // taptalk-io/sendtalk-client-example, curl: appURL sent as "".
    exact(
        Operation::SendtalkCreateWhatsappVerification,
        "/api/v1/verification/create_whatsapp_verification",
        json!({"userPhone": "6281212345678", "languageCode": "en", "expiryMinutes": 10, "appURL": ""}),
    );
    // The PHP variant leaves the optional fields out.
    exact(
        Operation::SendtalkCreateWhatsappVerification,
        "/api/v1/verification/create_whatsapp_verification",
        json!({"userPhone": "6281212345678", "languageCode": "id"}),
    );
    // Its image message: a filename without an extension.
    exact(
        Operation::SendtalkSendWhatsapp,
        "/api/v1/message/send_whatsapp",
        json!({"phone": "6281212345678", "messageType": "image",
            "body": "https://example.com/image.jpg", "filename": "imagejpg",
            "caption": "Check out this image!"}),
    );
}

#[test]
fn onetalk_user_operations_on_the_wire() {
    let user = json!({"customerUserID": "c-1", "fullName": "Budi", "alias": "B",
        "email": "budi@example.com", "phone": "6281212345678", "photoURL": "https://x/p.jpg"});
    exact(
        Operation::OnetalkRequestUserAuthTicket,
        "/api/integration/v1/user/request_auth_ticket",
        user.clone(),
    );
    exact(
        Operation::OnetalkSyncUserContact,
        "/api/integration/v1/user/sync_contact",
        user,
    );
}

/// (operation, request, field, message): each refused before any network use.
fn refusals() -> Vec<(Operation, Value, &'static str, &'static str)> {
    use Operation::*;
    let long = "x".repeat(51);
    let ticket = json!({"userIPAddress": "1.2.3.4", "userAgent": "a", "userPlatform": "web",
        "userDeviceID": "d", "xcUserID": "u", "fullName": "n"});
    let with = |base: &Value, key: &str, value: Value| {
        let mut v = base.clone();
        v[key] = value;
        v
    };
    let without = |base: &Value, key: &str| {
        let mut v = base.clone();
        v.as_object_mut().unwrap().remove(key);
        v
    };
    vec![
        (PowertalkUpdateUser, json!({"fullName": "n"}), "105", "Param 'xcUserID' cannot be empty"),
        (PowertalkUpdateUser, json!({"xcUserID": long, "fullName": "n"}), "105",
            "Param 'xcUserID' is invalid: use 1 to 50 characters"),
        (PowertalkUpdateUser, json!({"xcUserID": "u"}), "106", "Param 'fullName' cannot be empty"),
        (PowertalkUpdateUser, json!({"xcUserID": "u", "fullName": "n", "email": 7}), "107",
            "Param 'email' must be a string"),
        (PowertalkUpdateUser, json!({"xcUserID": "u", "fullName": "n", "nick": "x"}), "nick",
            "Param 'nick' is not a known parameter"),
        (PowertalkCreateOrUpdateRoom, json!({"type": 2, "name": "n"}), "101",
            "Param 'xcRoomID' cannot be empty"),
        (PowertalkCreateOrUpdateRoom, json!({"xcRoomID": "r", "type": 1, "name": "n"}), "102",
            "Param 'type' is invalid: use 2 (group) or 4 (transaction)"),
        (PowertalkCreateOrUpdateRoom, json!({"xcRoomID": "r", "type": 2}), "103",
            "Param 'name' cannot be empty"),
        (PowertalkCreateOrUpdateRoom, json!({"xcRoomID": "r", "type": 2, "name": "n", "tags": "a"}),
            "106", "Param 'tags' must be an array of strings"),
        (PowertalkCreateOrUpdateRoom,
            json!({"xcRoomID": "r", "type": 2, "name": "n", "participantXCUserIDs": ["u", ""]}),
            "107", "Param 'participantXCUserIDs' is invalid: an XC user ID is empty"),
        (PowertalkCreateOrUpdateRoom,
            json!({"xcRoomID": "r", "type": 4, "name": "n", "participantUserRoles": {}}),
            "108", "Param 'participantUserRoles' must be an array"),
        (PowertalkRequestAuthTicket, without(&ticket, "userIPAddress"), "101",
            "Param 'userIPAddress' cannot be empty"),
        (PowertalkRequestAuthTicket, with(&ticket, "userPlatform", json!("windows")), "103",
            "Param 'userPlatform' is invalid: use one of: android, ios, web"),
        (PowertalkRequestAuthTicket, without(&ticket, "userDeviceID"), "userDeviceID",
            "Param 'userDeviceID' cannot be empty"),
        (PowertalkRequestAuthTicket, without(&ticket, "xcUserID"), "xcUserID",
            "Param 'xcUserID' cannot be empty"),
        (SendtalkCheckWhatsappPhone, json!({}), "phone", "Phone is required"),
        (SendtalkCheckWhatsappPhone, json!({"phone": "+62 812"}), "phone",
            "Phone is invalid: use digits only, starting with the country code (e.g. 6281212345678)"),
        (SendtalkCreateWhatsappVerification, json!({"languageCode": "en"}), "userPhone",
            "User phone is required"),
        (SendtalkCreateWhatsappVerification, json!({"userPhone": "6281212345678"}), "languageCode",
            "Language code is required"),
        (SendtalkCreateWhatsappVerification,
            json!({"userPhone": "6281212345678", "languageCode": "en|id"}), "languageCode",
            "Language code is invalid: use one of: en, id"),
        (SendtalkCreateWhatsappVerification,
            json!({"userPhone": "6281212345678", "languageCode": "en", "expiryMinutes": 0}),
            "expiryMinutes", "Expiry minutes is invalid: must be a positive number of minutes"),
        (SendtalkCreateWhatsappVerification,
            json!({"userPhone": "6281212345678", "languageCode": "en", "appURL": 1}),
            "appURL", "App URL must be a string"),
        (OnetalkRequestUserAuthTicket, json!({"fullName": "n"}), "customerUserID",
            "Customer user ID is required"),
        (OnetalkRequestUserAuthTicket, json!({"customerUserID": "x".repeat(101), "fullName": "n"}),
            "customerUserID", "Customer user ID is invalid: use 1 to 100 characters"),
        (OnetalkSyncUserContact, json!({"customerUserID": "c", "fullName": "n".repeat(251)}),
            "fullName", "Full name is invalid: use 1 to 250 characters"),
        (OnetalkSyncUserContact, json!({"customerUserID": "c", "fullName": "n", "phone": "1".repeat(21)}),
            "phone", "Phone is invalid: use 1 to 20 characters"),
        (OnetalkSyncUserContact, json!({"customerUserID": "c", "fullName": "n", "nick": "x"}),
            "nick", "Unknown field 'nick'"),
    ]
}

#[test]
fn bad_requests_are_refused_locally_in_the_vendors_style() {
    let server = MockServer::answering(json!({}));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    for (op, request, field, message) in refusals() {
        let reply = client.call_value(op, request.clone());
        assert_eq!(
            (reply.status(), reply.code(), reply.field(), reply.message()),
            (400, "40002", field, message),
            "{op:?} {request}"
        );
        // The sandbox answers the same through the same rules.
        assert_eq!(
            taptalk::validate(op, &request).unwrap_err().field,
            field,
            "{op:?}"
        );
    }
    assert!(server.requests().is_empty(), "nothing reached the server");
}

/// A server that resets the first connection, then answers.
fn reset_once() -> MockServer {
    let count = Arc::new(AtomicUsize::new(0));
    MockServer::start(move |_| match count.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::Reset,
        _ => ok(json!({"ticket": "T"})),
    })
}

#[test]
fn safe_operations_are_repeated_after_a_reset_and_the_verification_is_not() {
    let cases = [
        (
            Operation::PowertalkUpdateUser,
            json!({"xcUserID": "u", "fullName": "n"}),
        ),
        (
            Operation::PowertalkCreateOrUpdateRoom,
            json!({"xcRoomID": "r", "type": 2, "name": "n"}),
        ),
        (
            Operation::PowertalkRequestAuthTicket,
            json!({"userIPAddress": "1.2.3.4",
            "userAgent": "a", "userPlatform": "web", "userDeviceID": "d", "xcUserID": "u",
            "fullName": "n"}),
        ),
        (
            Operation::SendtalkCheckWhatsappPhone,
            json!({"phone": "6281212345678"}),
        ),
        (
            Operation::OnetalkRequestUserAuthTicket,
            json!({"customerUserID": "c", "fullName": "n"}),
        ),
        (
            Operation::OnetalkSyncUserContact,
            json!({"customerUserID": "c", "fullName": "n"}),
        ),
        (
            Operation::SendtalkCreateWhatsappVerification,
            json!({"userPhone": "6281212345678", "languageCode": "en"}),
        ),
    ];
    for (op, request) in cases {
        let server = reset_once();
        let mut config: Value = serde_json::from_str(&config_for(&server.url())).unwrap();
        config["retry"] = json!({"max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 2});
        let client = Client::from_json(&config.to_string()).unwrap();
        let reply = client.call_value(op, request);
        if op.may_repeat() {
            assert!(reply.is_success(), "{op:?}: {reply}");
            assert_eq!(server.requests().len(), 2, "{op:?}: repeated once");
        } else {
            assert_eq!(reply.code(), "91010", "{op:?}: {reply}");
            assert_eq!(
                server.requests().len(),
                1,
                "{op:?}: a send is never repeated"
            );
        }
    }
}

#[test]
fn the_operation_table_is_exported_as_json() {
    let table: Value = serde_json::from_str(&Operation::table_json()).unwrap();
    let rows = table.as_array().unwrap();
    assert_eq!(rows.len(), Operation::ALL.len());
    let row = rows
        .iter()
        .find(|r| r["name"] == "sendtalk_create_whatsapp_verification")
        .unwrap();
    assert_eq!(
        row,
        &json!({"name": "sendtalk_create_whatsapp_verification",
            "export": "tt_sendtalk_create_whatsapp_verification",
            "summary": "create WhatsApp verification", "product": "sendtalk", "method": "POST",
            "path": "/api/v1/verification/create_whatsapp_verification", "may_repeat": false,
            "repeat_reason": "delivers a verification message to the user: a repeat would send a second one"})
    );
}
