//! The command line of the `taptalk-sandbox` binary.

use crate::config::SandboxConfig;
use crate::settings::{MAX_IDLE_TIMEOUT_MS, MAX_LATENCY_MS};
use crate::tls::SandboxTls;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone)]
pub enum Command {
    Run {
        listen: String,
        config: Box<SandboxConfig>,
        tls: TlsFlags,
    },
    Help,
    Version,
}

/// How to serve HTTPS, from `--tls`, `--tls-cert`, `--tls-key`, `--tls-ca`, `--tls-dir`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsFlags {
    pub generate: bool,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub ca: Option<PathBuf>,
    pub dir: Option<PathBuf>,
}

impl TlsFlags {
    pub fn enabled(&self) -> bool {
        self.generate || self.cert.is_some() || self.key.is_some()
    }

    /// The certificate to serve, and the file a client should trust (written into `dir`
    /// for a generated CA).
    pub fn load(&self, default_dir: &Path) -> Result<(SandboxTls, PathBuf), String> {
        match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                let tls = SandboxTls::from_files(cert, key, self.ca.as_deref())?;
                let trust = self.ca.clone().unwrap_or_else(|| cert.clone());
                Ok((tls, trust))
            }
            (None, None) => {
                let tls = SandboxTls::generate()?;
                let dir = self.dir.as_deref().unwrap_or(default_dir);
                let ca = tls
                    .write_to(dir)
                    .map_err(|e| format!("cannot write the TLS files to {}: {e}", dir.display()))?;
                Ok((tls, ca))
            }
            _ => Err("--tls-cert and --tls-key go together".into()),
        }
    }
}

