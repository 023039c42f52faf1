//! `tt_webhook_parse` as C callers get it: every vendor sample payload parses into its
//! callback, type, key and normalised event; each documented type conflict in both forms
//! gives one result; unknown types and fields pass through untouched; wrong, missing and
//! oversized inputs get their codes.

use std::ffi::{c_char, CStr, CString};
use std::path::Path;
use std::ptr;

use serde_json::{json, Value};
use taptalk::c_abi::{tt_string_free, tt_webhook_parse};

pub(crate) const SECRET: &str = "chatbot-secret-0123";

/// Calls the export with each argument as C would pass it (`None`: NULL).
fn call(
    headers: Option<&str>,
    body: Option<&[u8]>,
    secret: Option<&str>,
    options: Option<&str>,
) -> Value {
    serde_json::from_str(&call_text(headers, body, secret, options)).unwrap()
}

/// The reply's text, for what this test's own serde_json (built with `raw_value`) would
/// misread.
fn call_text(
    headers: Option<&str>,
    body: Option<&[u8]>,
    secret: Option<&str>,
    options: Option<&str>,
) -> String {
    let headers = headers.map(|h| CString::new(h).unwrap());
    let secret = secret.map(|s| CString::new(s).unwrap());
    let options = options.map(|o| CString::new(o).unwrap());
    let ptr_of = |s: &Option<CString>| s.as_ref().map_or(ptr::null(), |s| s.as_ptr());
    let (body_ptr, body_len) = body.map_or((ptr::null(), 0), |b| (b.as_ptr(), b.len()));
    // SAFETY: NUL-terminated strings or NULL, and body_len readable bytes at body_ptr.
    let raw: *mut c_char = unsafe {
        tt_webhook_parse(
            ptr_of(&headers),
            body_ptr,
            body_len,
            ptr_of(&secret),
            ptr_of(&options),
        )
    };
    assert!(!raw.is_null());
    // SAFETY: a fresh string from the library, freed once here.
    let text = unsafe { CStr::from_ptr(raw) }.to_str().unwrap().to_owned();
    unsafe { tt_string_free(raw) };
    text
}

fn parse(body: &[u8], secret: Option<&str>) -> Value {
    let headers = json!({"Content-Type": "application/json", "X-Secret-Key": SECRET}).to_string();
    call(Some(&headers), Some(body), secret, None)
}

fn data(reply: Value) -> Value {
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["error"]["code"], "", "{reply}");
    reply["data"].clone()
}

pub(crate) fn sample(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/webhooks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn refused(reply: &Value) -> (i64, &str, &str) {
    (
        reply["status"].as_i64().unwrap(),
        reply["error"]["code"].as_str().unwrap(),
        reply["error"]["field"].as_str().unwrap(),
    )
}

#[test]
fn every_vendor_sample_parses_into_its_callback_type_and_key() {
    let expected = [
        ("onetalk_integration_message_status.json", "onetalk", "integration_message_status", "onetalk:integration_message_status:000000-0000-0000-0000-000000:acknowledge|delivered|read|failed"),
        ("onetalk_case_resolved.json", "onetalk", "case_resolved", "onetalk:case_resolved:958CCF3BB6"),
        ("chatbot_text.json", "chatbot", "message", "chatbot:message:wamid.HBgNNjI..."),
        ("chatbot_location.json", "chatbot", "message", "chatbot:message:wamid.HBgNNjI4NTE2MzUyMTI5MRUCABIYIDA3OEM0MUFDRTkwMTNERkU5MjYxMTU0NjlGNkU1RTM2AA=="),
        ("chatbot_interactive.json", "chatbot", "message", "chatbot:message:wamid.HBgNNjI..."),
        ("chatbot_video_as_image.json", "chatbot", "message", "chatbot:message:wamid.HBgNNjI..."),
        ("channel_message.json", "channel", "message", "channel:message:sha256:"),
        ("channel_case_closed.json", "channel", "case_closed", "channel:case_closed:FBED34A1EF"),
        ("powertalk_message.json", "powertalk", "message", "powertalk:message:130:1651067084218"),
    ];
    let on_disk =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/webhooks"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json")
            })
            .count();
    assert_eq!(on_disk, expected.len(), "every sample file is checked here");
    for (file, callback, kind, key) in expected {
        let secret = (callback == "chatbot" || callback == "channel").then_some(SECRET);
        let data = data(parse(&sample(file), secret));
        assert_eq!(data["callback"], callback, "{file}");
        assert_eq!(data["type"], kind, "{file}");
        assert_eq!(data["known"], true, "{file}");
        assert_eq!(data["verified"], secret.is_some(), "{file}");
        assert!(
            data["key"].as_str().unwrap().starts_with(key),
            "{file}: {}",
            data["key"]
        );
    }
}

