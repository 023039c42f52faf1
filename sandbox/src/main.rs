use std::io::Write as _;
use taptalk_sandbox::cli::{self, Command};
use taptalk_sandbox::Sandbox;

fn main() {
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
