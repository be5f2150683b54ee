// The production kernel: the 20 LiteBox system calls of the specification
// (Sources/LiteBoxSpec) with real data structures for real-sized universes
// (DESIGN §6). One file per kernel object, as in the specification:
//
// - Kernel.swift: sizes, storage, set-up, dispatch;
// - Kernel+Capability.swift: capability spaces and the MDB (cap_copy, cap_mint,
//   cap_move, cap_delete, cap_revoke);
// - Kernel+AddressSpace.swift: page tables and the reverse map (map, unmap,
//   protect, load, store);
// - Kernel+Endpoint.swift: intrusive FIFO queues and IPC (send, nbsend, recv,
//   call, reply);
// - Kernel+Notification.swift: signal, wait, poll;
// - Kernel+Thread.swift: spawn, exit;
// - Kernel+ABI.swift: the register-level ABI and its decoder;
// - Kernel+Abstraction.swift: the abstraction function to the spec state and
//   its inverse (concretization);
// - Kernel+Representation.swift: the kernel's own representation invariants.
//
// Data structures:
// - capability spaces: one pool of `CapSlot`s; each sandbox owns a contiguous
//   chunk of `slotsPerSandbox` slots, allocated on the sandbox's first
//   capability (so 1000 sandboxes × 4096 slots cost nothing until used).
//   Lookup of (sandbox, slot) is two array reads.
// - the CDT is seL4's mapping database (MDB): one intrusive doubly linked list
//   through every non-empty slot, in prefix (preorder) order, each node with
//   its depth. A node's descendants are the nodes that follow it with greater
//   depth, up to the first node whose depth is <= its own.
// - endpoint and notification queues: intrusive doubly linked FIFO lists
//   through the threads (`qnext`/`qprev`), with head, tail and length per queue.
// - page tables: two-level radix tables (1024-entry leaves, allocated on first
//   use, from one pool), so an address space of 2^20 pages costs a 4 KiB
//   directory once it maps something; the reverse map is the `mapping` field
//   of each frame capability's slot (the page it backs).
//
// Performance (`verify bench kernel`): every table is a `Table`, a
// view of memory the kernel allocates and frees itself, so a call does no
// reference counting, no copy-on-write checks and (in release builds) no
// bounds checks; the specification's encodings are literal constants of this
// module (`Encoding`); `execute` checks the thread and tail-calls one function
// per system call; the capability checks whose outcome varies most from call
// to call select their error instead of branching (`checkCapability`).

import LiteBoxABI

/// The sizes of a kernel universe. Unlike a specification `Configuration`
/// (at most `Configuration.maxTotalSlots` slots in all), these may be
/// kernel-sized: the limits are `UniverseLimits.kernel`.
public struct KernelSizes: Hashable, Sendable {
    /// The number of sandboxes (capability space + address space pairs).
    public var sandboxes: Int
    /// Capability slots per sandbox.
    public var slotsPerSandbox: Int
    /// Virtual pages per sandbox (0 is allowed: no address space).
    public var pagesPerSandbox: Int
    /// The number of endpoints.
    public var endpoints: Int
    /// The number of notifications.
    public var notifications: Int
    /// The number of frames (physical pages, one word each).
    public var frames: Int
    /// The number of threads.
    public var threads: Int

    /// Sizes given field by field.
    public init(sandboxes: Int, slotsPerSandbox: Int, pagesPerSandbox: Int, endpoints: Int,
                notifications: Int, frames: Int, threads: Int) {
        self.sandboxes = sandboxes; self.slotsPerSandbox = slotsPerSandbox
        self.pagesPerSandbox = pagesPerSandbox; self.endpoints = endpoints
        self.notifications = notifications; self.frames = frames; self.threads = threads
    }

    /// The sizes of a specification configuration, with its kernel-only
    /// sizes (`kernelSlotsPerSandbox`, `kernelPagesPerSandbox`) where set.
    public init(_ config: Configuration) {
        self.init(sandboxes: config.sandboxes, slotsPerSandbox: config.kernelSlotsPerSandbox ?? config.slotsPerSandbox,
                  pagesPerSandbox: config.kernelPagesPerSandbox ?? config.pagesPerSandbox, endpoints: config.endpoints,
                  notifications: config.notifications, frames: config.frames, threads: config.threads.count)
    }

