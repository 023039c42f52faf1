//! Each operation against a local server: the exact request on the wire and the exact
//! envelope handed back.

use crate::support;

use serde_json::{json, Value};
use support::{
    assert_post_headers, config_for, user_agent, MockServer, Recorded, Reply, SERVER_KEY,
};
use taptalk::{Client, Operation};

/// A reply with an unusual but valid layout and extra members: it must come back byte
/// for byte, nothing added or dropped.
const REPLY: &str = "{\"status\": 200,\n \"error\": {\"code\": \"\", \"message\": \"\", \"field\": \"\"},\n \"data\": {\"success\": true, \"extra\": [1, 2.5, null], \"unicode\": \"caf\\u00e9 \u{1F600}\"}, \"meta\": 7}";

fn run(op: Operation, request: &str) -> (Recorded, String) {
    let server = MockServer::start(|_| Reply::Json(REPLY.to_owned()));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let reply = client.call(op, request);
    (server.single_request(), reply.into_json())
}

#[test]
fn powertalk_send_custom_message_personal() {
    let request = json!({
        "messageType": 1001, "body": "Hi, nice to meet you.", "data": "", "filterID": "",
        "senderXCUserID": "1", "recipientXCUserID": "6", "xcRoomID": ""
    });
    let (req, reply) = run(Operation::PowertalkSendCustomMessage, &request.to_string());
    assert_post_headers(&req, "Server-Key", SERVER_KEY);
    assert_eq!(req.path, "/v1/server/message/send/custom");
    assert_eq!(req.query, None);
    assert_eq!(req.json(), request);
    assert_eq!(reply, REPLY);
}

#[test]
fn powertalk_image_data_given_as_an_object_travels_as_a_json_string() {
    let image = json!({"url": "http://www.example.com/img/50a09c1b.jpg", "mediaType": "image/jpeg",
        "size": 131072, "width": 1280, "height": 720, "caption": "Look at this picture!"});
    let request = json!({
        "messageType": 1002, "body": "Image", "data": image, "filterID": "products:expert:1",
        "senderXCUserID": "1", "recipientXCUserID": "6", "xcRoomID": ""
    });
    let (req, _) = run(Operation::PowertalkSendCustomMessage, &request.to_string());
    let sent = req.json();
    let data = sent["data"].as_str().expect("data is sent as a string");
    assert_eq!(serde_json::from_str::<Value>(data).unwrap(), image);
    let mut rest = sent.clone();
    rest["data"] = Value::Null;
    let mut expected = request.clone();
    expected["data"] = Value::Null;
    assert_eq!(rest, expected);
}

#[test]
fn powertalk_data_given_as_a_string_is_sent_as_it_is() {
    let data = r#"{"url":"http://www.example.com/img/50a09c1b.jpg","mediaType":"image/jpeg","size":131072,"width":1280,"height":720,"caption":"Look at this picture!"}"#;
    let request = json!({"messageType": 1002, "body": "Image", "data": data,
        "senderXCUserID": "1", "xcRoomID": "6A02C41D"});
    let (req, _) = run(Operation::PowertalkSendCustomMessage, &request.to_string());
    assert_eq!(req.json()["data"], data);
}

#[test]
fn powertalk_products_array_is_encoded() {
    let products = json!([{"name": "Shoe", "price": "100000", "currency": "IDR"}]);
    let request = json!({"messageType": 2001, "body": "Products", "data": products,
        "senderXCUserID": "1", "xcRoomID": "room-1"});
    let (req, _) = run(Operation::PowertalkSendCustomMessage, &request.to_string());
    let data = req.json()["data"].as_str().unwrap().to_owned();
    assert_eq!(serde_json::from_str::<Value>(&data).unwrap(), products);
}

#[test]
fn powertalk_sync_contacts() {
    let request = json!({"contacts": [
        {"ownerXCUserID": "1", "contactXCUserID": "2"},
        {"ownerXCUserID": "1", "contactXCUserID": "6", "isDeleted": false},
        {"ownerXCUserID": "1", "contactXCUserID": "9", "isDeleted": true},
        {"ownerXCUserID": "6", "contactXCUserID": "1", "isDeleted": false}
    ]});
    let (req, reply) = run(Operation::PowertalkSyncContacts, &request.to_string());
    assert_post_headers(&req, "Server-Key", SERVER_KEY);
    assert_eq!(req.path, "/v1/server/contact/sync");
    assert_eq!(req.json(), request);
    assert_eq!(reply, REPLY);
}

#[test]
fn sendtalk_send_whatsapp() {
    let request = json!({"phone": "6281212345678", "messageType": "image",
        "body": "http://www.example.com/chat/file/image/008dce72-06c0?token=802714",
        "filename": "my-photo.jpg", "caption": "This is the photo."});
    let (req, reply) = run(Operation::SendtalkSendWhatsapp, &request.to_string());
    assert_post_headers(&req, "API-Key", "st-API-KEY-123");
    assert_eq!(req.path, "/api/v1/message/send_whatsapp");
    assert_eq!(req.json(), request);
    assert_eq!(reply, REPLY);
}

#[test]
fn sendtalk_get_status() {
    let request = json!({"id": "3f581b4e-8e7c-4ebf-a533-39115737b81c"});
    let (req, reply) = run(Operation::SendtalkGetStatus, &request.to_string());
    assert_post_headers(&req, "API-Key", "st-API-KEY-123");
    assert_eq!(req.path, "/api/v1/message/get_status");
    assert_eq!(req.json(), request);
    assert_eq!(reply, REPLY);
}

