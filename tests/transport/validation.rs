//! Every local validation rule: status 400, code 40002, the field in the product's
//! convention, the vendor-style message, and no request on the wire.

use crate::support;

use serde_json::{json, Value};
use support::{config_for, MockServer};
use taptalk::{Client, Operation};

use Operation::*;

fn pt_text() -> Value {
    json!({"messageType": 1001, "body": "Hi", "senderXCUserID": "1", "recipientXCUserID": "6"})
}
fn st_text() -> Value {
    json!({"phone": "6281212345678", "messageType": "text", "body": "Hi"})
}
fn ot_text() -> Value {
    json!({"channelID": "2101081881", "phone": "6281212345678", "messageType": "text", "body": "Hi"})
}
fn ot_template() -> Value {
    json!({"channelID": "1", "phoneNumberID": "2", "phone": "6281212345678",
           "templateName": "greetings_v1", "languageCode": "en"})
}

/// `base` with `changes` merged in; a `null` in `changes` removes the key.
fn with(base: Value, changes: Value) -> Value {
    let mut out = base;
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            out.as_object_mut().unwrap().remove(k);
        } else {
            out[k] = v.clone();
        }
    }
    out
}

fn cases() -> Vec<(Operation, Value, &'static str, &'static str)> {
    vec![
        // PowerTalk send custom message: numbered fields, "Param '...' cannot be empty".
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": null})), "messageType", "Param 'messageType' cannot be empty"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": "1001"})), "messageType", "Param 'messageType' must be an integer"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1003})), "messageType", "Param 'messageType' is invalid: use 1001 (text), 1002 (image), 2001 (products) or 3000-3999 (custom)"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 4000})), "messageType", "Param 'messageType' is invalid: use 1001 (text), 1002 (image), 2001 (products) or 3000-3999 (custom)"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"body": ""})), "104", "Param 'body' cannot be empty"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"body": 5})), "104", "Param 'body' must be a string"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"senderXCUserID": null})), "107", "Param 'senderXCUserID' cannot be empty"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"recipientXCUserID": ""})), "108", "Param 'recipientXCUserID' is invalid: give recipientXCUserID (personal room) or xcRoomID (other rooms)"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"xcRoomID": "6A02C41D"})), "108", "Param 'recipientXCUserID' is invalid: recipientXCUserID and xcRoomID cannot be used together"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"xcRoomID": 7})), "109", "Param 'xcRoomID' must be a string"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"filterID": true})), "106", "Param 'filterID' must be a string"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"data": 12})), "105", "Param 'data' must be a JSON string, object or array"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"recipient": "6"})), "recipient", "Param 'recipient' is not a known parameter"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1002})), "105", "Param 'data' cannot be empty"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1002, "data": "{not json"})), "105", "Param 'data' is invalid: the string is not valid JSON"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1002, "data": []})), "105", "Param 'data' is invalid: an image message needs an image object or an array of them"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1002, "data": {"caption": "x"}})), "105", "Param 'data[0].url' cannot be empty"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1002, "data": [{"url": "u"}, {"url": "v", "width": "big"}]})), "105", "Param 'data[1].width' must be an integer"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1002, "data": [{"url": "u", "size": -1}]})), "105", "Param 'data[0].size' is invalid: must not be negative"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 1002, "data": ["u"]})), "105", "Param 'data' must be an array of objects (item 0 is not)"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 2001, "data": {"name": "x"}})), "105", "Param 'data' is invalid: a products message needs an array of one or more products"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 2001, "data": [{"price": "1"}]})), "105", "Param 'data[0].name' cannot be empty"),
        (PowertalkSendCustomMessage, with(pt_text(), json!({"messageType": 2001, "data": [{"name": "x", "price": 1}]})), "105", "Param 'data[0].price' must be a string"),
        // PowerTalk sync contacts.
        (PowertalkSyncContacts, json!({}), "101", "Param 'contacts' cannot be empty"),
        (PowertalkSyncContacts, json!({"contacts": []}), "101", "Param 'contacts' cannot be empty"),
        (PowertalkSyncContacts, json!({"contacts": {"ownerXCUserID": "1"}}), "101", "Param 'contacts' must be an array of contacts"),
        (PowertalkSyncContacts, json!({"contacts": [{"contactXCUserID": "2"}]}), "102", "Param 'contacts[0].ownerXCUserID' cannot be empty"),
        (PowertalkSyncContacts, json!({"contacts": [{"ownerXCUserID": "1", "contactXCUserID": ""}]}), "103", "Param 'contacts[0].contactXCUserID' cannot be empty"),
        (PowertalkSyncContacts, json!({"contacts": [{"ownerXCUserID": "1", "contactXCUserID": "2", "isDeleted": "true"}]}), "104", "Param 'contacts[0].isDeleted' must be a boolean (true or false)"),
        (PowertalkSyncContacts, json!({"contacts": [{"ownerXCUserID": "1", "contactXCUserID": "2", "deleted": true}]}), "contacts[0].deleted", "Param 'contacts[0].deleted' is not a known parameter"),
        // SendTalk send: named fields, "Phone is required".
        (SendtalkSendWhatsapp, with(st_text(), json!({"phone": null})), "phone", "Phone is required"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"phone": 6281212345678_i64})), "phone", "Phone must be a string"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"phone": "+6281212345678"})), "phone", "Phone is invalid: use digits only, starting with the country code (e.g. 6281212345678)"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"phone": "081212345678"})), "phone", "Phone is invalid: use digits only, starting with the country code (e.g. 6281212345678)"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"phone": "62812"})), "phone", "Phone is invalid: use digits only, starting with the country code (e.g. 6281212345678)"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"phone": "6281 2123 4567"})), "phone", "Phone is invalid: use digits only, starting with the country code (e.g. 6281212345678)"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"messageType": null})), "messageType", "Message type is required"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"messageType": "file"})), "messageType", "Message type is invalid: use one of: otp, text, image"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"body": ""})), "body", "Body is required"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"messageType": "image"})), "filename", "Filename is required"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"caption": 1})), "caption", "Caption must be a string"),
        (SendtalkSendWhatsapp, with(st_text(), json!({"fileName": "a.jpg"})), "fileName", "Unknown field 'fileName'"),
        (SendtalkGetStatus, json!({}), "id", "Message ID is required"),
        (SendtalkGetStatus, json!({"id": 42}), "id", "Message ID must be a string"),
        // OneTalk send.
        (OnetalkSendWhatsapp, with(ot_text(), json!({"channelID": null})), "channelID", "Channel ID is required"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"phone": "62-812"})), "phone", "Phone is invalid: use digits only, starting with the country code (e.g. 6281212345678)"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"messageType": "otp"})), "messageType", "Message type is invalid: use one of: text, image, file"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"messageType": "image"})), "filename", "Filename is required"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"messageType": "file", "filename": ""})), "filename", "Filename is required"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"withCase": "true"})), "withCase", "With case must be a boolean (true or false)"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"topicID": "1"})), "topicID", "Topic ID must be an integer"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"topicID": 1.5})), "topicID", "Topic ID must be an integer"),
        (OnetalkSendWhatsapp, with(ot_text(), json!({"topicID": 0})), "topicID", "Topic ID is invalid: must be a positive integer"),
        // OneTalk template.
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"phoneNumberID": null})), "phoneNumberID", "Phone number ID is required"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"templateName": ""})), "templateName", "Template name is required"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"languageCode": null})), "languageCode", "Language code is required"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"buttons": []})), "buttons", "Buttons go inside parameters, beside header, body and footer"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"parameters": []})), "parameters", "Parameters must be an object"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"parameters": {"title": []}})), "parameters.title", "Unknown field 'parameters.title'"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"parameters": {"body": {"name": "x"}}})), "parameters.body", "'parameters.body' must be an array of {name, value} objects"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"parameters": {"body": [{"value": "John"}]}})), "parameters.body[0].name", "'parameters.body[0].name' is required"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"parameters": {"header": [{"name": "n"}]}})), "parameters.header[0].value", "'parameters.header[0].value' is required"),
        (OnetalkSendWhatsappTemplate, with(ot_template(), json!({"parameters": {"footer": [{"name": "n", "value": 3}]}})), "parameters.footer[0].value", "'parameters.footer[0].value' must be a string"),
        // OneTalk cases.
        (OnetalkGetUpdatedCases, json!({}), "since_timestamp", "Since timestamp is required"),
        (OnetalkGetUpdatedCases, json!({"since_timestamp": "yesterday"}), "since_timestamp", "Since timestamp is invalid"),
        (OnetalkGetUpdatedCases, json!({"since_timestamp": -1}), "since_timestamp", "Since timestamp is invalid"),
        (OnetalkGetUpdatedCases, json!({"since_timestamp": 0, "limit": 0}), "limit", "Limit is invalid: use 1 to 100"),
        (OnetalkGetUpdatedCases, json!({"since_timestamp": 0, "limit": 101}), "limit", "Limit is invalid: use 1 to 100"),
        (OnetalkGetUpdatedCases, json!({"since_timestamp": 0, "limit": "10"}), "limit", "Limit must be an integer"),
        (OnetalkUpdateCase, json!({"isJunk": true}), "caseID", "Case ID is required"),
        (OnetalkUpdateCase, json!({"caseID": "00C49D438C", "isJunk": "yes"}), "isJunk", "Is junk must be a boolean (true or false)"),
        (OnetalkUpdateCase, json!({"caseID": "00C49D438C", "agentRemark": null}), "agentRemark", "Agent remark must be a string"),
    ]
}

