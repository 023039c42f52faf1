//! JNI entry points for the calls: `call` and `request`, their cancellable twins behind
//! `io.taptalk.sdk.TapTalkFuture`, the cancellation handles, and `TapTalkClient.callMany`:
//! thin shims over the C ABI's `tt_call_cancellable`, `tt_request_cancellable`, `tt_cancel_*`
//! and `tt_call_many_cancellable` (a NULL cancellation handle makes the first two `tt_call`
//! and `tt_request`), under the rules of `jni/mod.rs` (every body through
//! `crate::panic::guard`; no Java exception left pending, a progress listener's cleared where
//! it is thrown). Replies cross as the same `String[6]` as `call`'s.

use std::ffi::c_void;
use std::ptr;

use jni::objects::{JClass, JMethodID, JObject, JString};
use jni::signature::{Primitive, ReturnType};
use jni::sys::{jlong, jobjectArray, jvalue};
use jni::JNIEnv;

use super::{c_strings, guarded, opt_ptr, take, to_java};
use crate::ffi::{
    tt_call_cancellable, tt_call_many_cancellable, tt_cancel, tt_cancel_free, tt_cancel_new,
    tt_request_cancellable, TtCancel, TtClient,
};

/// `static native long cancelNew()`: a cancellation handle (0 only if allocation failed).
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cancelNew<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
) -> jlong {
    crate::panic::guard(|| tt_cancel_new() as jlong, || 0)
}

/// `static native void cancel(long cancel)`: `tt_cancel`; 0 is ignored. The Java future
/// calls it only while it owns the handle (under its monitor, before `cancelFree`).
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cancel<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
    cancel: jlong,
) {
    // SAFETY: 0 or a live handle from cancelNew, not yet freed (see above).
    crate::panic::guard(|| unsafe { tt_cancel(cancel as *const TtCancel) }, || ());
}

/// `static native void cancelFree(long cancel)`: `tt_cancel_free`; 0 is ignored. Called
/// once, after the call that used the handle returned.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cancelFree<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
    cancel: jlong,
) {
    // SAFETY: 0 or a handle from cancelNew, freed exactly once (tt_cancel_free itself
    // catches panics).
    unsafe { tt_cancel_free(cancel as *mut TtCancel) }
}

/// `static native String[] call(long handle, String operation, String request, String options)`:
/// `tt_call`, answered as `{envelope, status, code, message, field, data}`.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_call<'l>(
    env: JNIEnv<'l>,
    class: JClass<'l>,
    handle: jlong,
    operation: JString<'l>,
    request_json: JString<'l>,
    options_json: JString<'l>,
) -> jobjectArray {
    // A NULL cancellation handle makes tt_call_cancellable exactly tt_call: one body for both.
    Java_io_taptalk_sdk_Native_callCancellable(
        env,
        class,
        handle,
        operation,
        request_json,
        options_json,
        0,
    )
}

/// `static native String[] request(long handle, String product, String method, String path,
/// String json, String options)`: `tt_request`, answered as `call` answers.
// The argument list is the Java declaration's, which mirrors tt_request's.
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_request<'l>(
    env: JNIEnv<'l>,
    class: JClass<'l>,
    handle: jlong,
    product: JString<'l>,
    method: JString<'l>,
    path: JString<'l>,
    json: JString<'l>,
    options_json: JString<'l>,
) -> jobjectArray {
    // As `call`: tt_request_cancellable with a NULL handle is tt_request.
    Java_io_taptalk_sdk_Native_requestCancellable(
        env,
        class,
        handle,
        product,
        method,
        path,
        json,
        options_json,
        0,
    )
}

/// `static native String[] callCancellable(long handle, String operation, String request,
/// String options, long cancel)`: `tt_call_cancellable`, answered as `call` answers.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_callCancellable<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    operation: JString<'l>,
    request_json: JString<'l>,
    options_json: JString<'l>,
    cancel: jlong,
) -> jobjectArray {
    let reply = guarded(|| {
        let strings = c_strings(
            &mut env,
            [
                (&operation, "operation"),
                (&request_json, "request_json"),
                (&options_json, "options_json"),
            ],
        );
        let [operation, request, options] = match strings {
            Ok(strings) => strings,
            Err(envelope) => return envelope,
        };
        // SAFETY: the handle is live (the Java client holds its read lock across the call);
        // the cancel handle is 0 or live until the call returns; the strings are NULL or
        // NUL-terminated.
        unsafe {
            take(tt_call_cancellable(
                handle as *const TtClient,
                opt_ptr(&operation),
                opt_ptr(&request),
                opt_ptr(&options),
                cancel as *const TtCancel,
            ))
        }
    });
    to_java(&mut env, reply)
}

