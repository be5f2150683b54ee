// Address spaces: map, unmap, protect, load, store.
//
// Each sandbox has a page table of `pagesPerSandbox` entries. A mapped entry
// records the backing frame capability's slot (of the same sandbox), the frame
// and the mapping rights; the frame capability records the page it backs, so
// a frame capability backs at most one mapping and deleting it removes the
// mapping (invariant `mappings`).

import LiteBoxABI

extension Spec {
    /// `map(slot, page, rights)`: maps the frame named by the capability in
    /// `slot` at `page` with `rights`.
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
    @inlinable
    public func map(_ s: Memory, _ t: Word, slot: Word, page: Word, rights: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(slot < k(L.slotsPerSandbox), else: .invalidSlot)
        c.require(page < k(L.pagesPerSandbox), else: .invalidPage)
        c.require(subset(rights, k(Rights([.read, .write]).rawValue)), else: .invalidArgument)
        let g = globalSlot(sb, slot), pg = globalPage(sb, page)
        let type = get(s, L.capType, g)
        c.require(type != 0, else: .emptySlot)
        c.require(type == k(CapType.frame.rawValue), else: .wrongType)
        c.require(get(s, L.capMapping, g) == 0, else: .frameInUse)
        c.require(get(s, L.pteSlot, pg) == 0, else: .alreadyMapped)
        if mutant != .mapIgnoresCapRights {
            c.require(subset(rights, get(s, L.capRights, g)), else: .insufficientRights)
        }
        return finish(s, c) { m in
            set(&m, L.pteSlot, pg, slot &+ 1)
            set(&m, L.pteFrame, pg, get(s, L.capObject, g) &+ 1)
            set(&m, L.pteRights, pg, rights)
            set(&m, L.capMapping, g, page &+ 1)
            return ok()
        }
    }

    /// `unmap(page)`: removes the mapping at `page`; the frame capability that
    /// backed it backs nothing afterwards.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. it is mapped (`notMapped`).
    @inlinable
    public func unmap(_ s: Memory, _ t: Word, page: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(page < k(L.pagesPerSandbox), else: .invalidPage)
        let pg = globalPage(sb, page)
        let backing = get(s, L.pteSlot, pg)
        c.require(backing != 0, else: .notMapped)
        return finish(s, c) { m in
            set(&m, L.capMapping, globalSlot(sb, backing &- 1), 0)
            let cleared = mutant == .unmapClearsWrongPage ? pg &+ 1 : pg
            set(&m, L.pteSlot, cleared, 0)
            set(&m, L.pteFrame, cleared, 0)
            set(&m, L.pteRights, cleared, 0)
            return ok()
        }
    }

    /// `protect(page, rights)`: changes the rights of the mapping at `page`.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. `rights` ⊆ `RW` (`invalidArgument`);
    /// 3. `page` is mapped (`notMapped`);
    /// 4. `rights` ⊆ the backing frame capability's rights (`insufficientRights`).
    @inlinable
    public func protect(_ s: Memory, _ t: Word, page: Word, rights: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(page < k(L.pagesPerSandbox), else: .invalidPage)
        c.require(subset(rights, k(Rights([.read, .write]).rawValue)), else: .invalidArgument)
        let pg = globalPage(sb, page)
        let backing = get(s, L.pteSlot, pg)
        c.require(backing != 0, else: .notMapped)
        if mutant != .protectIgnoresCapRights {
            c.require(subset(rights, get(s, L.capRights, globalSlot(sb, backing &- 1))), else: .insufficientRights)
        }
        return finish(s, c) { m in
            set(&m, L.pteRights, pg, rights)
            return ok()
        }
    }

    /// `load(page)`: a user-mode read of the word on `page`, through the page
    /// table. Returns the frame's value; changes nothing.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. it is mapped with `R` (`fault`: an unmapped page faults like a
    ///    page without the right, as the hardware would).
    @inlinable
    public func load(_ s: Memory, _ t: Word, page: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(page < k(L.pagesPerSandbox), else: .invalidPage)
        let pg = globalPage(sb, page)
        c.require(get(s, L.pteSlot, pg) != 0 && has(get(s, L.pteRights, pg), .read), else: .fault)
        return finish(s, c) { m in
            ok(get(s, L.frameValue, get(s, L.pteFrame, pg) &- 1))
        }
    }

    /// `store(page, value)`: a user-mode write of `value` to `page`, through
    /// the page table.
    ///
    /// Preconditions, in order:
    /// 1. `page` is a page of the caller's address space (`invalidPage`);
    /// 2. it is mapped with `W` (`fault`).
    @inlinable
    public func store(_ s: Memory, _ t: Word, page: Word, value: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(page < k(L.pagesPerSandbox), else: .invalidPage)
        let pg = globalPage(sb, page)
        let needed: Rights = mutant == .storeIgnoresWriteRight ? .read : .write
        c.require(get(s, L.pteSlot, pg) != 0 && has(get(s, L.pteRights, pg), needed), else: .fault)
        return finish(s, c) { m in
            set(&m, L.frameValue, get(s, L.pteFrame, pg) &- 1, value)
            return ok()
        }
    }
}
