//! Through a real HTTP proxy: Debian's tinyproxy (`support::tinyproxy`) in front of the
//! sandbox over plain HTTP (forward requests) and over TLS (CONNECT), with and without
//! proxy authentication, and a proxy that is down. (The proxy from the environment is in
//! `tests/process_wide/proxy_env.rs`: environment variables are process-wide.)

use crate::support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use support::sandbox::{client_from, config, start};
use support::tinyproxy::{free_port, Tinyproxy, PASSWORD, USER};
use taptalk::{Client, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig, SandboxTls};

const SEND_PATH: &str = "/api/v1/message/send_whatsapp";

fn sandbox(tls: bool) -> Sandbox {
    start(SandboxConfig {
        tls: tls.then(|| SandboxTls::generate().unwrap()),
        ..SandboxConfig::default()
    })
}

fn client_via(sb: &Sandbox, proxy: &str, attempts: u32) -> Client {
    let mut cfg = config(sb);
    cfg["proxy"] = json!(proxy);
    cfg["connect_timeout_ms"] = json!(3000);
    cfg["retry"] = json!({"max_attempts": attempts, "base_delay_ms": 1, "max_delay_ms": 5});
    client_from(&cfg)
}

fn send(client: &Client) -> Value {
    let reply = client.call_value(
        Operation::SendtalkSendWhatsapp,
        json!({"phone": "6281212345678", "messageType": "text", "body": "via the proxy"}),
    );
    serde_json::from_str(reply.as_json()).unwrap()
}

fn assert_sent(reply: &Value, sb: &Sandbox) {
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["data"]["success"], true, "{reply}");
    let logged = sb.requests();
    assert_eq!(logged.as_array().unwrap().len(), 1, "{logged}");
    assert_eq!(logged[0]["path"], SEND_PATH);
}

fn assert_proxy_error(reply: &Value, message: &str) {
    assert_eq!(
        (&reply["status"], &reply["error"]["code"]),
        (&json!(502), &json!("91011")),
        "{reply}"
    );
    assert_eq!(reply["error"]["message"], message, "{reply}");
    let text = reply.to_string();
    assert!(!text.contains(PASSWORD), "{text}");
}

#[test]
fn plain_http_goes_through_the_proxy_as_a_forward_request() {
    let proxy = Tinyproxy::start(false);
    let sb = sandbox(false);
    let reply = send(&client_via(&sb, &proxy.url(None), 1));
    assert_sent(&reply, &sb);
    let port = sb.local_addr().port();
    assert_eq!(
        proxy.requests(),
        [format!("POST http://127.0.0.1:{port}{SEND_PATH} HTTP/1.1")]
    );
}

#[test]
fn https_goes_through_the_proxy_with_connect() {
    let proxy = Tinyproxy::start(false);
    let sb = sandbox(true);
    let client = client_via(&sb, &proxy.url(None), 1);
    let reply = send(&client);
    assert_sent(&reply, &sb);
    // The sandbox keeps the connection alive: the second call goes through the same tunnel.
    assert_eq!(send(&client)["status"], 200);
    let port = sb.local_addr().port();
    assert_eq!(
        proxy.requests(),
        [format!("CONNECT 127.0.0.1:{port} HTTP/1.1")]
    );
    let log = sb.requests();
    assert_eq!(log[1]["connection_request"], 2, "{log}");
}

#[test]
fn proxy_credentials_open_an_authenticating_proxy_for_http_and_https() {
    let proxy = Tinyproxy::start(true);
    let url = proxy.url(Some((USER, PASSWORD)));
    for tls in [false, true] {
        let sb = sandbox(tls);
        let reply = send(&client_via(&sb, &url, 1));
        assert_sent(&reply, &sb);
    }
    assert_eq!(proxy.requests().len(), 2, "{:?}", proxy.requests());
}

