//! HTTPS for the sandbox: a certificate authority made up at start, a server certificate
//! it signs for this machine's names, or PEM files given by the user.
//!
//! ```
//! use taptalk_sandbox::{Sandbox, SandboxConfig, SandboxTls};
//! let sandbox = Sandbox::start(SandboxConfig {
//!     tls: Some(SandboxTls::generate().unwrap()),
//!     ..SandboxConfig::default()
//! }).unwrap();
//! assert!(sandbox.url().starts_with("https://127.0.0.1:"));
//! let ca_pem = sandbox.ca_cert_pem().unwrap(); // trust this in the client (tls.ca_pem)
//! # let _ = ca_pem;
//! ```
//!
//! The same module makes the broken certificates the SDK's tests need (a name that does
//! not match, an expired one, one from an unknown authority), so that every test runs
//! against real TLS rather than a mock.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The names a generated server certificate is valid for.
pub const LOCAL_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// What the sandbox serves HTTPS with: its certificate chain and key, and the CA
/// certificate a client must trust (when known).
#[derive(Clone)]
pub struct SandboxTls {
    /// The server's certificate (and any intermediates), PEM.
    pub cert_chain_pem: String,
    /// The server's private key, PEM (PKCS#8 or RSA).
    pub key_pem: String,
    /// The certificate of the authority that signed the server's, PEM; `None` when the
    /// server's certificate came from files without one.
    pub ca_cert_pem: Option<String>,
}

/// The key is left out: a Debug print is not where a private key belongs.
impl fmt::Debug for SandboxTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxTls")
            .field("has_ca_cert", &self.ca_cert_pem.is_some())
            .finish_non_exhaustive()
    }
}

impl SandboxTls {
    /// A fresh CA and a server certificate it signs for `localhost`, `127.0.0.1` and `::1`.
    pub fn generate() -> Result<SandboxTls, String> {
        let ca = TestCa::generate("taptalk-sandbox CA")?;
        ca.issue(&LOCAL_NAMES, Validity::Current)
    }

    /// Reads a certificate chain and key (and optionally the CA certificate) from PEM files.
    pub fn from_files(cert: &Path, key: &Path, ca: Option<&Path>) -> Result<SandboxTls, String> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
        };
        Ok(SandboxTls {
            cert_chain_pem: read(cert)?,
            key_pem: read(key)?,
            ca_cert_pem: ca.map(read).transpose()?,
        })
    }

    /// Writes `ca.pem` (when known), `cert.pem` and `key.pem` into `dir` (created if
    /// missing) and answers the CA file's path, or the certificate's when no CA is known.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("cert.pem"), &self.cert_chain_pem)?;
        std::fs::write(dir.join("key.pem"), &self.key_pem)?;
        match &self.ca_cert_pem {
            Some(ca) => {
                std::fs::write(dir.join("ca.pem"), ca)?;
                Ok(dir.join("ca.pem"))
            }
            None => Ok(dir.join("cert.pem")),
        }
    }

    /// The rustls server configuration serving this certificate chain and key.
    pub(crate) fn server_config(&self) -> Result<rustls::ServerConfig, String> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(self.cert_chain_pem.as_bytes())
                .collect::<Result<_, _>>()
                .map_err(|_| "the TLS certificate file is not valid PEM".to_string())?;
        if certs.is_empty() {
            return Err("the TLS certificate file holds no PEM certificate".into());
        }
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|_| "the TLS key file holds no PEM private key".to_string())?;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| format!("the TLS certificate and key do not go together: {e}"))
    }
}

/// How long an issued certificate is valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// From a day ago to a year from now.
    Current,
    /// Expired yesterday (valid for the thirty days before).
    Expired,
}

/// A certificate authority made up on the spot.
pub struct TestCa {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl fmt::Debug for TestCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

impl TestCa {
    /// A new CA with `common_name` as its subject.
    pub fn generate(common_name: &str) -> Result<TestCa, String> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, Validity::Current);
        let key = KeyPair::generate().map_err(err)?;
        let cert = params.self_signed(&key).map_err(err)?;
        Ok(TestCa { cert, key })
    }

    /// The CA certificate, PEM: what a client adds to its trusted roots.
    pub fn cert_pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate for `names` (DNS names or IP addresses), signed by this CA.
    pub fn issue(&self, names: &[&str], validity: Validity) -> Result<SandboxTls, String> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).map_err(err)?;
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().cloned().unwrap_or_default(),
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        set_validity(&mut params, validity);
        let key = KeyPair::generate().map_err(err)?;
        let cert = params.signed_by(&key, &self.cert, &self.key).map_err(err)?;
        Ok(SandboxTls {
            cert_chain_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            ca_cert_pem: Some(self.cert_pem()),
        })
    }
}

fn set_validity(params: &mut CertificateParams, validity: Validity) {
    const DAY: Duration = Duration::from_secs(24 * 3600);
    let now = SystemTime::now();
    let (from, until) = match validity {
        Validity::Current => (now - DAY, now + 365 * DAY),
        Validity::Expired => (now - 31 * DAY, now - DAY),
    };
    params.not_before = from.into();
    params.not_after = until.into();
}

fn err(e: rcgen::Error) -> String {
    format!("certificate generation failed: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_material_is_pem_and_names_this_machine() {
        let tls = SandboxTls::generate().unwrap();
        assert!(tls.server_config().is_ok());
        let broken = SandboxTls {
            key_pem: "no key".into(),
            ..tls.clone()
        };
        assert!(broken
            .server_config()
            .unwrap_err()
            .contains("no PEM private key"));
        assert!(tls
            .ca_cert_pem
            .as_deref()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(!format!("{tls:?}").contains("PRIVATE KEY"));
        let dir = std::env::temp_dir().join(format!("taptalk-sandbox-tls-{}", std::process::id()));
        let ca = tls.write_to(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(&ca).unwrap(),
            tls.ca_cert_pem.unwrap()
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
