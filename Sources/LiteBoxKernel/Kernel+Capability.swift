// Capabilities and the mapping database (MDB): cap_copy, cap_mint, cap_move,
// cap_delete, cap_revoke.
//
// The CDT is seL4's MDB: one doubly linked list through every non-empty slot
// of every sandbox, in prefix order, each node carrying its depth. The
// descendants of a node are the nodes that follow it with a greater depth, up
// to the first node whose depth is <= its own; its parent is the nearest
// preceding node of depth one less. So:
// - deriving a child (copy, mint, transfer) inserts it right after its parent
//   as the parent's first child: O(1);
// - delete lifts the node's descendants one level (its children become
//   children of its parent, keeping their place) and unlinks it: O(descendants);
// - revoke unlinks and clears the run of descendants following the node:
//   O(descendants), independent of the universe;
// - move keeps the node's list position; only its slot changes: O(1).

import LiteBoxABI

extension Kernel {
    // MARK: MDB primitives

    /// Links the filled slot `child` into the MDB as the first child of `parent`.
    @inline(__always)
    func mdbInsertChild(parent: Int, child: Int) {
        let next = slots[parent].next
        slots[child].depth = slots[parent].depth &+ 1
        slots[child].prev = Int32(parent)
        slots[child].next = next
        if next >= 0 { slots[Int(next)].prev = Int32(child) }
        slots[parent].next = Int32(child)
        occupiedSlots += 1
    }

    /// Links the filled slot `node` into the MDB as a root, at the head of the list.
    func mdbInsertRoot(_ node: Int) {
        slots[node].depth = 0
        slots[node].prev = -1
        slots[node].next = mdbHead
        if mdbHead >= 0 { slots[Int(mdbHead)].prev = Int32(node) }
        mdbHead = Int32(node)
        occupiedSlots += 1
    }

    /// Unlinks `node` from the MDB (its links are left for the caller to clear).
    @inline(__always)
    func mdbUnlink(_ node: Int) {
        let prev = slots[node].prev, next = slots[node].next
        if prev >= 0 { slots[Int(prev)].next = next } else { mdbHead = next }
        if next >= 0 { slots[Int(next)].prev = prev }
        occupiedSlots -= 1
    }

    /// Removes the mapping the capability in pool slot `i` (of sandbox `sb`)
    /// backs, if any, through the reverse map.
    @inline(__always)
    func removeBackedMapping(_ i: Int, sandbox sb: UInt32) {
        let m = slots[i].mapping
        if m != 0 {
            clearPTE(sb, m &- 1)
            slots[i].mapping = 0
        }
    }

    /// Fills empty pool slot `dst` of sandbox `dstSandbox` with a capability
    /// derived from pool slot `src`: same type and object, `rights`, `badge`,
    /// no mapping, as `src`'s first MDB child (the spec's `derive`).
    @inline(__always)
    func derive(from src: Int, to dst: Int, rights: UInt8, badge: UInt32) {
        slots[dst] = CapSlot(type: slots[src].type, rights: rights, object: slots[src].object, badge: badge)
        mdbInsertChild(parent: src, child: dst)
    }

    // MARK: System calls

    /// `cap_copy(src, dst, rights)`: puts in `dst` a copy of the capability in
    /// `src` with rights `src.rights ∩ rights`, the same object and badge, as
    /// a CDT child of `src` (inserted right after `src` in the MDB). The copy
    /// backs no mapping.
    ///
    /// Preconditions, in order:
    /// 1. `src` and `dst` are slots of the caller's capability space (`invalidSlot`);
    /// 2. `rights` has no bits outside `RWG` (`invalidArgument`);
    /// 3. `src` holds a capability (`emptySlot`);
    /// 4. `dst` is empty (`slotOccupied`).
    @inline(never)
    func capCopy(_ t: Int, src: UInt32, dst: UInt32, rights: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard src < slotsPerSandbox && dst < slotsPerSandbox else { return fail(.invalidSlot) }
        guard rights & ~Encoding.allRights == 0 else { return fail(.invalidArgument) }
        guard isOccupied(sb, src) else { return fail(.emptySlot) }
        guard !isOccupied(sb, dst) else { return fail(.slotOccupied) }
        let d = allocatedSlotIndex(sb, dst), s = slotIndex(sb, src)
        derive(from: s, to: d, rights: slots[s].rights & UInt8(rights), badge: slots[s].badge)
        return ok()
    }

