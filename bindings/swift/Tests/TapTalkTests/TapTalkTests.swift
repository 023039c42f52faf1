import XCTest
@testable import TapTalk

/// Run with `swift test` on a Mac or Linux with a Swift toolchain and a built libtaptalk
/// (`swift test -Xlinker -L../../target/debug`). NOT run on this project's machines.
final class TapTalkTests: XCTestCase {
    func testVersion() {
        XCTAssertEqual(TapTalkClient.libraryVersion, "0.1.0")
    }

    func testConfigRefusalNamesTheKey() {
        XCTAssertThrowsError(try TapTalkClient(configJSON: #"{"sendtalk": {"api_key": "a\r\nb"}}"#)) { error in
            let error = error as! TapTalkError
            XCTAssertEqual(error.kind, .config)
            XCTAssertEqual(error.field, "sendtalk.api_key")
        }
    }

    func testLocalValidationIsAnsweredWithoutNetwork() throws {
        let client = try TapTalkClient(configJSON: #"{"sendtalk": {"base_url": "http://127.0.0.1:9", "api_key": "k"}}"#)
        XCTAssertThrowsError(try client.sendtalkSendWhatsapp(#"{"phone": "0"}"#)) { error in
            XCTAssertEqual((error as! TapTalkError).kind, .validation)
        }
        let raw = client.callRaw("sendtalk_send_whatsapp", "{not json")
        XCTAssertEqual(raw.code, "90002")
        XCTAssertFalse(raw.isSuccess)
    }

    func testATaskCancelledBeforeItsCallSendsNothing() async throws {
        let client = try TapTalkClient(configJSON: #"{"sendtalk": {"base_url": "http://127.0.0.1:9", "api_key": "k"}}"#)
        let task = Task { () -> TapTalkError? in
            withUnsafeCurrentTask { $0?.cancel() }  // cancelled before the call starts
            do {
                _ = try await client.sendtalkCheckWhatsappPhoneAsync(#"{"phone": "6281212345678"}"#)
                return nil
            } catch let error as TapTalkError {
                return error
            }
        }
        let error = await task.value
        XCTAssertEqual(error?.kind, .cancelled)
        XCTAssertEqual(error?.code, "91012")
        XCTAssertEqual(error?.maybeDelivered, false)
    }

    func testABatchAnswersEveryRequestAndReportsProgress() throws {
        let client = try TapTalkClient(configJSON: #"{"sendtalk": {"base_url": "http://127.0.0.1:9", "api_key": "k"}}"#)
        var seen: [Int] = []
        // Both refused locally (40002): no network needed.
        let data = try client.callMany("sendtalk_send_whatsapp", #"[{"phone": "0"}, {"phone": "1"}]"#,
                                       options: #"{"concurrency": 2}"#) { done, _ in seen.append(done) }
        let batch = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertEqual(batch?["total"] as? Int, 2)
        XCTAssertEqual(batch?["failed"] as? Int, 2)
        XCTAssertEqual(seen, [1, 2])
        XCTAssertThrowsError(try client.callMany("sendtalk_send_whatsapp", "{}")) { error in
            XCTAssertEqual((error as! TapTalkError).code, "90002")
        }
    }

    #if canImport(Security)
    func testPlatformTrustIsRegisteredByTheWrapper() throws {
        // Accepted only because TapTalkClient registered the Security.framework verifier.
        _ = try TapTalkClient(configJSON: #"{"sendtalk": {"api_key": "k"}, "tls": {"verifier": "platform"}}"#)
        XCTAssertThrowsError(try TapTalkClient(configJSON: #"{"sendtalk": {"api_key": "k"}, "tls": {"verifier": "platform", "built_in_roots": true}}"#)) { error in
            XCTAssertEqual((error as! TapTalkError).field, "tls.built_in_roots")
        }
    }
    #endif
}
