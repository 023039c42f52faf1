//! The committed C header matches the code and documents every export; every operation of
//! the table has its export (with method and path in its doc comment) and its row in the
//! Python README; every error code is a `TT_ERR_*` constant. (The book's tables of both are
//! generated from the code: `docs.rs`.)

use taptalk::{LocalCode, Operation};

const COMMITTED: &str = include_str!("../../include/taptalk.h");
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/taptalk.h"));
const PYTHON_README: &str = include_str!("../../bindings/python/README.md");

#[test]
fn the_committed_header_is_current() {
    assert!(
        COMMITTED == GENERATED,
        "include/taptalk.h is stale: run `TAPTALK_BLESS_HEADER=1 cargo build` and commit it"
    );
}

/// Each function declaration in the header, with the doc comment above it.
fn declarations() -> Vec<(String, String)> {
    let lines: Vec<&str> = COMMITTED.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("tt_") else { continue };
        if line.starts_with("//") || line.starts_with(' ') || !line.contains('(') {
            continue;
        }
        let name = line[at..].split('(').next().unwrap().to_owned();
        let doc: Vec<&str> = lines[..i]
            .iter()
            .rev()
            .take_while(|l| l.starts_with("//"))
            .copied()
            .collect();
        let doc: Vec<&str> = doc.into_iter().rev().collect();
        found.push((name, doc.join("\n")));
    }
    found
}

#[test]
fn every_export_has_a_doc_comment_in_the_header() {
    let declarations = declarations();
    for (name, doc) in &declarations {
        assert!(!doc.is_empty(), "no doc comment above {name}");
    }
    let fixed = [
        "tt_version",
        "tt_abi_version",
        "tt_client_new",
        "tt_client_free",
        "tt_string_free",
        "tt_call",
        "tt_operations",
        "tt_set_log_callback",
        "tt_set_tls_verifier",
        "tt_request",
        "tt_case_cursor_new",
        "tt_case_cursor_free",
        "tt_case_cursor_next_page",
        "tt_case_cursor_next_case",
        "tt_case_cursor_state",
        "tt_case_cursor_request",
        "tt_case_cursor_feed",
        "tt_reply_ok",
        "tt_reply_status",
        "tt_reply_get",
        "tt_webhook_parse",
        "tt_cancel_new",
        "tt_cancel",
        "tt_cancel_free",
        "tt_call_cancellable",
        "tt_request_cancellable",
        "tt_case_cursor_next_page_cancellable",
        "tt_case_cursor_next_case_cancellable",
        "tt_call_many",
        "tt_call_many_cancellable",
    ];
    assert_eq!(
        declarations.len(),
        fixed.len() + Operation::ALL.len(),
        "the ABI has the fixed functions and one per operation: {declarations:?}"
    );
    for rule in ["tt_string_free", "must not race", "never NULL"] {
        assert!(COMMITTED.contains(rule), "the header must say: {rule}");
    }
}

#[test]
fn every_operation_has_an_export_naming_its_method_and_path() {
    let declarations = declarations();
    for &op in Operation::ALL {
        let export = format!("tt_{}", op.name());
        let Some((_, doc)) = declarations.iter().find(|(name, _)| *name == export) else {
            panic!("{}: no export {export} in the header", op.name());
        };
        let flat = doc.replace("\n// ", " ");
        let wanted = format!("({} {}", op.method().as_str(), op.path());
        assert!(
            flat.contains(&wanted),
            "{export}: its doc must name {wanted}: {doc}"
        );
        assert!(
            taptalk::c_abi::export(op).is_some(),
            "{export}: not in the export table"
        );
    }
}

#[test]
fn every_operation_has_a_row_in_the_python_readme() {
    // The book's operation table is generated from the table itself (tests/repository/docs.rs).
    for &op in Operation::ALL {
        let (product, method) = op.name().split_once('_').unwrap();
        let python = format!("`client.{product}.{method}(");
        assert!(
            PYTHON_README
                .lines()
                .any(|l| l.starts_with('|') && l.contains(&python)),
            "Python README: no row for {python}"
        );
    }
}

#[test]
fn every_error_code_is_a_header_constant() {
    for &code in LocalCode::ALL {
        let constant = format!(" = {},", code.number());
        assert!(
            COMMITTED
                .lines()
                .any(|l| l.trim_start().starts_with("TT_ERR_") && l.ends_with(&constant)),
            "header lacks a TT_ERR_ constant for {}",
            code.number()
        );
    }
    // The header's constants come from the enum; LocalCode::ALL must list every one.
    let constants = COMMITTED
        .lines()
        .filter(|l| l.trim_start().starts_with("TT_ERR_"))
        .count();
    assert_eq!(
        constants,
        LocalCode::ALL.len(),
        "LocalCode::ROWS lacks a code"
    );
    for &code in LocalCode::ALL {
        assert_eq!(LocalCode::from_number(code.number()), Some(code));
    }
}
