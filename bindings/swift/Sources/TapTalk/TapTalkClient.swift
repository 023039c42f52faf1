import CTapTalk
import Foundation

/// A TapTalk client over libtaptalk's C ABI. Thread-safe: share one; the native client is
/// freed in `deinit`, which Swift runs only when no call holds the client any more.
///
/// ```swift
/// let client = try TapTalkClient(configJSON: #"{"sendtalk": {"base_url": "https://api.your-app.example/taptalk", "headers": {"Authorization": "Bearer \#(token)"}}}"#)
/// let data = try client.sendtalkSendWhatsapp(#"{"phone": "6281212345678", "messageType": "text", "body": "Hi!"}"#)
/// ```
///
/// Each method takes the request as JSON in the vendor's field names and returns the reply's
/// `data` as JSON bytes, or throws `TapTalkError`; `callRaw` returns the whole envelope and
/// never throws.
public final class TapTalkClient: @unchecked Sendable {
    // @unchecked: the C ABI makes one TtClient safe to call from any number of threads, and
    // the handle is immutable; deinit cannot race a call because a call retains self (an
    // async call's closure too). Internal: TapTalkAsync.swift calls through it.
    let handle: OpaquePointer

    /// - Throws: `TapTalkError` with kind `.config` (90003, `field` names the key) or `.usage`.
    public init(configJSON: String) throws {
        // So that "tls": {"verifier": "platform"} finds the Security.framework verifier.
        _ = TapTalkPlatformTrust.registeredOnce
        var error: UnsafeMutablePointer<CChar>? = nil
        let created = configJSON.withCString { tt_client_new($0, &error) }
        guard let created = created else {
            let json = error.map { String(cString: $0) } ?? #"{"status":400,"error":{"code":"90003","message":"refused","field":""},"data":{}}"#
            tt_string_free(error)
            throw TapTalkError(Envelope(json: json))
        }
        handle = created
    }

    deinit {
        tt_client_free(handle)
    }

    /// The native library's version.
    public static var libraryVersion: String { String(cString: tt_version()) }

    /// Any operation by its C-ABI name (e.g. "sendtalk_send_whatsapp"), with optional per-call
    /// options (`{"retry": {"max_attempts": 1}}`). Returns `data` as JSON bytes.
    public func call(_ operation: String, _ requestJSON: String, options: String? = nil) throws -> Data {
        let reply = callRaw(operation, requestJSON, options: options)
        guard reply.isSuccess else { throw TapTalkError(reply) }
        return reply.data
    }

    /// The whole reply, success or failure; never throws.
    public func callRaw(_ operation: String, _ requestJSON: String, options: String? = nil) -> Envelope {
        callRaw(operation, requestJSON, options: options, cancel: nil)
    }

    /// `callRaw` that `cancel` can cancel (`tt_call_cancellable`; nil: not cancellable).
    func callRaw(_ operation: String, _ requestJSON: String, options: String?, cancel: CancelHandle?) -> Envelope {
        let raw: UnsafeMutablePointer<CChar>? = operation.withCString { op in
            requestJSON.withCString { request in
                withOptionalCString(options) { tt_call_cancellable(handle, op, request, $0, cancel?.pointer) }
            }
        }
        return Envelope(taking: raw)
    }

