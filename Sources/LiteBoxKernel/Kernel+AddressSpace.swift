// Address spaces: map, unmap, protect, load, store.
//
// Each sandbox has a two-level page table: a directory of
// `pagesPerSandbox / 1024` (rounded up) leaf indices, allocated from a pool
// of directories when the sandbox maps its first page, and 1024-entry leaves
// from a shared pool, allocated on first use. A mapped entry records the backing frame
// capability's slot (same sandbox), the frame and the rights; the frame
// capability's slot records the page it backs (the reverse map), so deleting
// or revoking the capability removes the mapping in O(1).

import LiteBoxABI

extension Kernel {
    // MARK: Page table primitives

    /// The leaf pool position of `page`'s entry (`page < pagesPerSandbox`) of
    /// sandbox `sb`, or -1 when the sandbox has no directory or the page no
    /// leaf (then the page is unmapped).
    @inline(__always)
    func pteIndex(_ sb: UInt32, _ page: UInt32) -> Int {
        let d = directoryBase[Int(sb)]
        if d < 0 { return -1 }
        let leaf = directories[Int(d) &+ Int(page >> Kernel.leafBits)]
        if leaf < 0 { return -1 }
        return Int(leaf) &* Kernel.leafSize &+ Int(page & UInt32(Kernel.leafSize - 1))
    }

    /// The entry for `page` (< pagesPerSandbox) of sandbox `sb` (unmapped if no leaf exists).
    @inline(__always)
    func pte(_ sb: UInt32, _ page: UInt32) -> PageTableEntry {
        let i = pteIndex(sb, page)
        return i < 0 ? PageTableEntry() : leaves[i]
    }

    /// The pool position of `page`'s entry of sandbox `sb`, allocating the
    /// directory and the leaf on first use.
    @inline(__always)
    func allocatedPTEIndex(_ sb: UInt32, _ page: UInt32) -> Int {
        var d = directoryBase[Int(sb)]
        if d < 0 {
            d = Int32(directories.count)
            directories.append(repeating: -1, count: directoryEntries)
            directoryBase[Int(sb)] = d
        }
        let dir = Int(d) &+ Int(page >> Kernel.leafBits)
        var leaf = directories[dir]
        if leaf < 0 {
            leaf = Int32(leaves.count / Kernel.leafSize)
            leaves.append(repeating: PageTableEntry(), count: Kernel.leafSize)
            directories[dir] = leaf
        }
        return Int(leaf) &* Kernel.leafSize &+ Int(page & UInt32(Kernel.leafSize - 1))
    }

    /// Sets the entry for `page` of sandbox `sb`.
    @inline(__always)
    func setPTE(_ sb: UInt32, _ page: UInt32, _ e: PageTableEntry) {
        // Not `leaves[allocatedPTEIndex(sb, page)] = e`: the table would be
        // read before the index, which may grow (move) it.
        let i = allocatedPTEIndex(sb, page)
        leaves[i] = e
    }

    /// Clears the entry for `page` of sandbox `sb` (which must be mapped, so its leaf exists).
    @inline(__always)
    func clearPTE(_ sb: UInt32, _ page: UInt32) {
        let i = pteIndex(sb, page)
        assert(i >= 0, "clearing an unmapped page")
        leaves[i] = PageTableEntry()
    }

    /// Redirects the mapped entry for `page` of sandbox `sb` to backing slot `slot` (`slot + 1`).
    @inline(__always)
    func updatePTESlot(_ sb: UInt32, _ page: UInt32, slot: UInt32) {
        let i = pteIndex(sb, page)
        assert(i >= 0, "redirecting an unmapped page")
        leaves[i].slot = slot
    }

    // MARK: System calls

