// The kernel's own representation invariants: what its data structures must
// satisfy for the abstraction function to mean anything. Checked by the tests
// after every step and, in debug builds, by `_checkInvariants()` after every
// call.

import LiteBoxABI

extension Kernel {
    /// Every broken representation invariant, as a readable line (empty when
    /// the representation is sound):
    ///
    /// - MDB: the list from `mdbHead` has consistent back links, ends, has no
    ///   cycle, starts at depth 0, and each node's depth is at most its
    ///   predecessor's + 1 (prefix order); its nodes are exactly the non-empty
    ///   slots (`occupiedSlots` of them); an empty slot has all fields zero and
    ///   no links; every sandbox's chunk is owned by that sandbox.
    /// - Queues: each list from its head has consistent links, ends at the
    ///   tail, has the recorded length; each member is blocked on that queue's
    ///   object in a state that waits in a queue (sending, calling, receiving
    ///   on an endpoint; waiting on a notification); an endpoint queue never
    ///   mixes receivers with senders/callers; every thread in such a state is
    ///   in its queue, and a thread in no queue has no links.
    /// - Page tables and the reverse map: every mapped entry is backed by a
    ///   frame capability of the same sandbox that names the entry's frame and
    ///   records that page; every capability that records a page is a frame
    ///   capability backing that page's entry; unmapped entries are all zero.
    ///
    /// Costs O(allocated slots + allocated page-table leaves + threads).
    public func checkRepresentation() -> [String] {
        var out: [String] = []
        func bad(_ s: String) { if out.count < 50 { out.append(s) } }
        let S = sizes.slotsPerSandbox

        // Chunks.
        for sb in 0..<sizes.sandboxes where cspaceBase[sb] >= 0 {
            let base = Int(cspaceBase[sb])
            if base % S != 0 || base / S >= chunkOwner.count || chunkOwner[base / S] != UInt32(sb) {
                bad("cspace of sandbox \(sb) at \(base) is not a chunk it owns")
            }
        }
        if slots.count != chunkOwner.count * S { bad("slot pool size \(slots.count) is not \(chunkOwner.count) chunks") }

        // MDB list.
        var inList = [Bool](repeating: false, count: slots.count)
        var n = mdbHead
        var prev: Int32 = -1
        var prevDepth: UInt32 = 0
        var count = 0
        while n >= 0 {
            let i = Int(n)
            guard i < slots.count else { bad("MDB link \(prev) -> \(i) out of range"); break }
            if inList[i] { bad("MDB list has a cycle at \(location(ofPoolIndex: i))"); break }
            inList[i] = true
            let c = slots[i]
            let at = location(ofPoolIndex: i)
            if c.type == 0 { bad("MDB node \(at) is an empty slot") }
            if c.prev != prev { bad("MDB node \(at) has prev \(c.prev), expected \(prev)") }
            if prev < 0 && c.depth != 0 { bad("MDB head \(at) has depth \(c.depth), expected 0") }
            if prev >= 0 && c.depth > prevDepth &+ 1 {
                bad("MDB node \(at) has depth \(c.depth) after depth \(prevDepth) (not prefix order)")
            }
            prev = n
            prevDepth = c.depth
            n = c.next
            count += 1
        }
        if count != occupiedSlots { bad("MDB list has \(count) nodes, occupiedSlots is \(occupiedSlots)") }
        for i in 0..<slots.count {
            let c = slots[i]
            if c.type != 0 {
                if !inList[i] { bad("non-empty slot \(location(ofPoolIndex: i)) is not in the MDB list") }
                if c.type > UInt8(CapType.thread.rawValue) { bad("slot \(location(ofPoolIndex: i)) has type \(c.type)") }
            } else if c.rights != 0 || c.object != 0 || c.badge != 0 || c.mapping != 0 || c.prev != -1 || c.next != -1 || c.depth != 0 {
                bad("empty slot \(location(ofPoolIndex: i)) is not clean")
            }
        }

        // Queues.
        let T = threads.count
        var queueOf = [Int](repeating: -1, count: T)
        for q in 0..<queues.count {
            var t = queues[q].head
            var p: Int32 = -1
            var len: UInt32 = 0
            var receivers = 0, senders = 0
            while t >= 0 {
                let ti = Int(t)
                guard ti < T else { bad("queue \(q) links to thread \(ti) out of range"); break }
                if queueOf[ti] >= 0 { bad("thread \(ti) is linked twice (queues \(queueOf[ti]) and \(q))"); break }
                queueOf[ti] = q
                let r = threads[ti]
                if r.qprev != p { bad("thread \(ti) in queue \(q) has qprev \(r.qprev), expected \(p)") }
                let st = ThreadState(rawValue: r.state)
                if q < Int(endpointCount) {
                    switch st {
                    case .blockedSend, .blockedCall: senders += 1
                    case .blockedRecv: receivers += 1
                    default: bad("thread \(ti) in endpoint queue \(q) is \(st.map { "\($0)" } ?? "state \(r.state)")")
                    }
                    if r.object != UInt32(q) { bad("thread \(ti) in endpoint queue \(q) waits on \(r.object)") }
                } else {
                    if st != .blockedNotify { bad("thread \(ti) in notification queue \(q) is not blockedNotify") }
                    if r.object != UInt32(q - Int(endpointCount)) { bad("thread \(ti) in notification queue \(q) waits on \(r.object)") }
                }
                p = t
                t = r.qnext
                len += 1
            }
            if queues[q].tail != p { bad("queue \(q) tail is \(queues[q].tail), last linked is \(p)") }
            if queues[q].length != len { bad("queue \(q) length is \(queues[q].length), linked \(len)") }
            if receivers > 0 && senders > 0 { bad("endpoint queue \(q) mixes senders and receivers") }
        }
        for t in 0..<T {
            let r = threads[t]
            switch ThreadState(rawValue: r.state) {
            case .blockedSend?, .blockedCall?, .blockedRecv?:
                if queueOf[t] != Int(r.object) { bad("thread \(t) blocked on endpoint \(r.object) is not in its queue") }
            case .blockedNotify?:
                if queueOf[t] != Int(endpointCount) + Int(r.object) { bad("thread \(t) waiting on notification \(r.object) is not in its queue") }
            case nil:
                bad("thread \(t) has state \(r.state)")
            default:
                if queueOf[t] >= 0 { bad("thread \(t) in queue \(queueOf[t]) is not blocked on it") }
                if r.qnext != -1 || r.qprev != -1 { bad("thread \(t) in no queue has queue links") }
            }
            if Int(r.sandbox) >= sizes.sandboxes { bad("thread \(t) lives in sandbox \(r.sandbox) out of range") }
        }

        // Page tables and the reverse map.
        for i in 0..<slots.count where slots[i].mapping != 0 {
            let (sb, slot) = location(ofPoolIndex: i)
            let c = slots[i]
            let page = c.mapping &- 1
            if c.type != UInt8(CapType.frame.rawValue) { bad("slot \((sb, slot)) backs page \(page) but is not a frame capability") }
            if page >= pagesPerSandbox { bad("slot \((sb, slot)) backs page \(page) out of range"); continue }
            let e = pte(sb, page)
            if e.slot != slot &+ 1 || e.frame != c.object &+ 1 {
                bad("slot \((sb, slot)) backs page \(page) whose entry is \(e)")
            }
        }
        let L = Kernel.leafSize
        for sb in 0..<sizes.sandboxes {
            let d = directoryBase[sb]
            if d < 0 { continue }
            if Int(d) % directoryEntries != 0 || Int(d) + directoryEntries > directories.count {
                bad("page directory of sandbox \(sb) at \(d) is not a directory of the pool"); continue
            }
            for dir in 0..<directoryEntries {
                let leaf = directories[Int(d) + dir]
                if leaf < 0 { continue }
                if Int(leaf) >= leaves.count / L { bad("page directory of sandbox \(sb) links to leaf \(leaf) out of range"); continue }
                for k in 0..<L {
                    let e = leaves[Int(leaf) * L + k]
                    let page = dir * L + k
                    if e.slot == 0 {
                        if e.frame != 0 || e.rights != 0 { bad("unmapped entry \((sb, page)) is not clean") }
                        continue
                    }
                    if page >= sizes.pagesPerSandbox { bad("entry \((sb, page)) beyond the address space"); continue }
                    if e.slot &- 1 >= slotsPerSandbox { bad("entry \((sb, page)) backed by slot \(e.slot - 1) out of range"); continue }
                    let i = slotIndex(UInt32(sb), e.slot &- 1)
                    if i < 0 || slots[i].mapping != UInt32(page) &+ 1 {
                        bad("entry \((sb, page)) backed by slot \(e.slot - 1), which does not record it")
                    }
                    if e.rights & ~UInt8(3) != 0 { bad("entry \((sb, page)) has rights \(e.rights)") }
                }
            }
        }
        return out
    }
}
