import CTapTalk
import Foundation

/// `async` calls that honour task cancellation, and sending to many at once (issue 19).
///
/// ```swift
/// let task = Task {
///     try await client.sendtalkSendWhatsappAsync(#"{"phone": "6281212345678", "messageType": "text", "body": "Hi!"}"#)
/// }
/// task.cancel()   // e.g. the screen closed: the native call comes back within about 50 ms
/// ```
///
/// Each call runs on a thread of `TapTalkClient.callQueue` (a concurrent Dispatch queue: the
/// blocking native call never occupies a thread of Swift's cooperative pool). Cancelling the
/// task cancels the native call through the core (`withTaskCancellationHandler` calling
/// `tt_cancel`). It then throws `TapTalkError`, never `CancellationError`, so the caller
/// always learns whether the request may have reached the server: kind `.cancelled` with
/// `maybeDelivered` from `data.maybe_sent` (false: nothing was sent), or, for a **send already
/// written, `.outcomeUnknown`** (91010, `data.cause` "91012"): it may have been delivered, and
/// the library never repeats it; check before sending again. A task cancelled before its call
/// started sends nothing.
extension TapTalkClient {
    /// Where the async calls wait on the network: concurrent, so calls run side by side.
    public static let callQueue = DispatchQueue(label: "io.taptalk.calls", qos: .userInitiated,
                                                attributes: .concurrent)

    /// `callRaw` as an `async` function that honours task cancellation; never throws.
    public func callRawAsync(_ operation: String, _ requestJSON: String, options: String? = nil) async -> Envelope {
        await cancellable { cancel in self.callRaw(operation, requestJSON, options: options, cancel: cancel) }
    }

    /// `call` as an `async` function that honours task cancellation. Returns `data` as JSON
    /// bytes, or throws `TapTalkError` (see the extension's documentation for cancellation).
    public func callAsync(_ operation: String, _ requestJSON: String, options: String? = nil) async throws -> Data {
        let reply = await callRawAsync(operation, requestJSON, options: options)
        guard reply.isSuccess else { throw TapTalkError(reply) }
        return reply.data
    }

    // One line per operation; the names are the C ABI's (tt_call).
    public func powertalkSendCustomMessageAsync(_ requestJSON: String) async throws -> Data { try await callAsync("powertalk_send_custom_message", requestJSON) }
    public func powertalkSyncContactsAsync(_ requestJSON: String) async throws -> Data { try await callAsync("powertalk_sync_contacts", requestJSON) }
    public func powertalkUpdateUserAsync(_ requestJSON: String) async throws -> Data { try await callAsync("powertalk_update_user", requestJSON) }
    public func powertalkCreateOrUpdateRoomAsync(_ requestJSON: String) async throws -> Data { try await callAsync("powertalk_create_or_update_room", requestJSON) }
    public func powertalkRequestAuthTicketAsync(_ requestJSON: String) async throws -> Data { try await callAsync("powertalk_request_auth_ticket", requestJSON) }
    public func sendtalkSendWhatsappAsync(_ requestJSON: String) async throws -> Data { try await callAsync("sendtalk_send_whatsapp", requestJSON) }
    public func sendtalkGetStatusAsync(_ requestJSON: String) async throws -> Data { try await callAsync("sendtalk_get_status", requestJSON) }
    public func sendtalkCheckWhatsappPhoneAsync(_ requestJSON: String) async throws -> Data { try await callAsync("sendtalk_check_whatsapp_phone", requestJSON) }
    public func sendtalkCreateWhatsappVerificationAsync(_ requestJSON: String) async throws -> Data { try await callAsync("sendtalk_create_whatsapp_verification", requestJSON) }
    public func onetalkSendWhatsappAsync(_ requestJSON: String) async throws -> Data { try await callAsync("onetalk_send_whatsapp", requestJSON) }
    public func onetalkSendWhatsappTemplateAsync(_ requestJSON: String) async throws -> Data { try await callAsync("onetalk_send_whatsapp_template", requestJSON) }
    public func onetalkGetUpdatedCasesAsync(_ requestJSON: String) async throws -> Data { try await callAsync("onetalk_get_updated_cases", requestJSON) }
    public func onetalkUpdateCaseAsync(_ requestJSON: String) async throws -> Data { try await callAsync("onetalk_update_case", requestJSON) }
    public func onetalkRequestUserAuthTicketAsync(_ requestJSON: String) async throws -> Data { try await callAsync("onetalk_request_user_auth_ticket", requestJSON) }
    public func onetalkSyncUserContactAsync(_ requestJSON: String) async throws -> Data { try await callAsync("onetalk_sync_user_contact", requestJSON) }
    public func chatbotSendMessagesAsync(_ requestJSON: String) async throws -> Data { try await callAsync("chatbot_send_messages", requestJSON) }
    public func chatbotHandoverCaseAsync(_ requestJSON: String) async throws -> Data { try await callAsync("chatbot_handover_case", requestJSON) }
    public func chatbotCloseCaseAsync(_ requestJSON: String) async throws -> Data { try await callAsync("chatbot_close_case", requestJSON) }
    public func chatbotUpdateCaseAsync(_ requestJSON: String) async throws -> Data { try await callAsync("chatbot_update_case", requestJSON) }
    public func chatbotUpdateContactAsync(_ requestJSON: String) async throws -> Data { try await callAsync("chatbot_update_contact", requestJSON) }

