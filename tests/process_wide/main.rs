//! What touches process-wide state: the log sink, the platform verifier and the proxy
//! environment variables. These tests take turns (`take_turn`), so none sees another's
//! sink, verifier or variables; everything else runs in the other binaries.

use std::sync::{Mutex, MutexGuard};

#[path = "../support/mod.rs"]
mod support;

mod logging;
mod platform_trust;
mod proxy_env;

/// Held for a whole test: one test at a time touches the process-wide state.
pub fn take_turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}