    /// Checks every size against the kernel's limits (`UniverseLimits.kernel`:
    /// at least one sandbox, one slot and one thread).
    public func validate() throws(ConfigurationError) {
        try UniverseLimits.kernel.validateSizes(
            sandboxes: sandboxes, slotsPerSandbox: slotsPerSandbox, pagesPerSandbox: pagesPerSandbox,
            endpoints: endpoints, notifications: notifications, frames: frames, threads: threads)
    }

    /// Whether a specification `Configuration` can describe a universe of these sizes.
    public var fitsSpecification: Bool {
        sandboxes * slotsPerSandbox <= Configuration.maxTotalSlots
            && [sandboxes, pagesPerSandbox, endpoints, notifications, frames, threads].allSatisfy { $0 <= Configuration.maxObjects }
    }
}

/// A table of plain values in memory the kernel owns: O(1) indexing with no
/// reference counting, no copy-on-write uniqueness checks and (in release
/// builds) no bounds checks; debug builds check every index. The pools
/// (slots, page-table leaves) grow in place with `append(repeating:count:)`.
///
/// A `Table` is a view of its storage, not a value: copies share it, and it
/// is freed explicitly (`deallocate()`) by its one owner, the `Kernel`, in its
/// `deinit`. Growing may move the storage, so no pointer into it is kept
/// across an `append`; in particular an index expression must not grow the
/// table it indexes (`t[f()] = x` reads `t` before calling `f`).
struct Table<Element: BitwiseCopyable> {
    /// The first element.
    private(set) var base: UnsafeMutablePointer<Element>
    /// The number of elements.
    private(set) var count: Int
    /// The number of elements the storage holds before it must grow.
    private var capacity: Int

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        capacity = Swift.max(count, 1)
        base = .allocate(capacity: capacity)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    /// The elements of `array`.
    init(_ array: [Element]) {
        let storage = UnsafeMutablePointer<Element>.allocate(capacity: Swift.max(array.count, 1))
        array.withUnsafeBufferPointer { b in if let a = b.baseAddress { storage.initialize(from: a, count: b.count) } }
        base = storage
        capacity = Swift.max(array.count, 1)
        count = array.count
    }

    /// Element `i` (`0 <= i < count`, checked in debug builds only).
    subscript(i: Int) -> Element {
        @inline(__always) unsafeAddress {
            assert(UInt(bitPattern: i) < UInt(bitPattern: count), "table index \(i) out of range 0..<\(count)")
            return UnsafePointer(base + i)
        }
        @inline(__always) nonmutating unsafeMutableAddress {
            assert(UInt(bitPattern: i) < UInt(bitPattern: count), "table index \(i) out of range 0..<\(count)")
            return base + i
        }
    }

    /// Appends `n` copies of `value`, growing the storage geometrically.
    mutating func append(repeating value: Element, count n: Int) {
        if count + n > capacity {
            let newCapacity = Swift.max(capacity * 2, count + n)
            let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
            newBase.moveInitialize(from: base, count: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }
        (base + count).initialize(repeating: value, count: n)
        count += n
    }

    /// Appends `value`.
    mutating func append(_ value: Element) { append(repeating: value, count: 1) }

    /// The elements as an array (for tests and tools).
    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Frees the storage; the table must not be used afterwards.
    func deallocate() { base.deallocate() }
}

/// The specification's encodings (`ThreadState`, `CapType`, `Rights` raw
/// values), as literal constants of this module: the hot paths then need no
/// accessor calls into `LiteBoxSpec`. `Encoding.matchesSpecification`
/// checks them against the specification (asserted at set-up in debug builds,
/// and by the tests).
enum Encoding {
    // Thread states (`ThreadState.rawValue`).
    static let inactive: UInt32 = 0
    static let running: UInt32 = 1
    static let blockedSend: UInt32 = 2
    static let blockedCall: UInt32 = 3
    static let blockedRecv: UInt32 = 4
    static let blockedReply: UInt32 = 5
    static let blockedNotify: UInt32 = 6
    // Capability types (`CapType.rawValue`).
    static let endpoint: UInt8 = 1
    static let notification: UInt8 = 2
    static let frame: UInt8 = 3
    static let thread: UInt8 = 4
    // Rights bits (`Rights.rawValue`).
    static let read: UInt8 = 1
    static let write: UInt8 = 2
    static let grant: UInt8 = 4
    static let allRights: UInt32 = 7
    static let mappingRights: UInt32 = 3
    // Outcome codes (`OutcomeCode`).
    static let ok: UInt32 = 0
    static let blocked: UInt32 = 1

