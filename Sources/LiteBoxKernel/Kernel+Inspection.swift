// Reading the kernel's state in the ABI's terms, and restoring a kernel from
// such a description: what the abstraction function and its inverse
// (Sources/LiteBoxRefinement/Abstraction.swift) are built on. The kernel
// knows nothing of the specification's state layout; the refinement target
// translates between the two.

import LiteBoxABI

extension Kernel {
    // MARK: Observation (for tests and tools)
    //
    // The tables are not bounds-checked in release builds, so these public
    // entry points check their arguments themselves.

    /// The state of thread `t` (which must exist).
    public func threadState(_ t: Int) -> ThreadState {
        precondition(t >= 0 && t < threads.count, "no thread \(t)")
        return ThreadState(rawValue: threads[t].state) ?? .inactive
    }

    /// The capability in `slot` of `sandbox`, or nil for an empty slot (both must exist).
    public func capability(sandbox: Int, slot: Int) -> (type: CapType, object: Int, rights: Rights, badge: UInt32)? {
        precondition(sandbox >= 0 && sandbox < sizes.sandboxes && slot >= 0 && slot < sizes.slotsPerSandbox,
                     "no slot \(slot) of sandbox \(sandbox)")
        let i = slotIndex(UInt32(sandbox), UInt32(slot))
        guard i >= 0, slots[i].type != 0 else { return nil }
        let c = slots[i]
        return (CapType(rawValue: UInt32(c.type)) ?? .empty, Int(c.object), Rights(rawValue: UInt32(c.rights)), c.badge)
    }

    /// The CDT parent of `slot` of `sandbox` (recovered from the MDB: the
    /// nearest preceding node one level up), or nil for a root or an empty
    /// slot. Costs O(distance to the parent in the list).
    public func parent(sandbox: Int, slot: Int) -> Configuration.SlotRef? {
        precondition(sandbox >= 0 && sandbox < sizes.sandboxes && slot >= 0 && slot < sizes.slotsPerSandbox,
                     "no slot \(slot) of sandbox \(sandbox)")
        let i = slotIndex(UInt32(sandbox), UInt32(slot))
        guard i >= 0, slots[i].type != 0, slots[i].depth > 0 else { return nil }
        var p = slots[i].prev
        while p >= 0 && slots[Int(p)].depth >= slots[i].depth { p = slots[Int(p)].prev }
        guard p >= 0 else { return nil }
        let (psb, ps) = location(ofPoolIndex: Int(p))
        return Configuration.SlotRef(sandbox: Int(psb), slot: Int(ps))
    }

    /// The mapping at `page` of `sandbox`: backing slot, frame, rights; nil if
    /// unmapped or beyond the address space (the sandbox must exist).
    public func mapping(sandbox: Int, page: Int) -> (slot: Int, frame: Int, rights: Rights)? {
        precondition(sandbox >= 0 && sandbox < sizes.sandboxes, "no sandbox \(sandbox)")
        guard page >= 0 && page < sizes.pagesPerSandbox else { return nil }
        let e = pte(UInt32(sandbox), UInt32(page))
        guard e.slot != 0 else { return nil }
        return (Int(e.slot) - 1, Int(e.frame) - 1, Rights(rawValue: UInt32(e.rights)))
    }

    // MARK: The whole state, in the ABI's encodings

    /// One non-empty capability slot as a node of the MDB: where it is, the
    /// capability (raw `CapType` and `Rights` values), the page + 1 of the
    /// mapping it backs (0 for none) and its depth in the CDT (0 for a root).
    public struct MDBNode: Hashable, Sendable {
        public var sandbox: Int, slot: Int
        public var type: UInt32, rights: UInt32, object: UInt32, badge: UInt32, mapping: UInt32
        public var depth: Int
        public init(sandbox: Int, slot: Int, type: UInt32, rights: UInt32, object: UInt32, badge: UInt32,
                    mapping: UInt32, depth: Int) {
            self.sandbox = sandbox; self.slot = slot; self.type = type; self.rights = rights
            self.object = object; self.badge = badge; self.mapping = mapping; self.depth = depth
        }
    }

    /// The registers of a thread, as the specification names them: its
    /// sandbox, `ThreadState` raw value, the object it waits for, message,
    /// badge, status, receive slot + 1, offered slot + 1, caller owed + 1.
    public struct ThreadRegisters: Hashable, Sendable {
        public var sandbox: UInt32, state: UInt32, object: UInt32, message: UInt32, badge: UInt32
        public var status: UInt32, recvSlot: UInt32, grant: UInt32, reply: UInt32
        public init(sandbox: UInt32, state: UInt32 = 0, object: UInt32 = 0, message: UInt32 = 0, badge: UInt32 = 0,
                    status: UInt32 = 0, recvSlot: UInt32 = 0, grant: UInt32 = 0, reply: UInt32 = 0) {
            self.sandbox = sandbox; self.state = state; self.object = object; self.message = message
            self.badge = badge; self.status = status; self.recvSlot = recvSlot; self.grant = grant; self.reply = reply
        }
    }

    /// Every non-empty slot, in MDB (prefix) order: a node's CDT descendants
    /// are the nodes that follow it with greater depth. Costs O(capabilities).
    public var mdbNodes: [MDBNode] {
        var out: [MDBNode] = []
        out.reserveCapacity(occupiedSlots)
        var n = mdbHead
        while n >= 0 && out.count <= slots.count {
            let c = slots[Int(n)]
            let (sb, slot) = location(ofPoolIndex: Int(n))
            out.append(MDBNode(sandbox: Int(sb), slot: Int(slot), type: UInt32(c.type), rights: UInt32(c.rights),
                               object: c.object, badge: c.badge, mapping: c.mapping, depth: Int(c.depth)))
            n = c.next
        }
        return out
    }