#[test]
fn a_proxy_that_wants_credentials_answers_91011_once_and_nothing_reaches_the_server() {
    let proxy = Tinyproxy::start(true);
    let wrong = proxy.url(Some((USER, "wrong")));
    // tinyproxy answers no credentials with 407 and a wrong password with 401.
    for (tls, url, status) in [
        (false, proxy.url(None), "407 Proxy Authentication Required"),
        (true, proxy.url(None), "407 Proxy Authentication Required"),
        (false, wrong.clone(), "401 Unauthorized"),
        (true, wrong, "401 Unauthorized"),
    ] {
        let sb = sandbox(tls);
        let before = proxy.requests().len();
        let reply = send(&client_via(&sb, &url, 3));
        let message = if tls {
            format!("The proxy refused the tunnel to the server: HTTP {status} (check the user and password in proxy); the request was not sent")
        } else {
            let shown = if url.contains('@') {
                "http://***@"
            } else {
                "http://"
            };
            format!("The proxy {shown}127.0.0.1:{} refused the request: HTTP {status} (check the user and password in proxy); the request was not sent", proxy.port)
        };
        assert_proxy_error(&reply, &message);
        assert_eq!(
            proxy.requests().len(),
            before + 1,
            "refused once, not retried"
        );
        assert_eq!(sb.requests(), json!([]), "the server saw nothing");
    }
}

#[test]
fn a_proxy_that_is_down_answers_91011_and_counts_as_nothing_sent() {
    let sb = sandbox(true);
    let port = free_port();
    let reply = send(&client_via(
        &sb,
        &format!("http://{USER}:{PASSWORD}@127.0.0.1:{port}"),
        3,
    ));
    assert_proxy_error(
        &reply,
        &format!("Could not connect to the proxy http://***@127.0.0.1:{port} (connection refused); the request was not sent (after 3 attempts)"),
    );
    assert_eq!(
        reply["data"]["attempts"], 3,
        "a send is repeated: it never left"
    );
    assert_eq!(sb.requests(), json!([]));
}

#[test]
fn a_proxy_that_cannot_reach_the_server_answers_91011() {
    let proxy = Tinyproxy::start(false);
    let closed = free_port();
    let mut cfg = json!({"sendtalk": {"base_url": format!("https://127.0.0.1:{closed}"),
                                      "api_key": "k"},
                         "proxy": proxy.url(None), "retry": {"max_attempts": 2, "base_delay_ms": 1}});
    cfg["tls"] = json!({});
    let reply = send(&client_from(&cfg));
    assert_proxy_error(
        &reply,
        "The proxy refused the tunnel to the server: HTTP 500 Internal Server Error; the request was not sent (after 2 attempts)",
    );
    assert_eq!(
        proxy.requests().len(),
        2,
        "a 5xx from the proxy may heal: repeated"
    );
}

#[test]
fn proxy_credentials_never_reach_an_envelope_a_log_line_or_debug() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    taptalk::set_logger(
        Some(Arc::new(move |_level, _target: &str, line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        })),
        taptalk::level::TRACE,
    );
    let sb = sandbox(false);
    let down = format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", free_port());
    let reply = send(&client_via(&sb, &down, 2));
    taptalk::set_logger(None, 0);
    assert_eq!(reply["error"]["code"], "91011");
    let mut cfg = config(&sb);
    cfg["proxy"] = json!(down);
    let parsed = taptalk::Config::from_json(&cfg.to_string()).unwrap();
    let debug = format!("{parsed:?}");
    let lines = lines.lock().unwrap().join("\n");
    assert!(!lines.is_empty(), "the attempts were logged");
    let encoded = "YWxpY2U6cHIweHktczNjcmV0"; // base64("alice:pr0xy-s3cret")
    for text in [reply.to_string(), lines, debug] {
        assert!(
            !text.contains(PASSWORD) && !text.contains(encoded),
            "{text}"
        );
    }
}

/// `no_proxy` (a list, or one comma-separated string like `NO_PROXY`) sends the hosts it
/// names straight to the server, over plain http and over https; other hosts still go
/// through the proxy.
#[test]
fn hosts_in_no_proxy_are_reached_directly() {
    let proxy = Tinyproxy::start(false);
    let client_for = |sb: &Sandbox, no_proxy: Value| {
        let mut cfg = config(sb);
        cfg["proxy"] = json!(proxy.url(None));
        cfg["no_proxy"] = no_proxy;
        client_from(&cfg)
    };
    let mut through_proxy = 0;
    for tls in [false, true] {
        for no_proxy in [
            json!(["localhost", "127.0.0.1"]),
            json!("*.corp.example, 127.0.0.1"),
        ] {
            let sb = sandbox(tls);
            assert_sent(&send(&client_for(&sb, no_proxy)), &sb);
            assert_eq!(
                proxy.requests().len(),
                through_proxy,
                "tls {tls}: {:?}",
                proxy.requests()
            );
        }
        // An entry for other hosts leaves this one going through the proxy.
        let sb = sandbox(tls);
        assert_sent(&send(&client_for(&sb, json!([".corp.example"]))), &sb);
        through_proxy += 1;
        assert_eq!(
            proxy.requests().len(),
            through_proxy,
            "tls {tls}: {:?}",
            proxy.requests()
        );
    }
}

