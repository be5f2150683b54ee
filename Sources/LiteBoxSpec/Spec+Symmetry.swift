// Symmetry reduction: the slots of a sandbox's capability space are
// interchangeable, and so are the pages of its address space.

import LiteBoxABI

extension Spec where D == Concrete {
    /// The representative of `s` under permutations of each sandbox's slots
    /// and of each sandbox's pages.
    ///
    /// Why this is sound: every system call names slots and pages only
    /// through its arguments, the call alphabet offers every slot and page of
    /// every sandbox, and every invariant and transition property quantifies
    /// over all slots and pages alike. So renaming a sandbox's slots (and
    /// every reference to them: CDT parents, descendant sets, page-table
    /// backing slots, receive and grant registers of that sandbox's threads)
    /// or its pages (page-table entries and the mapping recorded by frame
    /// capabilities) maps reachable states to reachable states and preserves
    /// every verdict. The representative of a state is always in its class.
    ///
    /// The representative sorts each sandbox's slots by a key: the capability
    /// (type, object, rights, badge), whether it backs a mapping, whether it
    /// has a CDT parent and in which sandbox, its number of descendants, and
    /// which threads name it as their receive or grant slot; ties are broken
    /// by the current position. Then each sandbox's pages are sorted by their
    /// entry (renamed backing slot, frame, rights), ties by position.
    /// Tie-breaking by position can leave two states of one class with
    /// different representatives (less reduction, never an unsound merge);
    /// the result is a deterministic function of the state, so counts are
    /// reproducible.
    public func canonical(_ s: ConcreteMemory) -> ConcreteMemory {
        let L = layout
        let C = L.slotsPerSandbox, V = L.pagesPerSandbox
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: L.slots + L.pages + 2 * max(C, V)) { buf in
            let slotTo = UnsafeMutableBufferPointer(rebasing: buf[0..<L.slots])
            let pageTo = UnsafeMutableBufferPointer(rebasing: buf[L.slots..<(L.slots + L.pages)])
            let order = UnsafeMutableBufferPointer(rebasing: buf[(L.slots + L.pages)...])
            var identity = true
            for sb in 0..<L.sandboxes {
                if sortPositions(C, sb * C, order, slotTo, key: { slotKey(s, sb, $0) }) { identity = false }
            }
            var out = s
            if !identity { renameSlots(s, &out, slotTo) }
            if V > 1 {
                var pageIdentity = true
                let t = out
                for sb in 0..<L.sandboxes {
                    let moved = sortPositions(V, sb * V, order, pageTo) { i in
                        let pg = sb * V + i
                        return UInt64(t[L.pteSlot.base + pg]) << 40 | UInt64(t[L.pteFrame.base + pg] & 0xFFFF) << 24
                            | UInt64(t[L.pteRights.base + pg] & 0xFF) << 16
                    }
                    if moved { pageIdentity = false }
                }
                if !pageIdentity { renamePages(t, &out, pageTo) }
            }
            return out
        }
    }

    /// Sorts the positions `0..<n` of one sandbox's slots or pages by `key`
    /// (stable insertion sort: ties keep their order), using `order[0..<2n]`
    /// as scratch, and records the permutation as `to[base + old] = base +
    /// new`. Returns whether any position moved.
    @inline(__always)
    private func sortPositions(_ n: Int, _ base: Int, _ order: UnsafeMutableBufferPointer<Int>,
                               _ to: UnsafeMutableBufferPointer<Int>, key: (Int) -> UInt64) -> Bool {
        for i in 0..<n { order[i] = i; order[n + i] = Int(bitPattern: UInt(truncatingIfNeeded: key(i))) }
        if n > 1 {
            for i in 1..<n {
                let x = order[i], kx = UInt(bitPattern: order[n + x])
                var j = i - 1
                while j >= 0 && UInt(bitPattern: order[n + order[j]]) > kx { order[j + 1] = order[j]; j -= 1 }
                order[j + 1] = x
            }
        }
        var moved = false
        for newPos in 0..<n {
            to[base + order[newPos]] = base + newPos
            if order[newPos] != newPos { moved = true }
        }
        return moved
    }

    /// The sort key of slot `i` of sandbox `sb` (position excluded; the sort is stable).
    @inline(__always)
    private func slotKey(_ s: ConcreteMemory, _ sb: Int, _ i: Int) -> UInt64 {
        let L = layout
        let g = sb * L.slotsPerSandbox + i
        let parent = s[L.cdtParent.base + g]
        let parentSandbox: UInt64 = parent == 0 ? 0 : UInt64((Int(parent) - 1) / L.slotsPerSandbox + 1)
        var refs: UInt64 = 0
        for t in 0..<min(L.threads, 8) where Int(L.threadSandbox[t]) == sb {
            if s[L.threadRecvSlot.base + t] == UInt32(i + 1) { refs |= 1 << UInt64(2 * t) }
            if s[L.threadGrant.base + t] == UInt32(i + 1) { refs |= 1 << UInt64(2 * t + 1) }
        }
        return UInt64(s[L.capType.base + g] & 0x7) << 61
            | UInt64(s[L.capObject.base + g] & 0x1F) << 56
            | UInt64(s[L.capRights.base + g] & 0x7) << 53
            | UInt64(s[L.capBadge.base + g] & 0xFF) << 45
            | UInt64(s[L.capMapping.base + g] == 0 ? 0 : 1) << 44
            | (parentSandbox & 0x3F) << 38
            | UInt64(descendantCount(s, g) & 0x3F) << 32
            | (refs & 0xFFFF) << 16
    }

    /// The number of proper CDT descendants of global slot `g`.
    @inline(__always)
    private func descendantCount(_ s: ConcreteMemory, _ g: Int) -> Int {
        var n = 0
        for w in 0..<layout.descendantWords { n += s[layout.descendantWord(w).base + g].nonzeroBitCount }
        return n
    }

    /// Writes into `out` the state `s` with global slot `g` moved to `to[g]`
    /// (a permutation within each sandbox) and every reference renamed.
    private func renameSlots(_ s: ConcreteMemory, _ out: inout ConcreteMemory, _ to: UnsafeMutableBufferPointer<Int>) {
        let L = layout
        let C = L.slotsPerSandbox
        for g in 0..<L.slots {
            let n = to[g]
            for j in 0..<L.slotTableCount {
                out[L.slotTable(j).base + n] = s[L.slotTable(j).base + g]
            }
            let parent = s[L.cdtParent.base + g]
            out[L.cdtParent.base + n] = parent == 0 ? 0 : UInt32(to[Int(parent) - 1] + 1)
            for w in 0..<L.descendantWords { out[L.descendantWord(w).base + n] = 0 }
            for w in 0..<L.descendantWords {
                var d = s[L.descendantWord(w).base + g]
                while d != 0 {
                    let x = to[32 * w + d.trailingZeroBitCount]
                    out[L.descendantWord(x / 32).base + n] |= 1 << UInt32(x % 32)
                    d &= d - 1
                }
            }
        }
        for pg in 0..<L.pages {
            let slot = s[L.pteSlot.base + pg]
            if slot != 0 {
                let sb = pg / max(1, L.pagesPerSandbox)
                out[L.pteSlot.base + pg] = UInt32(to[sb * C + Int(slot) - 1] - sb * C + 1)
            }
        }
        for t in 0..<L.threads {
            let sb = Int(L.threadSandbox[t])
            let r = s[L.threadRecvSlot.base + t]
            if r != 0 { out[L.threadRecvSlot.base + t] = UInt32(to[sb * C + Int(r) - 1] - sb * C + 1) }
            let gr = s[L.threadGrant.base + t]
            if gr != 0 { out[L.threadGrant.base + t] = UInt32(to[sb * C + Int(gr) - 1] - sb * C + 1) }
        }
    }

    /// Writes into `out` the state `s` with global page `pg` moved to `to[pg]`
    /// and the mappings recorded by frame capabilities renamed.
    private func renamePages(_ s: ConcreteMemory, _ out: inout ConcreteMemory, _ to: UnsafeMutableBufferPointer<Int>) {
        let L = layout
        let V = L.pagesPerSandbox
        for pg in 0..<L.pages {
            for j in 0..<Layout.pageTableCount {
                out[L.pageTable(j).base + to[pg]] = s[L.pageTable(j).base + pg]
            }
        }
        for g in 0..<L.slots {
            let m = s[L.capMapping.base + g]
            if m != 0 {
                let sb = g / L.slotsPerSandbox
                out[L.capMapping.base + g] = UInt32(to[sb * V + Int(m) - 1] - sb * V + 1)
            }
        }
    }
}
