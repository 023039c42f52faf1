//! The seven further operations over HTTP, as a client sees them, and their state under
//! /_sandbox/: users and rooms, auth tickets that are unique and expire after an hour on the
//! sandbox clock, the phone check from `invalid_recipients`, stored verifications.

mod support;

use serde_json::{json, Value};
use std::collections::HashSet;
use support::*;
use taptalk_sandbox::Sandbox;

const PT_USER: &str = "/v1/server/user/update";
const PT_ROOM: &str = "/v1/server/room/create_or_update";
const PT_TICKET: &str = "/v1/server/auth_ticket/request";
const ST_CHECK: &str = "/api/v1/message/check_whatsapp_phone";
const ST_VERIFY: &str = "/api/v1/verification/create_whatsapp_verification";
const OT_TICKET: &str = "/api/integration/v1/user/request_auth_ticket";
const OT_SYNC: &str = "/api/integration/v1/user/sync_contact";

fn powertalk(sb: &Sandbox, path: &str, body: Value) -> Answer {
    let key = sb.powertalk_server_key();
    post(
        &agent(),
        &format!("{}{path}", sb.url()),
        &[("Server-Key", &key)],
        &body,
    )
}

fn sendtalk(sb: &Sandbox, path: &str, body: Value) -> Answer {
    let key = sb.config().sendtalk_api_key.clone();
    post(
        &agent(),
        &format!("{}{path}", sb.url()),
        &[("API-Key", &key)],
        &body,
    )
}

fn onetalk(sb: &Sandbox, path: &str, body: Value) -> Answer {
    let key = sb.config().onetalk_api_key.clone();
    post(
        &agent(),
        &format!("{}{path}", sb.url()),
        &[("API-Key", &key)],
        &body,
    )
}

fn control(sb: &Sandbox, path: &str) -> Value {
    let answer = get(&agent(), &format!("{}{path}", sb.url()), &[]);
    assert_eq!(answer.status(), 200, "{answer:?}");
    answer.data().clone()
}

fn ticket_request(user: &str) -> Value {
    json!({"userIPAddress": "203.0.113.9", "userAgent": "Mozilla/5.0", "userPlatform": "android",
           "userDeviceID": "device-1", "xcUserID": user, "fullName": "Ana"})
}

#[test]
fn users_are_upserted_and_listed() {
    let sb = start();
    let first = powertalk(
        &sb,
        PT_USER,
        json!({"xcUserID": "u1", "fullName": "Ana", "email": "a@x.io"}),
    );
    let user_id = first.data()["userID"].as_str().unwrap().to_owned();
    let again = powertalk(
        &sb,
        PT_USER,
        json!({"xcUserID": "u1", "fullName": "Ana Putri"}),
    );
    assert_eq!(
        again.data()["userID"],
        user_id.as_str(),
        "same user, same userID"
    );
    let users = control(&sb, "/_sandbox/powertalk/users")["users"].clone();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["fullName"], "Ana Putri");
    assert_eq!(
        users[0]["email"], "a@x.io",
        "fields not given keep their values"
    );
    assert_eq!(users[0]["userID"], user_id.as_str());
}

#[test]
fn a_rooms_participants_must_be_known_users_and_apply_to_new_rooms_only() {
    let sb = start();
    let room =
        json!({"xcRoomID": "r1", "type": 2, "name": "Team", "participantXCUserIDs": ["u1", "u2"]});
    let refused = powertalk(&sb, PT_ROOM, room.clone());
    assert_eq!(
        (
            refused.status(),
            refused.code(),
            refused.field(),
            refused.message()
        ),
        (404, "40401", "107", "User 'u1' is not found")
    );
    assert_eq!(
        control(&sb, "/_sandbox/powertalk/rooms")["rooms"],
        json!([])
    );

    for user in ["u1", "u2", "u3"] {
        powertalk(&sb, PT_USER, json!({"xcUserID": user, "fullName": user}));
    }
    let created = powertalk(&sb, PT_ROOM, room);
    assert_eq!(
        created.data()["room"]["participantXCUserIDs"],
        json!(["u1", "u2"]),
        "{created:?}"
    );
    let room_id = created.data()["room"]["roomID"].clone();
    let updated = powertalk(
        &sb,
        PT_ROOM,
        json!({"xcRoomID": "r1", "type": 2, "name": "Team 2",
        "tags": ["x"], "participantXCUserIDs": ["u3", "nobody"]}),
    );
    let room = &updated.data()["room"];
    assert_eq!(
        room["participantXCUserIDs"],
        json!(["u1", "u2"]),
        "an update keeps them"
    );
    assert_eq!(
        (&room["name"], &room["tags"], &room["roomID"]),
        (&json!("Team 2"), &json!(["x"]), &room_id)
    );
    let rooms = control(&sb, "/_sandbox/powertalk/rooms")["rooms"].clone();
    assert_eq!(rooms.as_array().unwrap().len(), 1);
    assert_eq!(rooms[0], *room);
}