#[test]
fn a_message_status_is_normalised_exactly() {
    let data = data(parse(
        &sample("onetalk_integration_message_status.json"),
        None,
    ));
    assert_eq!(
        data["event"],
        json!({
            "type": "integration_message_status",
            "organizationID": "1111",
            "integrationMessageStatus": {
                "channelID": "0123456",
                "channelType": "whatsapp|whatsappba",
                "contactPhone": "628123456789",
                "reason": "...",
                "status": "acknowledge|delivered|read|failed",
                "timestamp": 1587352926788i64,
                "trxID": "000000-0000-0000-0000-000000"
            }
        })
    );
}

#[test]
fn the_resolved_case_and_the_powertalk_message_read_their_numbers_as_ids_and_times() {
    let case = data(parse(&sample("onetalk_case_resolved.json"), None))["event"].clone();
    assert_eq!(case["organizationID"], "1");
    assert_eq!(case["caseResolved"]["topicID"], "1");
    assert_eq!(case["caseResolved"]["resolvedTime"], 1615305000000i64);
    assert_eq!(case["caseResolved"]["isJunk"], false);
    let message = data(parse(&sample("powertalk_message.json"), None))["event"].clone();
    assert_eq!(message["user"]["userID"], "7");
    assert_eq!(message["type"], 1001);
    assert_eq!(message["room"]["roomID"], "2-7");
    assert_eq!(message["created"], 1651067084218i64);
}

#[test]
fn the_chatbot_message_fills_what_the_examples_leave_out() {
    let event = data(parse(&sample("chatbot_text.json"), Some(SECRET)))["event"].clone();
    assert_eq!(event["message"]["text"], json!({"body": "Hello world"}));
    assert_eq!(
        event["message"]["timestamp"], 0,
        "absent in the examples: not set"
    );
    assert!(
        event["message"].get("image").is_none(),
        "absent sub-objects stay absent"
    );
    let location = data(parse(&sample("chatbot_location.json"), Some(SECRET)))["event"].clone();
    assert_eq!(location["sender"]["customerUserID"], "user:6281234567890");
    assert_eq!(
        location["message"]["location"]["latitude"],
        -6.1972252057581
    );
    let button = data(parse(&sample("chatbot_interactive.json"), Some(SECRET)))["event"].clone();
    assert_eq!(
        button["message"]["whatsappba"]["interactive"]["button_reply"],
        json!({"id": "/agent", "title": "Talk to agent"})
    );
}

