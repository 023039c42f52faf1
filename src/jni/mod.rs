//! JNI entry points for the Java binding (`bindings/java`, class `io.taptalk.sdk.Native`),
//! compiled into libtaptalk itself with the cargo feature `jni`, so that an Android app ships
//! one file per ABI (`jniLibs/<abi>/libtaptalk.so`) and no JNI glue library of its own.
//!
//! Every function is a thin shim over the C ABI (`tt_client_new`, `tt_client_free` here; the
//! calls, `tt_call`, `tt_request`, their cancellable twins, the cancellation handles and
//! batches in `jni/calls.rs`; the case cursor's in `jni/cursor.rs`, webhooks' and
//! `tt_reply_get` in `jni/webhook.rs`): the Java side gets exactly
//! what C callers get. Rules held here:
//! - no Rust panic unwinds into the JVM (`catch_unwind` around every body; a panic becomes
//!   the 90004 envelope, like at the C boundary);
//! - no Java exception is left pending by our own doing, and one thrown by a log listener is
//!   cleared on the spot instead of surfacing in an unrelated call;
//! - local references made on a thread that stays attached (the log listener's) live in a
//!   local frame popped before returning, so a long-running thread does not accumulate them.
//!
//! A reply crosses as a `String[6]`: `{envelope, status, code, message, field, data}`, split
//! here with the core's own envelope reader, so Java needs no JSON parser.

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::Arc;

use jni::objects::{GlobalRef, JClass, JMethodID, JObject, JObjectArray, JString};
use jni::signature::{Primitive, ReturnType};
use jni::sys::{jint, jlong, jobjectArray, jstring, jvalue};
use jni::JNIEnv;

use crate::envelope::{Envelope, LocalCode};
use crate::ffi::{tt_client_free, tt_client_new, tt_string_free, TtClient};
use crate::panic::panic_envelope;

mod calls;
mod cursor;
mod verifier;
mod webhook;

/// The six parts of a reply, in the order of the Java `String[]`.
type Parts = [String; 6];

fn parts(envelope_json: String) -> Parts {
    let Some(envelope) = Envelope::from_server_text(envelope_json) else {
        // The core only ever returns envelopes; this keeps the Java side total even so.
        return parts(
            Envelope::local(
                LocalCode::Internal,
                "Internal error: the library returned a reply that is not an envelope",
                "",
            )
            .into_json(),
        );
    };
    let status = envelope.status().to_string();
    let code = envelope.code().to_owned();
    let message = envelope.message().to_owned();
    let field = envelope.field().to_owned();
    let data = envelope.data().to_string();
    [envelope.into_json(), status, code, message, field, data]
}

/// Runs `body`; a panic becomes the 90004 envelope instead of unwinding into the JVM.
fn guarded(body: impl FnOnce() -> String) -> Parts {
    parts(crate::panic::guard(body, || panic_envelope().into_json()))
}

/// A Java string as a C string: `Ok(None)` for Java `null`, `Err(envelope)` when it holds
/// U+0000, which no C string can carry (the C ABI would otherwise see a truncated request).
fn c_string(env: &mut JNIEnv, s: &JString, name: &str) -> Result<Option<CString>, String> {
    if s.is_null() {
        return Ok(None);
    }
    // SAFETY: every Java declaration of these natives types the argument as String.
    let text: String = match unsafe { env.get_string_unchecked(s) } {
        Ok(java) => java.into(),
        Err(_) => {
            let _ = env.exception_clear();
            return Err(local(format!("{name} could not be read from Java")));
        }
    };
    CString::new(text).map(Some).map_err(|e| {
        local(format!(
            "{name} contains U+0000 at offset {}",
            e.nul_position()
        ))
    })
}

/// Several Java strings as C strings, in order (each `None` for a Java null); the first that
/// cannot be read, or holds U+0000, answers its envelope, naming it.
fn c_strings<const N: usize>(
    env: &mut JNIEnv,
    strings: [(&JString, &str); N],
) -> Result<[Option<CString>; N], String> {
    let mut out: [Option<CString>; N] = std::array::from_fn(|_| None);
    for (slot, (s, name)) in out.iter_mut().zip(strings) {
        *slot = c_string(env, s, name)?;
    }
    Ok(out)
}

fn local(message: String) -> String {
    Envelope::local(LocalCode::InvalidArgument, message, "").into_json()
}

fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// Copies a string returned by the C ABI and frees it.
///
/// # Safety
/// `raw` must be NULL or a string from this library, not yet freed.
unsafe fn take(raw: *mut c_char) -> String {
    if raw.is_null() {
        return Envelope::local(LocalCode::Internal, "Internal error: no reply", "").into_json();
    }
    // SAFETY: the library returns NUL-terminated strings; freed once, here.
    let text = unsafe { CStr::from_ptr(raw) }
        .to_string_lossy()
        .into_owned();
    unsafe { tt_string_free(raw) };
    text
}

/// Builds the Java `String[6]`, or returns NULL with the JVM's exception (out of memory)
/// pending, which Java then throws at the call site.
fn to_java(env: &mut JNIEnv, parts: Parts) -> jobjectArray {
    let built = (|| -> jni::errors::Result<jobjectArray> {
        let array = env.new_object_array(6, "java/lang/String", JObject::null())?;
        fill(env, &array, &parts)?;
        Ok(array.into_raw())
    })();
    built.unwrap_or(ptr::null_mut())
}