#[test]
fn auth_tickets_are_unique_and_expire_after_one_hour_on_the_sandbox_clock() {
    let sb = start();
    let start_ms = sb.freeze_clock();
    let mut tickets = HashSet::new();
    for _ in 0..20 {
        let answer = powertalk(&sb, PT_TICKET, ticket_request("u1"));
        tickets.insert(answer.data()["ticket"].as_str().unwrap().to_owned());
    }
    let answer = onetalk(
        &sb,
        OT_TICKET,
        json!({"customerUserID": "c1", "fullName": "Budi"}),
    );
    let onetalk_ticket = answer.data()["ticket"].as_str().unwrap().to_owned();
    tickets.insert(onetalk_ticket.clone());
    assert_eq!(tickets.len(), 21, "every ticket is new");
    // The ticket request created the users it names.
    assert_eq!(
        control(&sb, "/_sandbox/powertalk/users")["users"][0]["xcUserID"],
        "u1"
    );
    assert_eq!(
        control(&sb, "/_sandbox/onetalk/users")["users"][0]["customerUserID"],
        "c1"
    );

    let listed = control(&sb, "/_sandbox/auth_tickets")["tickets"].clone();
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["ticket"] == onetalk_ticket.as_str())
        .unwrap();
    assert_eq!(
        (&entry["product"], &entry["user"]),
        (&json!("onetalk"), &json!("c1"))
    );
    assert_eq!(entry["expiresTime"], start_ms + 3_600_000);

    let check = |ticket: &str| {
        post(
            &agent(),
            &format!("{}/_sandbox/auth_tickets/check", sb.url()),
            &[],
            &json!({"ticket": ticket}),
        )
    };
    assert_eq!(check(&onetalk_ticket).data()["isValid"], true);
    sb.advance_clock(std::time::Duration::from_millis(3_599_999));
    assert_eq!(check(&onetalk_ticket).data()["isValid"], true);
    sb.advance_clock(std::time::Duration::from_millis(1));
    let expired = check(&onetalk_ticket);
    assert_eq!(
        (&expired.data()["isValid"], &expired.data()["isExpired"]),
        (&json!(false), &json!(true))
    );
    let unknown = check("nope");
    assert_eq!((unknown.code(), unknown.field()), ("40002", "ticket"));
}

#[test]
fn check_whatsapp_phone_answers_from_invalid_recipients() {
    let sb = start();
    sb.set_invalid_recipients(&["6281200000000"]);
    let yes = sendtalk(&sb, ST_CHECK, json!({"phone": "6281212345678"}));
    assert_eq!(yes.data()["isRegistered"], true);
    let no = sendtalk(&sb, ST_CHECK, json!({"phone": "6281200000000"}));
    assert_eq!(
        no.data(),
        &json!({"isRegistered": false, "message": "The phone number is not registered on WhatsApp"})
    );
}

#[test]
fn the_vendor_example_verification_is_accepted_and_stored() {
    let sb = start();
    let at = sb.freeze_clock();
    // taptalk-io/sendtalk-client-example, curl, as it is (appURL "").
    let example = json!({"userPhone": "6281212345678", "languageCode": "en", "expiryMinutes": 10, "appURL": ""});
    let answer = sendtalk(&sb, ST_VERIFY, example);
    assert_eq!(answer.data()["success"], true, "{answer:?}");
    let id = answer.data()["id"].clone();
    // Its image message too: a filename without an extension.
    let image = json!({"phone": "6281212345678", "messageType": "image",
        "body": "https://example.com/image.jpg", "filename": "imagejpg",
        "caption": "Check out this image!"});
    let sent = sendtalk(&sb, "/api/v1/message/send_whatsapp", image);
    assert_eq!(sent.data()["success"], true, "{sent:?}");
    sb.set_invalid_recipients(&["6281200000000"]);
    let refused = sendtalk(
        &sb,
        ST_VERIFY,
        json!({"userPhone": "6281200000000", "languageCode": "id"}),
    );
    assert_eq!(
        (&refused.data()["success"], &refused.data()["reason"]),
        (&json!(false), &json!("invalid_recipient"))
    );
    let bad = sendtalk(
        &sb,
        ST_VERIFY,
        json!({"userPhone": "6281212345678", "languageCode": "fr"}),
    );
    assert_eq!((bad.code(), bad.field()), ("40002", "languageCode"));
    let stored = control(&sb, "/_sandbox/sendtalk/verifications")["verifications"].clone();
    assert_eq!(
        stored,
        json!([{"id": id, "userPhone": "6281212345678", "languageCode": "en", "expiryMinutes": 10,
                "appURL": "", "createdTime": at, "expiresTime": at + 600_000}])
    );
}

#[test]
fn onetalk_contacts_are_upserted() {
    let sb = start();
    onetalk(
        &sb,
        OT_SYNC,
        json!({"customerUserID": "c1", "fullName": "Budi", "phone": "628123"}),
    );
    let answer = onetalk(
        &sb,
        OT_SYNC,
        json!({"customerUserID": "c1", "fullName": "Budi S"}),
    );
    assert_eq!(answer.data()["success"], true);
    let users = control(&sb, "/_sandbox/onetalk/users")["users"].clone();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(
        (&users[0]["fullName"], &users[0]["phone"]),
        (&json!("Budi S"), &json!("628123"))
    );
}
