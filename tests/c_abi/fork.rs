//! Fork safety from C (issue 18): a pre-fork server's parent keeps four threads calling on
//! one client while it forks, parent and children call on the same client, and every reply
//! is checked against the caller's own data: none crossed between processes, no child
//! stalled (`tests/c/fork.c`). The sandbox keeps connections alive, so the parent's pool
//! holds connections at every fork.

use crate::support;

use taptalk_sandbox::{Sandbox, SandboxConfig};

/// Runs `tests/c/fork.c` against the sandbox with `base_url`; answers its summary line.
fn fork_rounds(sb: &Sandbox, base_url: &str, rounds: u32, dns_cache_ms: u64) -> String {
    static PROGRAM: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let program = PROGRAM.get_or_init(|| support::c::compile("tests/c/fork.c", "fork"));
    let config = sb.client_config();
    let key = |name: &str| config["powertalk"][name].as_str().unwrap().to_owned();
    let output = support::c::run(
        program,
        &[
            base_url,
            &key("server_key_id"),
            &key("server_key_secret"),
            &rounds.to_string(),
            &dns_cache_ms.to_string(),
        ],
        false,
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn forked_children_never_read_the_parents_replies_and_never_stall() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
    let stdout = fork_rounds(&sb, &sb.url(), 40, 60_000);
    assert!(
        stdout.contains("fork: 40 rounds, 0 crossed, 0 stalled, 0 failed calls"),
        "{stdout}"
    );
}

/// By host name with the cache off, every call looks the name up: a child cannot use the
/// parent's resolver threads (they do not exist in it) and must not wait for them.
#[test]
fn a_forked_child_resolves_names_on_threads_of_its_own() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
    let by_name = sb.url().replace("127.0.0.1", "localhost");
    let stdout = fork_rounds(&sb, &by_name, 10, 0);
    assert!(
        stdout.contains("fork: 10 rounds, 0 crossed, 0 stalled, 0 failed calls"),
        "{stdout}"
    );
}
