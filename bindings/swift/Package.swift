// swift-tools-version:5.7
// The Swift package over libtaptalk's C ABI. NOT compiled on this project's machines (no
// Swift toolchain there); see README.md for exactly what was and was not checked.
//
// Two ways to get the native library:
// - TapTalk.xcframework next to this file (scripts/build-xcframework.sh, on a Mac): iOS
//   devices, iOS simulators and macOS, the module map inside;
// - otherwise a libtaptalk built by cargo and found by the linker (e.g.
//   `swift build -Xlinker -L../../target/release`), through the system-library target.
import Foundation
import PackageDescription

let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let hasXCFramework = FileManager.default.fileExists(
    atPath: packageDir.appendingPathComponent("TapTalk.xcframework").path)

let native: Target = hasXCFramework
    ? .binaryTarget(name: "CTapTalk", path: "TapTalk.xcframework")
    : .systemLibrary(name: "CTapTalk", path: "Sources/CTapTalk")

let package = Package(
    name: "TapTalk",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "TapTalk", targets: ["TapTalk"]),
    ],
    targets: [
        native,
        .target(name: "TapTalk", dependencies: ["CTapTalk"]),
        .testTarget(name: "TapTalkTests", dependencies: ["TapTalk"]),
    ]
)
