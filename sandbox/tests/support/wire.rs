//! HTTP/1.1 by hand over one TCP (or TLS) connection, for tests about connections
//! themselves: which requests share one, what the server says about keeping it, and how it
//! ends (an answer, the end of the stream, or a reset).

use serde_json::Value;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;
use taptalk_sandbox::Sandbox;

pub const SEND: &str = "/api/v1/message/send_whatsapp";

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// One client connection to the sandbox.
pub struct Wire {
    stream: Box<dyn Stream>,
}

/// One parsed answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The server said it will close the connection after this answer.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// How reading an answer ended.
#[derive(Debug)]
pub enum Outcome {
    Answer(Answer),
    /// The stream ended cleanly before any byte of an answer (FIN, or TLS close_notify).
    Closed,
    /// The connection was reset or cut (RST, or TLS ended without close_notify).
    Broken(io::ErrorKind),
}

impl Outcome {
    pub fn answer(self) -> Answer {
        match self {
            Outcome::Answer(a) => a,
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    /// No answer at all: the client cannot know what became of its request.
    pub fn is_unanswered(&self) -> bool {
        !matches!(self, Outcome::Answer(_))
    }
}

impl Wire {
    /// A plain or TLS connection, matching the sandbox's scheme.
    pub fn open(sb: &Sandbox) -> Wire {
        let tcp = TcpStream::connect(sb.local_addr()).expect("connects");
        // A bound on every read, so a test that waits for something that never comes
        // fails instead of hanging.
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        tcp.set_write_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let stream: Box<dyn Stream> = match sb.ca_cert_pem() {
            None => Box::new(tcp),
            Some(ca) => Box::new(tls(tcp, ca)),
        };
        Wire { stream }
    }

    /// Writes a request with a JSON body (and the SendTalk key), plus `extra` header lines.
    pub fn send(&mut self, method: &str, path: &str, body: &Value, extra: &[&str]) {
        let body = body.to_string();
        let mut raw = format!(
            "{method} {path} HTTP/1.1\r\nHost: sandbox\r\nAPI-Key: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            taptalk_sandbox::DEFAULT_SENDTALK_API_KEY,
            body.len()
        );
        for line in extra {
            raw.push_str(line);
            raw.push_str("\r\n");
        }
        raw.push_str("\r\n");
        raw.push_str(&body);
        self.stream
            .write_all(raw.as_bytes())
            .and_then(|()| self.stream.flush())
            .expect("the request is written");
    }

    /// Reads one answer (Content-Length framed, as the sandbox always answers).
    pub fn read(&mut self) -> Outcome {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match self.stream.read(&mut byte) {
                Ok(0) if head.is_empty() => return Outcome::Closed,
                Ok(0) => return Outcome::Broken(io::ErrorKind::UnexpectedEof),
                Ok(_) => head.push(byte[0]),
                Err(e) => return Outcome::Broken(e.kind()),
            }
        }
        let text = String::from_utf8_lossy(&head).to_string();
        let mut lines = text.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let length = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().expect("a length"));
        let mut body = vec![0; length];
        if let Err(e) = self.stream.read_exact(&mut body) {
            return Outcome::Broken(e.kind());
        }
        Outcome::Answer(Answer {
            status,
            headers,
            body,
        })
    }

    /// Sends a SendTalk message and reads what comes back.
    pub fn send_message(&mut self, text: &str) -> Outcome {
        let body =
            serde_json::json!({"phone": "6281212345678", "messageType": "text", "body": text});
        self.send("POST", SEND, &body, &[]);
        self.read()
    }
}

fn tls(tcp: TcpStream, ca_pem: &str) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.expect("the CA is PEM")).expect("a CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = "localhost".try_into().unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}
