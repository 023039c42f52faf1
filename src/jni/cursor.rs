//! JNI entry points for `io.taptalk.sdk.CaseCursor`: thin shims over the case cursor's C ABI
//! (`tt_case_cursor_*`, `src/ffi/cursor.rs`), under the same rules as the rest of `jni.rs`.
//! Replies cross as the same `String[6]` as `call`'s.

use std::ffi::c_char;
use std::ptr;

use jni::objects::{JClass, JObjectArray, JString};
use jni::sys::{jlong, jobjectArray};
use jni::JNIEnv;

use super::{c_string, fill, guarded, opt_ptr, take, to_java};
use crate::ffi::{
    tt_case_cursor_free, tt_case_cursor_new, tt_case_cursor_next_case, tt_case_cursor_next_page,
    tt_case_cursor_state, TtCaseCursor, TtClient,
};

/// `static native long cursorNew(String optionsJson, String[] errorOut)`: a cursor handle, or
/// 0 with the refusal's parts stored in `errorOut[0..6]` (as `clientNew`).
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cursorNew<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    options_json: JString<'l>,
    error_out: JObjectArray<'l>,
) -> jlong {
    let mut cursor: *mut TtCaseCursor = ptr::null_mut();
    let reply = guarded(|| {
        let options = match c_string(&mut env, &options_json, "options_json") {
            Ok(options) => options,
            Err(envelope) => return envelope,
        };
        let mut error: *mut c_char = ptr::null_mut();
        // SAFETY: a NUL-terminated string or NULL, and a valid out-pointer.
        cursor = unsafe { tt_case_cursor_new(opt_ptr(&options), &mut error) };
        // SAFETY: error is NULL or a fresh string from tt_case_cursor_new.
        unsafe { take(error) }
    });
    if !cursor.is_null() {
        return cursor as jlong;
    }
    if !error_out.is_null() {
        let _ = fill(&mut env, &error_out, &reply);
    }
    0
}

/// `static native void cursorFree(long cursor)`: releases a cursor; 0 is ignored. The Java
/// cursor calls it once, under its monitor, so never during a call on it.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cursorFree<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
    cursor: jlong,
) {
    // SAFETY: the Java cursor passes a handle from cursorNew exactly once (tt_case_cursor_free
    // itself catches panics).
    unsafe { tt_case_cursor_free(cursor as *mut TtCaseCursor) }
}

/// `static native String[] cursorNextPage(long cursor, long client)`: `tt_case_cursor_next_page`.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cursorNextPage<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    cursor: jlong,
    client: jlong,
) -> jobjectArray {
    fetch(&mut env, tt_case_cursor_next_page, cursor, client)
}

/// `static native String[] cursorNextCase(long cursor, long client)`: `tt_case_cursor_next_case`.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cursorNextCase<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    cursor: jlong,
    client: jlong,
) -> jobjectArray {
    fetch(&mut env, tt_case_cursor_next_case, cursor, client)
}

/// The body of cursorNextPage and cursorNextCase: one cursor export, answered as parts.
fn fetch(
    env: &mut JNIEnv,
    export: unsafe extern "C" fn(*mut TtCaseCursor, *const TtClient) -> *mut c_char,
    cursor: jlong,
    client: jlong,
) -> jobjectArray {
    // SAFETY: the cursor is live (the Java cursor's monitor is held and it frees only under
    // it); the client is live (its read lock is held across the call).
    let reply = guarded(|| unsafe {
        take(export(
            cursor as *mut TtCaseCursor,
            client as *const TtClient,
        ))
    });
    to_java(env, reply)
}

/// `static native String[] cursorState(long cursor)`: `tt_case_cursor_state`.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_cursorState<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    cursor: jlong,
) -> jobjectArray {
    // SAFETY: the cursor is live (the Java cursor's monitor is held and it frees only under it).
    let reply = guarded(|| unsafe { take(tt_case_cursor_state(cursor as *const TtCaseCursor)) });
    to_java(&mut env, reply)
}