    /// Whether every constant equals the specification's value.
    static var matchesSpecification: Bool {
        let states: [UInt32] = [inactive, running, blockedSend, blockedCall, blockedRecv, blockedReply, blockedNotify]
        let specStates: [ThreadState] = [.inactive, .running, .blockedSend, .blockedCall, .blockedRecv, .blockedReply, .blockedNotify]
        let types: [UInt8] = [endpoint, notification, frame, thread]
        let specTypes: [CapType] = [.endpoint, .notification, .frame, .thread]
        let rights: [UInt8] = [read, write, grant]
        let specRights: [Rights] = [.read, .write, .grant]
        return states == specStates.map(\.rawValue)
            && types.map(UInt32.init) == specTypes.map(\.rawValue)
            && rights.map(UInt32.init) == specRights.map(\.rawValue)
            && allRights == Rights.all.rawValue && mappingRights == Rights([.read, .write]).rawValue
            && ok == OutcomeCode.ok && blocked == OutcomeCode.blocked
    }

}

/// One capability slot: the capability and its MDB node.
struct CapSlot {
    /// `CapType.rawValue`; 0 for an empty slot.
    var type: UInt8 = 0
    /// `Rights.rawValue`.
    var rights: UInt8 = 0
    /// The object index.
    var object: UInt32 = 0
    /// The badge (0 for none).
    var badge: UInt32 = 0
    /// Reverse map: `page + 1` of the mapping this frame capability backs, 0 for none.
    var mapping: UInt32 = 0
    /// MDB links: pool indices of the previous and next node, -1 for none.
    var prev: Int32 = -1
    var next: Int32 = -1
    /// MDB depth: 0 for a root, parent's depth + 1 otherwise.
    var depth: UInt32 = 0
}

/// One thread: its sandbox, the registers of the specification, and its links
/// in the queue it waits in.
struct ThreadRecord {
    /// The sandbox (fixed).
    var sandbox: UInt32 = 0
    /// `ThreadState.rawValue`.
    var state: UInt32 = 0
    /// The endpoint, notification or server thread it waits for.
    var object: UInt32 = 0
    var message: UInt32 = 0
    var badge: UInt32 = 0
    /// Outcome code of the last blocking call (0, or `peerExited`).
    var status: UInt32 = 0
    /// Optional receive slot (`slot + 1`).
    var recvSlot: UInt32 = 0
    /// Optional slot offered while blocked sending (`slot + 1`).
    var grant: UInt32 = 0
    /// Optional caller owed a reply (`thread + 1`).
    var reply: UInt32 = 0
    /// Queue links: thread indices, -1 for none.
    var qnext: Int32 = -1
    var qprev: Int32 = -1
}

/// One page table entry. `slot == 0` means unmapped.
struct PageTableEntry: Equatable {
    /// Optional backing slot (`slot + 1`) of the same sandbox.
    var slot: UInt32 = 0
    /// Optional frame (`frame + 1`).
    var frame: UInt32 = 0
    /// `Rights.rawValue` of the mapping.
    var rights: UInt8 = 0
}

/// One queue (of an endpoint or a notification): its first and last thread
/// (-1 for none) and its length.
struct QueueRecord {
    var head: Int32 = -1
    var tail: Int32 = -1
    var length: UInt32 = 0
}

/// The production LiteBox kernel: the specification's 20 system calls with
/// the same outcomes, error precedence and resulting state
/// (`abstraction()` equals the specification's state after every call), on
/// data structures whose costs do not grow with the universe: O(1) slot
/// lookup, an MDB list (revoke costs O(descendants)), O(1) queue operations,
/// two-level page tables with a reverse map.
///
/// Build one from a specification configuration (`init(_:)`), from
/// kernel-sized sizes (`init(sizes:threads:capabilities:mappings:frameValues:)`),
/// or from a specification state (`init(concretizing:config:)`). Run calls with
/// `execute(_:)` (typed) or `syscall(thread:number:_:_:_:_:_:)` (machine words).
public final class Kernel {
    /// The sizes of this universe.
    public let sizes: KernelSizes
    /// The specification configuration this kernel was built from, if any;
    /// `abstraction()` needs it.
    public internal(set) var specConfiguration: Configuration?

