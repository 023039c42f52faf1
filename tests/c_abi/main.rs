//! The C ABI as C users get it: C programs (`tests/c/`, sharing `tests/c/check.h`) that
//! include `include/taptalk.h`, link the built `libtaptalk.so` and run against a local server
//! or the sandbox, under valgrind when it is installed.

#[path = "../support/mod.rs"]
mod support;

mod cursor_request;
mod fork;
mod getters;
mod programs;
mod resolution;
mod verifier;
mod webhook;
mod webhook_programs;
