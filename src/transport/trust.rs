//! The rustls side of platform trust (`"tls": {"verifier": "platform"}`): the chain goes to
//! the host's verifier (`crate::chain_verifier`), while rustls still checks everything the OS
//! is not asked about:
//! - the handshake signatures (`verify_tls12_signature`/`verify_tls13_signature`), with the
//!   crypto provider, so the server proves it holds the leaf's key;
//! - the host name against the leaf (webpki), before the host is asked, so a verifier that
//!   only judges the chain (a desktop JVM's X509TrustManager does not look at names) can
//!   never let a certificate for another host through.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};

use crate::chain_verifier::ask_host;

/// The host's "not trusted", carried through rustls as `CertificateError::Other`.
#[derive(Debug)]
struct NotTrusted(String);

impl fmt::Display for NotTrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotTrusted {}

/// The host's reason, when `error` is the platform verifier's rejection.
pub(crate) fn rejection(error: &CertificateError) -> Option<&str> {
    match error {
        CertificateError::Other(OtherError(inner)) => {
            inner.downcast_ref::<NotTrusted>().map(|n| n.0.as_str())
        }
        _ => None,
    }
}

/// The rustls verifier behind `"verifier": "platform"`.
#[derive(Debug)]
pub(crate) struct PlatformVerifier {
    provider: Arc<CryptoProvider>,
}

impl PlatformVerifier {
    pub(crate) fn new(provider: Arc<CryptoProvider>) -> PlatformVerifier {
        PlatformVerifier { provider }
    }
}

impl ServerCertVerifier for PlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The name first, here: whatever the host answers, a certificate for another name
        // is refused (and the host is not asked about it).
        let leaf = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_name(&leaf, server_name)?;
        let chain: Vec<&[u8]> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|der| der.as_ref())
            .collect();
        match ask_host(&chain, &server_name.to_str()) {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            Err(reason) => Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(NotTrusted(reason))),
            ))),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_is_recognised_and_other_errors_are_not() {
        let ours = CertificateError::Other(OtherError(Arc::new(NotTrusted("why".into()))));
        assert_eq!(rejection(&ours), Some("why"));
        assert_eq!(rejection(&CertificateError::UnknownIssuer), None);
    }
}
