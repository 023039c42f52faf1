//! `config_json`: defaults, and every refusal naming its key. Keys never leak.

use crate::support;

use serde_json::{json, Value};
use support::{config_for, MockServer};
use taptalk::{Client, Config, Operation};

fn refusal(config: Value) -> (String, String) {
    let error = Config::from_json(&config.to_string()).unwrap_err();
    (error.key, error.message)
}

#[test]
fn defaults_are_the_documented_hosts_and_timeouts() {
    let config =
        Config::from_json(r#"{"sendtalk": {"api_key": "a"}, "onetalk": {"api_key": "b"}}"#)
            .unwrap();
    assert_eq!(
        config.sendtalk.unwrap().base_url,
        "https://sendtalk-api.taptalk.io"
    );
    assert_eq!(
        config.onetalk.unwrap().base_url,
        "https://onetalk-api.taptalk.io"
    );
    assert!(config.powertalk.is_none());
    assert_eq!(config.timeout.as_millis(), 30_000);
    assert_eq!(config.connect_timeout.as_millis(), 10_000);
    assert_eq!(config.dns_cache.as_millis(), 60_000);
    assert_eq!(config.max_response_bytes, 16 * 1024 * 1024);
    let uncached = Config::from_json(r#"{"dns_cache_ms": 0}"#).unwrap();
    assert!(uncached.dns_cache.is_zero());
    for host in [
        "https://x.example.",
        "https://[::1]:8443",
        "https://10.0.0.1",
        "https://a_b.example",
    ] {
        let config = format!(r#"{{"sendtalk": {{"api_key": "a", "base_url": "{host}"}}}}"#);
        assert!(Config::from_json(&config).is_ok(), "{host}");
    }
    assert_eq!(config.user_agent, None);
    // An empty config is valid: every call then answers 40001.
    assert!(Config::from_json("{}").is_ok());
}

#[test]
fn every_bad_setting_is_refused_naming_its_key() {
    let cases = [
        (json!({"sendtalk": {"api_key": "a"}, "timeout": 5}), "timeout", "Unknown config key 'timeout' (known keys here: powertalk, sendtalk, onetalk, chatbot, timeout_ms, connect_timeout_ms, dns_cache_ms, user_agent, max_response_bytes, retry, tls, proxy, no_proxy, proxy_from_env)"),
        (json!({"sendtalk": {"api_key": "a", "apikey": "b"}}), "sendtalk.apikey", "Unknown config key 'sendtalk.apikey' (known keys here: base_url, api_key, headers)"),
        (json!({"sendtalk": "key"}), "sendtalk", "sendtalk must be an object"),
        (json!({"sendtalk": {}}), "sendtalk.api_key", "sendtalk.api_key is required (the sendtalk section is present)"),
        (json!({"onetalk": {"api_key": ""}}), "onetalk.api_key", "onetalk.api_key is required (the onetalk section is present)"),
        (json!({"onetalk": {"api_key": 42}}), "onetalk.api_key", "onetalk.api_key must be a string"),
        (json!({"powertalk": {"server_key_id": "i", "server_key_secret": "s"}}), "powertalk.base_url", "powertalk.base_url is required: PowerTalk has no default host, use your own (e.g. https://your-server.example)"),
        (json!({"powertalk": {"base_url": "https://x.example", "server_key_id": "i"}}), "powertalk.server_key_secret", "powertalk.server_key_secret is required (the powertalk section is present)"),
        (json!({"powertalk": {"base_url": "https://x.example", "server_key_secret": "s"}}), "powertalk.server_key_id", "powertalk.server_key_id is required (the powertalk section is present)"),
        (json!({"powertalk": {"base_url": "https://x.example", "server_key_id": "a:b", "server_key_secret": "s"}}), "powertalk.server_key_id", "powertalk.server_key_id must not contain ':'"),
        (json!({"powertalk": {"base_url": "https://x.example", "server_key_id": "i", "server_key_secret": "s\r\nX-Evil: 1"}}), "powertalk.server_key_secret", "powertalk.server_key_secret contains a line break (CR or LF); remove it"),
        (json!({"sendtalk": {"api_key": "abc\n"}}), "sendtalk.api_key", "sendtalk.api_key contains a line break (CR or LF); remove it"),
        (json!({"sendtalk": {"api_key": "abc\u{7}"}}), "sendtalk.api_key", "sendtalk.api_key contains control or non-ASCII characters; check for copy-paste errors"),
        (json!({"sendtalk": {"api_key": "a"}, "user_agent": "app\r\n"}), "user_agent", "user_agent contains a line break (CR or LF); remove it"),
        (json!({"user_agent": 1}), "user_agent", "user_agent must be a string"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "http://sendtalk-api.taptalk.io"}}), "sendtalk.base_url", "sendtalk.base_url uses plain http to a host that is not this machine; use https (plain http is allowed only to 127.0.0.0/8, ::1 and localhost)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "http://10.0.0.1:8080"}}), "sendtalk.base_url", "sendtalk.base_url uses plain http to a host that is not this machine; use https (plain http is allowed only to 127.0.0.0/8, ::1 and localhost)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "ftp://x.example"}}), "sendtalk.base_url", "sendtalk.base_url must start with https://"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "sendtalk-api.taptalk.io"}}), "sendtalk.base_url", "sendtalk.base_url must start with https://"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "/api"}}), "sendtalk.base_url", "sendtalk.base_url has no host (expected e.g. https://host)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://u:p@x.example"}}), "sendtalk.base_url", "sendtalk.base_url must not contain user:password@; keys go in their own config keys"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://x.example/?a=1"}}), "sendtalk.base_url", "sendtalk.base_url must not contain a query or fragment"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://x .example"}}), "sendtalk.base_url", "sendtalk.base_url is not a valid URL (expected e.g. https://host)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": 5}}), "sendtalk.base_url", "sendtalk.base_url must be a string"),
        (json!({"timeout_ms": 0}), "timeout_ms", "timeout_ms must be a positive whole number"),
        (json!({"timeout_ms": -5}), "timeout_ms", "timeout_ms must be a positive whole number"),
        (json!({"timeout_ms": 1.5}), "timeout_ms", "timeout_ms must be a positive whole number"),
        (json!({"timeout_ms": "30000"}), "timeout_ms", "timeout_ms must be a positive whole number"),
        (json!({"connect_timeout_ms": 0}), "connect_timeout_ms", "connect_timeout_ms must be a positive whole number"),
        (json!({"max_response_bytes": 0}), "max_response_bytes", "max_response_bytes must be a positive whole number"),
        (json!({"dns_cache_ms": -1}), "dns_cache_ms", "dns_cache_ms must be a whole number of at least 0"),
        (json!({"dns_cache_ms": "60000"}), "dns_cache_ms", "dns_cache_ms must be a whole number of at least 0"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://..."}}), "sendtalk.base_url", "sendtalk.base_url has a host that is neither a host name nor an IP address (expected e.g. https://host.example)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://."}}), "sendtalk.base_url", "sendtalk.base_url has a host that is neither a host name nor an IP address (expected e.g. https://host.example)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://a..b"}}), "sendtalk.base_url", "sendtalk.base_url has a host that is neither a host name nor an IP address (expected e.g. https://host.example)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://-x.example"}}), "sendtalk.base_url", "sendtalk.base_url has a host that is neither a host name nor an IP address (expected e.g. https://host.example)"),
        (json!({"sendtalk": {"api_key": "a", "base_url": "https://x!.example"}}), "sendtalk.base_url", "sendtalk.base_url has a host that is neither a host name nor an IP address (expected e.g. https://host.example)"),
    ];
    for (config, key, message) in cases {
        assert_eq!(
            refusal(config.clone()),
            (key.to_owned(), message.to_owned()),
            "{config}"
        );
    }
}

#[test]
fn plain_http_is_allowed_to_loopback_only() {
    for url in [
        "http://127.0.0.1:8080",
        "http://127.9.9.9",
        "http://localhost:1",
        "http://LOCALHOST",
        "http://[::1]:8080",
        "https://example.com",
    ] {
        let config = json!({"sendtalk": {"api_key": "a", "base_url": url}});
        assert!(Config::from_json(&config.to_string()).is_ok(), "{url}");
    }
}

#[test]
fn not_json_or_not_an_object_is_refused() {
    assert_eq!(
        Config::from_json("[]").unwrap_err().message,
        "The config must be a JSON object"
    );
    assert!(Config::from_json("{")
        .unwrap_err()
        .message
        .starts_with("The config is not valid JSON"));
}

#[test]
fn a_refusal_is_an_envelope_with_code_90003() {
    let envelope = Client::from_json(r#"{"timeout_ms": 0}"#).unwrap_err();
    let value: Value = serde_json::from_str(envelope.as_json()).unwrap();
    assert_eq!(
        value,
        json!({"status": 400, "error": {"code": "90003", "message": "timeout_ms must be a positive whole number", "field": "timeout_ms"}, "data": {}})
    );
}

#[test]
fn keys_never_appear_in_debug_output_or_errors() {
    let secrets = [
        "s3cr3t-SECRET",
        "st-API-KEY-123",
        "ot-API-KEY-456",
        support::SERVER_KEY,
    ];
    let server = MockServer::answering(json!({}));
    let config = config_for(&server.url());
    let client = Client::from_json(&config).unwrap();
    let parsed = Config::from_json(&config).unwrap();
    let mut printed = vec![
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{parsed:?}"),
    ];
    // Errors of every kind, including ones quoting the request.
    for &op in Operation::ALL {
        printed.push(client.call(op, "{}").into_json());
        printed.push(client.call(op, "{nope").into_json());
    }
    let bad = json!({"sendtalk": {"api_key": "st-API-KEY-123\n"}, "powertalk": {"base_url": "http://x.example", "server_key_id": "KEYID", "server_key_secret": "s3cr3t-SECRET"}});
    printed.push(Client::from_json(&bad.to_string()).unwrap_err().into_json());
    for text in &printed {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
    }
    assert!(printed[0].contains("<redacted>"));
}
