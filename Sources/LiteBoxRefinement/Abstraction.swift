// The abstraction function (kernel state -> specification state) and its
// inverse on specification states (concretization), for differential testing
// and refinement checking. Both are written against the kernel's public
// inspection interface (Sources/LiteBoxKernel/Kernel+Inspection.swift): the
// kernel knows nothing of the specification's layout; only this target
// sees both.

import LiteBoxABI
import LiteBoxKernel
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
                     && config.threads.count == sizes.threads
                     && config.slotsPerSandbox <= sizes.slotsPerSandbox && config.pagesPerSandbox <= sizes.pagesPerSandbox,
                     "the kernel's universe does not embed \(config.name)")
        let L = Layout(config)
        var m = ConcreteMemory(count: L.cellCount)

        // Capabilities and the CDT, in one walk of the MDB.
        var ancestors: [Int] = []   // global slot of the nearest node at each depth < current
        for c in mdbNodes {
            precondition(c.slot < L.slotsPerSandbox, "a capability lies outside \(config.name)'s slots")
            let g = c.sandbox * L.slotsPerSandbox + c.slot
            m[L.capType.base + g] = c.type
            m[L.capObject.base + g] = c.object
            m[L.capRights.base + g] = c.rights
            m[L.capBadge.base + g] = c.badge
            precondition(Int(c.mapping) <= L.pagesPerSandbox, "a mapping lies outside \(config.name)'s pages")
            m[L.capMapping.base + g] = c.mapping
            let d = min(c.depth, ancestors.count)
            ancestors.removeLast(ancestors.count - d)
            if d > 0 { m[L.cdtParent.base + g] = UInt32(ancestors[d - 1] + 1) }
            for a in ancestors { m[L.descendantWord(g / 32).base + a] |= UInt32(1) << UInt32(g % 32) }
            ancestors.append(g)
        }

        // Page tables.
        for sb in 0..<L.sandboxes where hasPageTable(sandbox: sb) {
            for page in 0..<L.pagesPerSandbox {
                let e = pageTableEntry(sandbox: sb, page: page)
                let pg = sb * L.pagesPerSandbox + page
                m[L.pteSlot.base + pg] = e.slot
                m[L.pteFrame.base + pg] = e.frame
                m[L.pteRights.base + pg] = e.rights
            }
        }
        for f in 0..<L.frames { m[L.frameValue.base + f] = value(ofFrame: f) }

        // Threads.
        for t in 0..<L.threads {
            let r = registers(ofThread: t)
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
            let (length, members) = queue(q)
            m[L.queueLength.base + q] = UInt32(length)
            for (e, t) in members.prefix(L.threads).enumerated() { m[L.queueEntry.base + q * L.threads + e] = UInt32(t) + 1 }
        }
        for i in 0..<L.notifications { m[L.notificationBits.base + i] = bits(ofNotification: i) }
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
        let S = L.slotsPerSandbox
        var image = Kernel.Image(sizes: KernelSizes(config), threads: (0..<L.threads).map { t in
            Kernel.ThreadRegisters(
                sandbox: L.threadSandbox[t], state: state[L.threadState.base + t], object: state[L.threadObject.base + t],
                message: state[L.threadMessage.base + t], badge: state[L.threadBadge.base + t],
                status: state[L.threadStatus.base + t], recvSlot: state[L.threadRecvSlot.base + t],
                grant: state[L.threadGrant.base + t], reply: state[L.threadReply.base + t])
        })

        // Capabilities: the MDB is a preorder walk of the forest the parent links give.
        var children = [[Int]](repeating: [], count: L.slots)
        var roots: [Int] = []
        var filled = 0
        for g in 0..<L.slots where state[L.capType.base + g] != 0 {
            let p = Int(state[L.cdtParent.base + g])
            if p == 0 { roots.append(g) } else {
                precondition(p - 1 < L.slots, "cdtParent out of range")
                children[p - 1].append(g)
            }
            filled += 1
        }
        var work: [(g: Int, depth: Int)] = roots.reversed().map { ($0, 0) }
        while let (g, d) = work.popLast() {
            precondition(image.mdb.count < filled, "cdtParent links are not a forest of non-empty slots")
            image.mdb.append(Kernel.MDBNode(
                sandbox: g / S, slot: g % S, type: state[L.capType.base + g], rights: state[L.capRights.base + g],
                object: state[L.capObject.base + g], badge: state[L.capBadge.base + g],
                mapping: state[L.capMapping.base + g], depth: d))
            for c in children[g].reversed() { work.append((c, d + 1)) }
        }
        precondition(image.mdb.count == filled, "cdtParent links are not a forest of non-empty slots")

        // Page tables, frames, queues, notifications.
        for sb in 0..<L.sandboxes {
            for page in 0..<L.pagesPerSandbox {
                let pg = sb * L.pagesPerSandbox + page
                let slot = state[L.pteSlot.base + pg]
                if slot == 0 { continue }
                image.pageTableEntries.append((sb, page, slot, state[L.pteFrame.base + pg], state[L.pteRights.base + pg]))
            }
        }
        image.frameValues = (0..<L.frames).map { state[L.frameValue.base + $0] }
        image.queues = (0..<L.queues).map { q in
            let len = Int(state[L.queueLength.base + q])
            precondition(len <= L.threads, "queue length out of range")
            return (0..<len).map { e in
                let t = Int(state[L.queueEntry.base + q * L.threads + e]) - 1
                precondition(t >= 0 && t < L.threads, "queue entry out of range")
                return t
            }
        }
        image.notificationBits = (0..<L.notifications).map { state[L.notificationBits.base + $0] }
        self.init(restoring: image, specConfiguration: config)
    }
}
