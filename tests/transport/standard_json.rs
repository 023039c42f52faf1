//! Standard JSON everywhere the library reads text (issue 23, item 6): serde_json's
//! `raw_value` hook key, `$serde_json::private::RawValue`, is a plain key in a request, a
//! server reply (status, code, data, `tt_reply_get`), a config and a cursor's saved state,
//! exactly as any other JSON parser reads it.

use crate::support;

use serde_json::json;
use support::{config_for, ok, MockServer, Reply};
use taptalk::{reply, CaseCursor, Client, Config, Operation};

const HOOK: &str = "$serde_json::private::RawValue";

#[test]
fn a_request_cannot_smuggle_fields_through_the_hook() {
    let server = MockServer::answering(json!({"id": "m1"}));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    // Read with the hook, this would be a valid send; read as JSON, it has one unknown field.
    let request = format!(
        r#"{{"{HOOK}": "{{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hi\"}}"}}"#
    );
    let reply = client.call(Operation::SendtalkSendWhatsapp, &request);
    assert_eq!((reply.code(), reply.field()), ("40002", HOOK), "{reply}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_request_goes_out_with_the_key_as_written() {
    let server = MockServer::answering(json!({"id": "m1"}));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let request = format!(
        r#"{{"messageType": 1001, "body": "hi", "senderXCUserID": "a", "recipientXCUserID": "b", "data": {{"{HOOK}": "{{\"isAdmin\": true}}"}}}}"#
    );
    let reply = client.call(Operation::PowertalkSendCustomMessage, &request);
    assert!(reply.is_success(), "{reply}");
    // PowerTalk's data travels as a JSON string: the object as written, the key included.
    let sent = server.single_request().json();
    let data = sent["data"].as_str().unwrap();
    assert_eq!(
        reply::get(data, &format!("/{HOOK}")).as_deref(),
        Some("{\"isAdmin\": true}")
    );
    assert_eq!(reply::get(data, "/isAdmin"), None);
}

#[test]
fn a_reply_reads_the_key_as_a_key() {
    let data = json!({HOOK: "{\"isAdmin\": true}", "id": "m1"});
    let error_body = json!({"status": 400, "error": {HOOK: "channelID"}, "data": {}}).to_string();
    let server = MockServer::start(move |req| {
        if req.path.ends_with("get_status") {
            Reply::Json(error_body.clone())
        } else {
            ok(data.clone())
        }
    });
    let client = Client::from_json(&config_for(&server.url())).unwrap();

    let sent = client.call(
        Operation::SendtalkSendWhatsapp,
        r#"{"phone": "6281212345678", "messageType": "text", "body": "hi"}"#,
    );
    assert!(sent.is_success(), "{sent}");
    assert_eq!(sent.data()[HOOK], "{\"isAdmin\": true}");
    assert!(sent.data().get("isAdmin").is_none());
    let pointer = format!("/data/{HOOK}");
    assert_eq!(
        reply::get(sent.as_json(), &pointer).as_deref(),
        Some("{\"isAdmin\": true}")
    );
    assert_eq!(reply::get(sent.as_json(), "/data/isAdmin"), None);

    // An error object holding only that key is still an envelope: the server's, unchanged.
    let status = client.call(Operation::SendtalkGetStatus, r#"{"id": "m1"}"#);
    assert_eq!((status.status(), status.code()), (400, ""), "{status}");
    assert_eq!(status.local_code(), None);
    let pointer = format!("/error/{HOOK}");
    assert_eq!(
        reply::get(status.as_json(), &pointer).as_deref(),
        Some("channelID")
    );
}

#[test]
fn a_config_cannot_smuggle_keys_through_the_hook() {
    let text = format!(r#"{{"sendtalk": {{"{HOOK}": "{{\"api_key\": \"k\"}}"}}}}"#);
    let err = Config::from_json(&text).unwrap_err();
    assert_eq!(err.key, format!("sendtalk.{HOOK}"));
    assert!(
        err.message.starts_with("Unknown config key"),
        "{}",
        err.message
    );
}

#[test]
fn a_cursor_state_cannot_smuggle_options_through_the_hook() {
    let text = format!(r#"{{"{HOOK}": "{{\"since_timestamp\": 5}}"}}"#);
    let err = CaseCursor::from_json(&text).unwrap_err();
    // Read with the hook, this would be a cursor from 5; read as JSON, an unknown option.
    assert_eq!((err.code(), err.field()), ("40002", HOOK), "{err}");
}
