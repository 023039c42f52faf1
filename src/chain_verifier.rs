//! Platform trust (config `"tls": {"verifier": "platform"}`): the host app decides, with its
//! operating system's own API, whether the server's certificate chain is trusted.
//!
//! ```
//! use std::sync::Arc;
//! // The host registers its verifier once (C: tt_set_tls_verifier; Java and Swift do it for you).
//! taptalk::set_chain_verifier(Some(Arc::new(|chain: &[&[u8]], name: &str| {
//!     if chain.is_empty() { Err(format!("no certificate for {name}")) } else { Ok(()) }
//! })));
//! let config = r#"{"sendtalk": {"api_key": "k"}, "tls": {"verifier": "platform"}}"#;
//! assert!(taptalk::Config::from_json(config).unwrap().tls.platform_verifier);
//! taptalk::set_chain_verifier(None);
//! assert_eq!(taptalk::Config::from_json(config).unwrap_err().key, "tls.verifier");
//! ```
//!
//! On a phone, apps are expected to trust what the OS trusts: user-added and
//! device-management CAs, and on Android the app's Network Security Config (pins included).
//! A bundled root list cannot know any of that, and linking each OS's trust API into the
//! core would need per-platform artifacts (rustls-platform-verifier's Android side is a
//! Maven/Kotlin package); so, as that crate does, the chain goes to the OS, while rustls
//! still checks everything the OS is not asked about (`transport/trust.rs`).
//!
//! This is the process-wide registry only, a leaf: the config layer asks whether a
//! verifier is registered, and the transport asks it during the handshake.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::fork::{self, ForkLock};

/// A host's chain verifier: the server's certificates (DER, leaf first) and the name the
/// client connects to (a DNS name or an IP address); `Ok(())` trusts the chain, `Err(reason)`
/// does not, with a short reason for the error message (e.g. "unknown issuer").
pub type ChainVerifier = dyn Fn(&[&[u8]], &str) -> Result<(), String> + Send + Sync;

/// The registered verifier. The lock is held only to swap or clone it, never while the
/// verifier runs (a host's verifier may need a lock of the host's own, e.g. Python's GIL,
/// which a thread calling `fork()` can hold). Replacing it then waits for verifications still
/// running with the old one (`Registered::calls`): once `set_chain_verifier` returns, the old
/// one is never called again, and a C host may free its `user_data`.
static VERIFIER: ForkLock<Option<Arc<Registered>>> = ForkLock::new(None);

/// A registered verifier and the verifications running with it, counted per fork
/// generation (high 32 bits: the generation, low: the count): in a forked child, the calls
/// counted by the parent's other threads will never end, and are not waited for.
struct Registered {
    verifier: Arc<ChainVerifier>,
    calls: AtomicU64,
}

impl Registered {
    fn stamp() -> u64 {
        (fork::generation() & 0xffff_ffff) << 32
    }

    fn enter(&self) {
        let stamp = Registered::stamp();
        let _ = self
            .calls
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |calls| {
                Some(if calls & !0xffff_ffff == stamp {
                    calls + 1
                } else {
                    stamp | 1
                })
            });
    }

    fn leave(&self) {
        let stamp = Registered::stamp();
        let _ = self
            .calls
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |calls| {
                (calls & !0xffff_ffff == stamp && calls & 0xffff_ffff > 0).then(|| calls - 1)
            });
    }

    /// Returns once no verification of this process runs with it.
    fn wait_idle(&self) {
        loop {
            let calls = self.calls.load(Ordering::Acquire);
            if calls & !0xffff_ffff != Registered::stamp() || calls & 0xffff_ffff == 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// The longest reason kept in an error message, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// Registers the process-wide chain verifier that clients configured with
/// `"tls": {"verifier": "platform"}` ask, or removes it (`None`). Returns once no
/// verification is running with the previous one.
pub fn set_chain_verifier(verifier: Option<Arc<ChainVerifier>>) {
    let registered = verifier.map(|verifier| {
        Arc::new(Registered {
            verifier,
            calls: AtomicU64::new(0),
        })
    });
    let previous = std::mem::replace(&mut *VERIFIER.lock(), registered);
    if let Some(previous) = previous {
        previous.wait_idle();
    }
}

/// Whether a verifier is registered (checked when a client is created).
pub(crate) fn is_registered() -> bool {
    VERIFIER.lock().is_some()
}

/// Asks the registered verifier; a panic inside it, or no verifier, is a rejection.
pub(crate) fn ask_host(chain: &[&[u8]], name: &str) -> Result<(), String> {
    let registered = VERIFIER.lock().clone();
    let Some(registered) = registered else {
        return Err(
            "no platform verifier is registered: call tt_set_tls_verifier first (the Java and Swift bindings register theirs)"
                .to_owned(),
        );
    };
    registered.enter();
    let answer = crate::panic::guard(
        || (registered.verifier)(chain, name).map_err(|reason| sanitize(&reason)),
        || Err("the platform verifier failed (panic); treated as not trusted".to_owned()),
    );
    registered.leave();
    answer
}

/// A reason as it may appear in an error message: one line, no control characters, at most
/// `MAX_REASON_CHARS` characters.
fn sanitize(reason: &str) -> String {
    let cleaned: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return "no reason given".to_owned();
    }
    if cleaned.chars().count() <= MAX_REASON_CHARS {
        return cleaned.to_owned();
    }
    let cut: String = cleaned.chars().take(MAX_REASON_CHARS - 3).collect();
    format!("{}...", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_one_bounded_line() {
        assert_eq!(sanitize("unknown\r\nissuer\u{7}"), "unknown  issuer");
        assert_eq!(sanitize("  \n "), "no reason given");
        let long = "x".repeat(500);
        let cut = sanitize(&long);
        assert_eq!(cut.chars().count(), MAX_REASON_CHARS);
        assert!(cut.ends_with("..."));
        let accents = "é".repeat(300);
        assert_eq!(sanitize(&accents).chars().count(), MAX_REASON_CHARS);
    }
}