fn fill(env: &mut JNIEnv, array: &JObjectArray, parts: &Parts) -> jni::errors::Result<()> {
    for (i, part) in parts.iter().enumerate() {
        let s = env.new_string(part)?;
        env.set_object_array_element(array, i as jint, &s)?;
        // Freed now rather than at return, so a reply never holds more than two locals.
        env.delete_local_ref(s)?;
    }
    Ok(())
}

/// `static native String version()`: the library version.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_version<'l>(
    env: JNIEnv<'l>,
    _class: JClass<'l>,
) -> jstring {
    env.new_string(crate::VERSION)
        .map(|s| s.into_raw())
        .unwrap_or(ptr::null_mut())
}

/// `static native int abiVersion()`: `TT_ABI_VERSION`.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_abiVersion<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
) -> jint {
    crate::ffi::TT_ABI_VERSION as jint
}

/// `static native long clientNew(String configJson, String[] errorOut)`: a client handle, or
/// 0 with the refusal's parts (as `call` returns them) stored in `errorOut[0..6]`.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_clientNew<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    config_json: JString<'l>,
    error_out: JObjectArray<'l>,
) -> jlong {
    let mut handle: *mut TtClient = ptr::null_mut();
    let reply = guarded(|| {
        let config = match c_string(&mut env, &config_json, "config_json") {
            Ok(config) => config,
            Err(envelope) => return envelope,
        };
        let mut error: *mut c_char = ptr::null_mut();
        // SAFETY: a NUL-terminated string or NULL, and a valid out-pointer.
        handle = unsafe { tt_client_new(opt_ptr(&config), &mut error) };
        // SAFETY: error is NULL or a fresh string from tt_client_new.
        unsafe { take(error) }
    });
    if !handle.is_null() {
        return handle as jlong;
    }
    if !error_out.is_null() {
        let _ = fill(&mut env, &error_out, &reply);
    }
    0
}

/// `static native void clientFree(long handle)`: releases a client; 0 is ignored. The Java
/// client calls it once, after every call on the handle has returned.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_clientFree<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    // SAFETY: the Java client passes a handle from clientNew exactly once (tt_client_free
    // itself catches panics).
    unsafe { tt_client_free(handle as *mut TtClient) }
}

/// `static native void setLogListener(Object listener, int maxLevel)`: forwards the library's
/// log lines to `listener.log(int level, String target, String message)`, or stops when
/// `listener` is null. The listener runs on the thread that makes the call; a thread the JVM
/// does not know is attached for the line and detached after.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_setLogListener<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    listener: JObject<'l>,
    max_level: jint,
) {
    crate::panic::guard(
        || {
            if listener.is_null() {
                crate::log::set_logger(None, 0);
                return;
            }
            // The method is looked up once here (the global reference keeps its class loaded), so
            // each line is a plain call with no signature parsing.
            let found = (|| -> jni::errors::Result<_> {
                let vm = env.get_java_vm()?;
                let class = env.get_object_class(&listener)?;
                let log =
                    env.get_method_id(&class, "log", "(ILjava/lang/String;Ljava/lang/String;)V")?;
                env.delete_local_ref(class)?;
                Ok((vm, env.new_global_ref(&listener)?, log))
            })();
            let Ok((vm, listener, log)) = found else {
                let _ = env.exception_clear();
                return;
            };
            let sink = move |level: i32, target: &str, line: &str| {
                forward(&vm, &listener, log, level, target, line);
            };
            crate::log::set_logger(Some(Arc::new(sink)), max_level);
        },
        || (),
    );
}

fn forward(
    vm: &jni::JavaVM,
    listener: &GlobalRef,
    log: JMethodID,
    level: i32,
    target: &str,
    line: &str,
) {
    let Ok(mut env) = vm.attach_current_thread() else {
        return;
    };
    let _ = env.with_local_frame(4, |env| -> jni::errors::Result<()> {
        let target = env.new_string(target)?;
        let line = env.new_string(line)?;
        let args = [
            jvalue { i: level },
            jvalue { l: target.as_raw() },
            jvalue { l: line.as_raw() },
        ];
        // SAFETY: `log` was looked up on this listener's class with exactly this signature:
        // (int, String, String) -> void.
        let result = unsafe {
            env.call_method_unchecked(
                listener.as_obj(),
                log,
                ReturnType::Primitive(Primitive::Void),
                &args,
            )
        };
        if result.is_err() || env.exception_check()? {
            // A listener that throws loses its line; the call that logged it goes on.
            env.exception_clear()?;
        }
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_internal_error_parts() {
        let [envelope, status, code, _message, field, data] = guarded(|| panic!("boom"));
        assert_eq!(status, "500");
        assert_eq!(code, "90004");
        assert_eq!(field, "");
        assert_eq!(data, "{}");
        assert!(envelope.contains("\"90004\""));
    }

    #[test]
    fn parts_keep_the_envelope_text_unchanged() {
        let text = r#"{"status":404,"error":{"code":"40401","message":"Message is not found","field":"id"},"data":{}}"#;
        let [envelope, status, code, message, field, data] = guarded(|| text.to_owned());
        assert_eq!(envelope, text);
        assert_eq!(
            [status, code, message, field, data],
            ["404", "40401", "Message is not found", "id", "{}"]
        );
    }
}
