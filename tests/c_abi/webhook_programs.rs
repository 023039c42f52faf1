//! The webhook receivers users build in C and C++: `examples/c/webhook_handler.c` served
//! over real sockets, and `include/taptalk.hpp`'s `taptalk::webhooks` from a C++17 program.

use std::path::Path;

use super::webhook::{sample, SECRET};

/// `examples/c/webhook_handler.c` as a user runs it: a plain C HTTP server answering each
/// webhook with the envelope's status (under valgrind when installed).
#[test]
fn the_plain_c_handler_answers_each_webhook_and_reports_its_event() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::process::{Command, Stdio};

    let program = crate::support::c::compile("examples/c/webhook_handler.c", "webhook_handler");
    let mut command = if crate::support::c::has_valgrind() {
        let mut c = Command::new("valgrind");
        c.args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--quiet",
        ]);
        c.arg(&program);
        c
    } else {
        Command::new(&program)
    };
    let mut child = command
        .args(["0", "5"])
        .env("TAPTALK_CHATBOT_SECRET", SECRET)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let address = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_owned();
    let post = |path: &str, headers: &str, body: &[u8]| -> u16 {
        let mut stream = TcpStream::connect(&address).unwrap();
        let head = format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n", body.len());
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply[9..12].parse().unwrap()
    };
    let secret = format!("X-Secret-Key: {SECRET}\r\n");
    assert_eq!(
        post(
            "/taptalk/webhook",
            "",
            &sample("onetalk_integration_message_status.json")
        ),
        200
    );
    assert_eq!(
        post(
            "/taptalk/webhook",
            "",
            &sample("onetalk_case_resolved.json")
        ),
        200
    );
    assert_eq!(
        post("/taptalk/chatbot", &secret, &sample("chatbot_text.json")),
        200
    );
    assert_eq!(
        post(
            "/taptalk/chatbot",
            "X-Secret-Key: forged\r\n",
            &sample("chatbot_text.json")
        ),
        401
    );
    assert_eq!(
        post(
            "/taptalk/webhook",
            "",
            b"{\"type\": \"a\", \"type\": \"b\"}"
        ),
        400
    );
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    assert_eq!(
        rest.lines().collect::<Vec<_>>(),
        [
            "event onetalk integration_message_status onetalk:integration_message_status:000000-0000-0000-0000-000000:acknowledge|delivered|read|failed",
            "event onetalk case_resolved onetalk:case_resolved:958CCF3BB6",
            "event chatbot message chatbot:message:wamid.HBgNNjI...",
            "refused 401 93002",
            "refused 400 93004",
        ]
    );
}

/// `taptalk::webhooks` of `include/taptalk.hpp`, from a C++17 program built with
/// `-Wall -Wextra -Werror -pedantic`, with and without exceptions.
#[test]
fn the_cpp_wrapper_reads_every_callback_through_typed_views() {
    use std::process::Command;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    for (name, extra) in [
        ("webhooks_cpp", None),
        ("webhooks_cpp_noexcept", Some("-fno-exceptions")),
    ] {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let status = Command::new("g++")
            .args([
                "-std=c++17",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-g",
            ])
            .args(extra)
            .arg("-I")
            .arg(root.join("include"))
            .arg(root.join("tests/cpp/webhooks.cpp"))
            .arg("-L")
            .arg(&lib)
            .arg("-ltaptalk")
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-o")
            .arg(&out)
            .status()
            .expect("g++ is installed");
        assert!(status.success(), "g++ failed ({name})");
        let samples = root.join("tests/data/webhooks");
        let output = crate::support::c::run(&out, &[samples.to_str().unwrap()], true);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("checks, 0 failed"), "{name}: {stdout}");
    }
}
