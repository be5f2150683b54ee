// Test configurations and the decoding of random numbers into calls, shared
// by the property tests.

import LiteBoxABI
import LiteBoxSpec

/// The presets every property test runs on: the three built-in presets and
/// `Configuration.threeSandboxes`.
public let allPresets: [Configuration] = [.tiny, .default, .large, .threeSandboxes]

/// The names of `allPresets` (test arguments print readably).
public let allPresetNames = allPresets.map(\.name)

/// The preset (or test configuration) of `allPresets` called `name`.
public func preset(_ name: String) -> Configuration {
    guard let c = allPresets.first(where: { $0.name == name }) else { preconditionFailure("no test preset \(name)") }
    return c
}

extension Configuration {
    /// A three-sandbox universe (the first default configuration, before the
    /// default was cut down for depth-12 model checking), kept for the
    /// hand-built corruptions of `InvariantViolationTests`: a client sandbox
    /// and a server sandbox sharing an endpoint and a notification, a third
    /// sandbox reachable only through capability transfer, a frame mapped in
    /// the client, and an inactive thread the client can spawn.
    public static let threeSandboxes = Configuration(
        name: "threeSandboxes", sandboxes: 3, slotsPerSandbox: 3, pagesPerSandbox: 1,
        endpoints: 1, notifications: 1, frames: 1,
        threads: [ThreadSpec(sandbox: 0, running: true), ThreadSpec(sandbox: 1, running: true),
                  ThreadSpec(sandbox: 2, running: false)],
        capabilities: [
            CapSpec(at: SlotRef(sandbox: 0, slot: 0), type: .endpoint, object: 0, rights: .all),
            CapSpec(at: SlotRef(sandbox: 0, slot: 1), type: .frame, object: 0, rights: [.read, .write]),
            CapSpec(at: SlotRef(sandbox: 0, slot: 2), type: .thread, object: 2, rights: [.write]),
            CapSpec(at: SlotRef(sandbox: 1, slot: 0), type: .endpoint, object: 0, rights: [.read, .write]),
            CapSpec(at: SlotRef(sandbox: 1, slot: 1), type: .notification, object: 0, rights: [.read, .write]),
            CapSpec(at: SlotRef(sandbox: 2, slot: 0), type: .notification, object: 0, rights: [.write], badge: 1),
        ],
        mappings: [MappingSpec(sandbox: 0, page: 0, slot: 1, rights: [.read])])

    /// Decodes raw random numbers into a call of this configuration. Argument
    /// ranges reach one past the valid range so that the error paths are
    /// exercised too (thread `T`, slot `C`, page `V`, rights bit 8).
    /// `raw` holds at least `syscall`'s parameter count of non-negative numbers.
    public func decodeCall(syscall: Int, thread: Int, raw: [Int]) -> Call {
        let sc = Syscall.allCases[syscall % Syscall.allCases.count]
        var words: [UInt32] = [0, 0, 0, 0]
        for (i, p) in sc.parameters.enumerated() {
            let r = raw[i]
            switch p.kind {
            case .slot: words[i] = UInt32(r % (slotsPerSandbox + 1))
            case .optionalSlot: words[i] = UInt32(r % (slotsPerSandbox + 2))
            case .page: words[i] = UInt32(r % (pagesPerSandbox + 1))
            case .rights: words[i] = UInt32(r % 9)
            case .word: words[i] = UInt32(r % 4)
            }
        }
        return Call(thread: UInt32(thread % (threads.count + 1)), syscall: sc, words[0], words[1], words[2], words[3])
    }
}
