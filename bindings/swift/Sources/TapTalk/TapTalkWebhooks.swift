import CTapTalk
import Foundation

/// Receiving TapTalk's webhooks (`tt_webhook_parse`): verify `X-Secret-Key`, parse the body.
///
/// ```swift
/// do {
///     let event = try TapTalkWebhooks.parse(headers: request.headers, body: request.body,
///                                           secret: chatbotSecret)
///     respond(200)                                  // answer first, work afterwards
///     if firstTime(event.key) { queue.append(event) }
/// } catch let error as TapTalkError {
///     respond(error.status)                         // 401 wrong secret, 400, 413
/// }
/// ```
///
/// TapTalk retries a callback that is slow or not 2xx and holds the ones queued behind it,
/// and promises neither one delivery nor order: answer at once, skip a `key` already handled.
public enum TapTalkWebhooks {
    /// A parsed webhook: `callback` ("onetalk", "chatbot", "channel", "powertalk"), `type`,
    /// a stable `key`, and `event`, the body with ids as strings and times as Unix ms.
    public struct Event: Sendable {
        public let callback: String
        public let type: String
        public let key: String
        public let known: Bool
        public let verified: Bool
        /// The normalised event as JSON bytes (vendor field names); decode it with your own
        /// `Decodable` types.
        public let event: Data
        /// The whole envelope.
        public let envelope: Envelope
    }

    /// Verifies and parses one webhook. `headers`: name to value (names compared without
    /// regard to case); `secret`: the chatbot's or custom channel's, nil for the organisation
    /// webhook and PowerTalk.
    /// - Throws: `TapTalkError` with kind `.webhookSecret` or `.webhook`; `status` is the HTTP
    ///   status to answer with.
    public static func parse(headers: [String: String], body: Data, secret: String? = nil,
                             maxBodyBytes: Int? = nil) throws -> Event {
        let headersJSON = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        let options = maxBodyBytes.map { #"{"max_body_bytes":\#($0)}"# }
        let raw: UnsafeMutablePointer<CChar>? = body.withUnsafeBytes { bytes in
            let base = bytes.bindMemory(to: UInt8.self).baseAddress
            return headersJSON.withCString { h in
                withOptionalCString(secret) { s in
                    withOptionalCString(options) { o in
                        tt_webhook_parse(h, base, UInt(bytes.count), s, o)  // uintptr_t is UInt in Swift
                    }
                }
            }
        }
        guard let raw = raw else {
            throw TapTalkError(Envelope(json: #"{"status":500,"error":{"code":"90004","message":"no reply","field":""},"data":{}}"#))
        }
        defer { tt_string_free(raw) }
        let envelope = Envelope(json: String(cString: raw))
        guard envelope.isSuccess else { throw TapTalkError(envelope) }
        let data = (try? JSONSerialization.jsonObject(with: envelope.data)) as? [String: Any] ?? [:]
        let event = data["event"].flatMap { try? JSONSerialization.data(withJSONObject: $0) } ?? Data("{}".utf8)
        return Event(callback: data["callback"] as? String ?? "", type: data["type"] as? String ?? "",
                     key: data["key"] as? String ?? "", known: data["known"] as? Bool ?? false,
                     verified: data["verified"] as? Bool ?? false, event: event, envelope: envelope)
    }

    private static func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let text = text else { return body(nil) }
        return text.withCString { body($0) }
    }
}
