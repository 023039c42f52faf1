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
    let (listen, config) = match command {
        Command::Help => {
            print!("{}", cli::help());
            return;
        }
        Command::Version => {
            println!("taptalk-sandbox {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Command::Run { listen, config } => (listen, config),
    };
    let sandbox = match Sandbox::start_on(&listen, *config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("taptalk-sandbox: cannot listen on {listen}: {e}");
            std::process::exit(1);
        }
    };
    let listening_on = format!("http://{}", sandbox.local_addr());
    let mut out = std::io::stdout().lock();
    // Scripts wait for the first line to learn the port, so flush at once.
    let _ = out.write_all(cli::banner(&listening_on, sandbox.config()).as_bytes());
    let _ = out.flush();
    drop(out);
    // Serve until the process is killed; the workers do all the work.
    loop {
        std::thread::park();
    }
}
