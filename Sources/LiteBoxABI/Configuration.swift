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
