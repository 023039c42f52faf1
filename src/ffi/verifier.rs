//! The platform certificate verifier: `tt_set_tls_verifier` (see src/chain_verifier.rs and src/transport/trust.rs).

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use super::boundary::UserData;

/// Answer of a `TtTlsVerifyCallback`: the chain is trusted. Any other answer rejects it.
#[allow(dead_code)] // used by C callers through the header
pub const TT_TLS_TRUSTED: i32 = 1;
/// Answer of a `TtTlsVerifyCallback`: the chain is not trusted (say why in `reason`).
#[allow(dead_code)] // used by C callers through the header
pub const TT_TLS_REJECTED: i32 = 0;

/// The size of the `reason` buffer handed to the callback, terminating NUL included.
const REASON_CAPACITY: usize = 256;

/// The platform verifier's signature. `certs[i]` points to `cert_lens[i]` bytes of one DER
/// certificate of the server's chain, leaf first (`cert_count` >= 1); `server_name` is the
/// host the client connects to (a DNS name, or an IP address as text). Return
/// `TT_TLS_TRUSTED` to trust the chain, or `TT_TLS_REJECTED` after writing a short
/// NUL-terminated reason (e.g. "unknown issuer", or the OS's message) of at most
/// `reason_capacity` bytes including the NUL into `reason`. All pointers are valid only
/// during the call; `reason` starts out empty.
pub type TtTlsVerifyCallback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        certs: *const *const u8,
        cert_lens: *const usize,
        cert_count: usize,
        server_name: *const c_char,
        reason: *mut c_char,
        reason_capacity: usize,
    ) -> i32,
>;

/// Installs the process-wide platform certificate verifier, or removes it when `callback` is
/// NULL. Clients created with `"tls": {"verifier": "platform"}` (refused with 90003, field
/// "tls.verifier", while none is installed) hand it the server's certificate chain and host
/// name during each TLS handshake, and trust the chain only if it answers `TT_TLS_TRUSTED`.
/// In a build without the bundled roots (the phone builds) that is every client's default;
/// there, a handshake with no verifier installed fails with 91004 and sends nothing.
/// Implement it with the OS's own API (Security.framework's SecTrustEvaluateWithError,
/// Android's X509TrustManager, Windows' CertGetCertificateChain) so that user and
/// device-management CAs apply; the Java and Swift bindings install theirs.
///
/// The library still checks, itself, that the leaf certificate is valid for the host name
/// (before asking the callback: a name mismatch is refused without asking) and that the server
/// holds the leaf's key (the handshake signatures); the callback decides chain trust only.
///
/// Any answer other than `TT_TLS_TRUSTED` rejects the chain: the call answers 91004 with
/// "is not trusted by the platform verifier (<reason>)" in its message (the reason cut to
/// one line of at most 200 characters, control characters replaced), after exactly one
/// attempt, and the request (with its key) is never sent.
///
/// Threading: the callback runs on the thread making the call, on any thread, and
/// concurrently with itself; `user_data` must be usable from all of them. It must not call
/// back into this library. This function waits for verifications still running with the
/// previous callback: once it returns, the previous callback is never called again and its
/// `user_data` may be released.
///
/// # Safety
/// `callback`, if not NULL, must stay callable, and `user_data` valid, until it is replaced.
#[no_mangle]
pub unsafe extern "C" fn tt_set_tls_verifier(
    callback: TtTlsVerifyCallback,
    user_data: *mut c_void,
) {
    let install = || match callback {
        None => crate::chain_verifier::set_chain_verifier(None),
        Some(callback) => {
            let user_data = UserData(user_data);
            let verifier = move |chain: &[&[u8]], name: &str| {
                let user_data = &user_data;
                let certs: Vec<*const u8> = chain.iter().map(|der| der.as_ptr()).collect();
                let lens: Vec<usize> = chain.iter().map(|der| der.len()).collect();
                let name = CString::new(name).unwrap_or_default();
                let mut reason = [0u8; REASON_CAPACITY];
                // SAFETY: the caller guarantees the callback is callable with its user_data;
                // every pointer handed over is valid for the duration of the call.
                let answer = unsafe {
                    callback(
                        user_data.0,
                        certs.as_ptr(),
                        lens.as_ptr(),
                        chain.len(),
                        name.as_ptr(),
                        reason.as_mut_ptr().cast(),
                        REASON_CAPACITY,
                    )
                };
                match answer {
                    TT_TLS_TRUSTED => Ok(()),
                    TT_TLS_REJECTED => Err(written(&reason)),
                    other => Err(format!(
                        "the verifier answered {other}, neither TT_TLS_TRUSTED nor TT_TLS_REJECTED; treated as not trusted"
                    )),
                }
            };
            crate::chain_verifier::set_chain_verifier(Some(Arc::new(verifier)));
        }
    };
    crate::panic::guard(install, || ());
}

/// The reason the callback wrote: up to its first NUL, or the whole buffer if it wrote none
/// (a callback that overran nothing but forgot the NUL still gets its words through).
fn written(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::written;

    #[test]
    fn the_reason_ends_at_the_first_nul_or_the_buffer() {
        assert_eq!(written(b"unknown issuer\0junk"), "unknown issuer");
        assert_eq!(written(b"no nul"), "no nul");
        assert_eq!(written(b"\xffbad\0"), "\u{fffd}bad");
    }
}
