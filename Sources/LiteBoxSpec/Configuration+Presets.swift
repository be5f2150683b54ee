// The preset configurations: `tiny` (exhaustive tests), `default` (what
// `verify` checks) and `large`. `configs/` holds them as JSON files.

import LiteBoxABI

extension Configuration {
    /// The names of the presets, in order of size.
    public static let presetNames = ["tiny", "default", "large"]

    /// The preset called `name`, if any.
    public static func preset(_ name: String) -> Configuration? {
        switch name {
        case "tiny": return .tiny
        case "default": return .default
        case "large": return .large
        default: return nil
        }
    }

    private static func cap(_ sb: Int, _ slot: Int, _ type: CapType, _ obj: Int, _ rights: Rights,
                            badge: UInt32 = 0, parent: (Int, Int)? = nil) -> CapSpec {
        CapSpec(at: SlotRef(sandbox: sb, slot: slot), type: type, object: obj, rights: rights, badge: badge,
                parent: parent.map { SlotRef(sandbox: $0.0, slot: $0.1) })
    }

    /// The smallest interesting universe, for exhaustive tests: two sandboxes
    /// with two slots and one page each, one running thread each, one endpoint
    /// (sandbox 0 holds it with `RWG`, sandbox 1 with `RW`), one notification
    /// and one frame, both held by sandbox 0.
    public static let tiny = Configuration(
        name: "tiny", sandboxes: 2, slotsPerSandbox: 2, pagesPerSandbox: 1,
        endpoints: 1, notifications: 0, frames: 1,
        threads: [ThreadSpec(sandbox: 0, running: true), ThreadSpec(sandbox: 1, running: true)],
        capabilities: [
            cap(0, 0, .endpoint, 0, .all),
            cap(0, 1, .frame, 0, [.read, .write]),
            cap(1, 0, .endpoint, 0, [.read, .write]),
        ])

    /// The configuration `verify` checks by default: the smallest universe
    /// in which every system call succeeds somewhere and every mutant of
    /// `Mutant` is caught within 12 calls, chosen so that `verify --depth 12`
    /// explores it completely in minutes on two cores.
    ///
    /// Two sandboxes of three slots and one page, one thread each. Sandbox 0
    /// holds an endpoint (`RWG`), a frame (`RW`, mapped read-only on its page)
    /// and a thread capability to thread 1 (so it can restart it after
    /// `exit`); sandbox 1 holds a CDT child of that endpoint capability (also
    /// `RWG`, so either side can transfer capabilities and revoke crosses
    /// sandboxes), a badged notification (`RW`, badge 1), and a read-only CDT
    /// child of the frame capability (so rights checks on mappings matter).
    public static let `default` = Configuration(
        name: "default", sandboxes: 2, slotsPerSandbox: 3, pagesPerSandbox: 1,
        endpoints: 1, notifications: 1, frames: 1,
        threads: [ThreadSpec(sandbox: 0, running: true), ThreadSpec(sandbox: 1, running: true)],
        capabilities: [
            cap(0, 0, .endpoint, 0, .all),
            cap(0, 1, .frame, 0, [.read, .write]),
            cap(0, 2, .thread, 1, [.write]),
            cap(1, 0, .endpoint, 0, .all, parent: (0, 0)),
            cap(1, 1, .notification, 0, [.read, .write], badge: 1),
            cap(1, 2, .frame, 0, [.read], parent: (0, 1)),
        ],
        mappings: [MappingSpec(sandbox: 0, page: 0, slot: 1, rights: [.read])])

    /// A larger universe for longer random runs and benchmarks: four sandboxes
    /// of six slots and four pages, six threads, two endpoints, two
    /// notifications and four frames.
    public static let large = Configuration(
        name: "large", sandboxes: 4, slotsPerSandbox: 6, pagesPerSandbox: 4,
        endpoints: 2, notifications: 2, frames: 4,
        threads: [ThreadSpec(sandbox: 0, running: true), ThreadSpec(sandbox: 0, running: true),
                  ThreadSpec(sandbox: 1, running: true), ThreadSpec(sandbox: 2, running: true),
                  ThreadSpec(sandbox: 3, running: true), ThreadSpec(sandbox: 3, running: false)],
        capabilities: [
            cap(0, 0, .endpoint, 0, .all),
            cap(0, 1, .endpoint, 1, .all),
            cap(0, 2, .frame, 0, [.read, .write]),
            cap(0, 3, .frame, 1, [.read, .write]),
            cap(0, 4, .notification, 0, [.read, .write]),
            cap(0, 5, .thread, 5, [.write]),
            cap(1, 0, .endpoint, 0, [.read, .write], badge: 1, parent: (0, 0)),
            cap(1, 1, .frame, 2, [.read, .write]),
            cap(1, 2, .notification, 1, [.read, .write]),
            cap(2, 0, .endpoint, 1, [.read, .write, .grant]),
            cap(2, 1, .frame, 3, [.read, .write]),
            cap(2, 2, .notification, 0, [.write], badge: 2, parent: (0, 4)),
            cap(3, 0, .endpoint, 1, [.write], badge: 3, parent: (0, 1)),
            cap(3, 1, .notification, 1, [.write], badge: 4, parent: (1, 2)),
        ],
        mappings: [MappingSpec(sandbox: 0, page: 0, slot: 2, rights: [.read, .write]),
                   MappingSpec(sandbox: 1, page: 1, slot: 1, rights: [.read])])
}
