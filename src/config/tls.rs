//! TLS settings (config key `tls`): which certificate authorities a client trusts, or that
//! the platform verifier decides. The handshake itself is `transport/tls.rs`.
//!
//! ```
//! let pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
//! let config = format!(r#"{{"sendtalk": {{"api_key": "k"}}, "tls": {{"ca_pem": {pem:?}}}}}"#);
//! let err = taptalk::Config::from_json(&config).unwrap_err();
//! assert_eq!(err.key, "tls.ca_pem");
//! ```
//!
//! Certificates given as PEM are checked here, when the client is made, so that an unusable
//! CA is refused naming its key rather than failing every HTTPS call later.

use std::fmt;

use rustls::RootCertStore;
use serde_json::{Map, Value};

use super::rules::{refuse_unknown, ConfigError};

/// The trusted roots: the built-in (Mozilla, via webpki-roots) ones and/or the given ones;
/// or, with `tls.verifier` "platform", whatever the operating system trusts (src/chain_verifier.rs).
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
    if !crate::chain_verifier::is_registered() {
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
