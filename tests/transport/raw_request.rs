//! Raw requests (`Client::request`, `tt_request`): the exact wire request with the product's
//! key, every refusal before the network, and retries by the read and send rules.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};
use support::{config_for, ok, MockServer, Reply};
use taptalk::{Client, Method, Product};

fn client(url: &str) -> Client {
    Client::from_json(&config_for(url)).unwrap()
}

fn retrying(url: &str, timeout_ms: u64) -> Client {
    let config = json!({"sendtalk": {"base_url": url, "api_key": "k"},
        "onetalk": {"base_url": url, "api_key": "k"}, "timeout_ms": timeout_ms,
        "retry": {"max_attempts": 3, "base_delay_ms": 5, "max_delay_ms": 10, "deadline_ms": 10000}});
    Client::from_json(&config.to_string()).unwrap()
}

fn scripted(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> MockServer {
    let count = Arc::new(AtomicUsize::new(0));
    MockServer::start(move |_| script(count.fetch_add(1, Ordering::SeqCst)))
}

fn parsed(envelope: &taptalk::Envelope) -> Value {
    serde_json::from_str(envelope.as_json()).unwrap()
}

#[test]
fn a_post_goes_out_exactly_as_written_with_the_products_key() {
    let server = MockServer::answering(json!({"isRegistered": true, "message": ""}));
    let body = r#"{"phone": "6281212345678",  "x": [1, 2.50]}"#;
    let reply = client(&server.url()).request(
        Product::SendTalk,
        Method::Post,
        "/api/v1/message/check_whatsapp_phone",
        Some(body),
        None,
    );
    assert_eq!(
        reply.as_json(),
        r#"{"data":{"isRegistered":true,"message":""},"error":{"code":"","field":"","message":""},"status":200}"#
    );
    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v1/message/check_whatsapp_phone");
    assert_eq!(request.query, None);
    assert_eq!(
        request.body,
        body.as_bytes(),
        "the caller's bytes, unchanged"
    );
    assert_eq!(request.header("api-key"), Some("st-API-KEY-123"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("server-key"), None);
    assert_eq!(
        request.header("user-agent"),
        Some(format!("taptalk/{}", taptalk::VERSION).as_str())
    );
}

#[test]
fn a_get_sends_its_query_object_percent_encoded_in_key_order() {
    let server = MockServer::answering(json!({"cases": []}));
    let query =
        r#"{"since_timestamp": 5, "limit": 3, "q": "a b&c=d/é", "flag": true, "skip": null}"#;
    let reply = client(&server.url()).request(
        Product::OneTalk,
        Method::Get,
        "/api/integration/v1/inbox/case/get_updated_list",
        Some(query),
        None,
    );
    assert!(reply.is_success(), "{reply}");
    let request = server.single_request();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.query.as_deref(),
        Some("flag=true&limit=3&q=a%20b%26c%3Dd%2F%C3%A9&since_timestamp=5")
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("api-key"), Some("ot-API-KEY-456"));
}

#[test]
fn powertalk_gets_its_server_key_under_a_base_url_with_a_path_prefix() {
    let server = MockServer::answering(json!({"userID": "42"}));
    let config = json!({"powertalk": {"base_url": format!("{}/prefix/", server.url()),
        "server_key_id": "KEYID", "server_key_secret": "s3cr3t"}});
    let client = Client::from_json(&config.to_string()).unwrap();
    let reply = client.request(
        Product::PowerTalk,
        Method::Post,
        "/v1/server/user/update",
        None,
        None,
    );
    assert_eq!(reply.data(), json!({"userID": "42"}));
    let request = server.single_request();
    assert_eq!(request.path, "/prefix/v1/server/user/update");
    assert_eq!(request.body, b"{}");
    let key = base64::engine::general_purpose::STANDARD.encode("KEYID:s3cr3t");
    assert_eq!(request.header("server-key"), Some(key.as_str()));
}

#[test]
fn refused_requests_never_reach_the_server() {
    let server = MockServer::answering(json!({}));
    let client = client(&server.url());
    let post = |path: &str, body: Option<&str>, options: Option<&str>| {
        parsed(&client.request(Product::SendTalk, Method::Post, path, body, options))
    };
    let expect = |reply: Value, status: i64, code: &str, field: &str| {
        assert_eq!(
            (
                reply["status"].as_i64().unwrap(),
                reply["error"]["code"].as_str().unwrap(),
                reply["error"]["field"].as_str().unwrap()
            ),
            (status, code, field),
            "{reply}"
        );
    };
    for path in [
        "https://evil.example/api",
        "//evil.example/api",
        "evil.example/api",
        "",
        "/api/../../etc",
        "/api/%2e%2e/x",
        "/api/%2E%2e",
        "/api/./x",
        "/api%2fx",
        "/api\\x",
        "/api?x=1",
        "/api#x",
        "/api x",
        "/api\r\nX-Evil: 1",
        "/api\t",
        "/api%00",
        "/api%0A",
        "/\u{e9}",
    ] {
        expect(post(path, None, None), 400, "40002", "path");
    }
    let reply = post("/a//b", None, None);
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The path is refused: it contains '//'"),
        "{reply}"
    );
    expect(post("/api", Some("{"), None), 400, "90002", "body");
    let get = |json: &str| {
        parsed(&client.request(Product::OneTalk, Method::Get, "/api", Some(json), None))
    };
    expect(get("[1]"), 400, "40002", "query");
    expect(get(r#"{"a": {"b": 1}}"#), 400, "40002", "query");
    expect(get(r#"{"a": [1]}"#), 400, "40002", "query");
    expect(get("nope"), 400, "90002", "query");
    expect(post("/api", None, Some("{")), 400, "90003", "");
    expect(post("/api", None, Some("[]")), 400, "90003", "");
    expect(
        post("/api", None, Some(r#"{"retries": 1}"#)),
        400,
        "90003",
        "retries",
    );
    expect(
        post("/api", None, Some(r#"{"safe_to_repeat": "yes"}"#)),
        400,
        "90003",
        "safe_to_repeat",
    );
    expect(
        post("/api", None, Some(r#"{"retry": {"max_attempts": 0}}"#)),
        400,
        "90003",
        "retry.max_attempts",
    );
    let only_sendtalk = Client::from_json(
        &json!({"sendtalk": {"base_url": server.url(), "api_key": "k"}}).to_string(),
    )
    .unwrap();
    let reply = only_sendtalk.request(Product::OneTalk, Method::Get, "/api", None, None);
    expect(parsed(&reply), 400, "40001", "");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

/// Issue 23, item 5: a query too long for a URL names its size instead of "not a valid URL".
#[test]
fn a_query_too_long_for_a_url_is_refused_naming_its_size() {
    let server = MockServer::answering(json!({}));
    let client = client(&server.url());
    let value = "v".repeat(70_000);
    let reply = client.request(
        Product::OneTalk,
        Method::Get,
        "/api",
        Some(&json!({ "q": value }).to_string()),
        None,
    );
    assert_eq!((reply.code(), reply.field()), ("40002", "query"), "{reply}");
    assert!(
        reply.message().starts_with("The URL would be ")
            && reply
                .message()
                .contains("the longest this library can send is 65534 bytes"),
        "{}",
        reply.message()
    );
    // A long query that fits is sent as it is.
    let fits = "v".repeat(60_000);
    let reply = client.request(
        Product::OneTalk,
        Method::Get,
        "/api",
        Some(&json!({ "q": fits }).to_string()),
        None,
    );
    assert!(reply.is_success(), "{}", reply.message());
    assert_eq!(server.single_request().query.unwrap().len(), 60_002);
}

/// Issue 23, item 4: a refused product, method, operation or key is quoted short and
/// escaped, whatever its size or content.
#[test]
fn hostile_values_are_quoted_short_and_escaped_in_messages() {
    use std::ffi::{CStr, CString};
    use taptalk::c_abi::{tt_call, tt_client_free, tt_client_new, tt_request, tt_string_free};
    let config = CString::new(support::config_for("http://127.0.0.1:9")).unwrap();
    // SAFETY: valid strings; the client is freed below.
    let client = unsafe { tt_client_new(config.as_ptr(), std::ptr::null_mut()) };
    assert!(!client.is_null());
    let huge = "p".repeat(1 << 20);
    let crlf = "GET\r\nX-Evil: 1";
    let reply = |raw: *mut std::ffi::c_char| {
        // SAFETY: the library returns a string that only tt_string_free frees.
        let text = unsafe { CStr::from_ptr(raw) }.to_str().unwrap().to_owned();
        unsafe { tt_string_free(raw) };
        serde_json::from_str::<Value>(&text).unwrap()
    };
    let c = |s: &str| CString::new(s).unwrap();
    let (path, product, method) = (c("/api"), c(&huge), c(crlf));
    let cases = [
        // SAFETY (all three): valid strings and a live client.
        reply(unsafe {
            tt_request(
                client,
                product.as_ptr(),
                c("GET").as_ptr(),
                path.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
            )
        }),
        reply(unsafe {
            tt_request(
                client,
                c("sendtalk").as_ptr(),
                method.as_ptr(),
                path.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
            )
        }),
        reply(unsafe { tt_call(client, product.as_ptr(), c("{}").as_ptr(), std::ptr::null()) }),
    ];
    for reply in &cases {
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(
            message.len() < 1_000,
            "{} bytes: {}",
            message.len(),
            &message[..200]
        );
        assert!(
            !message.contains('\r') && !message.contains('\n'),
            "{message}"
        );
    }
    assert!(
        cases[0]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "Unknown product '{}'... (1048576 characters)",
                "p".repeat(40)
            )),
        "{}",
        cases[0]
    );
    assert_eq!(
        cases[1]["error"]["message"],
        "Unknown method 'GET\\r\\nX-Evil: 1' (use GET or POST)"
    );
    // A megabyte of unknown config key: the message quotes 40 characters of it.
    let key = "k".repeat(1 << 20);
    let err = taptalk::Config::from_json(&json!({ key.clone(): 1 }).to_string()).unwrap_err();
    assert!(err.message.len() < 600, "{}", err.message.len());
    // SAFETY: the client came from tt_client_new and no call is running.
    unsafe { tt_client_free(client) };
}

#[test]
fn a_get_is_retried_like_a_read() {
    let server = scripted(|n| match n {
        0 | 1 => {
            Reply::Raw(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec())
        }
        _ => ok(json!({"n": 3})),
    });
    let reply =
        retrying(&server.url(), 2000).request(Product::OneTalk, Method::Get, "/x", None, None);
    assert_eq!(reply.data(), json!({"n": 3}));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_post_is_a_send_never_repeated_once_written_unless_marked_safe() {
    let server = scripted(|n| match n {
        0 => Reply::Reset,
        _ => ok(json!({"ok": true})),
    });
    let client = retrying(&server.url(), 2000);
    let reply = client.request(Product::SendTalk, Method::Post, "/x", Some("{}"), None);
    assert_eq!(reply.code(), "91010", "{reply}");
    assert_eq!(reply.data()["attempts"], 1);
    assert_eq!(server.requests().len(), 1, "a send is not repeated");

    let server = scripted(|n| match n {
        0 => Reply::Reset,
        _ => ok(json!({"ok": true})),
    });
    let client = retrying(&server.url(), 2000);
    let options = Some(r#"{"safe_to_repeat": true}"#);
    let reply = client.request(Product::SendTalk, Method::Post, "/x", Some("{}"), options);
    assert_eq!(reply.data(), json!({"ok": true}), "{reply}");
    assert_eq!(server.requests().len(), 2, "marked safe: retried");

    // Per-call retry options apply: one attempt only.
    let server =
        scripted(|_| Reply::Raw(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n".to_vec()));
    let client = retrying(&server.url(), 2000);
    let options = Some(r#"{"safe_to_repeat": true, "retry": {"max_attempts": 1}}"#);
    let reply = client.request(Product::SendTalk, Method::Post, "/x", None, options);
    assert_eq!((reply.status(), reply.code()), (503, "91008"));
    assert_eq!(server.requests().len(), 1);

    // A timed-out POST is a send whose outcome is unknown.
    let server = scripted(|_| Reply::Delay(Duration::from_millis(600), Box::new(ok(json!({})))));
    let reply =
        retrying(&server.url(), 150).request(Product::SendTalk, Method::Post, "/x", None, None);
    assert_eq!(reply.code(), "91010", "{reply}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn redirects_are_refused_and_non_envelopes_are_reported() {
    let server = MockServer::start(|r| {
        if r.path == "/moved" {
            Reply::Raw(
                b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:1/steal\r\nContent-Length: 0\r\n\r\n"
                    .to_vec(),
            )
        } else {
            Reply::Json("<html>".to_owned())
        }
    });
    let client = client(&server.url());
    let reply = client.request(Product::SendTalk, Method::Get, "/moved", None, None);
    assert_eq!(reply.code(), "91005");
    let reply = client.request(Product::SendTalk, Method::Get, "/html", None, None);
    assert_eq!(reply.code(), "91006");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn log_lines_name_the_request_but_never_the_key_the_query_or_the_phone() {
    let server = MockServer::answering(json!({}));
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    taptalk::set_logger(
        Some(Arc::new(move |_, _, line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        })),
        5,
    );
    let client = client(&server.url());
    client.request(
        Product::SendTalk,
        Method::Post,
        "/log/me",
        Some(r#"{"phone": "6281212345678"}"#),
        None,
    );
    client.request(
        Product::OneTalk,
        Method::Get,
        "/log/get",
        Some(r#"{"phone": "6281299998888"}"#),
        None,
    );
    taptalk::set_logger(None, 0);
    let lines = lines.lock().unwrap().clone();
    let mine: Vec<&String> = lines.iter().filter(|l| l.contains("/log/")).collect();
    assert_eq!(mine.len(), 2, "{lines:?}");
    assert!(
        mine[0].starts_with("sendtalk_request POST /log/me attempt 1/3 to 6281*******78: HTTP 200"),
        "{}",
        mine[0]
    );
    assert!(
        mine[1].starts_with("onetalk_request GET /log/get attempt 1/3 to 6281*******88: HTTP 200"),
        "{}",
        mine[1]
    );
    for line in &lines {
        assert!(
            !line.contains("API-KEY")
                && !line.contains("6281212345678")
                && !line.contains("6281299998888"),
            "{line}"
        );
    }
}