/// Each conflict the vendor's own material has, in both of its forms, reads the same.
#[test]
fn each_documented_type_conflict_reads_the_same_in_both_forms() {
    let both = |a: Value, b: Value, secret: Option<&str>| {
        let a = data(parse(a.to_string().as_bytes(), secret));
        let b = data(parse(b.to_string().as_bytes(), secret));
        assert_eq!(a["event"], b["event"]);
        assert_eq!(a["key"], b["key"]);
        a["event"].clone()
    };
    // case_resolved.topicID: a string in the table, a number in the example.
    let case = |topic: Value| json!({"type": "case_resolved", "organizationID": 1, "caseResolved": {"caseID": "C1", "topicID": topic}});
    let event = both(case(json!(1)), case(json!("1")), None);
    assert_eq!(event["caseResolved"]["topicID"], "1");
    // organizationID: an int in the table; a string as every id elsewhere.
    let org = |id: Value| json!({"type": "integration_message_status", "organizationID": id, "integrationMessageStatus": {"trxID": "t", "status": "read"}});
    assert_eq!(
        both(org(json!(1111)), org(json!("1111")), None)["organizationID"],
        "1111"
    );
    // PowerTalk user.userID: a number in the example, a string elsewhere.
    let mut powertalk: Value = serde_json::from_slice(&sample("powertalk_message.json")).unwrap();
    let mut as_string = powertalk.clone();
    as_string["user"]["userID"] = json!("7");
    assert_eq!(
        both(powertalk.clone(), as_string, None)["user"]["userID"],
        "7"
    );
    // The chatbot video: under `video` in the table, under `image` in the example.
    let image: Value = serde_json::from_slice(&sample("chatbot_video_as_image.json")).unwrap();
    let mut video = image.clone();
    let media = video["message"]
        .as_object_mut()
        .unwrap()
        .remove("image")
        .unwrap();
    video["message"]["video"] = media;
    let event = both(image, video, Some(SECRET));
    assert_eq!(
        event["message"]["video"]["url"],
        "https://example.com/video.mp4"
    );
    assert!(event["message"].get("image").is_none());
    // Times: integer milliseconds in the examples; the same as a string or a whole float.
    let status = |at: Value| json!({"type": "integration_message_status", "organizationID": 1, "integrationMessageStatus": {"trxID": "t", "status": "read", "timestamp": at}});
    both(
        status(json!(1587352926788i64)),
        status(json!("1587352926788")),
        None,
    );
    both(
        status(json!(1587352926788i64)),
        status(json!(1.587352926788e12)),
        None,
    );
    // PowerTalk data: a JSON string as documented, or the object itself.
    powertalk["data"] = json!("{\"url\":\"https://x\"}");
    let mut object = powertalk.clone();
    object["data"] = json!({"url": "https://x"});
    both(powertalk, object, None);
}

