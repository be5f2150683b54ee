// swift-tools-version: 6.1
//
// LiteBox: a formally specified reference kernel for sandboxing Linux workloads.
// Layout and dependency direction: ../shared/DESIGN.md §1. `LiteBoxSpec` depends
// on nothing of ours; `verify` wires the targets together.

import PackageDescription

let package = Package(
    name: "LiteBox",
    products: [
        .library(name: "LiteBoxABI", targets: ["LiteBoxABI"]),
        .library(name: "LiteBoxSpec", targets: ["LiteBoxSpec"]),
        .library(name: "LiteBoxFormats", targets: ["LiteBoxFormats"]),
        .library(name: "ModelCheck", targets: ["ModelCheck"]),
        .library(name: "Z3", targets: ["Z3"]),
        .library(name: "LiteBoxModel", targets: ["LiteBoxModel"]),
        .library(name: "LiteBoxProver", targets: ["LiteBoxProver"]),
        .library(name: "LiteBoxKernel", targets: ["LiteBoxKernel"]),
        .library(name: "LiteBoxRefinement", targets: ["LiteBoxRefinement"]),
        .library(name: "StraceImport", targets: ["StraceImport"]),
        .library(name: "LiteBoxLinux", targets: ["LiteBoxLinux"]),
        .executable(name: "verify", targets: ["verify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // The call vocabulary shared by spec and kernel: system calls,
        // outcomes, errors, rights, object types, configurations and their
        // one structural validation. Depends on nothing.
        .target(name: "LiteBoxABI"),
        // The executable specification: pure semantics, no I/O (DESIGN §1).
        .target(name: "LiteBoxSpec", dependencies: ["LiteBoxABI"]),
        // File formats: configuration files, traces, input files, diagnostics.
        .target(name: "LiteBoxFormats", dependencies: ["LiteBoxABI", "LiteBoxSpec"]),
        // The generic explicit-state checker (knows nothing about kernels or solvers).
        .target(name: "ModelCheck"),
        // Z3's C API. Debian/Ubuntu: `apt-get install libz3-dev`.
        .systemLibrary(name: "CZ3", path: "Sources/CZ3", providers: [.apt(["libz3-dev"])]),
        // The Swift layer over Z3's C API (contexts, terms, solvers).
        .target(name: "Z3", dependencies: ["CZ3"]),
        // The specification as a `Model` for the checker.
        .target(name: "LiteBoxModel", dependencies: ["LiteBoxABI", "LiteBoxSpec", "ModelCheck"]),
        // The symbolic interpretation, the obligations, the prover, agreement.
        .target(name: "LiteBoxProver", dependencies: ["LiteBoxABI", "LiteBoxSpec", "Z3"]),
        .target(
            name: "LiteBoxKernel", dependencies: ["LiteBoxABI"],
            // The kernel is a class whose tables are stored properties; dynamic
            // exclusivity checks on every access cost over half of a call
            // (59 -> 23 ns/call in `verify bench kernel`). Release builds turn
            // them off; static checks remain, and debug builds keep the
            // dynamic ones.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // The abstraction function, the one lockstep of kernel and spec, and
        // refinement along the checker: the only target that sees both.
        .target(name: "LiteBoxRefinement", dependencies: ["LiteBoxABI", "LiteBoxSpec", "LiteBoxFormats", "LiteBoxKernel", "ModelCheck", "LiteBoxModel"]),
        // strace output, parsed (depends on nothing of ours).
        .target(name: "StraceImport"),
        // The Linux personality: strace logs replayed onto LiteBox objects,
        // kernel and spec in lockstep, compared with Linux's results.
        .target(name: "LiteBoxLinux", dependencies: ["LiteBoxABI", "LiteBoxSpec", "LiteBoxFormats", "LiteBoxKernel", "LiteBoxRefinement", "StraceImport"]),
        .executableTarget(
            name: "verify",
            dependencies: [
                "LiteBoxABI", "LiteBoxSpec", "LiteBoxFormats", "ModelCheck", "Z3", "LiteBoxModel", "LiteBoxProver",
                "LiteBoxKernel", "LiteBoxRefinement", "StraceImport", "LiteBoxLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the tests: test configurations, checked runs, an
        // independent exhaustive explorer.
        .target(name: "LiteBoxTestSupport", dependencies: ["LiteBoxABI", "LiteBoxSpec", "LiteBoxFormats"], path: "Tests/LiteBoxTestSupport"),
        .testTarget(
            name: "Properties",
            dependencies: [
                "LiteBoxTestSupport", "LiteBoxABI", "LiteBoxSpec", "LiteBoxFormats", "ModelCheck", "Z3", "LiteBoxModel",
                "LiteBoxProver", "LiteBoxKernel", "LiteBoxRefinement", "StraceImport", "LiteBoxLinux",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