    /// `map(slot, page, rights)`: maps the frame named by the capability in
    /// `slot` at `page` with `rights`; the capability records the page.
    ///
    /// Preconditions, in order:
    /// 1. `slot` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. `page` is a page of the caller's address space (`invalidPage`);
    /// 3. `rights` ⊆ `RW` (`invalidArgument`);
    /// 4. `slot` holds a capability (`emptySlot`);
    /// 5. it is a frame capability (`wrongType`);
    /// 6. it backs no mapping yet (`frameInUse`);
    /// 7. `page` is not mapped (`alreadyMapped`);
    /// 8. `rights` ⊆ the capability's rights (`insufficientRights`).
    @inline(never)
    func map(_ t: Int, slot: UInt32, page: UInt32, rights: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard slot < slotsPerSandbox else { return fail(.invalidSlot) }
        guard page < pagesPerSandbox else { return fail(.invalidPage) }
        guard rights & ~Encoding.mappingRights == 0 else { return fail(.invalidArgument) }
        let (i, error) = checkCapability(sb, slot, type: Encoding.frame, right: 0)
        if error != 0 { return fail(code: error) }
        guard slots[i].mapping == 0 else { return fail(.frameInUse) }
        guard pte(sb, page).slot == 0 else { return fail(.alreadyMapped) }
        guard UInt8(rights) & ~slots[i].rights == 0 else { return fail(.insufficientRights) }
        setPTE(sb, page, PageTableEntry(slot: slot &+ 1, frame: slots[i].object &+ 1, rights: UInt8(rights)))
        slots[i].mapping = page &+ 1
        return ok()
    }

    /// `unmap(page)`: removes the mapping at `page`; the frame capability that
    /// backed it (found through the entry) backs nothing afterwards.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. it is mapped (`notMapped`).
    @inline(never)
    func unmap(_ t: Int, page: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard page < pagesPerSandbox else { return fail(.invalidPage) }
        let e = pteIndex(sb, page)
        guard e >= 0 && leaves[e].slot != 0 else { return fail(.notMapped) }
        slots[slotIndex(sb, leaves[e].slot &- 1)].mapping = 0
        leaves[e] = PageTableEntry()
        return ok()
    }

    /// `protect(page, rights)`: changes the rights of the mapping at `page`.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. `rights` ⊆ `RW` (`invalidArgument`);
    /// 3. `page` is mapped (`notMapped`);
    /// 4. `rights` ⊆ the backing frame capability's rights (`insufficientRights`).
    @inline(never)
    func protect(_ t: Int, page: UInt32, rights: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard page < pagesPerSandbox else { return fail(.invalidPage) }
        guard rights & ~Encoding.mappingRights == 0 else { return fail(.invalidArgument) }
        let e = pteIndex(sb, page)
        guard e >= 0 && leaves[e].slot != 0 else { return fail(.notMapped) }
        guard UInt8(rights) & ~slots[slotIndex(sb, leaves[e].slot &- 1)].rights == 0 else { return fail(.insufficientRights) }
        leaves[e].rights = UInt8(rights)
        return ok()
    }

    /// `load(page)`: a user-mode read of the word on `page` through the page
    /// table; returns the frame's value and changes nothing.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. it is mapped with `R` (`fault`).
    @inline(never)
    func load(_ t: Int, page: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard page < pagesPerSandbox else { return fail(.invalidPage) }
        let e = pte(sb, page)
        guard e.slot != 0 && e.rights & Encoding.read != 0 else { return fail(.fault) }
        return ok(frameValues[Int(e.frame &- 1)])
    }

    /// `store(page, value)`: a user-mode write of `value` to `page` through
    /// the page table.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. it is mapped with `W` (`fault`).
    @inline(never)
    func store(_ t: Int, page: UInt32, value: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard page < pagesPerSandbox else { return fail(.invalidPage) }
        let e = pte(sb, page)
        guard e.slot != 0 && e.rights & Encoding.write != 0 else { return fail(.fault) }
        frameValues[Int(e.frame &- 1)] = value
        return ok()
    }
}
