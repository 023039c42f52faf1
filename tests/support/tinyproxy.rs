//! Debian's tinyproxy, started per test on a loopback port with a generated config (the
//! binary only: no service), with or without Basic authentication.
//!
//! Its own log (its stdout with `-d`) shows what it was asked: `CONNECT host:port` or
//! `POST http://host:port/path`, one "Request" line per request it read.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user and password of a proxy started with `basic_auth`.
pub const USER: &str = "alice";
pub const PASSWORD: &str = "pr0xy-s3cret";

pub struct Tinyproxy {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl Tinyproxy {
    /// Starts tinyproxy on a free port. The port is chosen before tinyproxy binds it, so a
    /// parallel test can take it in between: tinyproxy then exits, and it is started again
    /// on another port (up to three times); a failure shows tinyproxy's own log.
    pub fn start(basic_auth: bool) -> Tinyproxy {
        let mut last_log = String::new();
        for _ in 0..3 {
            match Tinyproxy::try_start(basic_auth) {
                Ok(proxy) => return proxy,
                Err(log) => last_log = log,
            }
        }
        panic!("tinyproxy did not start; its last log:\n{last_log}");
    }

    fn try_start(basic_auth: bool) -> Result<Tinyproxy, String> {
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("taptalk-tinyproxy-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 10\nMaxClients 20\nAllow 127.0.0.1\nLogLevel Info\n"
        );
        if basic_auth {
            conf.push_str(&format!("BasicAuth {USER} {PASSWORD}\n"));
        }
        std::fs::write(dir.join("tinyproxy.conf"), conf).unwrap();
        let log = std::fs::File::create(dir.join("tinyproxy.log")).unwrap();
        let child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(dir.join("tinyproxy.conf"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("tinyproxy is installed (apt-get install tinyproxy-bin; .ci/run does it)");
        // Returned as an error below, it is dropped: that kills the child and removes the
        // directory.
        let mut proxy = Tinyproxy { child, port, dir };
        // A hang guard, not a measurement: under qemu and a loaded machine it can be slow.
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = !matches!(proxy.child.try_wait(), Ok(None));
            if exited || Instant::now() >= deadline {
                return Err(
                    std::fs::read_to_string(proxy.dir.join("tinyproxy.log")).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(proxy)
    }

    pub fn url(&self, credentials: Option<(&str, &str)>) -> String {
        match credentials {
            Some((user, password)) => format!("http://{user}:{password}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    /// The request lines tinyproxy logged ("CONNECT 127.0.0.1:PORT HTTP/1.1", ...).
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("tinyproxy.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once("): ").map(|(_, rest)| rest.to_owned()))
            .filter(|rest| rest.ends_with("HTTP/1.1") || rest.ends_with("HTTP/1.0"))
            .collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