    /// Whether `sandbox` has a page table yet (a sandbox without one has every page unmapped).
    public func hasPageTable(sandbox: Int) -> Bool {
        precondition(sandbox >= 0 && sandbox < sizes.sandboxes, "no sandbox \(sandbox)")
        return directoryBase[sandbox] >= 0
    }

    /// The raw page-table entry at `page` of `sandbox`: backing slot + 1
    /// (0 unmapped), frame + 1, `Rights` raw value.
    public func pageTableEntry(sandbox: Int, page: Int) -> (slot: UInt32, frame: UInt32, rights: UInt32) {
        precondition(sandbox >= 0 && sandbox < sizes.sandboxes && page >= 0 && page < sizes.pagesPerSandbox,
                     "no page \(page) of sandbox \(sandbox)")
        let e = pte(UInt32(sandbox), UInt32(page))
        return (e.slot, e.frame, UInt32(e.rights))
    }

    /// The registers of thread `t` (which must exist).
    public func registers(ofThread t: Int) -> ThreadRegisters {
        precondition(t >= 0 && t < threads.count, "no thread \(t)")
        let r = threads[t]
        return ThreadRegisters(sandbox: r.sandbox, state: r.state, object: r.object, message: r.message, badge: r.badge,
                               status: r.status, recvSlot: r.recvSlot, grant: r.grant, reply: r.reply)
    }

    /// The threads waiting in queue `q` (endpoint `e` is queue `e`,
    /// notification `n` is `endpoints + n`), first to last, and the queue's
    /// recorded length.
    public func queue(_ q: Int) -> (length: Int, members: [Int]) {
        precondition(q >= 0 && q < queues.count, "no queue \(q)")
        var members: [Int] = []
        var t = queues[q].head
        while t >= 0 && members.count < threads.count {
            members.append(Int(t))
            t = threads[Int(t)].qnext
        }
        return (Int(queues[q].length), members)
    }

    /// The pending bits of notification `n`.
    public func bits(ofNotification n: Int) -> UInt32 {
        precondition(n >= 0 && n < notificationBits.count, "no notification \(n)")
        return notificationBits[n]
    }

    /// The contents of frame `f`.
    public func value(ofFrame f: Int) -> UInt32 {
        precondition(f >= 0 && f < frameValues.count, "no frame \(f)")
        return frameValues[f]
    }

    // MARK: Restoring a state

    /// A whole kernel state in the ABI's encodings, for `init(restoring:)`.
    public struct Image: Sendable {
        /// The sizes.
        public var sizes: KernelSizes
        /// Every thread's registers (its `sandbox` fixes where it lives).
        public var threads: [ThreadRegisters]
        /// The non-empty slots in MDB (prefix) order, each depth at most one
        /// more than its predecessor's.
        public var mdb: [MDBNode] = []
        /// The mappings: sandbox, page, backing slot + 1, frame + 1, rights.
        public var pageTableEntries: [(sandbox: Int, page: Int, slot: UInt32, frame: UInt32, rights: UInt32)] = []
        /// Frame contents, one per frame.
        public var frameValues: [UInt32] = []
        /// Per queue, its threads first to last.
        public var queues: [[Int]] = []
        /// Per notification, its pending bits.
        public var notificationBits: [UInt32] = []

        public init(sizes: KernelSizes, threads: [ThreadRegisters]) { self.sizes = sizes; self.threads = threads }
    }

    /// A kernel in exactly the state `image` describes, with no checks
    /// beyond the shape of the MDB (a state the kernel could not reach gives
    /// a kernel whose `checkRepresentation()` says so). `specConfiguration`
    /// is recorded for `abstraction()`.
    public convenience init(restoring image: Image, specConfiguration: Configuration?) {
        self.init(emptyUniverse: image.sizes, threadSandboxes: image.threads.map(\.sandbox))
        self.specConfiguration = specConfiguration
        // Chunks in sandbox order, as set-up from a configuration allocates them.
        for sb in Set(image.mdb.map(\.sandbox)).sorted() { _ = allocatedSlotIndex(UInt32(sb), 0) }
        var prev: Int32 = -1
        var prevDepth = -1
        for node in image.mdb {
            precondition(node.depth >= 0 && node.depth <= prevDepth + 1, "MDB depths must step down or up by one")
            let i = allocatedSlotIndex(UInt32(node.sandbox), UInt32(node.slot))
            slots[i] = CapSlot(type: UInt8(truncatingIfNeeded: node.type), rights: UInt8(truncatingIfNeeded: node.rights),
                               object: node.object, badge: node.badge, mapping: node.mapping,
                               prev: prev, next: -1, depth: UInt32(node.depth))
            if prev >= 0 { slots[Int(prev)].next = Int32(i) } else { mdbHead = Int32(i) }
            prev = Int32(i)
            prevDepth = node.depth
        }
        occupiedSlots = image.mdb.count
        for e in image.pageTableEntries where e.slot != 0 {
            setPTE(UInt32(e.sandbox), UInt32(e.page),
                   PageTableEntry(slot: e.slot, frame: e.frame, rights: UInt8(truncatingIfNeeded: e.rights)))
        }
        for (f, v) in image.frameValues.enumerated() { frameValues[f] = v }
        for (t, r) in image.threads.enumerated() {
            threads[t].state = r.state; threads[t].object = r.object; threads[t].message = r.message
            threads[t].badge = r.badge; threads[t].status = r.status; threads[t].recvSlot = r.recvSlot
            threads[t].grant = r.grant; threads[t].reply = r.reply
        }
        for (q, members) in image.queues.enumerated() {
            for t in members { enqueue(queue: q, thread: t) }
        }
        for (n, b) in image.notificationBits.enumerated() { notificationBits[n] = b }
    }
}
