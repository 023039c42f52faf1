//! TLS: which certificate authorities a client trusts (config key `tls`), the handshake,
//! and naming why a handshake failed.
//!
//! ```
//! let pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
//! let config = format!(r#"{{"sendtalk": {{"api_key": "k"}}, "tls": {{"ca_pem": {pem:?}}}}}"#);
//! let err = taptalk::Config::from_json(&config).unwrap_err();
//! assert_eq!(err.key, "tls.ca_pem");
//! ```
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
use serde_json::{Map, Value};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};
use ureq::Error;

use crate::config::{refuse_unknown, ConfigError};

/// The trusted roots: the built-in (Mozilla, via webpki-roots) ones and/or the given ones;
/// or, with `tls.verifier` "platform", whatever the operating system trusts (src/trust.rs).
#[derive(Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// DER certificates from `tls.ca_file` and `tls.ca_pem`.
    pub extra_roots: Vec<Vec<u8>>,
    /// `tls.built_in_roots` (default true): false trusts only `extra_roots`.
    pub built_in_roots: bool,
    /// `tls.verifier` "platform": the chain is judged by the verifier the host registered
    /// (`tt_set_tls_verifier`), never by roots of this library's.
    pub platform_verifier: bool,
}

/// Whether this build carries the bundled roots (feature `bundled-roots`; phone builds do not).
pub(crate) const BUNDLED_ROOTS: bool = cfg!(feature = "bundled-roots");

impl Default for TlsSettings {
    /// The bundled roots; in a build without them, the platform verifier, asked at handshake
    /// time (an explicit `"verifier": "platform"` is checked when the client is made).
    fn default() -> Self {
        TlsSettings {
            extra_roots: Vec::new(),
            built_in_roots: BUNDLED_ROOTS,
            platform_verifier: !BUNDLED_ROOTS,
        }
    }
}

/// Why "built_in" trust is refused by a build without the bundled roots.
const NO_BUNDLED_ROOTS: &str = "this build of the library has no bundled roots (a phone build, without the bundled-roots feature): it trusts what the operating system trusts (tls.verifier \"platform\", the default here), or only the CAs in tls.ca_file / tls.ca_pem";

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("extra_roots", &self.extra_roots.len())
            .field("built_in_roots", &self.built_in_roots)
            .field("platform_verifier", &self.platform_verifier)
            .finish()
    }
}

impl TlsSettings {
    /// Parses the `tls` section: `ca_file` (a PEM file path), `ca_pem` (PEM text),
    /// `built_in_roots` (bool), and `verifier` ("built_in", the default, or "platform").
    pub(crate) fn from_section(section: Option<&Value>) -> Result<TlsSettings, ConfigError> {
        let Some(section) = section else {
            return Ok(TlsSettings::default());
        };
        let Some(map) = section.as_object() else {
            return Err(ConfigError::new("tls", "tls must be an object"));
        };
        refuse_unknown(
            map,
            "tls",
            &["ca_file", "ca_pem", "built_in_roots", "verifier"],
        )?;
        match string(map, "verifier")? {
            None => {}
            Some("built_in") if !BUNDLED_ROOTS => {
                return Err(ConfigError::new(
                    "tls.verifier",
                    format!("tls.verifier \"built_in\" is not available: {NO_BUNDLED_ROOTS}"),
                ))
            }
            Some("built_in") => {}
            Some("platform") => return platform(map),
            Some(_) => {
                return Err(ConfigError::new(
                    "tls.verifier",
                    "tls.verifier must be \"built_in\" (the default) or \"platform\"",
                ))
            }
        }
        let mut settings = TlsSettings {
            extra_roots: Vec::new(),
            built_in_roots: BUNDLED_ROOTS,
            platform_verifier: false,
        };
        if let Some(path) = string(map, "ca_file")? {
            let pem = std::fs::read(path).map_err(|e| {
                ConfigError::new(
                    "tls.ca_file",
                    format!("tls.ca_file could not be read ({path}: {})", e.kind()),
                )
            })?;
            settings
                .extra_roots
                .extend(certificates(&pem, "tls.ca_file")?);
        }
        if let Some(pem) = string(map, "ca_pem")? {
            settings
                .extra_roots
                .extend(certificates(pem.as_bytes(), "tls.ca_pem")?);
        }
        match map.get("built_in_roots") {
            None => {}
            Some(Value::Bool(true)) if !BUNDLED_ROOTS => {
                return Err(ConfigError::new(
                    "tls.built_in_roots",
                    format!("tls.built_in_roots cannot be true: {NO_BUNDLED_ROOTS}"),
                ))
            }
            Some(Value::Bool(b)) => settings.built_in_roots = *b,
            Some(_) => {
                return Err(ConfigError::new(
                    "tls.built_in_roots",
                    "tls.built_in_roots must be true or false",
                ))
            }
        }
        if !BUNDLED_ROOTS && settings.extra_roots.is_empty() && !map.contains_key("built_in_roots")
        {
            // Nothing chose roots: the default of a build without bundled ones.
            return Ok(TlsSettings::default());
        }
        if !settings.built_in_roots && settings.extra_roots.is_empty() {
            return Err(ConfigError::new(
                "tls.built_in_roots",
                "tls.built_in_roots is false but no CA is given: set tls.ca_file or tls.ca_pem, or every HTTPS call would fail",
            ));
        }
        Ok(settings)
    }

