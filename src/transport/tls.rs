//! The TLS step of the connector chain: the handshake with the client's roots (or the
//! platform verifier), and naming why a handshake failed.
//!
//! ureq's own rustls connector trusts either the built-in (webpki) roots or a given list,
//! never both; a company CA (a TLS-inspecting proxy, a private PowerTalk host) must be
//! added to the built-in roots, so this module builds the rustls config itself. Doing the
//! handshake here also lets a failure say which of its causes it was, and whether
//! repeating it could help (a certificate that does not verify never will).

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;

use rustls::{CertificateError, ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};
use ureq::Error;

use super::trust::{rejection, PlatformVerifier};
use crate::config::TlsSettings;

/// The rustls client config for `settings`, built once per client.
fn client_config(settings: &TlsSettings) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    if settings.platform_verifier {
        let verifier = PlatformVerifier::new(provider.clone());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        return Arc::new(config);
    }
    let mut roots = RootCertStore::empty();
    #[cfg(feature = "bundled-roots")]
    if settings.built_in_roots {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    let extra = settings
        .extra_roots
        .iter()
        .map(|der| rustls::pki_types::CertificateDer::from(der.clone()));
    // Unusable certificates were refused when the config was parsed.
    roots.add_parsable_certificates(extra);
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// Why a handshake failed, carried inside the io::Error ureq hands back.
#[derive(Debug)]
pub(crate) struct HandshakeFailure {
    /// A sentence naming the cause (unknown issuer, name mismatch, expired, protocol, ...).
    pub cause: String,
    /// True when repeating the handshake cannot succeed (the certificate does not verify).
    pub permanent: bool,
}

impl fmt::Display for HandshakeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cause)
    }
}

impl std::error::Error for HandshakeFailure {}

impl HandshakeFailure {
    fn of(error: &rustls::Error, host: &str) -> HandshakeFailure {
        let certificate = |cause: String| HandshakeFailure {
            cause: format!("the server's certificate {cause}"),
            permanent: true,
        };
        match error {
            rustls::Error::InvalidCertificate(e) if rejection(e).is_some() => {
                let reason = rejection(e).unwrap_or_default();
                certificate(format!("is not trusted by the platform verifier ({reason})"))
            }
            rustls::Error::InvalidCertificate(e) => certificate(match e {
                CertificateError::UnknownIssuer => "has an unknown issuer (no trusted CA signed it; add your CA with tls.ca_file or tls.ca_pem)".to_owned(),
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                    format!("is not valid for the host name '{host}' (name mismatch)")
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "has expired".to_owned()
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "is not valid yet (check this machine's clock)".to_owned()
                }
                CertificateError::Revoked => "has been revoked".to_owned(),
                CertificateError::BadSignature => "has a bad signature".to_owned(),
                other => format!("was rejected ({other:?})"),
            }),
            rustls::Error::InvalidCertRevocationList(_) => {
                certificate("was rejected (revocation list)".to_owned())
            }
            rustls::Error::NoCertificatesPresented => {
                certificate("is missing (the server presented none)".to_owned())
            }
            other => HandshakeFailure {
                cause: format!("protocol error ({other})"),
                permanent: false,
            },
        }
    }
}

/// Wraps a plain transport in TLS for `https://` targets, with the client's roots.
pub(crate) struct TlsConnector {
    config: Arc<ClientConfig>,
}

impl TlsConnector {
    pub(crate) fn new(settings: &TlsSettings) -> TlsConnector {
        TlsConnector {
            config: client_config(settings),
        }
    }
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConnector").finish_non_exhaustive()
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|_| Error::Tls("the host is not a valid TLS server name"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        if let Err(e) = conn.complete_io(&mut sock) {
            return Err(handshake_error(e, &host));
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned::new(conn, sock),
        })))
    }
}

/// A handshake error as ureq will hand it back: ureq's own (timeouts) unchanged, anything
/// else as a `HandshakeFailure` naming its cause.
fn handshake_error(e: io::Error, host: &str) -> Error {
    let failure = match e.get_ref() {
        // Timed out mid-handshake: nothing was sent yet, whichever timeout ran out.
        Some(inner) if matches!(inner.downcast_ref::<Error>(), Some(Error::Timeout(_))) => {
            HandshakeFailure {
                cause: "the server did not complete it in time (timeout)".to_owned(),
                permanent: false,
            }
        }
        Some(inner) if inner.is::<Error>() => return Error::from(e),
        Some(inner) if inner.is::<rustls::Error>() => HandshakeFailure::of(
            inner.downcast_ref::<rustls::Error>().expect("checked"),
            host,
        ),
        // A reset or an early close mid-handshake: nothing was sent, and it may heal.
        _ => HandshakeFailure {
            cause: format!("the connection broke during the handshake ({})", e.kind()),
            permanent: false,
        },
    };
    Error::Io(io::Error::new(e.kind(), failure))
}

/// One TLS connection: rustls over the chained transport.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
