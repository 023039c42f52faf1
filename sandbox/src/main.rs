//! The `taptalk-sandbox` binary: parses the flags, starts the sandbox, prints where it
//! listens, and serves until killed.

use std::io::Write as _;
use taptalk_sandbox::cli::{self, Command};
use taptalk_sandbox::Sandbox;

/// A thousand clients waiting on `--latency-ms` each hold a descriptor, beyond the usual
/// soft limit of 1024: raise it to the hard limit, as servers commonly do.
#[cfg(unix)]
fn raise_open_files_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid, correctly typed struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

#[cfg(not(unix))]
fn raise_open_files_limit() {}

fn main() {
    raise_open_files_limit();
    let command = match cli::parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("taptalk-sandbox: {message}");
            std::process::exit(2);
        }
    };
    let (listen, mut config, tls) = match command {
        Command::Help => {
            print!("{}", cli::help());
            return;
        }
        Command::Version => {
            println!("taptalk-sandbox {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Command::Run {
            listen,
            config,
            tls,
        } => (listen, config, tls),
    };
    let ca_file = if tls.enabled() {
        let default_dir =
            std::env::temp_dir().join(format!("taptalk-sandbox-{}", std::process::id()));
        match tls.load(&default_dir) {
            Ok((identity, ca_file)) => {
                config.tls = Some(identity);
                Some(ca_file)
            }
            Err(e) => {
                eprintln!("taptalk-sandbox: {e}");
                std::process::exit(2);
            }
        }
    } else {
        None
    };
    let sandbox = match Sandbox::start_on(&listen, *config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("taptalk-sandbox: cannot listen on {listen}: {e}");
            std::process::exit(1);
        }
    };
    let scheme = if sandbox.is_tls() { "https" } else { "http" };
    let listening_on = format!("{scheme}://{}", sandbox.local_addr());
    let mut out = std::io::stdout().lock();
    // Scripts wait for the first line to learn the port, so flush at once.
    let _ =
        out.write_all(cli::banner(&listening_on, ca_file.as_deref(), sandbox.config()).as_bytes());
    let _ = out.flush();
    drop(out);
    // Serve until the process is killed; the workers do all the work.
    loop {
        std::thread::park();
    }
}
