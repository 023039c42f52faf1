//! Host names from C, counted for real (`tests/c/resolution.c` counts the library's
//! `getaddrinfo` and `pthread_create` calls by defining both): a name is looked up once
//! across many calls, again after the cache time, again when its cached address stops
//! answering, and for every call with `dns_cache_ms` 0; no thread is created per call; and a
//! name that cannot resolve (a network namespace with only loopback) is "not sent", so a
//! send is retried (issue 23 item 1, issue 24).
//!
//! The names come from an `/etc/hosts` of the test's own, bind-mounted in a mount namespace
//! (`unshare -rm`), so the system's real resolver path (glibc's `files` source) is used,
//! and the address behind a name can change during a test.

use crate::support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use taptalk_sandbox::{Sandbox, SandboxConfig};

/// Resolved through the test's own /etc/hosts. "localhost", since plain http (what these
/// tests speak to the sandbox) is allowed only to this machine: glibc's `files` source has
/// no built-in answer for it, so the file decides, as for any name.
const NAME: &str = "localhost";

/// Compiled once for all the tests here (they run in parallel).
fn program() -> PathBuf {
    static PROGRAM: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PROGRAM
        .get_or_init(|| support::c::compile("tests/c/resolution.c", "resolution"))
        .clone()
}

#[test]
fn a_name_that_cannot_resolve_is_not_sent_and_a_send_is_retried() {
    let output = Command::new("unshare")
        .env("LD_LIBRARY_PATH", support::c::library_path())
        .args(["-rn"])
        .arg(program())
        .arg("unresolvable")
        .output()
        .expect("unshare (util-linux) runs the program in a network namespace");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let replies: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(replies.len(), 2, "{stdout}");
    for reply in &replies {
        assert_eq!(reply["status"], 503, "{reply}");
        assert_eq!(reply["error"]["code"], "91002", "{reply}");
        assert_eq!(
            reply["data"]["attempts"], 3,
            "retried: nothing left: {reply}"
        );
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(
            message
                .starts_with("The server's host name could not be resolved (nonexistent.invalid: "),
            "{message}"
        );
    }
}

/// A `resolution session` running in a mount namespace whose /etc/hosts is `hosts`.
struct Session {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

/// What one `call N` reported.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    local: u32,
    lookups: u32,
    threads: u32,
}

impl Session {
    fn start(hosts: &Path, port: u16, dns_cache_ms: u64) -> Session {
        let mut child = Command::new("unshare")
            .env("LD_LIBRARY_PATH", support::c::library_path())
            .args(["-rm", "sh", "-c"])
            .arg(r#"mount --bind "$1" /etc/hosts && exec "$2" session "$3" "$4""#)
            .arg("sh")
            .arg(hosts)
            .arg(program())
            .arg(format!("http://{NAME}:{port}"))
            .arg(dns_cache_ms.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("unshare (util-linux) runs the program in a mount namespace");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Session {
            child,
            input,
            output,
        }
    }

    fn call(&mut self, n: u32) -> Counts {
        writeln!(self.input, "call {n}").unwrap();
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        let field = |name: &str| -> u32 {
            line.split_whitespace()
                .find_map(|part| part.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("no {name} in {line:?}"))
                .parse()
                .unwrap()
        };
        assert_eq!(field("calls"), n, "{line}");
        Counts {
            local: field("local"),
            lookups: field("lookups"),
            threads: field("threads"),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = writeln!(self.input, "quit");
        let _ = self.child.wait();
    }
}

fn hosts_file(name: &str, ip: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    write_hosts(&path, ip);
    path
}

/// Rewrites the file in place (same inode), as the bind mount shows it.
fn write_hosts(path: &Path, ip: &str) {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .unwrap();
    writeln!(file, "{ip} {NAME}").unwrap();
}

fn sandbox_on(ip: &str, port: u16) -> Sandbox {
    Sandbox::start_on(&format!("{ip}:{port}"), SandboxConfig::default()).unwrap()
}

#[test]
fn a_name_is_looked_up_once_then_after_the_cache_time_with_no_thread_per_call() {
    let server = sandbox_on("127.0.0.1", 0);
    let hosts = hosts_file("hosts-cache", "127.0.0.1");
    let mut session = Session::start(&hosts, server.local_addr().port(), 300);

    let first = session.call(1);
    assert_eq!((first.local, first.lookups), (0, 1), "{first:?}");
    let many = session.call(50);
    assert_eq!(
        many,
        Counts {
            local: 0,
            lookups: 1,
            threads: first.threads
        },
        "50 calls: no lookup, no thread"
    );
    std::thread::sleep(Duration::from_millis(400));
    let later = session.call(1);
    assert_eq!(
        later,
        Counts {
            local: 0,
            lookups: 2,
            threads: first.threads
        },
        "after the cache time: one lookup, on the thread already there"
    );
}

#[test]
fn a_cached_address_that_stops_answering_is_looked_up_again_before_giving_up() {
    let old = sandbox_on("127.0.0.2", 0);
    let port = old.local_addr().port();
    let hosts = hosts_file("hosts-moved", "127.0.0.2");
    let mut session = Session::start(&hosts, port, 60_000);
    assert_eq!(session.call(1).lookups, 1);

    // The service moves: the name now points elsewhere, and the old address refuses.
    write_hosts(&hosts, "127.0.0.1");
    let new = sandbox_on("127.0.0.1", port);
    drop(old);
    let moved = session.call(1);
    assert_eq!((moved.local, moved.lookups), (0, 2), "{moved:?}");
    assert_eq!(new.requests().as_array().unwrap().len(), 1);
    // And the new answer is what is cached now.
    assert_eq!(session.call(5).lookups, 2);
}

#[test]
fn with_the_cache_off_every_call_looks_up_on_the_same_thread() {
    let server = sandbox_on("127.0.0.1", 0);
    let hosts = hosts_file("hosts-uncached", "127.0.0.1");
    let mut session = Session::start(&hosts, server.local_addr().port(), 0);
    let first = session.call(1);
    let next = session.call(10);
    assert_eq!(
        next,
        Counts {
            local: 0,
            lookups: first.lookups + 10,
            threads: first.threads
        }
    );
}
