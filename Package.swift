// swift-tools-version: 6.1
//
// LiteBox: a formally specified reference kernel for sandboxing Linux workloads.
// Layout and dependency direction: ../shared/DESIGN.md §1. `LiteBoxSpec` depends
// on nothing of ours; `verify` wires the targets together.

import PackageDescription

let package = Package(
    name: "LiteBox",
    products: [
        .library(name: "LiteBoxSpec", targets: ["LiteBoxSpec"]),
        .library(name: "ModelCheck", targets: ["ModelCheck"]),
        .library(name: "LiteBoxCheck", targets: ["LiteBoxCheck"]),
        .library(name: "LiteBoxKernel", targets: ["LiteBoxKernel"]),
        .library(name: "StraceImport", targets: ["StraceImport"]),
        .library(name: "LiteBoxLinux", targets: ["LiteBoxLinux"]),
        .executable(name: "verify", targets: ["verify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .target(name: "LiteBoxSpec"),
        // Z3's C API (the symbolic layer in ModelCheck builds and checks terms
        // through it). Debian/Ubuntu: `apt-get install libz3-dev`.
        .systemLibrary(name: "CZ3", path: "Sources/CZ3", providers: [.apt(["libz3-dev"])]),
        .target(name: "ModelCheck", dependencies: ["CZ3"]),
        .target(name: "LiteBoxCheck", dependencies: ["LiteBoxSpec", "ModelCheck", "LiteBoxKernel"]),
        .target(
            name: "LiteBoxKernel", dependencies: ["LiteBoxSpec"],
            // The kernel is a class whose tables are stored properties; dynamic
            // exclusivity checks on every access cost over half of a call
            // (59 -> 23 ns/call in `verify bench kernel`). Release builds turn
            // them off; static checks remain, and debug builds keep the
            // dynamic ones.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // strace output, parsed (depends on nothing of ours).
        .target(name: "StraceImport"),
        // The Linux personality: strace logs replayed onto LiteBox objects,
        // kernel and spec in lockstep, compared with Linux's results.
        .target(name: "LiteBoxLinux", dependencies: ["LiteBoxSpec", "LiteBoxKernel", "StraceImport"]),
        .executableTarget(
            name: "verify",
            dependencies: [
                "LiteBoxSpec", "ModelCheck", "LiteBoxCheck", "LiteBoxKernel", "StraceImport", "LiteBoxLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the tests: test configurations, checked runs, an
        // independent exhaustive explorer.
        .target(name: "LiteBoxTestSupport", dependencies: ["LiteBoxSpec"], path: "Tests/LiteBoxTestSupport"),
        .testTarget(
            name: "Properties",
            dependencies: [
                "LiteBoxTestSupport", "LiteBoxSpec", "ModelCheck", "LiteBoxCheck", "LiteBoxKernel", "StraceImport", "LiteBoxLinux",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
