//! The C ABI of raw requests (`tt_request`), under the same boundary rules as every export
//! (`boundary.rs`).

use std::ffi::c_char;

use super::boundary::borrow_str;
use super::client::with_client;
use super::client::TtClient;
use crate::envelope::{Envelope, LocalCode};
use crate::operation::{Method, Product};
use crate::text::quoted;

/// Sends a request to an endpoint the library has no operation for, with everything an
/// operation gets: the product's key header, timeouts, the size cap, no redirects, the
/// envelope check, retries and log lines without keys.
///
/// \param client        the client whose key, settings and pool the request uses.
/// \param product       "powertalk", "sendtalk" or "onetalk" (must be configured).
/// \param method        "GET" or "POST".
/// \param path          a path under the product's base URL, e.g.
///                      "/api/v1/message/check_whatsapp_phone". Refused (40002, field
///                      "path"): anything not starting with '/', "//", '?', '#', '\',
///                      "." or ".." segments (also percent-encoded), encoded '/', '\' or '%',
///                      control, space or non-ASCII characters.
/// \param json          POST: the JSON body, sent as written (NULL sends {}). GET: a flat
///                      JSON object of string/number/boolean query values, percent-encoded
///                      in key order (NULL: no query). Invalid JSON answers 90002.
/// \param options_json  NULL or tt_call's options plus "safe_to_repeat":
///                      {"retry": {...}, "safe_to_repeat": true}. A GET is retried like a
///                      read; a POST like a send (never repeated once it may have been
///                      written; 91010 when its outcome is unknown) unless safe_to_repeat.
/// \return an envelope string, never NULL: the server's reply unchanged or a local error.
/// Threading: safe to call concurrently on one client.
///
/// # Safety
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tt_request(
    client: *const TtClient,
    product: *const c_char,
    method: *const c_char,
    path: *const c_char,
    json: *const c_char,
    options_json: *const c_char,
) -> *mut c_char {
    // SAFETY: the caller guarantees NULL or a live client, and NULL or NUL-terminated strings.
    unsafe {
        with_client(client, |client| {
            // Read all five before judging any, so a NULL anywhere is answered the same way.
            let strings = (
                borrow_str(product, "product"),
                borrow_str(method, "method"),
                borrow_str(path, "path"),
                (!json.is_null()).then(|| borrow_str(json, "json")),
                (!options_json.is_null()).then(|| borrow_str(options_json, "options_json")),
            );
            let product = match strings.0? {
                "powertalk" => Product::PowerTalk,
                "sendtalk" => Product::SendTalk,
                "onetalk" => Product::OneTalk,
                other => {
                    return Err(Envelope::local(
                        LocalCode::InvalidParam,
                        format!(
                            "Unknown product {} (known: powertalk, sendtalk, onetalk)",
                            quoted(other)
                        ),
                        "product",
                    ))
                }
            };
            let method = match strings.1? {
                "GET" | "get" => Method::Get,
                "POST" | "post" => Method::Post,
                other => {
                    return Err(Envelope::local(
                        LocalCode::InvalidParam,
                        format!("Unknown method {} (use GET or POST)", quoted(other)),
                        "method",
                    ))
                }
            };
            let path = strings.2?;
            let json = strings.3.transpose()?;
            let options = strings.4.transpose()?;
            Ok(client.request(product, method, path, json, options))
        })
    }
}