    /// The rustls client config for these roots, built once per client.
    pub(crate) fn client_config(&self) -> Arc<ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        if self.platform_verifier {
            let verifier = crate::trust::PlatformVerifier::new(provider.clone());
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
        if self.built_in_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        let extra = self
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
}

/// `"verifier": "platform"`: trust is the operating system's, so the keys that choose roots
/// of this library's contradict it and are refused rather than silently ignored (a company
/// CA belongs in the OS store, or Android's Network Security Config); and a host that never
/// registered a verifier would fail every HTTPS call, so that is refused up front.
fn platform(map: &Map<String, Value>) -> Result<TlsSettings, ConfigError> {
    for key in ["ca_file", "ca_pem", "built_in_roots"] {
        if map.contains_key(key) {
            return Err(ConfigError::new(
                &format!("tls.{key}"),
                format!("tls.{key} cannot be combined with tls.verifier \"platform\", which trusts what the operating system trusts: add the CA to the OS's store (or the app's Network Security Config) instead, or drop tls.verifier"),
            ));
        }
    }
    if !crate::trust::is_registered() {
        return Err(ConfigError::new(
            "tls.verifier",
            "tls.verifier is \"platform\" but no platform verifier is registered: call tt_set_tls_verifier before creating the client (the Java and Swift bindings register theirs)",
        ));
    }
    Ok(TlsSettings {
        extra_roots: Vec::new(),
        built_in_roots: false,
        platform_verifier: true,
    })
}

fn string<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ConfigError> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ConfigError::new(
            &format!("tls.{key}"),
            format!("tls.{key} must be a string"),
        )),
    }
}

/// The certificates in a PEM text; refused when there is none or one does not parse.
fn certificates(pem: &[u8], path: &str) -> Result<Vec<Vec<u8>>, ConfigError> {
    let mut found = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => {
                let der = cert.der().to_vec();
                let mut probe = RootCertStore::empty();
                if probe
                    .add(rustls::pki_types::CertificateDer::from(der.as_slice()))
                    .is_err()
                {
                    return Err(ConfigError::new(
                        path,
                        format!("{path} holds a certificate that cannot be used as a trusted root"),
                    ));
                }
                found.push(der);
            }
            Ok(_) => {}
            Err(_) => {
                return Err(ConfigError::new(
                    path,
                    format!(
                        "{path} is not valid PEM (expected -----BEGIN CERTIFICATE----- blocks)"
                    ),
                ))
            }
        }
    }
    if found.is_empty() {
        return Err(ConfigError::new(
            path,
            format!("{path} holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)"),
        ));
    }
    Ok(found)
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
            rustls::Error::InvalidCertificate(e) if crate::trust::rejection(e).is_some() => {
                let reason = crate::trust::rejection(e).unwrap_or_default();
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
            config: settings.client_config(),
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