#[test]
fn onetalk_send_whatsapp() {
    let request = json!({"channelID": "2101081881", "phone": "6281212345678", "messageType": "file",
        "body": "http://www.example.com/chat/file/008dce72-06c0.pdf", "filename": "Test.pdf",
        "caption": "", "withCase": false, "topicID": 1});
    let (req, reply) = run(Operation::OnetalkSendWhatsapp, &request.to_string());
    assert_post_headers(&req, "API-Key", "ot-API-KEY-456");
    assert_eq!(req.path, "/api/integration/v1/inbox/send_message_whatsapp");
    assert_eq!(req.json(), request);
    assert_eq!(reply, REPLY);
}

#[test]
fn onetalk_send_whatsapp_template() {
    let request = json!({
        "channelID": "2100480937", "phoneNumberID": "103011859190563", "phone": "6281212345678",
        "templateName": "greetings_v1", "languageCode": "en",
        "parameters": {
            "header": [{"name": "variable_name", "value": "Good Morning"}],
            "body": [{"name": "name", "value": "John"}, {"name": "office_hours", "value": "09:00 - 17:00"}],
            "footer": [],
            "buttons": [{"name": "url_0", "value": "1d-1"}]
        },
        "withCase": true, "topicID": 1
    });
    let (req, reply) = run(Operation::OnetalkSendWhatsappTemplate, &request.to_string());
    assert_post_headers(&req, "API-Key", "ot-API-KEY-456");
    assert_eq!(
        req.path,
        "/api/integration/v1/inbox/send_templated_message_whatsappba"
    );
    assert_eq!(req.json(), request);
    assert_eq!(reply, REPLY);
}

#[test]
fn onetalk_get_updated_cases_is_a_get_with_a_query() {
    let (req, reply) = run(
        Operation::OnetalkGetUpdatedCases,
        r#"{"since_timestamp": 1640367001000, "limit": 20}"#,
    );
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/integration/v1/inbox/case/get_updated_list");
    assert_eq!(
        req.query.as_deref(),
        Some("since_timestamp=1640367001000&limit=20")
    );
    assert!(req.body.is_empty());
    assert_eq!(req.header("api-key"), Some("ot-API-KEY-456"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("user-agent"), Some(user_agent().as_str()));
    let mut names = req.header_names();
    names.sort();
    assert_eq!(
        names,
        ["accept", "api-key", "content-type", "host", "user-agent"]
    );
    assert_eq!(reply, REPLY);
}

#[test]
fn onetalk_get_updated_cases_sends_the_default_limit() {
    let (req, _) = run(
        Operation::OnetalkGetUpdatedCases,
        r#"{"since_timestamp": 0}"#,
    );
    assert_eq!(req.query.as_deref(), Some("since_timestamp=0&limit=100"));
}

#[test]
fn onetalk_update_case() {
    let request = json!({"caseID": "00C49D438C", "agentRemark": "...", "isJunk": true});
    let (req, reply) = run(Operation::OnetalkUpdateCase, &request.to_string());
    assert_post_headers(&req, "API-Key", "ot-API-KEY-456");
    assert_eq!(req.path, "/api/integration/v1/inbox/case/update");
    assert_eq!(req.json(), request);
    assert_eq!(reply, REPLY);
}

#[test]
fn server_errors_come_back_unchanged() {
    let error = r#"{"status":404,"error":{"code":"40401","message":"Message is not found","field":""},"data":{}}"#;
    let server = MockServer::start(move |_| Reply::Json(error.to_owned()));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let reply = client.call(Operation::SendtalkGetStatus, r#"{"id": "nope"}"#);
    assert_eq!(reply.as_json(), error);
    assert_eq!(
        (reply.status(), reply.code(), reply.message()),
        (404, "40401", "Message is not found")
    );
    assert!(!reply.is_success());
}

#[test]
fn an_envelope_behind_an_http_error_status_is_still_the_servers_answer() {
    let error = r#"{"status":401,"error":{"code":"49103","message":"API-Key is not found","field":""},"data":{}}"#;
    let server = MockServer::start(move |_| {
        Reply::Raw(
            format!(
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: {}\r\n\r\n{error}",
                error.len()
            )
            .into_bytes(),
        )
    });
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let reply = client.call(Operation::SendtalkGetStatus, r#"{"id": "x"}"#);
    assert_eq!(reply.as_json(), error);
}

#[test]
fn base_url_with_a_path_prefix_and_trailing_slash() {
    let server = MockServer::answering(json!({}));
    let config =
        json!({"sendtalk": {"base_url": format!("{}/proxy/", server.url()), "api_key": "k"}});
    let client = Client::from_json(&config.to_string()).unwrap();
    client.call(Operation::SendtalkGetStatus, r#"{"id": "x"}"#);
    assert_eq!(
        server.single_request().path,
        "/proxy/api/v1/message/get_status"
    );
}

#[test]
fn the_callers_user_agent_is_added_after_the_librarys() {
    let server = MockServer::answering(json!({}));
    let config =
        json!({"sendtalk": {"base_url": server.url(), "api_key": "k"}, "user_agent": "my-app/1.2"});
    let client = Client::from_json(&config.to_string()).unwrap();
    client.call(Operation::SendtalkGetStatus, r#"{"id": "x"}"#);
    assert_eq!(
        server.single_request().header("user-agent"),
        Some(format!("taptalk/{} my-app/1.2", taptalk::VERSION).as_str())
    );
}

#[test]
fn one_client_reuses_its_connection() {
    let server = MockServer::answering(json!({}));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    for _ in 0..5 {
        assert!(client
            .call(Operation::SendtalkGetStatus, r#"{"id": "x"}"#)
            .is_success());
    }
    assert_eq!(server.requests().len(), 5);
    assert_eq!(
        server.connections(),
        1,
        "keep-alive: one connection for five calls"
    );
}
