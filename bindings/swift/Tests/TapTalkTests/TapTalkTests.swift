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