    /// `cap_mint(src, dst, rights, badge)`: as `cap_copy`, and the copy
    /// carries the non-zero `badge`. Only an unbadged endpoint or
    /// notification capability can be minted.
    ///
    /// Preconditions, in order:
    /// 1. `src` and `dst` are slots of the caller's capability space (`invalidSlot`);
    /// 2. `rights` has no bits outside `RWG`, and `badge` is non-zero (`invalidArgument`);
    /// 3. `src` holds a capability (`emptySlot`);
    /// 4. it is an endpoint or notification capability (`wrongType`);
    /// 5. it carries no badge (`alreadyBadged`);
    /// 6. `dst` is empty (`slotOccupied`).
    @inline(never)
    func capMint(_ t: Int, src: UInt32, dst: UInt32, rights: UInt32, badge: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard src < slotsPerSandbox && dst < slotsPerSandbox else { return fail(.invalidSlot) }
        guard rights & ~Encoding.allRights == 0 && badge != 0 else { return fail(.invalidArgument) }
        // Checks 3-5 select their error rather than branch (see `checkCapability`).
        let c = slotContents(sb, src)
        let type = c.pointee.type
        var error = c.pointee.badge != 0 ? SpecError.alreadyBadged.rawValue : 0
        error = type != Encoding.endpoint && type != Encoding.notification ? SpecError.wrongType.rawValue : error
        error = type == 0 ? SpecError.emptySlot.rawValue : error
        if error != 0 { return fail(code: error) }
        guard !isOccupied(sb, dst) else { return fail(.slotOccupied) }
        let s = slotIndex(sb, src)
        let d = allocatedSlotIndex(sb, dst)
        derive(from: s, to: d, rights: slots[s].rights & UInt8(rights), badge: badge)
        return ok()
    }

    /// `cap_move(src, dst)`: moves the capability in `src` to `dst` with its
    /// CDT position and the mapping it backs; `src` becomes empty. The MDB
    /// node keeps its place in the list: only the neighbours' links and the
    /// backed page table entry are redirected to `dst`.
    ///
    /// Preconditions, in order:
    /// 1. `src` and `dst` are slots of the caller's capability space (`invalidSlot`);
    /// 2. `src` holds a capability (`emptySlot`);
    /// 3. `dst` is empty (`slotOccupied`; so `src == dst` fails here).
    @inline(never)
    func capMove(_ t: Int, src: UInt32, dst: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard src < slotsPerSandbox && dst < slotsPerSandbox else { return fail(.invalidSlot) }
        guard isOccupied(sb, src) else { return fail(.emptySlot) }
        guard !isOccupied(sb, dst) else { return fail(.slotOccupied) }
        let d = allocatedSlotIndex(sb, dst), s = slotIndex(sb, src)
        let node = slots[s]
        slots[d] = node
        slots[s] = CapSlot()
        if node.prev >= 0 { slots[Int(node.prev)].next = Int32(d) } else { mdbHead = Int32(d) }
        if node.next >= 0 { slots[Int(node.next)].prev = Int32(d) }
        if node.mapping != 0 { updatePTESlot(sb, node.mapping &- 1, slot: dst &+ 1) }
        return ok()
    }

    /// `cap_delete(slot)`: empties `slot`. Its CDT children move up to its
    /// parent (or become roots): every MDB descendant's depth drops by one,
    /// which keeps prefix order; then the node is unlinked. The mapping it
    /// backs is removed. Objects are never destroyed.
    ///
    /// Preconditions, in order:
    /// 1. `slot` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`).
    @inline(never)
    func capDelete(_ t: Int, slot: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard slot < slotsPerSandbox else { return fail(.invalidSlot) }
        guard isOccupied(sb, slot) else { return fail(.emptySlot) }
        let i = slotIndex(sb, slot)
        let depth = slots[i].depth
        var n = slots[i].next
        while n >= 0 && slots[Int(n)].depth > depth {
            slots[Int(n)].depth &-= 1
            n = slots[Int(n)].next
            mdbVisits &+= 1
        }
        mdbUnlink(i)
        removeBackedMapping(i, sandbox: sb)
        slots[i] = CapSlot()
        return ok()
    }

    /// `cap_revoke(slot)`: deletes every CDT descendant of `slot`, in every
    /// sandbox, with the mappings they back; `slot` keeps its capability.
    /// Walks only the run of descendants following the node in the MDB.
    /// Pending transfers of revoked slots by blocked senders are looked up
    /// at delivery and find the slot empty.
    ///
    /// Preconditions, in order:
    /// 1. `slot` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`).
    @inline(never)
    func capRevoke(_ t: Int, slot: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard slot < slotsPerSandbox else { return fail(.invalidSlot) }
        guard isOccupied(sb, slot) else { return fail(.emptySlot) }
        let i = slotIndex(sb, slot)
        revokeDescendants(of: i)
        return ok()
    }

    /// Deletes every MDB descendant of pool slot `i`; returns how many.
    @discardableResult
    func revokeDescendants(of i: Int) -> Int {
        let depth = slots[i].depth
        var n = slots[i].next
        var count = 0
        while n >= 0 && slots[Int(n)].depth > depth {
            let d = Int(n)
            n = slots[d].next
            removeBackedMapping(d, sandbox: owner(ofPoolIndex: d))
            slots[d] = CapSlot()
            count += 1
            mdbVisits &+= 1
        }
        slots[i].next = n
        if n >= 0 { slots[Int(n)].prev = Int32(i) }
        occupiedSlots -= count
        return count
    }
}
