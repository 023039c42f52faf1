import CTapTalk
import Foundation
#if canImport(Security)
import Security
#endif

/// The operating system's certificate trust for clients configured with
/// `"tls": {"verifier": "platform"}`: the server's chain is evaluated by Security.framework
/// (`SecTrustEvaluateWithError` with an SSL policy for the host), so user-installed and
/// device-management (MDM) CAs apply, as for URLSession. `TapTalkClient` registers it before
/// creating its first client; call `register()` yourself only after replacing it with your
/// own `tt_set_tls_verifier` callback.
///
/// ```swift
/// let client = try TapTalkClient(configJSON: #"{"sendtalk": {"base_url": "https://api.your-app.example/taptalk"}, "tls": {"verifier": "platform"}}"#)
/// ```
///
/// The library itself still checks the host name against the leaf certificate and the
/// handshake signatures; Security.framework decides chain trust (and checks the name again).
public enum TapTalkPlatformTrust {
    /// Registers the Security.framework verifier, process-wide (`tt_set_tls_verifier`).
    public static func register() {
        #if canImport(Security)
        tt_set_tls_verifier(verifyWithSecurityFramework, nil)
        #endif
    }

    /// Registered once, the first time a client is created.
    static let registeredOnce: Void = register()
}

#if canImport(Security)
/// The `TtTlsVerifyCallback`: runs on the thread making the call (never the main thread unless
/// the app calls from it), concurrently with itself; it keeps no state.
private func verifyWithSecurityFramework(
    _ userData: UnsafeMutableRawPointer?,
    _ certs: UnsafePointer<UnsafePointer<UInt8>?>?,
    _ certLens: UnsafePointer<UInt>?,
    _ certCount: UInt,
    _ serverName: UnsafePointer<CChar>?,
    _ reason: UnsafeMutablePointer<CChar>?,
    _ reasonCapacity: UInt
) -> Int32 {
    guard let certs = certs, let certLens = certLens, let serverName = serverName, certCount > 0 else {
        return reject("no certificate chain", reason, reasonCapacity)
    }
    var chain: [SecCertificate] = []
    for i in 0..<Int(certCount) {
        guard let bytes = certs[i],
              let certificate = SecCertificateCreateWithData(nil, Data(bytes: bytes, count: Int(certLens[i])) as CFData)
        else {
            return reject("certificate \(i) of the chain is not valid DER", reason, reasonCapacity)
        }
        chain.append(certificate)
    }
    let host = String(cString: serverName)
    let policy = SecPolicyCreateSSL(true, host as CFString)
    var trust: SecTrust?
    let status = SecTrustCreateWithCertificates(chain as CFArray, policy, &trust)
    guard status == errSecSuccess, let trust = trust else {
        return reject("SecTrustCreateWithCertificates failed (OSStatus \(status))", reason, reasonCapacity)
    }
    var error: CFError?
    if SecTrustEvaluateWithError(trust, &error) {
        return TT_TLS_TRUSTED
    }
    let message = error.map { CFErrorCopyDescription($0) as String } ?? "not trusted by the system"
    return reject(message, reason, reasonCapacity)
}

/// Writes `message` (cut to fit, NUL-terminated) into the library's reason buffer.
private func reject(_ message: String, _ reason: UnsafeMutablePointer<CChar>?, _ capacity: UInt) -> Int32 {
    if let reason = reason, capacity > 0 {
        let bytes = Array(message.utf8.prefix(Int(capacity) - 1))
        for (i, byte) in bytes.enumerated() {
            reason[i] = CChar(bitPattern: byte)
        }
        reason[bytes.count] = 0
    }
    return TT_TLS_REJECTED
}
#endif