    // Sizes as 32-bit words, for the checks.
    let slotsPerSandbox: UInt32
    let pagesPerSandbox: UInt32
    let endpointCount: UInt32

    // MARK: Capability spaces and the MDB

    // Every table lives in memory the kernel owns (`Table`), freed in `deinit`.

    /// Per sandbox: the pool index of its slot 0, or -1 while it has no slots allocated.
    var cspaceBase: Table<Int32>
    /// Per allocated chunk of the pool: the sandbox that owns it.
    var chunkOwner: Table<UInt32>
    /// The slot pool.
    var slots: Table<CapSlot>
    /// One slot that stays empty, read by `slotContents` in place of the
    /// slots of a sandbox that has no chunk yet (not part of the pool).
    let vacantSlot: Table<CapSlot>
    /// The first node of the MDB list, -1 when every slot is empty.
    var mdbHead: Int32 = -1
    /// The number of non-empty slots (= MDB nodes).
    var occupiedSlots = 0
    /// Instrumentation: MDB nodes visited by the delete and revoke walks so far.
    var mdbVisits = 0

    // MARK: Threads, queues, notifications, frames

    var threads: Table<ThreadRecord>
    /// Per queue (endpoint `e` is queue `e`, notification `n` is `endpoints + n`): head, tail, length.
    var queues: Table<QueueRecord>
    var notificationBits: Table<UInt32>
    var frameValues: Table<UInt32>

    // MARK: Page tables

    /// log2 of a leaf's entry count.
    static let leafBits: UInt32 = 10
    static let leafSize = 1 << 10
    /// Entries of a page directory: `pagesPerSandbox / leafSize`, rounded up (at least 1).
    let directoryEntries: Int
    /// Per sandbox: the position of its page directory in `directories`, or
    /// -1 until the sandbox maps its first page.
    var directoryBase: Table<Int32>
    /// The directory pool: `directoryEntries` leaf indices per allocated
    /// directory (-1 for no leaf).
    var directories: Table<Int32>
    /// The leaf pool: `leafSize` entries per leaf.
    var leaves: Table<PageTableEntry>

    /// An empty universe: no capabilities, no mappings, every thread inactive
    /// in sandbox `threadSandboxes[t]` (sizes already validated).
    init(emptyUniverse sizes: KernelSizes, threadSandboxes: [UInt32]) {
        self.sizes = sizes
        slotsPerSandbox = UInt32(sizes.slotsPerSandbox)
        pagesPerSandbox = UInt32(sizes.pagesPerSandbox)
        endpointCount = UInt32(sizes.endpoints)
        assert(Encoding.matchesSpecification, "the kernel's encodings differ from the specification's")
        cspaceBase = Table(repeating: -1, count: sizes.sandboxes)
        chunkOwner = Table(repeating: 0, count: 0)
        slots = Table(repeating: CapSlot(), count: 0)
        vacantSlot = Table(repeating: CapSlot(), count: 1)
        threads = Table(threadSandboxes.map { ThreadRecord(sandbox: $0) })
        queues = Table(repeating: QueueRecord(), count: sizes.endpoints + sizes.notifications)
        notificationBits = Table(repeating: 0, count: sizes.notifications)
        frameValues = Table(repeating: 0, count: sizes.frames)
        directoryEntries = Swift.max((sizes.pagesPerSandbox + Kernel.leafSize - 1) / Kernel.leafSize, 1)
        directoryBase = Table(repeating: -1, count: sizes.sandboxes)
        directories = Table(repeating: -1, count: 0)
        leaves = Table(repeating: PageTableEntry(), count: 0)
    }

    deinit {
        cspaceBase.deallocate(); chunkOwner.deallocate(); slots.deallocate(); vacantSlot.deallocate()
        threads.deallocate(); queues.deallocate(); notificationBits.deallocate(); frameValues.deallocate()
        directoryBase.deallocate(); directories.deallocate(); leaves.deallocate()
    }

