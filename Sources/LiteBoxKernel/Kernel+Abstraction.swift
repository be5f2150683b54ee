// The abstraction function (kernel state -> specification state) and its
// inverse on specification states (concretization), for differential testing
// and refinement checking.

import LiteBoxSpec

extension Kernel {
    /// The specification state this kernel state represents, laid out by
    /// `Layout(specConfiguration)`: after every call, `abstraction()` equals
    /// the state `ConcreteSpec(specConfiguration).step` produces.
    ///
    /// - capabilities, mappings, frames, threads, notification bits: copied;
    /// - `cdtParent`: the nearest preceding MDB node of depth one less;
    /// - `cdtDescendants`: the run of deeper nodes following each node;
    /// - `queueLength` / `queueEntry`: each queue's list from its head.
    ///
    /// Only available when the kernel was built from a specification
    /// configuration (`init(_:)` or `init(concretizing:config:)`); traps
    /// otherwise (`specConfiguration == nil`), since a kernel-sized universe
    /// has no specification state. Costs O(the specification state).
    public func abstraction() -> ConcreteMemory {
        guard let config = specConfiguration else {
            preconditionFailure("abstraction() needs a kernel built from a specification Configuration")
        }
        return abstraction(in: config)
    }

    /// The state of specification configuration `config` this kernel state
    /// represents, for a kernel whose universe *embeds* `config`'s: the same
    /// sandboxes, endpoints, notifications and frames, the same threads in
    /// the same sandboxes, and possibly more slots and pages per sandbox, as
    /// long as every capability lies in a slot and every mapping at a page
    /// of `config` (true when every call used only `config`'s slots and
    /// pages). This lets a kernel-sized universe (4096 slots, 2^20 pages) be
    /// checked against the specification. Traps when the state does not fit.
    public func abstraction(in config: Configuration) -> ConcreteMemory {
        precondition(config.sandboxes == sizes.sandboxes && config.endpoints == sizes.endpoints
                     && config.notifications == sizes.notifications && config.frames == sizes.frames
                     && config.threads.count == threads.count
                     && config.slotsPerSandbox <= sizes.slotsPerSandbox && config.pagesPerSandbox <= sizes.pagesPerSandbox,
                     "the kernel's universe does not embed \(config.name)")
        let L = Layout(config)
        var m = ConcreteMemory(count: L.cellCount)

        // Capabilities and the CDT, in one walk of the MDB.
        var ancestors: [Int] = []   // global slot of the nearest node at each depth < current
        var n = mdbHead
        var steps = 0
        while n >= 0 && steps <= slots.count {
            let c = slots[Int(n)]
            let (sb, slot) = location(ofPoolIndex: Int(n))
            precondition(Int(slot) < L.slotsPerSandbox, "a capability lies outside \(config.name)'s slots")
            let g = Int(sb) * L.slotsPerSandbox + Int(slot)
            m[L.capType.base + g] = UInt32(c.type)
            m[L.capObject.base + g] = c.object
            m[L.capRights.base + g] = UInt32(c.rights)
            m[L.capBadge.base + g] = c.badge
            precondition(Int(c.mapping) <= L.pagesPerSandbox, "a mapping lies outside \(config.name)'s pages")
            m[L.capMapping.base + g] = c.mapping
            let d = min(Int(c.depth), ancestors.count)
            ancestors.removeLast(ancestors.count - d)
            if d > 0 { m[L.cdtParent.base + g] = UInt32(ancestors[d - 1] + 1) }
            for a in ancestors { m[L.descendantWord(g / 32).base + a] |= UInt32(1) << UInt32(g % 32) }
            ancestors.append(g)
            n = c.next
            steps += 1
        }

        // Page tables.
        for sb in 0..<L.sandboxes where directoryBase[sb] >= 0 {
            for page in 0..<L.pagesPerSandbox {
                let e = pte(UInt32(sb), UInt32(page))
                let pg = sb * L.pagesPerSandbox + page
                m[L.pteSlot.base + pg] = e.slot
                m[L.pteFrame.base + pg] = e.frame
                m[L.pteRights.base + pg] = UInt32(e.rights)
            }
        }
        for f in 0..<L.frames { m[L.frameValue.base + f] = frameValues[f] }

        // Threads.
        for t in 0..<L.threads {
            let r = threads[t]
            precondition(r.sandbox == L.threadSandbox[t], "thread \(t) lives in another sandbox than in \(config.name)")
            m[L.threadState.base + t] = r.state
            m[L.threadObject.base + t] = r.object
            m[L.threadMessage.base + t] = r.message
            m[L.threadBadge.base + t] = r.badge
            m[L.threadStatus.base + t] = r.status
            m[L.threadRecvSlot.base + t] = r.recvSlot
            m[L.threadGrant.base + t] = r.grant
            m[L.threadReply.base + t] = r.reply
        }

        // Queues and notifications.
        for q in 0..<L.queues {
            m[L.queueLength.base + q] = queues[q].length
            var e = 0
            var t = queues[q].head
            while t >= 0 && e < L.threads {
                m[L.queueEntry.base + q * L.threads + e] = UInt32(t) + 1
                e += 1
                t = threads[Int(t)].qnext
            }
        }
        for i in 0..<L.notifications { m[L.notificationBits.base + i] = notificationBits[i] }
        return m
    }