/// `static native String[] requestCancellable(long handle, String product, String method,
/// String path, String json, String options, long cancel)`: `tt_request_cancellable`.
// The argument list is the Java declaration's, which mirrors tt_request_cancellable's.
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_requestCancellable<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    product: JString<'l>,
    method: JString<'l>,
    path: JString<'l>,
    json: JString<'l>,
    options_json: JString<'l>,
    cancel: jlong,
) -> jobjectArray {
    let reply = guarded(|| {
        let strings = c_strings(
            &mut env,
            [
                (&product, "product"),
                (&method, "method"),
                (&path, "path"),
                (&json, "json"),
                (&options_json, "options_json"),
            ],
        );
        let [product, method, path, json, options] = match strings {
            Ok(strings) => strings,
            Err(envelope) => return envelope,
        };
        // SAFETY: as in callCancellable.
        unsafe {
            take(tt_request_cancellable(
                handle as *const TtClient,
                opt_ptr(&product),
                opt_ptr(&method),
                opt_ptr(&path),
                opt_ptr(&json),
                opt_ptr(&options),
                cancel as *const TtCancel,
            ))
        }
    });
    to_java(&mut env, reply)
}

/// What the progress trampoline needs: the calling thread's JNI environment and the
/// listener's `progress(long, long)`. Lives on the stack of `callMany`, which the batch
/// (and so every progress call, made on this same thread) never outlives.
struct Listener<'a, 'l> {
    env: &'a mut JNIEnv<'l>,
    listener: &'a JObject<'l>,
    progress: JMethodID,
}

/// The batch's progress callback: `listener.progress(done, total)` on the calling thread.
/// A listener that throws loses that report; the batch goes on (the exception is cleared
/// here, so no JNI call ever runs with one pending).
unsafe extern "C" fn report(user_data: *mut c_void, done: usize, total: usize) {
    // SAFETY: user_data is the `Listener` callMany passed, alive for the whole batch, and
    // this runs on callMany's own thread (tt_call_many_cancellable's contract), so the
    // environment is this thread's and nothing else touches it meanwhile.
    let listener = unsafe { &mut *(user_data as *mut Listener) };
    crate::panic::guard(
        || {
            let args = [jvalue { j: done as jlong }, jvalue { j: total as jlong }];
            // SAFETY: `progress` was looked up on the listener's class with exactly this
            // signature: (long, long) -> void.
            let result = unsafe {
                listener.env.call_method_unchecked(
                    listener.listener,
                    listener.progress,
                    ReturnType::Primitive(Primitive::Void),
                    &args,
                )
            };
            if result.is_err() || listener.env.exception_check().unwrap_or(true) {
                let _ = listener.env.exception_clear();
            }
        },
        || (),
    );
}

/// `static native String[] callMany(long handle, String operation, String requestsJson,
/// String optionsJson, Object listener, long cancel)`: `tt_call_many_cancellable`, with
/// `listener.progress(long done, long total)` called on this thread after each result (no
/// callback at all when `listener` is null), answered as `call` answers.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_callMany<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    operation: JString<'l>,
    requests_json: JString<'l>,
    options_json: JString<'l>,
    listener: JObject<'l>,
    cancel: jlong,
) -> jobjectArray {
    let reply = guarded(|| {
        let strings = c_strings(
            &mut env,
            [
                (&operation, "operation"),
                (&requests_json, "requests_json"),
                (&options_json, "options_json"),
            ],
        );
        let [operation, requests, options] = match strings {
            Ok(strings) => strings,
            Err(envelope) => return envelope,
        };
        let progress = if listener.is_null() {
            None
        } else {
            let found = (|| -> jni::errors::Result<JMethodID> {
                let class = env.get_object_class(&listener)?;
                let method = env.get_method_id(&class, "progress", "(JJ)V")?;
                env.delete_local_ref(class)?;
                Ok(method)
            })();
            match found {
                Ok(method) => Some(method),
                Err(_) => {
                    let _ = env.exception_clear();
                    return super::local(
                        "The progress listener has no progress(long, long) method".into(),
                    );
                }
            }
        };
        let mut state = progress.map(|progress| Listener {
            env: &mut env,
            listener: &listener,
            progress,
        });
        let (callback, user_data): (Option<unsafe extern "C" fn(*mut c_void, usize, usize)>, _) =
            match state.as_mut() {
                Some(state) => (Some(report), state as *mut Listener as *mut c_void),
                None => (None, ptr::null_mut()),
            };
        // SAFETY: the handle is live (the Java client's read lock is held across the call);
        // the cancel handle is 0 or live until the call returns; the strings are NULL or
        // NUL-terminated; `report` is called only during the call, on this thread, with the
        // `Listener` above, which outlives it.
        unsafe {
            take(tt_call_many_cancellable(
                handle as *const TtClient,
                opt_ptr(&operation),
                opt_ptr(&requests),
                opt_ptr(&options),
                callback,
                user_data,
                cancel as *const TtCancel,
            ))
        }
    });
    to_java(&mut env, reply)
}
