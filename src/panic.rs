//! The one place a panic is caught, in the manner of rustls-ffi's `ffi_panic_boundary!`.
//!
//! A panic must never unwind into C, the JVM or a host's callback frame: every C and JNI
//! export runs its body through [`guard`], and so does every call into code the library
//! does not control (a platform verifier written in Rust). `catch_unwind` appears nowhere
//! else in `src/` (a test keeps it so), so what a caught panic turns into is decided here
//! and in the caller's `on_panic`, and reads the same everywhere.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::envelope::{Envelope, LocalCode};

/// The message of the 90004 envelope a caught panic becomes, at every boundary.
pub(crate) const PANIC_MESSAGE: &str =
    "Internal error: a panic inside taptalk was caught at the library boundary; please report it";

/// The envelope a caught panic becomes, at the C and the JNI boundary alike.
pub(crate) fn panic_envelope() -> Envelope {
    Envelope::local(LocalCode::Internal, PANIC_MESSAGE, "")
}

/// Runs `body`; if it panics, answers `on_panic()` instead of unwinding.
///
/// `AssertUnwindSafe`: after a panic the library hands back an error and never looks at
/// what `body` may have left half-updated again, except through locks that are poisoned
/// (and answered as such) by the panic.
pub(crate) fn guard<T>(body: impl FnOnce() -> T, on_panic: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| on_panic())
}

#[cfg(test)]
mod tests {
    use super::guard;

    #[test]
    fn a_panic_becomes_the_fallback_and_a_value_passes_through() {
        assert_eq!(guard(|| 7, || -1), 7);
        assert_eq!(guard(|| panic!("boom"), || -1), -1);
    }
}
