//! Compiling and running the C programs against the library `cargo test` just built.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `target/<profile>/deps`, where `cargo test` builds `libtaptalk.so` alongside this test.
/// (The copy one level up is refreshed only by `cargo build`, so it may be stale here.)
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().to_path_buf();
    assert!(
        dir.join("libtaptalk.so").exists(),
        "libtaptalk.so not found in {}",
        dir.display()
    );
    dir
}

/// The library search path for a program compiled here: only the fresh build. (cargo test
/// sets `LD_LIBRARY_PATH` to a list that includes `target/<profile>`, whose copy may be
/// stale, and it would win over the program's run path.)
pub fn library_path() -> PathBuf {
    lib_dir()
}

pub fn compile(source: &str, name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let lib = lib_dir();
    let status = Command::new("gcc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pthread", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join(source))
        .arg("-L")
        .arg(&lib)
        .arg("-ltaptalk")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("gcc is installed");
    assert!(status.success(), "gcc failed for {source}");
    out
}

pub fn has_valgrind() -> bool {
    std::env::var_os("TAPTALK_NO_VALGRIND").is_none()
        && Command::new("valgrind").arg("--version").output().is_ok()
}

/// Runs `program`, under valgrind memcheck when available: any error or definite/indirect
/// leak fails the run with exit code 99.
pub fn run(program: &Path, args: &[&str], memcheck: bool) -> Output {
    run_with(program, args, memcheck, &[])
}

/// `run` for programs that do TLS: ring's assembly reads and writes memory valgrind cannot
/// see it initialise, so "uninitialised value" reports there are noise; memory errors
/// (invalid reads/writes, double frees) and leaks are still checked.
pub fn run_tls(program: &Path, args: &[&str]) -> Output {
    run_with(program, args, true, &["--undef-value-errors=no"])
}

fn run_with(program: &Path, args: &[&str], memcheck: bool, extra: &[&str]) -> Output {
    let output = if memcheck && has_valgrind() {
        Command::new("valgrind")
            .env("LD_LIBRARY_PATH", lib_dir())
            .args([
                "--error-exitcode=99",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect",
                "--show-leak-kinds=definite,indirect",
                "--quiet",
            ])
            .args(extra)
            .arg(program)
            .args(args)
            .output()
    } else {
        Command::new(program)
            .env("LD_LIBRARY_PATH", lib_dir())
            .args(args)
            .output()
    }
    .unwrap();
    assert!(
        output.status.success(),
        "{} failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
        program.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
