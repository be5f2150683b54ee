// Capabilities and the capability derivation tree (CDT): cap_copy, cap_mint,
// cap_move, cap_delete, cap_revoke.
//
// The CDT is kept as parent links plus a ghost table of descendant sets
// (`cdtDescendants`, a set of global slots per slot), so that revoke is
// one whole-table map instead of a walk (DESIGN §3). Invariants `cdtLinks`
// and `cdtAcyclic` tie the ghost table to the links.

import LiteBoxABI

extension Spec {
    /// Fills empty global slot `g` with a capability derived from the one in
    /// global slot `p` (`rights` ⊆ p's, `badge` either p's or a new badge of an
    /// unbadged p): a new CDT child of `p` with no descendants and no mapping.
    /// Every ancestor of `g` (p and p's ancestors) gains `g` as a descendant.
    @inlinable
    func derive(_ m: inout Memory, from p: Word, to g: Word, rights: Word, badge: Word) {
        let L = layout
        set(&m, L.capType, g, get(m, L.capType, p))
        set(&m, L.capObject, g, get(m, L.capObject, p))
        set(&m, L.capRights, g, rights)
        set(&m, L.capBadge, g, badge)
        set(&m, L.cdtParent, g, p &+ 1)
        setDescendants(&m, g, emptySet())
        set(&m, L.capMapping, g, 0)
        let bp = singleton(p), bg = singleton(g)
        for a in 0..<L.slots {
            let d = descendants(m, at: a)
            setDescendants(&m, at: a, ite(k(a) == p || intersects(d, bp), d.zip(bg, |), d))
        }
    }

    /// Empties global slot `g` of sandbox `sb`: clears the capability, removes
    /// the mapping it backs, and drops `g` from every descendant set. The
    /// caller re-links `g`'s children first.
    @inlinable
    func clearSlot(_ m: inout Memory, sandbox sb: Word, slot g: Word) {
        let L = layout
        let mapped = get(m, L.capMapping, g)
        let pg = globalPage(sb, mapped &- 1)
        // Writes at the mapped page only when there is one (index out of range otherwise).
        let target = mutant == .deleteLeavesMapping ? k(L.pages) : Word.ite(mapped != 0, pg, k(L.pages))
        set(&m, L.pteSlot, target, 0)
        set(&m, L.pteFrame, target, 0)
        set(&m, L.pteRights, target, 0)
        for j in 0..<L.slotTableCount { set(&m, L.slotTable(j), g, 0) }
        let keep = singleton(g).zip(emptySet()) { x, _ in ~x }
        for a in 0..<L.slots {
            setDescendants(&m, at: a, descendants(m, at: a).zip(keep, &))
        }
    }

    /// `cap_copy(src, dst, rights)`: puts in `dst` a copy of the capability in
    /// `src` with rights `src.rights ∩ rights`, the same object and badge, as
    /// a CDT child of `src`. The copy backs no mapping.
    ///
    /// Preconditions, in order:
    /// 1. `src` and `dst` are slots of the caller's capability space (`invalidSlot`);
    /// 2. `rights` has no bits outside `RWG` (`invalidArgument`);
    /// 3. `src` holds a capability (`emptySlot`);
    /// 4. `dst` is empty (`slotOccupied`).
    @inlinable
    public func capCopy(_ s: Memory, _ t: Word, src: Word, dst: Word, rights: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(src < k(L.slotsPerSandbox) && dst < k(L.slotsPerSandbox), else: .invalidSlot)
        c.require(subset(rights, k(Rights.all.rawValue)), else: .invalidArgument)
        let gs = globalSlot(sb, src), gd = globalSlot(sb, dst)
        c.require(get(s, L.capType, gs) != 0, else: .emptySlot)
        c.require(get(s, L.capType, gd) == 0, else: .slotOccupied)
        return finish(s, c) { m in
            let mask = mutant == .copyIgnoresRightsMask ? k(Rights.all.rawValue) : rights
            derive(&m, from: gs, to: gd, rights: get(s, L.capRights, gs) & mask, badge: get(s, L.capBadge, gs))
            return ok()
        }
    }

    /// `cap_mint(src, dst, rights, badge)`: as `cap_copy`, and the copy carries
    /// the non-zero `badge`. As in seL4, only an unbadged endpoint or
    /// notification capability can be minted; a badged one is a leaf of badge
    /// authority and can only be copied.
    ///
    /// Preconditions, in order:
    /// 1. `src` and `dst` are slots of the caller's capability space (`invalidSlot`);
    /// 2. `rights` has no bits outside `RWG`, and `badge` is non-zero (`invalidArgument`);
    /// 3. `src` holds a capability (`emptySlot`);
    /// 4. it is an endpoint or notification capability (`wrongType`);
    /// 5. it carries no badge (`alreadyBadged`);
    /// 6. `dst` is empty (`slotOccupied`).
    @inlinable
    public func capMint(_ s: Memory, _ t: Word, src: Word, dst: Word, rights: Word, badge: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(src < k(L.slotsPerSandbox) && dst < k(L.slotsPerSandbox), else: .invalidSlot)
        c.require(subset(rights, k(Rights.all.rawValue)) && badge != 0, else: .invalidArgument)
        let gs = globalSlot(sb, src), gd = globalSlot(sb, dst)
        let type = get(s, L.capType, gs)
        c.require(type != 0, else: .emptySlot)
        c.require(type == k(CapType.endpoint.rawValue) || type == k(CapType.notification.rawValue), else: .wrongType)
        if mutant != .mintRebadgesBadgedCap { c.require(get(s, L.capBadge, gs) == 0, else: .alreadyBadged) }
        c.require(get(s, L.capType, gd) == 0, else: .slotOccupied)
        return finish(s, c) { m in
            derive(&m, from: gs, to: gd, rights: get(s, L.capRights, gs) & rights, badge: badge)
            return ok()
        }
    }

