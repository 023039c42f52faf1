//! JNI entry point for the platform certificate verifier: `Native.setTlsVerifier` registers a
//! Java `VerifierBridge` (backed by the platform's X509TrustManager, see `PlatformTrust.java`)
//! as the core's chain verifier (src/chain_verifier.rs), under the same rules as the rest of
//! `jni/mod.rs`:
//! no panic into the JVM, no Java exception left pending, and the locals of a handshake on a
//! thread that stays attached freed in a local frame.

use std::sync::Arc;

use jni::objects::{GlobalRef, JClass, JMethodID, JObject, JString};
use jni::signature::ReturnType;
use jni::sys::jvalue;
use jni::{JNIEnv, JavaVM};

/// `static native void setTlsVerifier(Object bridge)`: makes `bridge.check(byte[][] chain,
/// String host)` (null: trusted; otherwise the reason) the process-wide chain verifier, or
/// removes it when `bridge` is null. It runs on the thread making the call; a thread the JVM
/// does not know is attached for it and detached after.
#[no_mangle]
pub extern "system" fn Java_io_taptalk_sdk_Native_setTlsVerifier<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    bridge: JObject<'l>,
) {
    crate::panic::guard(
        || {
            if bridge.is_null() {
                crate::chain_verifier::set_chain_verifier(None);
                return;
            }
            let found = (|| -> jni::errors::Result<_> {
                let vm = env.get_java_vm()?;
                let class = env.get_object_class(&bridge)?;
                let check = env.get_method_id(
                    &class,
                    "check",
                    "([[BLjava/lang/String;)Ljava/lang/String;",
                )?;
                env.delete_local_ref(class)?;
                Ok((vm, env.new_global_ref(&bridge)?, check))
            })();
            let Ok((vm, bridge, check)) = found else {
                let _ = env.exception_clear();
                return;
            };
            let verifier =
                move |chain: &[&[u8]], host: &str| ask_java(&vm, &bridge, check, chain, host);
            crate::chain_verifier::set_chain_verifier(Some(Arc::new(verifier)));
        },
        || (),
    );
}

fn ask_java(
    vm: &JavaVM,
    bridge: &GlobalRef,
    check: JMethodID,
    chain: &[&[u8]],
    host: &str,
) -> Result<(), String> {
    let Ok(mut env) = vm.attach_current_thread() else {
        return Err("the Java verifier could not be reached (thread attach failed)".to_owned());
    };
    let capacity = i32::try_from(chain.len())
        .unwrap_or(i32::MAX)
        .saturating_add(4);
    let answer = env.with_local_frame(capacity, |env| -> jni::errors::Result<_> {
        let array = env.new_object_array(chain.len() as i32, "[B", JObject::null())?;
        for (i, der) in chain.iter().enumerate() {
            let bytes = env.byte_array_from_slice(der)?;
            env.set_object_array_element(&array, i as i32, &bytes)?;
            env.delete_local_ref(bytes)?;
        }
        let host = env.new_string(host)?;
        let args = [jvalue { l: array.as_raw() }, jvalue { l: host.as_raw() }];
        // SAFETY: `check` was looked up on this bridge's class with exactly this signature:
        // (byte[][], String) -> String.
        let result =
            unsafe { env.call_method_unchecked(bridge.as_obj(), check, ReturnType::Object, &args) };
        if env.exception_check()? {
            // The bridge catches everything it can; what escapes (an Error while building the
            // reason) is a rejection, cleared here so it cannot surface in an unrelated call.
            env.exception_clear()?;
            return Ok(Err("the Java verifier threw".to_owned()));
        }
        let reason = result?.l()?;
        if reason.is_null() {
            return Ok(Ok(()));
        }
        let reason: String = env.get_string(&JString::from(reason))?.into();
        Ok(Err(reason))
    });
    answer.unwrap_or_else(|_| {
        let _ = env.exception_clear();
        Err("the Java verifier could not be called".to_owned())
    })
}
