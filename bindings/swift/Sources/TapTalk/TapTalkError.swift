import CTapTalk
import Foundation

/// A failed call: the envelope's `status`, `code`, `message` and `field`, the whole envelope,
/// and its `kind`, mirroring the Python package's exception classes.
///
/// ```swift
/// do {
///     _ = try client.sendtalkSendWhatsapp(request)
/// } catch let error as TapTalkError where error.kind == .outcomeUnknown {
///     // may have been delivered: check with sendtalkGetStatus before sending again
/// }
/// ```
public struct TapTalkError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, by `error.code` (and `status` for server codes).
    public enum Kind: String, Sendable {
        case validation        // 40002
        case auth              // 40001, 401xx, 403xx, 491xx
        case notFound          // 40401 or status 404
        case tier              // 499xx
        case server            // 5xxxx, 99999, status >= 500
        case usage             // 90001, 90002
        case config            // 90003
        case clientClosed      // 90005; never raised here: a Swift client has no close(), it is freed in deinit
        case `internal`        // 90004
        case transport         // other 91xxx
        case timeout           // 91001
        case connect           // 91002: nothing was sent
        case connectionLost    // 91003
        case tls               // 91004
        case redirect          // 91005
        case invalidReply      // 91006
        case truncatedReply    // 91007
        case httpStatus        // 91008
        case replyTooLarge     // 91009
        case outcomeUnknown    // 91010: a send MAY have been delivered; it was not retried
        case proxy             // 91011: the proxy failed or refused; nothing was sent
        case cancelled         // 91012: the call was cancelled (a cancelled Task); maybeDelivered is data.maybe_sent
        case pagination        // 92001: the case cursor cannot progress; nothing was skipped
        case webhookSecret     // 93001-93003: X-Secret-Key missing or wrong, or no secret given
        case webhook           // 93004-93007: the webhook body was refused
        case chatbotRefused    // 93010: OneTalk refused a chatbot action in plain text (status says why)
        case other
    }

    public let status: Int
    public let code: String
    public let message: String
    public let field: String
    /// The whole envelope.
    public let envelope: Envelope
    public let kind: Kind

    init(_ envelope: Envelope) {
        self.envelope = envelope
        status = envelope.status
        code = envelope.code
        message = envelope.message
        field = envelope.field
        kind = Self.kind(status: envelope.status, code: envelope.code)
    }

    /// True when the request may have reached the server (never retry a send blindly). For
    /// `.cancelled`, the envelope's `data.maybe_sent`.
    public var maybeDelivered: Bool {
        switch kind {
        case .timeout, .connectionLost, .invalidReply, .truncatedReply, .httpStatus, .replyTooLarge, .outcomeUnknown:
            return true
        case .cancelled:
            let data = (try? JSONSerialization.jsonObject(with: envelope.data)) as? [String: Any]
            return data?["maybe_sent"] as? Bool ?? false
        default:
            return false
        }
    }

    public var description: String {
        var text = message.isEmpty ? "(no message)" : message
        if !code.isEmpty { text = "[\(code)] " + text }
        if !field.isEmpty { text += " (field: \(field))" }
        return text
    }

    static func kind(status: Int, code: String) -> Kind {
        let exact: [String: Kind] = [
            "40001": .auth, "40002": .validation, "40401": .notFound,
            "90001": .usage, "90002": .usage, "90003": .config, "90004": .internal,
            "90005": .clientClosed,
            "91001": .timeout, "91002": .connect, "91003": .connectionLost, "91004": .tls,
            "91005": .redirect, "91006": .invalidReply, "91007": .truncatedReply,
            "91008": .httpStatus, "91009": .replyTooLarge, "91010": .outcomeUnknown,
            "91011": .proxy, "92001": .pagination,
            "93001": .webhookSecret, "93002": .webhookSecret, "93003": .webhookSecret,
            "93004": .webhook, "93005": .webhook, "93006": .webhook, "93007": .webhook,
            "93010": .chatbotRefused, "91012": .cancelled,
        ]
        if let kind = exact[code] { return kind }
        if code.hasPrefix("91") { return .transport }
        if code.hasPrefix("90") { return .usage }
        if code.hasPrefix("401") || code.hasPrefix("403") || code.hasPrefix("491") { return .auth }
        if code.hasPrefix("404") || status == 404 { return .notFound }
        if code.hasPrefix("499") || status == 499 { return .tier }
        if code.hasPrefix("400") { return .validation }
        if code.hasPrefix("5") || code == "99999" || status >= 500 { return .server }
        return .other
    }
}

/// One reply: `{"status":..,"error":{"code":..,"message":..,"field":..},"data":{..}}`.
public struct Envelope: Sendable {
    /// The text exactly as received (or the library's own envelope for a local failure).
    public let json: String
    public let status: Int
    public let code: String
    public let message: String
    public let field: String
    /// `data`, re-encoded as JSON bytes (`null` when absent).
    public let data: Data

    public var isSuccess: Bool { status == 200 && code.isEmpty }

    /// Takes a string returned by the C API (freed here); NULL only on allocation failure.
    init(taking raw: UnsafeMutablePointer<CChar>?) {
        guard let raw = raw else {
            self.init(json: #"{"status":500,"error":{"code":"90004","message":"no reply","field":""},"data":{}}"#)
            return
        }
        defer { tt_string_free(raw) }
        self.init(json: String(cString: raw))
    }

    init(json: String) {
        self.json = json
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        let error = object["error"] as? [String: Any] ?? [:]
        status = (object["status"] as? NSNumber)?.intValue ?? 0
        code = error["code"] as? String ?? ""
        message = error["message"] as? String ?? ""
        field = error["field"] as? String ?? ""
        if let value = object["data"], !(value is NSNull) {
            data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data("null".utf8)
        } else {
            data = Data("null".utf8)
        }
    }
}