    /// `cap_move(src, dst)`: moves the capability in `src` to `dst` with its
    /// CDT position (its parent, its children and its descendant set) and the
    /// mapping it backs; `src` becomes empty.
    ///
    /// Preconditions, in order:
    /// 1. `src` and `dst` are slots of the caller's capability space (`invalidSlot`);
    /// 2. `src` holds a capability (`emptySlot`);
    /// 3. `dst` is empty (`slotOccupied`; so `src == dst` fails here).
    @inlinable
    public func capMove(_ s: Memory, _ t: Word, src: Word, dst: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(src < k(L.slotsPerSandbox) && dst < k(L.slotsPerSandbox), else: .invalidSlot)
        let gs = globalSlot(sb, src), gd = globalSlot(sb, dst)
        c.require(get(s, L.capType, gs) != 0, else: .emptySlot)
        c.require(get(s, L.capType, gd) == 0, else: .slotOccupied)
        return finish(s, c) { m in
            for j in 0..<L.slotTableCount {
                set(&m, L.slotTable(j), gd, get(s, L.slotTable(j), gs))
                set(&m, L.slotTable(j), gs, 0)
            }
            // Children of src now hang below dst; src's ancestors now list dst.
            let bs = singleton(gs), bd = singleton(gd)
            for a in 0..<L.slots {
                let p = get(m, L.cdtParent, at: a)
                set(&m, L.cdtParent, at: a, Word.ite(p == gs &+ 1, gd &+ 1, p))
                let d = descendants(m, at: a)
                let renamed = d.zip(bs) { x, y in x & ~y }.zip(bd, |)
                setDescendants(&m, at: a, ite(intersects(d, bs), renamed, d))
            }
            // The page table entry backed by src is now backed by dst.
            let mapped = get(s, L.capMapping, gs)
            let target = Word.ite(mapped != 0, globalPage(sb, mapped &- 1), k(L.pages))
            if mutant != .moveForgetsMapping { set(&m, L.pteSlot, target, dst &+ 1) }
            return ok()
        }
    }

    /// `cap_delete(slot)`: empties `slot`. As in seL4's MDB, its CDT children
    /// move up to its parent (or become roots), and the mapping it backs is
    /// removed. Objects are never destroyed: threads blocked on an endpoint
    /// stay blocked when the last capability to it goes.
    ///
    /// Preconditions, in order:
    /// 1. `slot` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`).
    @inlinable
    public func capDelete(_ s: Memory, _ t: Word, slot: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(slot < k(L.slotsPerSandbox), else: .invalidSlot)
        let g = globalSlot(sb, slot)
        c.require(get(s, L.capType, g) != 0, else: .emptySlot)
        return finish(s, c) { m in
            let parent = get(s, L.cdtParent, g)
            for a in 0..<L.slots where mutant != .deleteOrphansChildren {
                let p = get(m, L.cdtParent, at: a)
                set(&m, L.cdtParent, at: a, Word.ite(p == g &+ 1, parent, p))
            }
            clearSlot(&m, sandbox: sb, slot: g)
            return ok()
        }
    }

    /// `cap_revoke(slot)`: deletes every CDT descendant of `slot`, in every
    /// sandbox, with the mappings they back; `slot` keeps its capability.
    /// Written as whole-table maps over the ghost descendant set, so it has no
    /// loop over the tree. Pending transfers of revoked slots by blocked
    /// senders are looked up at delivery and find the slot empty.
    ///
    /// Preconditions, in order:
    /// 1. `slot` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`).
    @inlinable
    public func capRevoke(_ s: Memory, _ t: Word, slot: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(slot < k(L.slotsPerSandbox), else: .invalidSlot)
        let g = globalSlot(sb, slot)
        c.require(get(s, L.capType, g) != 0, else: .emptySlot)
        return finish(s, c) { m in
            let doomed = descendants(s, g)
            for a in 0..<L.slots {
                let here: Bit = mutant == .revokeSkipsOtherSandboxes ? sb == k(a / L.slotsPerSandbox) : true
                let gone = contains(doomed, slot: a) && here
                for j in 0..<L.slotTableCount {
                    set(&m, L.slotTable(j), at: a, Word.ite(gone, 0, get(m, L.slotTable(j), at: a)))
                }
                setDescendants(&m, at: a, descendants(m, at: a).zip(doomed) { x, y in x & ~y })
            }
            for sbi in 0..<L.sandboxes where mutant != .revokeKeepsMappings {
                for pi in 0..<L.pagesPerSandbox {
                    let pg = sbi * L.pagesPerSandbox + pi
                    let backing = get(s, L.pteSlot, at: pg)
                    let gone = backing != 0 && contains(doomed, k(sbi * L.slotsPerSandbox) &+ backing &- 1)
                    for j in 0..<Layout.pageTableCount {
                        set(&m, L.pageTable(j), at: pg, Word.ite(gone, 0, get(m, L.pageTable(j), at: pg)))
                    }
                }
            }
            return ok()
        }
    }
}
