//! The platform certificate verifier (`tt_set_tls_verifier`) as C users get it:
//! `tests/c/verifier.c` links the built library and talks HTTPS to the sandbox with callbacks
//! that trust only the sandbox's leaf, reject with a reason, answer garbage, or trust anything
//! (against a certificate for another name); under valgrind when installed (leaks and memory
//! errors; see `run_tls`).

use crate::support;

use base64::Engine;
use serde_json::Value;
use support::c::{compile, run_tls};
use support::sandbox::start;
use taptalk_sandbox::{Sandbox, SandboxConfig, SandboxTls, TestCa, Validity};

fn https_sandbox(tls: SandboxTls) -> Sandbox {
    start(SandboxConfig {
        tls: Some(tls),
        delivery_delay: std::time::Duration::ZERO,
        ..SandboxConfig::default()
    })
}

/// The DER bytes of the first certificate in a PEM text.
fn first_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[test]
fn a_c_verifier_decides_chain_trust_and_the_library_still_checks_the_name() {
    let tls = SandboxTls::generate().unwrap();
    let leaf = first_der(&tls.cert_chain_pem);
    let sb = https_sandbox(tls);
    let ca = TestCa::generate("another CA").unwrap();
    let wrong_name = https_sandbox(ca.issue(&["api.example.com"], Validity::Current).unwrap());
    let leaf_file =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verifier-sandbox-leaf.der");
    std::fs::write(&leaf_file, leaf).unwrap();

    let program = compile("tests/c/verifier.c", "verifier");
    let output = run_tls(
        &program,
        &[&sb.url(), leaf_file.to_str().unwrap(), &wrong_name.url()],
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(", 0 failed"), "{stdout}");
    assert!(
        stdout.starts_with("verifier: 2"),
        "every check ran: {stdout}"
    );

    // The trusted sends arrived, each once (1 + 4 threads x 4 + 1); the rejected ones never
    // left the process, so the sandbox saw no other request.
    let requests = sb.requests();
    let requests = requests.as_array().unwrap();
    assert_eq!(requests.len(), 18, "{requests:?}");
    assert!(requests
        .iter()
        .all(|r| r["operation"] == "sendtalk_send_whatsapp" && r["status"] == 200));
    assert_eq!(wrong_name.requests(), Value::Array(vec![]));
}
