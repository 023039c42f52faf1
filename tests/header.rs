//! The committed C header matches the code, documents every export, and carries the same
//! error-code table as the README.

use taptalk::LocalCode;

const COMMITTED: &str = include_str!("../include/taptalk.h");
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/taptalk.h"));
const README: &str = include_str!("../README.md");

#[test]
fn the_committed_header_is_current() {
    assert!(
        COMMITTED == GENERATED,
        "include/taptalk.h is stale: run `TAPTALK_BLESS_HEADER=1 cargo build` and commit it"
    );
}

#[test]
fn every_export_has_a_doc_comment_in_the_header() {
    let lines: Vec<&str> = COMMITTED.lines().collect();
    let mut exports = 0;
    for (i, line) in lines.iter().enumerate() {
        let is_declaration = [
            "const char *tt_",
            "uint32_t tt_",
            "TtClient *tt_",
            "void tt_",
            "char *tt_",
            "int tt_",
            "int32_t tt_",
        ]
        .iter()
        .any(|start| line.starts_with(start));
        if is_declaration {
            exports += 1;
            assert!(
                i > 0 && lines[i - 1].starts_with("//"),
                "no doc comment above: {line}"
            );
        }
    }
    assert_eq!(exports, 18, "the ABI has 18 functions");
    for rule in ["tt_string_free", "must not race", "never NULL"] {
        assert!(COMMITTED.contains(rule), "the header must say: {rule}");
    }
}

#[test]
fn every_error_code_is_in_the_header_and_readme_tables() {
    for code in LocalCode::ALL {
        let status = if code == LocalCode::HttpStatus {
            "<http>".to_owned()
        } else {
            code.status().to_string()
        };
        let header_row = format!(" *   {}  {status}", code.code());
        assert!(
            COMMITTED.contains(&header_row),
            "header table lacks: {header_row}"
        );
        let readme_row = format!("| {} | {status} |", code.code());
        assert!(
            README.contains(&readme_row),
            "README table lacks: {readme_row}"
        );
    }
}
