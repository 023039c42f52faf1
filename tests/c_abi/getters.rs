//! The reply getters (`tt_reply_get`, `tt_reply_status`, `tt_reply_ok`) through the real
//! built library: a C table of envelopes and pointers with the exact answer each must give,
//! run under valgrind when it is installed (no errors, no leaks).

use crate::support;

use support::c::{compile, run};

#[test]
fn the_getter_table_gives_every_expected_answer_and_leaks_nothing() {
    let program = compile("tests/c/getters.c", "getters");
    let output = run(&program, &[], true);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(", 0 failed"), "{stdout}");
    let checks: usize = stdout
        .trim()
        .strip_prefix("getters: ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(checks >= 80, "the table ran: {stdout}");
}