#[test]
fn unknown_types_and_fields_pass_through_untouched() {
    let new_type = json!({"type": "case_created", "organizationID": 9, "caseCreated": {"caseID": "C9", "weird": [1, {"a": null}]}});
    let data = data(parse(new_type.to_string().as_bytes(), None));
    assert_eq!(
        (data["callback"].as_str(), data["type"].as_str()),
        (Some("onetalk"), Some("case_created"))
    );
    assert_eq!(data["known"], false);
    assert_eq!(
        data["event"], new_type,
        "not even organizationID is touched"
    );
    assert!(data["key"]
        .as_str()
        .unwrap()
        .starts_with("onetalk:case_created:sha256:"));

    let extra = json!({"type": "integration_message_status", "organizationID": 1, "newTop": {"x": 1},
        "integrationMessageStatus": {"trxID": "t", "status": "failed", "reason": "invalid number", "errorCode": 131026}});
    let event = parse(extra.to_string().as_bytes(), None)["data"]["event"].clone();
    assert_eq!(event["newTop"], json!({"x": 1}));
    assert_eq!(event["integrationMessageStatus"]["errorCode"], 131026);
    assert_eq!(
        event["integrationMessageStatus"]["reason"],
        "invalid number"
    );

    let channel_type = json!({"type": "message_deleted", "messageDeleted": {"chatID": "c"}});
    let data = parse(channel_type.to_string().as_bytes(), Some(SECRET))["data"].clone();
    assert_eq!(
        (data["callback"].as_str(), data["known"].as_bool()),
        (Some("channel"), Some(false))
    );
    // serde_json's private hook key is an ordinary key here: it does not become the case.
    let hook = r#"{"type": "case_resolved", "organizationID": 1, "caseResolved": {"$serde_json::private::RawValue": "{\"caseID\": \"X\"}"}}"#;
    let text = call_text(Some("{}"), Some(hook.as_bytes()), None, None);
    assert!(text.contains(r#""caseID":"""#), "{text}");
    assert!(
        text.contains(r#""$serde_json::private::RawValue":"{\"caseID\": \"X\"}""#),
        "{text}"
    );
}

#[test]
fn the_key_is_the_same_for_a_repeat_and_differs_per_status() {
    let status = |spacing: &str, status: &str| {
        format!(
            r#"{{"type":"integration_message_status",{spacing}"organizationID":1,"integrationMessageStatus":{{"trxID":"T-9","status":"{status}","timestamp":1}}}}"#
        )
    };
    let key = |text: String| data(parse(text.as_bytes(), None))["key"].clone();
    assert_eq!(key(status("", "read")), key(status("\n  ", "read")));
    assert_ne!(key(status("", "read")), key(status("", "delivered")));
    let channel = |chat: &str| {
        json!({"type": "message", "message": {"chatID": chat, "type": "text", "text": {"body": "hi"}}}).to_string()
    };
    let hashed = |text: String| data(parse(text.as_bytes(), Some(SECRET)))["key"].clone();
    assert_eq!(hashed(channel("c1")), hashed(channel("c1")));
    assert_ne!(hashed(channel("c1")), hashed(channel("c2")));
}

#[test]
fn a_missing_or_wrong_secret_is_refused_and_never_echoed() {
    let body = sample("chatbot_text.json");
    let with = |headers: Value| call(Some(&headers.to_string()), Some(&body), Some(SECRET), None);
    assert_eq!(refused(&with(json!({}))), (401, "93001", "X-Secret-Key"));
    assert_eq!(
        refused(&with(json!({"X-Secret-Key": ""}))),
        (401, "93001", "X-Secret-Key")
    );
    let wrong = with(json!({"X-Secret-Key": "guess-1234"}));
    assert_eq!(refused(&wrong), (401, "93002", "X-Secret-Key"));
    assert!(!wrong.to_string().contains("guess-1234") && !wrong.to_string().contains(SECRET));
    assert_eq!(
        refused(&with(json!({"X-Secret-Key": [SECRET, SECRET]}))),
        (401, "93002", "X-Secret-Key")
    );
    assert_eq!(
        refused(&with(
            json!({"x-secret-key": SECRET, "X-SECRET-KEY": "other"})
        )),
        (401, "93002", "X-Secret-Key")
    );
    assert_eq!(with(json!({"x-secret-key": SECRET}))["status"], 200);
    // A chatbot or channel body without a secret to check it against is not trusted.
    let unchecked = call(Some("{}"), Some(&body), None, None);
    assert_eq!(refused(&unchecked), (500, "93003", "X-Secret-Key"));
    let closed = sample("channel_case_closed.json");
    assert_eq!(
        refused(&call(Some("{}"), Some(&closed), None, None)).1,
        "93003"
    );
    // A secret given for the organisation webhook is checked too.
    let status = sample("onetalk_integration_message_status.json");
    assert_eq!(
        refused(&call(Some("{}"), Some(&status), Some(SECRET), None)).1,
        "93001"
    );
}

#[test]
fn bodies_that_are_not_one_json_object_are_refused_without_quoting_them() {
    let code = |body: &[u8]| {
        let reply = parse(body, None);
        assert!(!reply.to_string().contains("sEnSiTiVe"), "{reply}");
        (
            reply["status"].as_i64().unwrap(),
            reply["error"]["code"].as_str().unwrap().to_owned(),
        )
    };
    let invalid = (400, "93004".to_owned());
    assert_eq!(code(b""), invalid);
    assert_eq!(code(b"  \n"), invalid);
    assert_eq!(code(b"{\"type\": \"sEnSiTiVe"), invalid);
    assert_eq!(code(b"not json sEnSiTiVe"), invalid);
    assert_eq!(code(b"[1, 2]"), invalid);
    assert_eq!(code(b"\"sEnSiTiVe\""), invalid);
    assert_eq!(code(b"{\"type\": \"case_resolved\"}\0"), invalid);
    assert_eq!(code(b"{\"type\": \"a\xff\"}"), invalid);
    assert_eq!(code("{\"a\": 1, \"a\": 2}".as_bytes()), invalid);
    let duplicate = parse(br#"{"type":"case_resolved","organizationID":1,"caseResolved":{"sEnSiTiVe":1,"sEnSiTiVe":2}}"#, None);
    assert!(duplicate["error"]["message"]
        .as_str()
        .unwrap()
        .contains("twice"));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(code(deep.as_bytes()), invalid);
    assert_eq!(
        code(br#"{"hello": "sEnSiTiVe"}"#),
        (400, "93006".to_owned())
    );
    let bad_field = parse(br#"{"type": "integration_message_status", "organizationID": 1, "integrationMessageStatus": {"status": 7}}"#, None);
    assert_eq!(
        refused(&bad_field),
        (400, "93007", "integrationMessageStatus.status")
    );
    let bad_time = parse(
        br#"{"type": "case_resolved", "caseResolved": {"createdTime": "sEnSiTiVe"}}"#,
        None,
    );
    assert_eq!(
        refused(&bad_time),
        (400, "93007", "caseResolved.createdTime")
    );
}

#[test]
fn an_oversized_body_is_refused_before_anything_else() {
    let body = sample("onetalk_case_resolved.json");
    let small = json!({"max_body_bytes": body.len() - 1}).to_string();
    let reply = call(Some("{}"), Some(&body), Some(SECRET), Some(&small));
    assert_eq!(refused(&reply), (413, "93005", ""));
    let exact = json!({"max_body_bytes": body.len()}).to_string();
    assert_eq!(
        call(Some("{}"), Some(&body), None, Some(&exact))["status"],
        200
    );
    // The default limit is 1 MiB.
    let mut big = br#"{"type": "case_resolved", "pad": ""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    big.extend(br#""}"#);
    assert_eq!(
        refused(&call(Some("{}"), Some(&big), None, None)).1,
        "93005"
    );
}

#[test]
fn wrong_arguments_get_the_boundary_codes() {
    let body = sample("onetalk_case_resolved.json");
    assert_eq!(refused(&call(None, Some(&body), None, None)).1, "90001");
    assert_eq!(
        refused(&call(Some("[]"), Some(&body), None, None)),
        (400, "90002", "headers_json")
    );
    assert_eq!(
        refused(&call(Some("{\"a\": 1}"), Some(&body), None, None)),
        (400, "90002", "headers_json")
    );
    assert_eq!(
        refused(&call(
            Some("{\"a\": \"1\", \"a\": \"2\"}"),
            Some(&body),
            None,
            None
        ))
        .1,
        "90002"
    );
    assert_eq!(
        refused(&call(Some("{"), Some(&body), None, None)).1,
        "90002"
    );
    assert_eq!(
        refused(&call(Some("{}"), Some(&body), Some(""), None)),
        (400, "90001", "secret")
    );
    assert_eq!(
        refused(&call(Some("{}"), Some(&body), None, Some("{\"max\": 1}"))),
        (400, "90003", "max")
    );
    assert_eq!(
        refused(&call(
            Some("{}"),
            Some(&body),
            None,
            Some("{\"max_body_bytes\": 0}")
        )),
        (400, "90003", "max_body_bytes")
    );
    assert_eq!(refused(&call(Some("{}"), None, None, None)).1, "93004");
    // SAFETY: NULL body with a non-zero length is refused before it is read.
    let raw = unsafe { tt_webhook_parse(c"{}".as_ptr(), ptr::null(), 5, ptr::null(), ptr::null()) };
    let reply: Value =
        serde_json::from_str(unsafe { CStr::from_ptr(raw) }.to_str().unwrap()).unwrap();
    unsafe { tt_string_free(raw) };
    assert_eq!(refused(&reply), (400, "90001", "body"));
}