    /// A kernel whose abstraction is exactly `state`, a state of
    /// `ConcreteSpec(config)` that satisfies the specification's invariants
    /// (every state the model checker reaches does): capabilities are placed
    /// in their slots, the MDB is built by a preorder walk of the CDT given by
    /// `cdtParent` (roots and siblings in slot order), queues are linked in
    /// `queueEntry` order, and the page tables, reverse map, registers,
    /// notification bits and frames are copied. Traps on a state whose parent
    /// links do not form a forest of non-empty slots.
    public convenience init(concretizing state: ConcreteMemory, config: Configuration) {
        let L = Layout(config)
        precondition(state.cells.count == L.cellCount, "state does not have the layout of \(config.name)")
        self.init(emptyUniverse: KernelSizes(config), threadSandboxes: L.threadSandbox)
        specConfiguration = config
        let S = L.slotsPerSandbox

        // Capabilities.
        var children = [[Int]](repeating: [], count: L.slots)
        var roots: [Int] = []
        var filled = 0
        for g in 0..<L.slots where state[L.capType.base + g] != 0 {
            let i = allocatedSlotIndex(UInt32(g / S), UInt32(g % S))
            slots[i] = CapSlot(type: UInt8(truncatingIfNeeded: state[L.capType.base + g]),
                               rights: UInt8(truncatingIfNeeded: state[L.capRights.base + g]),
                               object: state[L.capObject.base + g], badge: state[L.capBadge.base + g],
                               mapping: state[L.capMapping.base + g])
            let p = Int(state[L.cdtParent.base + g])
            if p == 0 { roots.append(g) } else {
                precondition(p - 1 < L.slots, "cdtParent out of range")
                children[p - 1].append(g)
            }
            filled += 1
        }
        // The MDB: a preorder walk of the forest.
        var order: [(g: Int, depth: UInt32)] = []
        var work: [(g: Int, depth: UInt32)] = roots.reversed().map { ($0, 0) }
        while let (g, d) = work.popLast() {
            precondition(order.count < filled, "cdtParent links are not a forest of non-empty slots")
            order.append((g, d))
            for c in children[g].reversed() { work.append((c, d + 1)) }
        }
        precondition(order.count == filled, "cdtParent links are not a forest of non-empty slots")
        var prev: Int32 = -1
        for (g, d) in order {
            let i = slotIndex(UInt32(g / S), UInt32(g % S))
            slots[i].depth = d
            slots[i].prev = prev
            if prev >= 0 { slots[Int(prev)].next = Int32(i) } else { mdbHead = Int32(i) }
            prev = Int32(i)
        }
        occupiedSlots = filled

        // Page tables, frames.
        for sb in 0..<L.sandboxes {
            for page in 0..<L.pagesPerSandbox {
                let pg = sb * L.pagesPerSandbox + page
                let slot = state[L.pteSlot.base + pg]
                if slot == 0 { continue }
                setPTE(UInt32(sb), UInt32(page), PageTableEntry(slot: slot, frame: state[L.pteFrame.base + pg],
                                                                rights: UInt8(truncatingIfNeeded: state[L.pteRights.base + pg])))
            }
        }
        for f in 0..<L.frames { frameValues[f] = state[L.frameValue.base + f] }

        // Threads, queues, notifications.
        for t in 0..<L.threads {
            threads[t].state = state[L.threadState.base + t]
            threads[t].object = state[L.threadObject.base + t]
            threads[t].message = state[L.threadMessage.base + t]
            threads[t].badge = state[L.threadBadge.base + t]
            threads[t].status = state[L.threadStatus.base + t]
            threads[t].recvSlot = state[L.threadRecvSlot.base + t]
            threads[t].grant = state[L.threadGrant.base + t]
            threads[t].reply = state[L.threadReply.base + t]
        }
        for q in 0..<L.queues {
            let len = Int(state[L.queueLength.base + q])
            precondition(len <= L.threads, "queue length out of range")
            for e in 0..<len {
                let t = Int(state[L.queueEntry.base + q * L.threads + e]) - 1
                precondition(t >= 0 && t < L.threads, "queue entry out of range")
                enqueue(queue: q, thread: t)
            }
        }
        for i in 0..<L.notifications { notificationBits[i] = state[L.notificationBits.base + i] }
    }
}
