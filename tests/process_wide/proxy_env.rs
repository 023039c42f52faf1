//! The proxy from the environment (`proxy_from_env`): read only when asked, `NO_PROXY`
//! honoured, a bad variable refused without its credentials. Environment variables are
//! process-wide, so this runs in the binary whose tests take turns.

use serde_json::{json, Value};
use taptalk::{Client, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig, SandboxTls};

use crate::support::sandbox::{client_from, config, start};
use crate::support::tinyproxy::Tinyproxy;

/// The sandbox over TLS: `HTTPS_PROXY` is about https URLs.
fn sandbox() -> Sandbox {
    start(SandboxConfig {
        tls: Some(SandboxTls::generate().unwrap()),
        ..SandboxConfig::default()
    })
}

fn send(client: &Client) -> Value {
    let reply = client.call_value(
        Operation::SendtalkSendWhatsapp,
        json!({"phone": "6281212345678", "messageType": "text", "body": "via the proxy"}),
    );
    serde_json::from_str(reply.as_json()).unwrap()
}

/// The environment is read only on request. One test, since the variables are global.
#[test]
fn the_environment_is_used_only_when_proxy_from_env_is_set() {
    let _turn = crate::take_turn();
    let proxy = Tinyproxy::start(false);
    let sb = sandbox();
    std::env::set_var("HTTPS_PROXY", proxy.url(None));
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    // Not asked: straight to the server.
    assert_eq!(send(&client_from(&config(&sb)))["status"], 200);
    assert_eq!(proxy.requests().len(), 0, "{:?}", proxy.requests());

    let mut opted_in = config(&sb);
    opted_in["proxy_from_env"] = json!(true);
    assert_eq!(send(&client_from(&opted_in))["status"], 200);
    assert_eq!(proxy.requests().len(), 1);

    std::env::set_var("NO_PROXY", "localhost,127.0.0.1");
    assert_eq!(send(&client_from(&opted_in))["status"], 200);
    assert_eq!(proxy.requests().len(), 1, "NO_PROXY is honoured");

    std::env::set_var("HTTPS_PROXY", "socks5://u:hidden@127.0.0.1:1");
    let err = taptalk::Config::from_json(&opted_in.to_string()).unwrap_err();
    assert_eq!(err.key, "proxy_from_env");
    assert!(
        err.message
            .starts_with("HTTPS_PROXY must be an http:// proxy"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("hidden"));
    std::env::remove_var("HTTPS_PROXY");
    std::env::remove_var("NO_PROXY");
    assert_eq!(
        send(&client_from(&opted_in))["status"],
        200,
        "no proxy set: direct"
    );
    assert_eq!(sb.requests().as_array().unwrap().len(), 4);
}
