//! End to end against the sandbox: every operation through `taptalk::Client` and what the
//! sandbox then holds, the sandbox's faults, the case cursor's exactly-once promise (against
//! a model server and over HTTP), the sandbox under raw HTTP, and a soak through the C ABI.

#[path = "../support/mod.rs"]
mod support;

mod batch;
mod more_operations;
mod pager_model;
mod pager_sandbox;
mod powertalk_faults;
mod sandbox_http;
mod sendtalk_onetalk;
mod soak;
mod webhooks;