#[test]
fn every_rule_answers_40002_locally_without_touching_the_network() {
    let server = MockServer::answering(json!({}));
    let client = Client::from_json(&config_for(&server.url())).unwrap();
    let mut failures = Vec::new();
    for (op, request, field, message) in cases() {
        let reply: Value =
            serde_json::from_str(client.call(op, &request.to_string()).as_json()).unwrap();
        let expected = json!({"status": 400, "error": {"code": "40002", "message": message, "field": field}, "data": {}});
        if reply != expected {
            failures.push(format!(
                "{} {request}\n  got      {reply}\n  expected {expected}",
                op.name()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rules failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        server.requests().is_empty(),
        "validation must not use the network"
    );
}

#[test]
fn the_pages_examples_pass_validation() {
    let examples = [
        (
            PowertalkSendCustomMessage,
            json!({"messageType": 1001, "body": "Hi, nice to meet you.", "data": "", "filterID": "", "senderXCUserID": "1", "recipientXCUserID": "", "xcRoomID": "6A02C41D"}),
        ),
        (
            PowertalkSendCustomMessage,
            json!({"messageType": 3001, "body": "Custom", "data": {"any": "thing"}, "senderXCUserID": "1", "recipientXCUserID": "6"}),
        ),
        (
            PowertalkSendCustomMessage,
            json!({"messageType": 1002, "body": "Image", "data": [{"url": "a"}, {"url": "b", "size": 0}], "senderXCUserID": "1", "recipientXCUserID": "6"}),
        ),
        (
            SendtalkSendWhatsapp,
            json!({"phone": "6281212345678", "messageType": "otp", "body": "Your code is 1234"}),
        ),
        (
            OnetalkSendWhatsapp,
            json!({"channelID": "2101081881", "phone": "6281212345678", "messageType": "image", "body": "http://x/y.jpg", "filename": "my-photo.jpg", "caption": "This is the photo.", "withCase": true, "topicID": 1}),
        ),
        (
            OnetalkSendWhatsappTemplate,
            with(ot_template(), json!({"parameters": {"footer": []}})),
        ),
        (
            OnetalkGetUpdatedCases,
            json!({"since_timestamp": 1640367001000_i64, "limit": 100}),
        ),
        (
            OnetalkUpdateCase,
            json!({"caseID": "00C49D438C", "agentRemark": "", "isJunk": false}),
        ),
    ];
    for (op, request) in examples {
        assert_eq!(
            taptalk::validate(op, &request),
            Ok(()),
            "{} {request}",
            op.name()
        );
    }
}

#[test]
fn malformed_request_json_is_refused_with_90002() {
    let client = Client::from_json(&config_for("http://127.0.0.1:9")).unwrap();
    for bad in [
        "",
        "{",
        "[1,2]",
        "\"text\"",
        "null",
        "{\"a\":1}}",
        &"[".repeat(10_000),
    ] {
        let reply = client.call(SendtalkSendWhatsapp, bad);
        assert_eq!((reply.status(), reply.code()), (400, "90002"), "{bad:.40}");
        assert!(
            reply.message().starts_with("The request"),
            "{}",
            reply.message()
        );
    }
}

#[test]
fn an_unconfigured_product_answers_40001_like_a_missing_key_header() {
    let server = MockServer::answering(json!({}));
    let config = json!({"sendtalk": {"base_url": server.url(), "api_key": "k"}});
    let client = Client::from_json(&config.to_string()).unwrap();
    let reply: Value = serde_json::from_str(
        client
            .call(OnetalkUpdateCase, r#"{"caseID": "x"}"#)
            .as_json(),
    )
    .unwrap();
    assert_eq!(
        reply,
        json!({"status": 400, "error": {"code": "40001",
            "message": "Request headers are required (API-Key): onetalk is not configured; add a \"onetalk\" section to the client config",
            "field": ""}, "data": {}})
    );
    let reply = client.call(PowertalkSyncContacts, r#"{"contacts": []}"#);
    assert_eq!(reply.code(), "40001");
    assert!(reply
        .message()
        .starts_with("Request headers are required (Server-Key)"));
    assert!(server.requests().is_empty());
}
