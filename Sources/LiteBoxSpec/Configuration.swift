// Configurations: the fixed sizes of a universe and its initial state.

/// A fixed-size LiteBox universe and its initial state (DESIGN §2).
///
/// Everything is finite: the numbers of sandboxes, capability slots per
/// sandbox, virtual pages per sandbox, threads, endpoints, notifications and
/// frames, plus the initial capabilities (with optional CDT parents), the
/// initial mappings, and where each thread lives. Presets: `tiny` (tests),
/// `default` (what `verify` checks) and `large`; users describe their own in
/// the JSON format documented in README.md (`Configuration(contentsOfFile:)`).
///
/// Limits of the specification: at most `maxTotalSlots` (8192) capability
/// slots in all (each slot's CDT descendant set takes `⌈slots / 32⌉` words,
/// so the state grows with the square of the slots), at most `maxObjects`
/// (4096) of every other kind. Model checking and proofs are practical only
/// for universes of at most 32 slots and a handful of objects (the presets);
/// the larger limits exist for replaying real programs' traces, whose
/// universes the Linux personality sizes to fit. The production kernel has
/// its own, far larger sizes.
public struct Configuration: Hashable, Sendable {
    /// A thread's placement and initial state.
    public struct ThreadSpec: Hashable, Sendable {
        /// The sandbox whose capability and address spaces the thread uses.
        public var sandbox: Int
        /// `running` or `inactive` (threads cannot start blocked).
        public var running: Bool
        public init(sandbox: Int, running: Bool) { self.sandbox = sandbox; self.running = running }
    }

    /// A slot of a sandbox's capability space.
    public struct SlotRef: Hashable, Sendable {
        public var sandbox: Int
        public var slot: Int
        public init(sandbox: Int, slot: Int) { self.sandbox = sandbox; self.slot = slot }
    }

    /// An initial capability.
    public struct CapSpec: Hashable, Sendable {
        public var at: SlotRef
        public var type: CapType
        public var object: Int
        public var rights: Rights
        public var badge: UInt32
        /// The CDT parent (which must be listed earlier); `nil` for a root.
        public var parent: SlotRef?
        public init(at: SlotRef, type: CapType, object: Int, rights: Rights, badge: UInt32 = 0, parent: SlotRef? = nil) {
            self.at = at; self.type = type; self.object = object
            self.rights = rights; self.badge = badge; self.parent = parent
        }
    }

    /// An initial mapping of `page` in `sandbox`, backed by the frame
    /// capability in `slot` of the same sandbox.
    public struct MappingSpec: Hashable, Sendable {
        public var sandbox: Int
        public var page: Int
        public var slot: Int
        public var rights: Rights
        public init(sandbox: Int, page: Int, slot: Int, rights: Rights) {
            self.sandbox = sandbox; self.page = page; self.slot = slot; self.rights = rights
        }
    }

    /// The largest total number of capability slots (`sandboxes * slotsPerSandbox`).
    public static let maxTotalSlots = 8192
    /// The largest number of objects of any other kind (sandboxes, pages per
    /// sandbox, threads, endpoints, notifications, frames).
    public static let maxObjects = 4096

    /// The configuration's name (the preset name, or the file's `name`).
    public var name: String
    public var sandboxes: Int
    public var slotsPerSandbox: Int
    public var pagesPerSandbox: Int
    public var endpoints: Int
    public var notifications: Int
    public var frames: Int
    public var threads: [ThreadSpec]
    public var capabilities: [CapSpec]
    public var mappings: [MappingSpec]
    /// Initial frame contents; empty means all zero.
    public var frameValues: [UInt32]
    /// Kernel-only size: slots per sandbox of the production kernel's
    /// universe (at least `slotsPerSandbox`; nil for the same). The
    /// specification ignores it; the kernel's extra slots start empty.
    public var kernelSlotsPerSandbox: Int?
    /// Kernel-only size: pages per address space of the production kernel's
    /// universe (at least `pagesPerSandbox`; nil for the same).
    public var kernelPagesPerSandbox: Int?
    /// The largest kernel-only size (slots per sandbox or pages per address space).
    public static let maxKernelSize = 1 << 24

    public init(name: String, sandboxes: Int, slotsPerSandbox: Int, pagesPerSandbox: Int,
                endpoints: Int, notifications: Int, frames: Int, threads: [ThreadSpec],
                capabilities: [CapSpec], mappings: [MappingSpec] = [], frameValues: [UInt32] = [],
                kernelSlotsPerSandbox: Int? = nil, kernelPagesPerSandbox: Int? = nil) {
        self.name = name
        self.sandboxes = sandboxes; self.slotsPerSandbox = slotsPerSandbox
        self.pagesPerSandbox = pagesPerSandbox; self.endpoints = endpoints
        self.notifications = notifications; self.frames = frames
        self.threads = threads; self.capabilities = capabilities
        self.mappings = mappings; self.frameValues = frameValues
        self.kernelSlotsPerSandbox = kernelSlotsPerSandbox; self.kernelPagesPerSandbox = kernelPagesPerSandbox
    }

    /// The number of objects of `type` in this universe.
    public func count(of type: CapType) -> Int {
        switch type {
        case .empty: return 0
        case .endpoint: return endpoints
        case .notification: return notifications
        case .frame: return frames
        case .thread: return threads.count
        }
    }
}

// MARK: - Presets

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
