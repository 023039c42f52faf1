//! A scripted HTTP/1.1 server on 127.0.0.1 for the SDK's wire tests.
//!
//! It is deliberately raw (std TcpListener) so that a test can misbehave in ways a real
//! server crate would not allow: truncated bodies, resets, garbage, stalls. It records
//! every request exactly as it arrived, so tests can assert the wire format.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::Value;

pub mod c;
pub mod relay;
pub mod sandbox;
pub mod tinyproxy;

/// One request as received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header_names(&self) -> Vec<&str> {
        self.headers.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What the server does with a request.
pub enum Reply {
    /// HTTP 200 with this body as `application/json`.
    Json(String),
    /// These exact bytes (status line, headers, body), then keep the connection.
    Raw(Vec<u8>),
    /// These exact bytes, then close the connection.
    RawThenClose(Vec<u8>),
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
    /// Close the connection with a TCP reset, without answering.
    Reset,
}

/// The vendor's success envelope around `data`.
pub fn ok(data: Value) -> Reply {
    Reply::Json(
        serde_json::json!({"status": 200, "error": {"code": "", "message": "", "field": ""}, "data": data})
            .to_string(),
    )
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

pub struct MockServer {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl MockServer {
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> MockServer {
        MockServer::start_on(0, handler)
    }

    /// Like [`MockServer::start`] on a chosen port (0 picks a free one).
    pub fn start_on(
        port: u16,
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> MockServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let (requests, stop, connections) =
                (requests.clone(), stop.clone(), connections.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let (requests, handler) = (requests.clone(), handler.clone());
                    thread::spawn(move || serve(stream, &requests, &*handler));
                }
            });
        }
        MockServer {
            port,
            requests,
            connections,
            stop,
        }
    }

    /// A server that answers every request with the success envelope and `data`.
    pub fn answering(data: Value) -> MockServer {
        MockServer::start(move |_| ok(data.clone()))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The only request received; fails the test if there were more or none.
    pub fn single_request(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.into_iter().next().unwrap()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, requests: &Mutex<Vec<Recorded>>, handler: &Handler) {
    // Bounded: an idle keep-alive connection is dropped after a while.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        requests.lock().unwrap().push(request.clone());
        if !respond(&mut writer, handler(&request)) {
            return;
        }
    }
}

/// Returns false when the connection must not be used again.
fn respond(stream: &mut TcpStream, reply: Reply) -> bool {
    match reply {
        Reply::Json(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            // One write: a split head and body would meet Nagle's algorithm and delayed ACKs.
            stream.write_all(format!("{head}{body}").as_bytes()).is_ok()
        }
        Reply::Raw(bytes) => stream.write_all(&bytes).is_ok(),
        Reply::RawThenClose(bytes) => {
            let _ = stream.write_all(&bytes);
            let _ = stream.flush();
            let _ = stream.shutdown(std::net::Shutdown::Both);
            false
        }
        Reply::Delay(wait, inner) => {
            thread::sleep(wait);
            respond(stream, *inner)
        }
        Reply::Reset => {
            reset(stream);
            false
        }
    }
}

/// SO_LINGER with a zero timeout makes close() send RST instead of FIN.
fn reset(stream: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket fd and a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target, None),
    };
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
    })
}

/// A client config JSON pointing every product at `url`, with test keys.
pub fn config_for(url: &str) -> String {
    serde_json::json!({
        "powertalk": {"base_url": url, "server_key_id": "KEYID", "server_key_secret": "s3cr3t-SECRET"},
        "sendtalk": {"base_url": url, "api_key": "st-API-KEY-123"},
        "onetalk": {"base_url": url, "api_key": "ot-API-KEY-456"},
        "timeout_ms": 5000,
        "connect_timeout_ms": 2000
    })
    .to_string()
}

/// base64("KEYID:s3cr3t-SECRET"), the Server-Key the test config must produce.
pub const SERVER_KEY: &str = "S0VZSUQ6czNjcjN0LVNFQ1JFVA==";

pub fn user_agent() -> String {
    format!("taptalk/{}", taptalk::VERSION)
}

/// The exact header set of a POST: nothing more, nothing less.
pub fn assert_post_headers(req: &Recorded, auth_name: &str, auth_value: &str) {
    assert_eq!(req.method, "POST");
    assert_eq!(req.header(auth_name), Some(auth_value));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(req.header("user-agent"), Some(user_agent().as_str()));
    assert_eq!(
        req.header("content-length"),
        Some(req.body.len().to_string().as_str())
    );
    let mut names = req.header_names();
    names.sort();
    let mut expected = vec![
        "accept",
        "content-length",
        "content-type",
        "host",
        "user-agent",
        &auth_name.to_ascii_lowercase(),
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    expected.sort();
    assert_eq!(names, expected);
}
