//! Every operation export's request parsing and validation, through the real C ABI.
//!
//! Input: byte 0 picks the entry point (bit 3 set: `tt_call` by name with NULL options;
//! clear: the operation's own `tt_*` export) and, with bit 3 masked off, the operation (modulo
//! the length of the whole table, `Operation::ALL`);
//! the rest is `request_json`, NULs dropped, invalid UTF-8 kept.
//!
//! Checked: the reply is a well-formed envelope (never NULL, never a caught panic), with 90001
//! for invalid UTF-8, 90002 for non-JSON or a non-object, and otherwise exactly the 40002
//! `field`/`message` that `taptalk::validate` gives. Requests that pass validation would go
//! to the network and are skipped.
#![no_main]

mod common;

use common::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, request)) = data.split_first() else {
        return;
    };
    let op = pick(selector & !8);
    let request = without_nuls(request);
    let Some(expected) = expected_local_answer(op, &request) else {
        return;
    };
    let request = c_string(&request);
    let reply = if selector & 8 == 0 {
        // SAFETY: a live client and a NUL-terminated string.
        unsafe { export(op)(client(), request.as_ptr()) }
    } else {
        let name = std::ffi::CString::new(op.name()).unwrap();
        // SAFETY: as above; options may be NULL.
        unsafe { tt_call(client(), name.as_ptr(), request.as_ptr(), std::ptr::null()) }
    };
    expected.check(&take_envelope(reply));
});