    /// A kernel-sized universe: `sizes`, the threads (`threads.count ==
    /// sizes.threads`; each in its sandbox, running or inactive), the initial
    /// capabilities, the initial mappings and the frame contents (empty for
    /// all zero), checked by the one structural validation of
    /// configurations (`Configuration.validateStructure(limits: .kernel)`:
    /// the specification's rules with the kernel's size limits). Set-up
    /// costs O(threads + capabilities + mappings + sandboxes + frames):
    /// capability spaces and page tables are allocated on first use.
    public convenience init(sizes: KernelSizes, threads: [Configuration.ThreadSpec],
                            capabilities: [Configuration.CapSpec], mappings: [Configuration.MappingSpec] = [],
                            frameValues: [UInt32] = []) throws(ConfigurationError) {
        try sizes.validate()
        if threads.count != sizes.threads {
            throw ConfigurationError(field: "threads", reason: "lists \(threads.count) threads, sizes say \(sizes.threads)")
        }
        let universe = Configuration(
            name: "kernel", sandboxes: sizes.sandboxes, slotsPerSandbox: sizes.slotsPerSandbox,
            pagesPerSandbox: sizes.pagesPerSandbox, endpoints: sizes.endpoints, notifications: sizes.notifications,
            frames: sizes.frames, threads: threads, capabilities: capabilities, mappings: mappings, frameValues: frameValues)
        try universe.validateStructure(limits: .kernel)
        self.init(emptyUniverse: sizes, threadSandboxes: threads.map { UInt32($0.sandbox) })
        for (t, th) in threads.enumerated() where th.running { self.threads[t].state = Encoding.running }
        for cap in capabilities {
            let sb = UInt32(cap.at.sandbox), slot = UInt32(cap.at.slot)
            let idx = allocatedSlotIndex(sb, slot)
            slots[idx] = CapSlot(type: UInt8(cap.type.rawValue), rights: UInt8(cap.rights.rawValue),
                                 object: UInt32(cap.object), badge: cap.badge)
            if let p = cap.parent {
                mdbInsertChild(parent: slotIndex(UInt32(p.sandbox), UInt32(p.slot)), child: idx)
            } else {
                mdbInsertRoot(idx)
            }
        }
        for mp in mappings {
            let sb = UInt32(mp.sandbox)
            let idx = slotIndex(sb, UInt32(mp.slot))
            setPTE(sb, UInt32(mp.page), PageTableEntry(slot: UInt32(mp.slot) + 1, frame: slots[idx].object + 1,
                                                       rights: UInt8(mp.rights.rawValue)))
            slots[idx].mapping = UInt32(mp.page) + 1
        }
        for (f, v) in frameValues.enumerated() { self.frameValues[f] = v }
    }

    /// The initial state of the specification configuration `config`, which
    /// must be valid (`Configuration.validate()`); `abstraction()` is then
    /// available and equals `ConcreteSpec(config).initialState`.
    public convenience init(_ config: Configuration) {
        do {
            try self.init(sizes: KernelSizes(config), threads: config.threads, capabilities: config.capabilities,
                          mappings: config.mappings, frameValues: config.frameValues)
        } catch {
            preconditionFailure("invalid configuration \(config.name): \(error)")
        }
        specConfiguration = config
    }

    // MARK: Slot access

    /// The pool index of `slot` (< slotsPerSandbox) of sandbox `sb`, or -1
    /// when the sandbox has no slots allocated (then every slot is empty).
    @inline(__always)
    func slotIndex(_ sb: UInt32, _ slot: UInt32) -> Int {
        let base = cspaceBase[Int(sb)]
        return base < 0 ? -1 : Int(base) &+ Int(slot)
    }

    /// The pool index of `slot` of sandbox `sb`, allocating the sandbox's
    /// chunk on first use.
    @inline(__always)
    func allocatedSlotIndex(_ sb: UInt32, _ slot: UInt32) -> Int {
        var base = cspaceBase[Int(sb)]
        if base < 0 {
            base = Int32(slots.count)
            cspaceBase[Int(sb)] = base
            chunkOwner.append(sb)
            slots.append(repeating: CapSlot(), count: sizes.slotsPerSandbox)
        }
        return Int(base) &+ Int(slot)
    }

