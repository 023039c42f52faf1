//! JNI entry points for receiving webhooks (`Webhooks.parse` in Java) and for reading a
//! value of a reply by JSON Pointer (how the typed Java events read their fields without a
//! JSON parser): thin shims over `tt_webhook_parse` and `tt_reply_get`, under the same rules
//! as the rest of `jni/` (no panic unwinds into the JVM).

use std::ffi::{c_char, CStr};
use std::ptr;

use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jobjectArray, jstring};
use jni::JNIEnv;

use super::{c_strings, guarded, local, opt_ptr, take, to_java};
use crate::ffi::{tt_reply_get, tt_string_free, tt_webhook_parse};

/// `static native String[] webhookParse(String headersJson, byte[] body, String secret,
/// String optionsJson)`: `tt_webhook_parse`, answered as `call` answers.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_webhookParse<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    headers_json: JString<'l>,
    body: JByteArray<'l>,
    secret: JString<'l>,
    options_json: JString<'l>,
) -> jobjectArray {
    let reply = guarded(|| {
        let strings = c_strings(
            &mut env,
            [
                (&headers_json, "headers_json"),
                (&secret, "secret"),
                (&options_json, "options_json"),
            ],
        );
        let [headers, secret, options] = match strings {
            Ok(strings) => strings,
            Err(envelope) => return envelope,
        };
        let bytes = if body.is_null() {
            None
        } else {
            match env.convert_byte_array(&body) {
                Ok(bytes) => Some(bytes),
                Err(_) => {
                    let _ = env.exception_clear();
                    return local("body could not be read from Java".to_owned());
                }
            }
        };
        let (data, length) = bytes
            .as_deref()
            .map_or((ptr::null(), 0), |b| (b.as_ptr(), b.len()));
        // SAFETY: NUL-terminated strings or NULL, and `length` readable bytes at `data`.
        unsafe {
            take(tt_webhook_parse(
                opt_ptr(&headers),
                data,
                length,
                opt_ptr(&secret),
                opt_ptr(&options),
            ))
        }
    });
    to_java(&mut env, reply)
}

/// `static native String replyGet(String json, String pointer)`: `tt_reply_get`, or null.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_replyGet<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    json: JString<'l>,
    pointer: JString<'l>,
) -> jstring {
    let value = crate::panic::guard(
        || {
            let Ok([Some(json), Some(pointer)]) =
                c_strings(&mut env, [(&json, "json"), (&pointer, "pointer")])
            else {
                return None;
            };
            // SAFETY: two NUL-terminated strings.
            let raw: *mut c_char = unsafe { tt_reply_get(json.as_ptr(), pointer.as_ptr()) };
            if raw.is_null() {
                return None;
            }
            // SAFETY: a fresh NUL-terminated string from the library, freed once here.
            let text = unsafe { CStr::from_ptr(raw) }
                .to_string_lossy()
                .into_owned();
            unsafe { tt_string_free(raw) };
            Some(text)
        },
        || None,
    );
    value
        .and_then(|text| env.new_string(text).ok())
        .map_or(ptr::null_mut(), |s| s.into_raw())
}