    /// Runs `operation` for every request of `requestsJSON` (a JSON array of request objects),
    /// at most `concurrency` at a time (`options`: `{"concurrency": 16, "rate_per_second": ...,
    /// "retry": {...}}`), and returns the batch's `data`: `{"total", "succeeded", "failed",
    /// "results": [each request's envelope, in input order]}`. One failed request never stops
    /// the others; a send is never repeated once it may have reached the server. `progress`
    /// hears `(done, total)` on the calling thread after each result. Throws `TapTalkError`
    /// when the batch itself is refused (90001, 90002, 90003).
    public func callMany(_ operation: String, _ requestsJSON: String, options: String? = nil,
                         progress: ((Int, Int) -> Void)? = nil) throws -> Data {
        let reply = callManyRaw(operation, requestsJSON, options: options, progress: progress, cancel: nil)
        guard reply.isSuccess else { throw TapTalkError(reply) }
        return reply.data
    }

    /// `callMany` as an `async` function: `progress` runs on a thread of `callQueue`; a
    /// cancelled task cancels the batch (requests not started answer 91012 "not sent", those
    /// in flight end as a cancelled call does) and returns its results, as a success.
    public func callManyAsync(_ operation: String, _ requestsJSON: String, options: String? = nil,
                              progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Data {
        let reply = await cancellable { cancel in
            self.callManyRaw(operation, requestsJSON, options: options, progress: progress, cancel: cancel)
        }
        guard reply.isSuccess else { throw TapTalkError(reply) }
        return reply.data
    }

    /// Runs `body` on `callQueue` with a cancellation handle that cancelling the current
    /// task cancels. The handle lives until both the call and the handler are done with it.
    private func cancellable(_ body: @escaping @Sendable (CancelHandle) -> Envelope) async -> Envelope {
        let cancel = CancelHandle()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Envelope, Never>) in
                TapTalkClient.callQueue.async { continuation.resume(returning: body(cancel)) }
            }
        } onCancel: {
            cancel.cancel()
        }
    }

    private func callManyRaw(_ operation: String, _ requestsJSON: String, options: String?,
                             progress: ((Int, Int) -> Void)?, cancel: CancelHandle?) -> Envelope {
        let listener = progress.map { Unmanaged.passRetained(ProgressBox($0)) }
        defer { listener?.release() }
        let callback: TtProgressCallback? = listener == nil ? nil : { userData, done, total in
            guard let userData = userData else { return }
            Unmanaged<ProgressBox>.fromOpaque(userData).takeUnretainedValue().handler(Int(done), Int(total))
        }
        let raw: UnsafeMutablePointer<CChar>? = operation.withCString { op in
            requestsJSON.withCString { requests in
                withOptionalCString(options) { opts in
                    tt_call_many_cancellable(handle, op, requests, opts, callback,
                                             listener?.toOpaque(), cancel?.pointer)
                }
            }
        }
        return Envelope(taking: raw)
    }
}

/// A native cancellation handle (`tt_cancel_new`), freed in `deinit`: shared by the call and
/// the task's cancellation handler, so `tt_cancel` never meets a freed handle.
final class CancelHandle: @unchecked Sendable {
    // @unchecked: the handle is immutable, and tt_cancel is thread-safe.
    let pointer: OpaquePointer?

    init() { pointer = tt_cancel_new() }

    func cancel() { tt_cancel(pointer) }

    deinit { tt_cancel_free(pointer) }
}

/// A progress closure behind the C callback's `user_data`.
private final class ProgressBox {
    let handler: (Int, Int) -> Void
    init(_ handler: @escaping (Int, Int) -> Void) { self.handler = handler }
}

/// `body` with `text` as a C string, or NULL.
func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text = text else { return body(nil) }
    return text.withCString { body($0) }
}