pub fn help() -> String {
    let d = SandboxConfig::default();
    format!(
        "taptalk-sandbox: an offline TapTalk.io server (PowerTalk, SendTalk, OneTalk)

Usage: taptalk-sandbox [FLAGS]

  --listen HOST:PORT             address to listen on; port 0 picks a free one [{DEFAULT_LISTEN}]
  --powertalk-key-id ID          PowerTalk Server Key ID [{}]
  --powertalk-key-secret SECRET  PowerTalk Server Key Secret [{}]
  --sendtalk-api-key KEY         SendTalk API-Key [{}]
  --onetalk-api-key KEY          OneTalk API-Key [{}]
  --delivery-delay-ms MS         SendTalk pending -> sent delay per message [{}]
  --sendtalk-balance IDR         SendTalk balance; each send costs the price [unlimited]
  --sendtalk-price IDR           price of one SendTalk message [{}]
  --invalid-recipient PHONE      a phone not on WhatsApp (repeatable, or comma-separated)
  --powertalk-max-body-chars N   PowerTalk bodies longer than this are split [{}]
  --threads N                    worker threads [{}]
  --max-request-bytes N          larger request bodies get HTTP 413 [{}]
  --no-keep-alive                answer every request with `Connection: close`
  --idle-timeout-ms MS           close a kept-alive connection idle this long [{}]
  --latency-ms MS                delay every API answer by MS, holding no thread [{}]
  --tls                          serve HTTPS with a CA and a certificate for localhost,
                                 127.0.0.1 and ::1 made up at start
  --tls-dir DIR                  where --tls writes ca.pem, cert.pem, key.pem [a temp dir]
  --tls-cert FILE --tls-key FILE serve HTTPS with this PEM certificate chain and key
  --tls-ca FILE                  the CA certificate clients should trust (with --tls-cert)
  --webhook-url URL              POST OneTalk organisation webhooks (message statuses,
                                 resolved cases) to this http:// URL
  --webhook-secret S             send X-Secret-Key: S on them too [none, as documented]
  --chatbot-url URL              POST a custom chatbot's inbound messages to this http:// URL
  --chatbot-secret S             the chatbot's secret: X-Secret-Key on its inbound
                                 messages, Secret-Key on its actions [{}]
  --organization-id N            organizationID in webhooks and the chatbot's URL [{}]
  --chatbot-id ID                the chatbot's id in its URL [{}]
  --webhook-attempts N           tries per callback delivery before it is dropped [{}]
  -h, --help                     print this help
  -V, --version                  print the version

The first line on stdout is `taptalk-sandbox listening on http://HOST:PORT`
(`https://` with TLS; the second line is then `tls CA certificate: PATH`),
followed by the keys it accepts. Point every product's base URL at that URL.
The control API is under /_sandbox/ (see the README).
",
        d.powertalk_key_id,
        d.powertalk_key_secret,
        d.sendtalk_api_key,
        d.onetalk_api_key,
        d.delivery_delay.as_millis(),
        d.sendtalk_price,
        d.powertalk_max_body_chars,
        d.threads,
        d.max_request_bytes,
        d.idle_timeout.as_millis(),
        d.latency.as_millis(),
        d.webhooks.chatbot_secret,
        d.webhooks.organization_id,
        d.webhooks.chatbot_id,
        d.webhooks.attempts,
    )
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: expected a whole number, got {value:?}"))
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut listen = DEFAULT_LISTEN.to_string();
    let mut config = SandboxConfig::default();
    let mut tls = TlsFlags::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--tls" if inline.is_none() => {
                tls.generate = true;
                continue;
            }
            "--no-keep-alive" if inline.is_none() => {
                config.keep_alive = false;
                continue;
            }
            _ => {}
        }
        let value = match inline {
            Some(v) => v,
            None => args
                .next()
                .ok_or_else(|| format!("{flag} needs a value (see --help)"))?,
        };
        match flag.as_str() {
            "--listen" => listen = value,
            "--powertalk-key-id" => config.powertalk_key_id = value,
            "--powertalk-key-secret" => config.powertalk_key_secret = value,
            "--sendtalk-api-key" => config.sendtalk_api_key = value,
            "--onetalk-api-key" => config.onetalk_api_key = value,
            "--delivery-delay-ms" => {
                config.delivery_delay = Duration::from_millis(number(&flag, &value)?)
            }
            "--sendtalk-balance" => config.sendtalk_balance = Some(number(&flag, &value)?),
            "--sendtalk-price" => config.sendtalk_price = number(&flag, &value)?,
            "--invalid-recipient" | "--invalid-recipients" => config.invalid_recipients.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            ),
            "--powertalk-max-body-chars" => {
                config.powertalk_max_body_chars = number::<usize>(&flag, &value)?.max(1)
            }
            "--threads" => config.threads = number::<usize>(&flag, &value)?.max(1),
            "--max-request-bytes" => config.max_request_bytes = number(&flag, &value)?,
            "--idle-timeout-ms" => {
                let ms = number(&flag, &value)?;
                if ms > MAX_IDLE_TIMEOUT_MS {
                    return Err(format!("{flag}: at most {MAX_IDLE_TIMEOUT_MS}"));
                }
                config.idle_timeout = Duration::from_millis(ms)
            }
            "--latency-ms" => {
                let ms = number(&flag, &value)?;
                if ms > MAX_LATENCY_MS {
                    return Err(format!("{flag}: at most {MAX_LATENCY_MS}"));
                }
                config.latency = Duration::from_millis(ms)
            }
            "--tls-cert" => tls.cert = Some(value.into()),
            "--tls-key" => tls.key = Some(value.into()),
            "--tls-ca" => tls.ca = Some(value.into()),
            "--tls-dir" => tls.dir = Some(value.into()),
            "--webhook-url" | "--chatbot-url" | "--webhook-secret" | "--chatbot-secret"
            | "--chatbot-id" => {
                let key = flag.trim_start_matches("--").replace('-', "_");
                let map = serde_json::Map::from_iter([(key, serde_json::Value::from(value))]);
                config
                    .webhooks
                    .apply(&map)
                    .map_err(|(_, why)| format!("--{why}"))?;
            }
            "--organization-id" => config.webhooks.organization_id = number(&flag, &value)?,
            "--webhook-attempts" => {
                let map = serde_json::Map::from_iter([(
                    "attempts".to_string(),
                    number::<u64>(&flag, &value)?.into(),
                )]);
                config
                    .webhooks
                    .apply(&map)
                    .map_err(|(_, why)| format!("{flag}: {why}"))?;
            }
            _ => return Err(format!("unknown flag {flag} (see --help)")),
        }
    }
    if tls.generate && (tls.cert.is_some() || tls.key.is_some()) {
        return Err("--tls makes its own certificate; leave out --tls-cert/--tls-key".into());
    }
    Ok(Command::Run {
        listen,
        config: Box::new(config),
        tls,
    })
}

