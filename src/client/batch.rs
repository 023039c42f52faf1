//! Sending to many at once (`tt_call_many`): one operation over a list of requests, with
//! bounded concurrency over the client's pool, answered as one envelope whose
//! `data.results` holds each request's own envelope, in input order.
//!
//! ```no_run
//! use taptalk::{Client, Operation};
//! let client = Client::from_json(r#"{"sendtalk": {"api_key": "KEY"}}"#).unwrap();
//! let requests = r#"[{"phone": "6281212345678", "messageType": "text", "body": "Hi"},
//!                    {"phone": "6281298765432", "messageType": "text", "body": "Hi"}]"#;
//! let batch = client.call_many(Operation::SendtalkSendWhatsapp, requests,
//!     Some(r#"{"concurrency": 64, "rate_per_second": 200}"#), &mut |done, total| {
//!         eprintln!("{done}/{total}");
//!     });
//! for result in batch.data()["results"].as_array().unwrap() {
//!     println!("{}", result["status"]);
//! }
//! ```
//!
//! Rules:
//! - each request goes through the same checks and attempt loop as a single call: one that
//!   fails validation costs no network call and stops nothing else, and a send is never
//!   repeated once it may have reached the server (the batch never repeats an item itself);
//! - a 429 or a 503 with `Retry-After` pauses every worker of the batch, not only the one
//!   that heard it, and `rate_per_second` caps attempt starts (`pacing.rs`);
//! - `progress(done, total)` runs on the calling thread, after each result;
//! - a cancellation (`crate::Cancel`) ends the batch: items not started answer 91012 "not
//!   sent", items in flight by the single-call rules.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use serde_json::Value;

use super::blocking::Client;
use super::pacing::Pacer;
use crate::cancel;
use crate::config::CallOptions;
use crate::envelope::{Envelope, LocalCode};
use crate::json::{self, Duplicates};
use crate::operation::Operation;
use crate::transport::cancelled;

impl Client {
    /// Runs `op` for every request of the JSON array `requests_json` (each an object in the
    /// vendor's field names), at most `concurrency` at once (`options_json`: `{"concurrency":
    /// 16, "rate_per_second": null, "retry": {...}}`; concurrency 1 to 256, default 16).
    ///
    /// Answers a success envelope whose `data` holds `total`, `succeeded`, `failed` and
    /// `results`, each request's envelope (the server's reply unchanged, or a local one) in
    /// input order; or a local error when `requests_json` is not an array (90002) or the
    /// options are refused (90003).
    pub fn call_many(
        &self,
        op: Operation,
        requests_json: &str,
        options_json: Option<&str>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Envelope {
        let options = match CallOptions::for_batch(&self.config().retry, options_json) {
            Ok(options) => options,
            Err(e) => return e.to_envelope(),
        };
        let requests = match json::parse(requests_json, Duplicates::LastWins) {
            Ok(Value::Array(requests)) => requests,
            Ok(_) => {
                return Envelope::local(
                    LocalCode::InvalidJson,
                    "The requests must be a JSON array of request objects",
                    "",
                )
            }
            Err(e) => {
                return Envelope::local(
                    LocalCode::InvalidJson,
                    format!("The requests are not valid JSON: {e}"),
                    "",
                )
            }
        };
        let results = self.run_batch(op, requests, &options, progress);
        batch_envelope(&results)
    }

    fn run_batch(
        &self,
        op: Operation,
        requests: Vec<Value>,
        options: &CallOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Vec<Envelope> {
        let total = requests.len();
        let pacer = Pacer::new(options.rate_per_second);
        let handle = cancel::current();
        let next = AtomicUsize::new(0);
        let mut results: Vec<Option<Envelope>> = vec![None; total];
        let (done_tx, done_rx) = mpsc::channel::<(usize, Envelope)>();
        std::thread::scope(|scope| {
            for _ in 0..options.concurrency.min(total) {
                let (done_tx, handle, requests, next, pacer) =
                    (done_tx.clone(), handle.clone(), &requests, &next, &pacer);
                scope.spawn(move || {
                    let _scope = handle.as_ref().map(|h| h.bind());
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(request) = requests.get(index) else {
                            break;
                        };
                        let envelope = if cancel::requested() {
                            cancelled(false)
                        } else if !request.is_object() {
                            Envelope::local(
                                LocalCode::InvalidJson,
                                "The request must be a JSON object",
                                "",
                            )
                        } else {
                            self.run_paced(op, request.clone(), &options.retry, Some(pacer))
                        };
                        if done_tx.send((index, envelope)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done_tx);
            // Results arrive as they finish; progress is reported here, on the caller's
            // thread, never on a worker.
            let mut done = 0;
            for (index, envelope) in done_rx {
                results[index] = Some(envelope);
                done += 1;
                progress(done, total);
            }
        });
        results
            .into_iter()
            .map(|result| result.unwrap_or_else(|| cancelled(false)))
            .collect()
    }
}

/// The batch's envelope: each result's text spliced in as it is (a server's reply stays
/// byte for byte), with the counts.
fn batch_envelope(results: &[Envelope]) -> Envelope {
    let succeeded = results.iter().filter(|e| e.is_success()).count();
    let mut text = format!(
        r#"{{"status":200,"error":{{"code":"","message":"","field":""}},"data":{{"total":{},"succeeded":{},"failed":{},"results":["#,
        results.len(),
        succeeded,
        results.len() - succeeded
    );
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(result.as_json());
    }
    text.push_str("]}}");
    Envelope::from_server_text(text).unwrap_or_else(|| {
        Envelope::local(
            LocalCode::Internal,
            "Internal error: a batch's results did not form an envelope",
            "",
        )
    })
}
