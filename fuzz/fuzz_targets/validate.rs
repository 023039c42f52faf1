//! `taptalk::validate` for every operation on arbitrary JSON.
//!
//! Checked (what the code guarantees): no panic; a non-object is refused with an empty
//! `field` and "The request must be a JSON object"; an object is refused with a non-empty
//! message and a non-empty `field`, unless the fault is an unknown key that is itself empty
//! (`{"": ..}`: its path is ""); the answer is deterministic and survives a re-serialization
//! of the request (what a wrapper or the sandbox does).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;
use serde_json::Value;
use taptalk::{validate, Operation};

fuzz_target!(|data: &[u8]| {
    let Ok(request) = std::str::from_utf8(data)
        .map_err(|_| ())
        .and_then(|text| common::standard_json(text).map_err(|_| ()))
    else {
        return;
    };
    let reparsed: Value = common::standard_json(&request.to_string()).expect("re-serialization");
    for &op in Operation::ALL {
        let result = validate(op, &request);
        assert_eq!(result, validate(op, &request), "not deterministic");
        assert_eq!(
            result,
            validate(op, &reparsed),
            "changed by a re-serialization"
        );
        let Err(invalid) = result else {
            assert!(request.is_object());
            continue;
        };
        assert!(!invalid.message.is_empty(), "{op:?}: empty message");
        match request.as_object() {
            None => {
                assert_eq!(invalid.field, "");
                assert_eq!(invalid.message, "The request must be a JSON object");
            }
            Some(map) => assert!(
                !invalid.field.is_empty() || map.contains_key(""),
                "{op:?}: empty field for {invalid:?}"
            ),
        }
    }
});
