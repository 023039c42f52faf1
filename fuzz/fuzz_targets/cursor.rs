//! The case cursor fed by hand, as a caller that fetches pages itself does
//! (`tt_case_cursor_request` / `tt_case_cursor_feed`): no network, any options, any pages.
//!
//! Input: the options JSON, then up to 16 NUL-separated chunks, each the `data` of a
//! successful get_updated_cases reply (wrapped in a status-200 envelope; a chunk that does not
//! make an envelope is skipped).
//!
//! Checked: nothing panics; refused options answer a local 4xx envelope; a fed page answers
//! success or a local error, and a reply that is not a success (a page can override the
//! wrapper's status) comes back unchanged and moves nothing; the cases handed out never repeat an (id, updatedTime) pair,
//! whatever the pages claim; and the saved state is always accepted back as options.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use taptalk::{CaseCursor, Envelope};

fuzz_target!(|data: &[u8]| {
    let mut chunks = data.split(|&b| b == 0);
    let Ok(options) = std::str::from_utf8(chunks.next().unwrap_or_default()) else {
        return;
    };
    let mut cursor = match CaseCursor::from_json(options) {
        Ok(cursor) => cursor,
        Err(refused) => {
            assert!(
                (400..500).contains(&refused.status()) && !refused.code().is_empty(),
                "options refused without a local 4xx code: {refused}"
            );
            return;
        }
    };
    let mut delivered = HashSet::new();
    for chunk in chunks.take(16) {
        let Ok(page) = std::str::from_utf8(chunk) else {
            continue;
        };
        let body = format!(
            r#"{{"status":200,"error":{{"code":"","message":"","field":""}},"data":{page}}}"#
        );
        let Some(reply) = Envelope::from_server_body(&body) else {
            continue;
        };
        let before = cursor.state().to_string();
        let answer = cursor.feed(&reply);
        if !reply.is_success() {
            // The page can end the wrapper's object early and give its own "status" (the last
            // key wins, as in every JSON parser): a reply that is not a success comes back
            // unchanged, whatever its code, and moves the cursor nowhere.
            assert_eq!(answer, reply, "a failed reply did not come back unchanged");
            assert_eq!(cursor.state().to_string(), before, "a failed reply moved the cursor");
            assert!(cursor.take().is_none(), "a failed reply handed out a case");
            continue;
        }
        assert!(
            answer.is_success() || !answer.code().is_empty(),
            "feed answered neither success nor an error code: {answer}"
        );
        while let Some(case) = cursor.take() {
            let key = (case["id"].to_string(), case["updatedTime"].to_string());
            assert!(delivered.insert(key), "handed out twice: {case}");
        }
        let state = cursor.state().to_string();
        if let Err(refused) = CaseCursor::from_json(&state) {
            panic!("the saved state {state} was refused: {refused}");
        }
    }
});