#[test]
fn bad_proxy_settings_are_refused_with_the_key_named() {
    let refused = |extra: Value| {
        let mut cfg = json!({"sendtalk": {"api_key": "k"}});
        for (k, v) in extra.as_object().unwrap() {
            cfg[k] = v.clone();
        }
        let err = taptalk::Config::from_json(&cfg.to_string()).unwrap_err();
        (err.key, err.message)
    };
    let expected = " (expected e.g. http://user:password@host:3128)";
    for (proxy, why) in [
        ("https://proxy.corp:3128", "must be an http:// proxy (the connection to the proxy is plain; HTTPS to the server is tunnelled through it)"),
        ("socks5://proxy.corp:1080", "must be an http:// proxy (the connection to the proxy is plain; HTTPS to the server is tunnelled through it)"),
        ("http://proxy.corp:3128/path", "must not have a path or query"),
        ("http://", "is not a valid URL"),
    ] {
        assert_eq!(
            refused(json!({ "proxy": proxy })),
            ("proxy".to_owned(), format!("proxy {why}{expected}")),
            "{proxy}"
        );
    }
    assert_eq!(refused(json!({"proxy": 3128})).0, "proxy");
    assert_eq!(
        refused(json!({"proxy": "http://p:1", "proxy_from_env": true})).0,
        "proxy_from_env"
    );
    assert_eq!(
        refused(json!({"proxy_from_env": "yes"})).0,
        "proxy_from_env"
    );
    let (key, message) = refused(json!({
        "sendtalk": {"base_url": "http://127.0.0.1:8080", "api_key": "k"},
        "proxy": "http://u:hidden@proxy.corp:3128"}));
    assert_eq!(key, "sendtalk.base_url");
    assert_eq!(message, "sendtalk.base_url uses plain http, which would reach the proxy (http://***@proxy.corp:3128) in clear; use https, or a proxy on this machine");
    // no_proxy: with proxy only, and only host-like entries.
    let expected = r#" (expected e.g. ["localhost", ".corp.example"])"#;
    for (no_proxy, why) in [
        (
            json!(8080),
            "must be a list of hosts or a comma-separated string",
        ),
        (json!(["ok", 1]), "must hold only strings"),
        (
            json!(["evil\r\nhost"]),
            r#"entry "evil\r\nhost" is not a host name, an address or a .domain suffix"#,
        ),
        (
            json!("a.corp, b c"),
            r#"entry "b c" is not a host name, an address or a .domain suffix"#,
        ),
    ] {
        assert_eq!(
            refused(json!({"proxy": "http://p:1", "no_proxy": no_proxy})),
            ("no_proxy".to_owned(), format!("no_proxy {why}{expected}")),
        );
    }
    assert_eq!(
        refused(json!({"no_proxy": ["localhost"]})),
        (
            "no_proxy".to_owned(),
            "no_proxy has no effect without proxy".to_owned()
        )
    );
    assert_eq!(
        refused(json!({"no_proxy": "localhost", "proxy_from_env": true})),
        ("no_proxy".to_owned(), "no_proxy goes with proxy; with proxy_from_env the NO_PROXY variable gives the exclusions".to_owned())
    );
    // A plain-http host in no_proxy never reaches the proxy, so it is not refused.
    let config = taptalk::Config::from_json(
        r#"{"sendtalk": {"base_url": "http://127.0.0.1:8080", "api_key": "k"},
            "proxy": "http://proxy.corp:3128", "no_proxy": "localhost,127.0.0.1"}"#,
    )
    .unwrap();
    assert!(config.proxy.is_some());
    // A scheme-less proxy is taken as http://, as curl and ureq do.
    let config =
        taptalk::Config::from_json(r#"{"sendtalk": {"api_key": "k"}, "proxy": "proxy.corp:3128"}"#)
            .unwrap();
    assert_eq!(config.proxy.unwrap().to_string(), "http://proxy.corp:3128");
}