    /// The contents of `slot` (< slotsPerSandbox) of sandbox `sb`, read in
    /// place: the pool slot, or an empty slot when the sandbox has no chunk.
    /// Chosen by a select, not a branch.
    @inline(__always)
    func slotContents(_ sb: UInt32, _ slot: UInt32) -> UnsafePointer<CapSlot> {
        let base = cspaceBase[Int(sb)]
        let inPool = UnsafePointer(slots.base) + (Int(base) &+ Int(slot))
        return base < 0 ? UnsafePointer(vacantSlot.base) : inPool
    }

    /// The checks calls make on the capability in `slot` (< slotsPerSandbox)
    /// of sandbox `sb`, in order: it holds a capability (`emptySlot`), of type
    /// `type` (`wrongType`), with a right in `right` (`insufficientRights`;
    /// `right` 0 skips this check).
    /// Returns the slot's pool index (-1 when the sandbox has no chunk) and
    /// the first failed check's error code, 0 when all pass.
    ///
    /// The error is selected, not branched to: in a mixed stream of calls
    /// which check fails is unpredictable, and a mispredicted branch costs
    /// more than the checks. So the selects run from the last check to the
    /// first, the first failure overriding the later ones.
    @inline(__always)
    func checkCapability(_ sb: UInt32, _ slot: UInt32, type: UInt8, right: UInt8) -> (index: Int, error: UInt32) {
        let c = slotContents(sb, slot)
        let t = c.pointee.type, r = c.pointee.rights
        var error = right != 0 && r & right == 0 ? SpecError.insufficientRights.rawValue : 0
        error = t != type ? SpecError.wrongType.rawValue : error
        error = t == 0 ? SpecError.emptySlot.rawValue : error
        return (slotIndex(sb, slot), error)
    }

    /// Whether `slot` (< slotsPerSandbox) of sandbox `sb` holds a capability.
    @inline(__always)
    func isOccupied(_ sb: UInt32, _ slot: UInt32) -> Bool {
        let i = slotIndex(sb, slot)
        return i >= 0 && slots[i].type != 0
    }

    /// The sandbox owning pool index `i`.
    @inline(__always)
    func owner(ofPoolIndex i: Int) -> UInt32 { chunkOwner[i / Int(slotsPerSandbox)] }

    /// The (sandbox, slot) of pool index `i`.
    @inline(__always)
    func location(ofPoolIndex i: Int) -> (sandbox: UInt32, slot: UInt32) {
        (chunkOwner[i / Int(slotsPerSandbox)], UInt32(i % Int(slotsPerSandbox)))
    }

    // MARK: Outcomes

    @inline(__always) func fail(_ e: SpecError) -> Outcome<UInt32> { Outcome(code: e.rawValue, value: 0) }
    @inline(__always) func fail(code: UInt32) -> Outcome<UInt32> { Outcome(code: code, value: 0) }
    @inline(__always) func ok(_ value: UInt32 = 0) -> Outcome<UInt32> { Outcome(code: Encoding.ok, value: value) }
    @inline(__always) func blocked() -> Outcome<UInt32> { Outcome(code: Encoding.blocked, value: 0) }

    /// Sets every register of thread `t` but `reply` (the spec's `setThread`).
    @inline(__always)
    func setRegisters(_ t: Int, state: UInt32, object: UInt32 = 0, message: UInt32,
                      badge: UInt32 = 0, status: UInt32 = 0, recvSlot: UInt32 = 0, grant: UInt32 = 0) {
        threads[t].state = state
        threads[t].object = object
        threads[t].message = message
        threads[t].badge = badge
        threads[t].status = status
        threads[t].recvSlot = recvSlot
        threads[t].grant = grant
    }

    /// One call `execute` ran while recording, with its outcome.
    public struct RecordedCall: Equatable, Sendable {
        public var call: Call
        public var outcome: Outcome<UInt32>
        public init(call: Call, outcome: Outcome<UInt32>) { self.call = call; self.outcome = outcome }
    }

    /// Storage of `recording`.
    private var recorded: [RecordedCall]?

