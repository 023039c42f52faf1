//! `"tls": {"verifier": "platform"}` from Rust (`taptalk::set_chain_verifier`, what
//! `tt_set_tls_verifier` wraps): the config rules, and a verifier that panics, against the
//! sandbox over real TLS. The verifier is process-wide, so these tests take turns.

use crate::support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use support::relay::Relay;
use support::sandbox::{client_from, start};
use taptalk::{set_chain_verifier, Config, Operation};
use taptalk_sandbox::{Sandbox, SandboxConfig, SandboxTls};

fn refused(tls: Value) -> (String, String) {
    let config = json!({"sendtalk": {"api_key": "k"}, "tls": tls});
    let err = Config::from_json(&config.to_string()).unwrap_err();
    (err.key, err.message)
}

#[test]
fn the_platform_verifier_is_required_and_excludes_the_librarys_own_roots() {
    let _turn = crate::take_turn();
    set_chain_verifier(None);
    assert_eq!(
        refused(json!({"verifier": "platform"})),
        ("tls.verifier".to_owned(), "tls.verifier is \"platform\" but no platform verifier is registered: call tt_set_tls_verifier before creating the client (the Java and Swift bindings register theirs)".to_owned())
    );
    set_chain_verifier(Some(Arc::new(|_: &[&[u8]], _: &str| Ok(()))));
    let ca = SandboxTls::generate().unwrap().ca_cert_pem.unwrap();
    for (tls, key) in [
        (json!({"verifier": "platform", "ca_pem": ca}), "tls.ca_pem"),
        (
            json!({"verifier": "platform", "ca_file": "/x.pem"}),
            "tls.ca_file",
        ),
        (
            json!({"verifier": "platform", "built_in_roots": false}),
            "tls.built_in_roots",
        ),
    ] {
        let (field, message) = refused(tls);
        assert_eq!(field, key);
        assert!(
            message.starts_with(&format!(
                "{key} cannot be combined with tls.verifier \"platform\""
            )),
            "{message}"
        );
    }
    assert_eq!(refused(json!({"verifier": "os"})).0, "tls.verifier");
    assert_eq!(refused(json!({"verifier": true})).0, "tls.verifier");
    let config = |tls: Value| {
        Config::from_json(&json!({"sendtalk": {"api_key": "k"}, "tls": tls}).to_string())
            .unwrap()
            .tls
    };
    assert!(config(json!({"verifier": "platform"})).platform_verifier);
    // The default: the bundled roots, or (a build without them) the platform verifier.
    let default = config(json!({}));
    assert_eq!(default.platform_verifier, !cfg!(feature = "bundled-roots"));
    assert_eq!(default.built_in_roots, cfg!(feature = "bundled-roots"));
    // Given CAs: added to the bundled roots, or alone where there are none.
    let given = config(json!({"ca_pem": ca}));
    assert!(!given.platform_verifier);
    assert_eq!(given.built_in_roots, cfg!(feature = "bundled-roots"));
    assert_eq!(given.extra_roots.len(), 1);
    #[cfg(feature = "bundled-roots")]
    {
        let built_in = config(json!({"verifier": "built_in", "ca_pem": ca}));
        assert!(!built_in.platform_verifier && built_in.built_in_roots);
        assert_eq!(built_in.extra_roots.len(), 1);
    }
    set_chain_verifier(None);
}

fn https_sandbox() -> Sandbox {
    start(SandboxConfig {
        tls: Some(SandboxTls::generate().unwrap()),
        delivery_delay: std::time::Duration::ZERO,
        ..SandboxConfig::default()
    })
}

/// One send through a counting relay with the default retry policy (3 attempts).
fn send_through_relay(sb: &Sandbox) -> (Value, usize) {
    let relay = Relay::to(sb.local_addr());
    let config = json!({"sendtalk": {"base_url": relay.url(), "api_key": "sandbox-sendtalk-api-key"},
                        "timeout_ms": 10000, "tls": {"verifier": "platform"},
                        "retry": {"base_delay_ms": 1, "max_delay_ms": 5}});
    let reply = client_from(&config).call_value(
        Operation::SendtalkSendWhatsapp,
        json!({"phone": "6281212345678", "messageType": "text", "body": "hi"}),
    );
    (
        serde_json::from_str(reply.as_json()).unwrap(),
        relay.connections(),
    )
}

#[test]
fn a_verifier_that_panics_rejects_once_and_the_process_lives_on() {
    let _turn = crate::take_turn();
    let sb = https_sandbox();
    set_chain_verifier(Some(Arc::new(
        |_: &[&[u8]], _: &str| -> Result<(), String> { panic!("verifier bug") },
    )));
    let (reply, connections) = send_through_relay(&sb);
    assert_eq!(
        reply,
        json!({"status": 502, "data": {}, "error": {"code": "91004", "field": "",
               "message": "The TLS handshake with the server failed: the server's certificate is not trusted by the platform verifier (the platform verifier failed (panic); treated as not trusted); the request was not sent"}})
    );
    assert_eq!(connections, 1, "a rejected certificate is not retried");
    assert_eq!(sb.requests(), json!([]), "the key never left the process");

    // The same process, a verifier that trusts what it is shown: the send goes through.
    let shown = Arc::new(Mutex::new(Vec::new()));
    let seen = shown.clone();
    set_chain_verifier(Some(Arc::new(move |chain: &[&[u8]], name: &str| {
        seen.lock().unwrap().push((chain.len(), name.to_owned()));
        Ok(())
    })));
    let (reply, _) = send_through_relay(&sb);
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(*shown.lock().unwrap(), vec![(1, "127.0.0.1".to_owned())]);
    assert_eq!(sb.requests().as_array().unwrap().len(), 1);
    set_chain_verifier(None);
}
