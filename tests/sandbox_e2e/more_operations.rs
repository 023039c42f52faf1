//! The seven further operations through the SDK against the sandbox: what the sandbox then
//! holds, and the refusals it answers in the SDK's words.

use crate::support;

use serde_json::json;
use support::sandbox::{client, ok, start};
use taptalk::Operation;
use taptalk_sandbox::SandboxConfig;

#[test]
fn a_powertalk_backend_creates_users_a_room_and_a_ticket() {
    let sb = start(SandboxConfig::default());
    let client = client(&sb);
    let ana = ok(
        &client,
        Operation::PowertalkUpdateUser,
        json!({"xcUserID": "ana", "fullName": "Ana"}),
    );
    ok(
        &client,
        Operation::PowertalkUpdateUser,
        json!({"xcUserID": "budi", "fullName": "Budi"}),
    );
    let room = ok(
        &client,
        Operation::PowertalkCreateOrUpdateRoom,
        json!({"xcRoomID": "team", "type": 2, "name": "Team", "participantXCUserIDs": ["ana", "budi"]}),
    );
    assert_eq!(room["room"]["participantXCUserIDs"], json!(["ana", "budi"]));
    let at = sb.freeze_clock();
    let ticket = ok(
        &client,
        Operation::PowertalkRequestAuthTicket,
        json!({"userIPAddress": "203.0.113.9", "userAgent": "app/1.0", "userPlatform": "ios",
               "userDeviceID": "d1", "xcUserID": "ana", "fullName": "Ana P"}),
    );
    let ticket = ticket["ticket"].as_str().unwrap();
    let users = sb.powertalk_users();
    assert_eq!(users.as_array().unwrap().len(), 2);
    assert_eq!(
        (&users[0]["userID"], &users[0]["fullName"]),
        (&ana["userID"], &json!("Ana P"))
    );
    assert_eq!(sb.powertalk_rooms()[0]["name"], "Team");
    let entry = sb.check_auth_ticket(ticket).unwrap();
    assert_eq!(
        (&entry["isValid"], &entry["expiresTime"]),
        (&json!(true), &json!(at + 3_600_000))
    );

    // A room naming an unknown user: the sandbox's 404, passed through unchanged.
    let reply = client.call_value(
        Operation::PowertalkCreateOrUpdateRoom,
        json!({"xcRoomID": "other", "type": 4, "name": "Deal", "participantXCUserIDs": ["carla"]}),
    );
    assert_eq!(
        (reply.status(), reply.code(), reply.field(), reply.message()),
        (404, "40401", "107", "User 'carla' is not found")
    );
    assert_eq!(sb.powertalk_rooms().as_array().unwrap().len(), 1);
}

#[test]
fn a_sendtalk_sender_checks_a_number_then_verifies_it() {
    let sb = start(SandboxConfig::default());
    sb.set_invalid_recipients(&["6281200000000"]);
    let client = client(&sb);
    let check = |phone: &str| {
        ok(
            &client,
            Operation::SendtalkCheckWhatsappPhone,
            json!({"phone": phone}),
        )["isRegistered"]
            .clone()
    };
    assert_eq!(
        (check("6281212345678"), check("6281200000000")),
        (json!(true), json!(false))
    );
    // The vendor's example client, as it is.
    let request = json!({"userPhone": "6281212345678", "languageCode": "en", "expiryMinutes": 10, "appURL": ""});
    let sent = ok(
        &client,
        Operation::SendtalkCreateWhatsappVerification,
        request,
    );
    let stored = sb.sendtalk_verifications();
    assert_eq!(stored.as_array().unwrap().len(), 1);
    assert_eq!(
        (&stored[0]["id"], &stored[0]["userPhone"]),
        (&sent["id"], &json!("6281212345678"))
    );
}

#[test]
fn a_onetalk_integration_syncs_a_customer_and_opens_a_session() {
    let sb = start(SandboxConfig::default());
    let client = client(&sb);
    let user = json!({"customerUserID": "cust-1", "fullName": "Citra", "phone": "6281212345678"});
    ok(&client, Operation::OnetalkSyncUserContact, user.clone());
    let a = ok(
        &client,
        Operation::OnetalkRequestUserAuthTicket,
        user.clone(),
    );
    let b = ok(&client, Operation::OnetalkRequestUserAuthTicket, user);
    assert_ne!(a["ticket"], b["ticket"], "tickets are unique");
    assert_eq!(sb.onetalk_users().as_array().unwrap().len(), 1);
    assert_eq!(sb.auth_tickets().as_array().unwrap().len(), 2);
}