    // MARK: Dispatch

    /// Runs one system call and returns its outcome: the same code and value
    /// as `ConcreteSpec.step`, leaving a state whose abstraction is the
    /// specification's next state. A failed call changes nothing.
    ///
    /// Every call first requires, in order:
    /// 1. the issuing thread index is in range (`invalidThread`);
    /// 2. the issuing thread is `running` (`threadNotRunning`).
    /// Slots and pages named by a call are those of the issuing thread's sandbox.
    ///
    /// When `recording` is on, the call and its outcome are appended to it.
    public func execute(_ call: Call) -> Outcome<UInt32> {
        // `recorded`, not `recording`: the getter would copy (retain) the array on every call.
        if recorded != nil { return executeRecording(call) }
        return perform(call)
    }

    /// `execute` while recording.
    @inline(never)
    private func executeRecording(_ call: Call) -> Outcome<UInt32> {
        let outcome = perform(call)
        recorded!.append(RecordedCall(call: call, outcome: outcome))
        return outcome
    }

    /// Every call `execute` ran since recording was switched on (set it to
    /// `[]` to start, `nil` to stop), with its outcome: the kernel's own
    /// run, which a trace (`Trace.Entry(call:outcome:)`) can record.
    public var recording: [RecordedCall]? {
        get { recorded }
        set { recorded = newValue }
    }

    /// The dispatch. Each system call is a function of its own, entered by a
    /// tail call (`@inline(never)`: inlining them all here would give every
    /// call the register saves and spills of the largest one).
    @inline(__always)
    private func perform(_ call: Call) -> Outcome<UInt32> {
        #if DEBUG
        defer { _checkInvariants() }
        #endif
        let t = call.thread
        guard Int(t) < threads.count && threads[Int(t)].state == Encoding.running else { return rejectThread(t) }
        let ti = Int(t)
        switch call.syscall {
        case .capCopy: return capCopy(ti, src: call.a0, dst: call.a1, rights: call.a2)
        case .capMint: return capMint(ti, src: call.a0, dst: call.a1, rights: call.a2, badge: call.a3)
        case .capMove: return capMove(ti, src: call.a0, dst: call.a1)
        case .capDelete: return capDelete(ti, slot: call.a0)
        case .capRevoke: return capRevoke(ti, slot: call.a0)
        case .map: return map(ti, slot: call.a0, page: call.a1, rights: call.a2)
        case .unmap: return unmap(ti, page: call.a0)
        case .protect: return protect(ti, page: call.a0, rights: call.a1)
        case .load: return load(ti, page: call.a0)
        case .store: return store(ti, page: call.a0, value: call.a1)
        case .send: return send(ti, ep: call.a0, msg: call.a1, grant: call.a2)
        case .nbsend: return nbsend(ti, ep: call.a0, msg: call.a1, grant: call.a2)
        case .recv: return recv(ti, ep: call.a0, into: call.a1)
        case .call: return self.call(ti, ep: call.a0, msg: call.a1, grant: call.a2)
        case .reply: return reply(ti, msg: call.a0)
        case .signal: return signal(ti, ntfn: call.a0)
        case .wait: return wait(ti, ntfn: call.a0)
        case .poll: return poll(ti, ntfn: call.a0)
        case .spawn: return spawn(ti, slot: call.a0)
        case .exit: return exit(ti)
        }
    }

    /// The outcome of a call by thread `t` that does not exist or is not running.
    @inline(never)
    private func rejectThread(_ t: UInt32) -> Outcome<UInt32> {
        Int(t) < threads.count ? fail(.threadNotRunning) : fail(.invalidThread)
    }

    /// In debug builds, traps if any representation invariant
    /// (`checkRepresentation()`) is broken; does nothing in release builds.
    /// `execute` calls it after every call, so debug builds pay
    /// O(allocated slots + page-table leaves + threads) per call; use release
    /// builds for kernel-sized universes.
    public func _checkInvariants() {
        #if DEBUG
        let broken = checkRepresentation()
        assert(broken.isEmpty, "kernel representation invariants broken: \(broken)")
        #endif
    }

    /// The number of non-empty capability slots.
    public var capabilityCount: Int { occupiedSlots }
}