/// What the binary prints once it listens: the URL line first, then (HTTPS only) where
/// the CA certificate is, then the keys.
pub fn banner(listening_on: &str, ca_file: Option<&Path>, config: &SandboxConfig) -> String {
    let ca_line = match ca_file {
        Some(path) => format!("tls CA certificate: {}\n", path.display()),
        None => String::new(),
    };
    format!(
        "taptalk-sandbox listening on {listening_on}
{ca_line}powertalk Server-Key: {} (key id {:?}, key secret {:?})
sendtalk API-Key: {}
onetalk API-Key: {}
",
        config.powertalk_server_key(),
        config.powertalk_key_id,
        config.powertalk_key_secret,
        config.sendtalk_api_key,
        config.onetalk_api_key,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (String, SandboxConfig) {
        match parse(args.iter().map(|s| s.to_string())).unwrap() {
            Command::Run { listen, config, .. } => (listen, *config),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_set_the_config() {
        let (listen, c) = run(&[
            "--listen=127.0.0.1:0",
            "--sendtalk-api-key",
            "k",
            "--invalid-recipient",
            "1,2",
            "--invalid-recipient=3",
            "--sendtalk-balance",
            "500",
            "--delivery-delay-ms",
            "0",
            "--no-keep-alive",
            "--idle-timeout-ms=250",
            "--latency-ms",
            "50",
        ]);
        assert_eq!(listen, "127.0.0.1:0");
        assert_eq!(c.sendtalk_api_key, "k");
        assert_eq!(c.invalid_recipients, ["1", "2", "3"]);
        assert_eq!(c.sendtalk_balance, Some(500));
        assert_eq!(c.delivery_delay, Duration::ZERO);
        assert!(!c.keep_alive);
        assert_eq!(c.idle_timeout, Duration::from_millis(250));
        assert_eq!(c.latency, Duration::from_millis(50));
        let (listen, d) = run(&[]);
        assert_eq!(listen, DEFAULT_LISTEN);
        assert!(d.keep_alive);
        assert_eq!(
            (d.idle_timeout, d.latency),
            (Duration::from_secs(5), Duration::ZERO)
        );
    }

    #[test]
    fn tls_flags_are_read() {
        let tls = |a: &[&str]| match parse(a.iter().map(|s| s.to_string())) {
            Ok(Command::Run { tls, .. }) => Ok(tls),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e),
        };
        let t = tls(&["--tls", "--tls-dir", "/tmp/x", "--threads", "2"]).unwrap();
        assert!(t.generate && t.enabled());
        assert_eq!(t.dir, Some(PathBuf::from("/tmp/x")));
        let t = tls(&["--tls-cert=c.pem", "--tls-key", "k.pem"]).unwrap();
        assert!(!t.generate && t.enabled());
        assert!(!tls(&[]).unwrap().enabled());
        assert!(tls(&["--tls", "--tls-cert", "c.pem"])
            .unwrap_err()
            .contains("--tls makes its own"));
        let only_cert = TlsFlags {
            cert: Some("c.pem".into()),
            ..TlsFlags::default()
        };
        assert!(only_cert
            .load(Path::new("/tmp"))
            .unwrap_err()
            .contains("go together"));
    }

    #[test]
    fn bad_flags_are_explained() {
        let err = |a: &[&str]| parse(a.iter().map(|s| s.to_string())).unwrap_err();
        assert!(err(&["--nope", "1"]).contains("unknown flag"));
        assert!(err(&["--threads"]).contains("needs a value"));
        assert!(err(&["--threads", "x"]).contains("whole number"));
        assert!(err(&["--latency-ms", "60001"]).contains("at most 60000"));
        assert!(err(&["--idle-timeout-ms", "3600001"]).contains("at most 3600000"));
        assert!(matches!(parse(["--help".to_string()]), Ok(Command::Help)));
    }

    #[test]
    fn help_lists_every_flag() {
        let text = help();
        for flag in [
            "--listen",
            "--powertalk-key-id",
            "--powertalk-key-secret",
            "--sendtalk-api-key",
            "--onetalk-api-key",
            "--delivery-delay-ms",
            "--sendtalk-balance",
            "--sendtalk-price",
            "--invalid-recipient",
            "--powertalk-max-body-chars",
            "--threads",
            "--max-request-bytes",
            "--no-keep-alive",
            "--idle-timeout-ms",
            "--latency-ms",
            "--tls",
            "--tls-dir",
            "--tls-cert",
            "--tls-key",
            "--tls-ca",
        ] {
            assert!(text.contains(flag), "{flag}");
        }
    }
}
