//! The C layer as C users get it: programs that include `include/taptalk.h`, link the built
//! `libtaptalk.so`, and run against a local server (under valgrind when it is installed).

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;
use support::MockServer;

/// `target/<profile>/deps`, where `cargo test` builds `libtaptalk.so` alongside this test.
/// (The copy one level up is refreshed only by `cargo build`, so it may be stale here.)
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().to_path_buf();
    assert!(
        dir.join("libtaptalk.so").exists(),
        "libtaptalk.so not found in {}",
        dir.display()
    );
    dir
}

fn compile(source: &str, name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let lib = lib_dir();
    let status = Command::new("gcc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pthread", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join(source))
        .arg("-L")
        .arg(&lib)
        .arg("-ltaptalk")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("gcc is installed");
    assert!(status.success(), "gcc failed for {source}");
    out
}

fn has_valgrind() -> bool {
    std::env::var_os("TAPTALK_NO_VALGRIND").is_none()
        && Command::new("valgrind").arg("--version").output().is_ok()
}

/// Runs `program`, under valgrind memcheck when available: any error or definite/indirect
/// leak fails the run with exit code 99.
fn run(program: &Path, args: &[&str], memcheck: bool) -> Output {
    let output = if memcheck && has_valgrind() {
        Command::new("valgrind")
            .args([
                "--error-exitcode=99",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect",
                "--show-leak-kinds=definite,indirect",
                "--quiet",
            ])
            .arg(program)
            .args(args)
            .output()
    } else {
        Command::new(program).args(args).output()
    }
    .unwrap();
    assert!(
        output.status.success(),
        "{} failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
        program.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn the_c_example_sends_through_every_operation_and_frees_everything() {
    let server = MockServer::answering(json!({"success": true}));
    let program = compile("examples/c/send_all.c", "send_all");
    let output = run(&program, &[&server.url()], true);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("8 of 8 operations answered status 200"),
        "{stdout}"
    );
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let expected: Vec<String> = taptalk::Operation::ALL
        .iter()
        .map(|op| format!("{} {}", op.method().as_str(), op.path()))
        .collect();
    assert_eq!(paths, expected);
    let ua = server.requests()[0]
        .header("user-agent")
        .unwrap()
        .to_owned();
    assert_eq!(ua, format!("taptalk/{} send_all.c/1.0", taptalk::VERSION));
}

#[test]
fn hostile_input_at_the_boundary_gets_envelopes_and_leaks_nothing() {
    let server = MockServer::answering(json!({}));
    let program = compile("tests/c/boundary.c", "boundary");
    let output = run(&program, &[&server.url()], true);
    assert!(String::from_utf8_lossy(&output.stdout).contains("boundary: all checks passed"));
    assert!(
        server.requests().is_empty(),
        "none of these may reach the server"
    );
}

#[test]
fn eight_threads_share_one_client_and_every_send_arrives_exactly_once() {
    let server = MockServer::answering(json!({"success": true}));
    let program = compile("tests/c/concurrency.c", "concurrency");
    run(&program, &[&server.url()], false);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for request in server.requests() {
        *seen
            .entry(request.json()["body"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), 8 * 250, "every send arrived");
    assert!(seen.values().all(|&n| n == 1), "no send arrived twice");
    assert!(
        server.connections() <= 16,
        "keep-alive pooling: {} connections for 2000 sends",
        server.connections()
    );
}
