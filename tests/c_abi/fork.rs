//! Fork safety from C (issue 18): a pre-fork server's parent keeps four threads calling on
//! one client while it forks, parent and children call on the same client, and every reply
//! is checked against the caller's own data: none crossed between processes, no child
//! stalled (`tests/c/fork.c`). The sandbox keeps connections alive, so the parent's pool
//! holds connections at every fork.

use crate::support;

use taptalk_sandbox::{Sandbox, SandboxConfig};

#[test]
fn forked_children_never_read_the_parents_replies_and_never_stall() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
    let program = support::c::compile("tests/c/fork.c", "fork");
    let config = sb.client_config();
    let key = |name: &str| config["powertalk"][name].as_str().unwrap().to_owned();
    let output = support::c::run(
        &program,
        &[
            &sb.url(),
            &key("server_key_id"),
            &key("server_key_secret"),
            "40",
        ],
        false,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("fork: 40 rounds, 0 crossed, 0 stalled, 0 failed calls"),
        "{stdout}"
    );
}