    // One line per operation; the names are the C ABI's (tt_call).
    public func powertalkSendCustomMessage(_ requestJSON: String) throws -> Data { try call("powertalk_send_custom_message", requestJSON) }
    public func powertalkSyncContacts(_ requestJSON: String) throws -> Data { try call("powertalk_sync_contacts", requestJSON) }
    public func powertalkUpdateUser(_ requestJSON: String) throws -> Data { try call("powertalk_update_user", requestJSON) }
    public func powertalkCreateOrUpdateRoom(_ requestJSON: String) throws -> Data { try call("powertalk_create_or_update_room", requestJSON) }
    public func powertalkRequestAuthTicket(_ requestJSON: String) throws -> Data { try call("powertalk_request_auth_ticket", requestJSON) }
    public func sendtalkSendWhatsapp(_ requestJSON: String) throws -> Data { try call("sendtalk_send_whatsapp", requestJSON) }
    public func sendtalkGetStatus(_ requestJSON: String) throws -> Data { try call("sendtalk_get_status", requestJSON) }
    public func sendtalkCheckWhatsappPhone(_ requestJSON: String) throws -> Data { try call("sendtalk_check_whatsapp_phone", requestJSON) }
    public func sendtalkCreateWhatsappVerification(_ requestJSON: String) throws -> Data { try call("sendtalk_create_whatsapp_verification", requestJSON) }
    public func onetalkSendWhatsapp(_ requestJSON: String) throws -> Data { try call("onetalk_send_whatsapp", requestJSON) }
    public func onetalkSendWhatsappTemplate(_ requestJSON: String) throws -> Data { try call("onetalk_send_whatsapp_template", requestJSON) }
    public func onetalkGetUpdatedCases(_ requestJSON: String) throws -> Data { try call("onetalk_get_updated_cases", requestJSON) }
    public func onetalkUpdateCase(_ requestJSON: String) throws -> Data { try call("onetalk_update_case", requestJSON) }
    public func onetalkRequestUserAuthTicket(_ requestJSON: String) throws -> Data { try call("onetalk_request_user_auth_ticket", requestJSON) }
    public func onetalkSyncUserContact(_ requestJSON: String) throws -> Data { try call("onetalk_sync_user_contact", requestJSON) }
    // A OneTalk custom chatbot's actions (config section "chatbot"); OneTalk's plain-text
    // refusals throw with code 93010 and the HTTP status.
    public func chatbotSendMessages(_ requestJSON: String) throws -> Data { try call("chatbot_send_messages", requestJSON) }
    public func chatbotHandoverCase(_ requestJSON: String) throws -> Data { try call("chatbot_handover_case", requestJSON) }
    public func chatbotCloseCase(_ requestJSON: String) throws -> Data { try call("chatbot_close_case", requestJSON) }
    public func chatbotUpdateCase(_ requestJSON: String) throws -> Data { try call("chatbot_update_case", requestJSON) }
    public func chatbotUpdateContact(_ requestJSON: String) throws -> Data { try call("chatbot_update_contact", requestJSON) }

    /// The same operations with an `Encodable` request (e.g. a struct or a dictionary).
    public func call<Request: Encodable>(_ operation: String, _ request: Request) throws -> Data {
        let json = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        return try call(operation, json)
    }
}

/// Process-wide logging: one line per request attempt; keys, relay headers and bodies are
/// never in it, phone numbers are masked. The handler runs on the calling thread.
public enum TapTalkLog {
    public typealias Handler = @Sendable (_ level: Int32, _ message: String) -> Void

    private final class Box: @unchecked Sendable {
        let handler: Handler
        init(_ handler: @escaping Handler) { self.handler = handler }
    }

    private static let lock = NSLock()
    private static var current: Unmanaged<Box>?

    /// Installs `handler` for lines at `maxLevel` (1 error ... 5 trace) and more severe, or
    /// turns logging off with nil.
    public static func setHandler(_ handler: Handler?, maxLevel: Int32 = 3) {
        lock.lock()
        defer { lock.unlock() }
        let old = current
        if let handler = handler {
            let box = Unmanaged.passRetained(Box(handler))
            current = box
            tt_set_log_callback({ userData, level, _, message in
                guard let userData = userData, let message = message else { return }
                Unmanaged<Box>.fromOpaque(userData).takeUnretainedValue().handler(level, String(cString: message))
            }, box.toOpaque(), maxLevel)
        } else {
            current = nil
            tt_set_log_callback(nil, nil, 0)
        }
        // The previous box is deliberately never released: a line already in flight on another
        // thread may still be using it, and nothing says when it is done. A few bytes per
        // replacement, which apps do once.
        _ = old
    }
}
