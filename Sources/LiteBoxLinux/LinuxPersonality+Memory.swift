// Memory: every mapping region is a LiteBox page backed by a frame
// capability in one of the process's object slots.
//
// Linux decides where a mapping goes (the address is taken from its
// result); LiteBox decides whether it is allowed: a file mapping needs the
// descriptor open for reading (`poll` on it: `EBADF`, `EACCES`), a shared
// file mapping's frame capability carries only the descriptor's rights, and
// `map` and `protect` refuse rights the frame capability lacks (`EACCES`).
// A region is split (the frame capability copied, the copy mapped at a new
// page) when a call covers only part of it, so `mprotect` and `munmap` work
// region by region as Linux works VMA by VMA. `PROT_EXEC` has no LiteBox
// right and is ignored.

import LiteBoxABI
import LiteBoxSpec
import StraceImport

extension Personality {
    static let pageSize: UInt64 = 4096

    static func pageAlign(_ x: UInt64) -> UInt64 { (x &+ pageSize &- 1) & ~(pageSize - 1) }

    /// The mapping calls.
    mutating func memory(_ c: StraceCall, _ t: Int) throws {
        switch c.name {
        case "mmap", "mmap2": try mmap(c, t)
        case "munmap":
            guard Personality.succeeded(c), let a = c.args.first?.intValue, let n = c.args.dropFirst().first?.intValue
            else { return }
            try removeRange(t, UInt64(bitPattern: a), UInt64(bitPattern: a) &+ Personality.pageAlign(UInt64(bitPattern: n)))
        case "mprotect": try mprotect(c, t)
        case "brk": try brk(c, t)
        case "mremap": try mremap(c, t)
        default: break
        }
    }

    /// mmap: a file mapping is checked against the descriptor; on success the
    /// range Linux chose is cleared (`MAP_FIXED` replaces mappings) and a new
    /// region is mapped with the protection's rights.
    mutating func mmap(_ c: StraceCall, _ t: Int) throws {
        let a = c.args
        guard a.count >= 5, let len = a[1].intValue else { return }
        let prot = LinuxCalls.protRights(a[2])
        let flags = a[3]
        let anonymous = LinuxCalls.has(flags, "MAP_ANONYMOUS", bit: 0x20) || LinuxCalls.has(flags, "MAP_ANON", bit: 0x20)
        // The mapping type is the low two bits: 1 MAP_SHARED, 2 MAP_PRIVATE, 3 MAP_SHARED_VALIDATE.
        let type = LinuxCalls.numericPart(flags).map { $0 & 3 } ?? 0
        let shared = flags.contains(flag: "MAP_SHARED") || flags.contains(flag: "MAP_SHARED_VALIDATE") || type == 1 || type == 3
        var capRights: Rights = [.read, .write]
        let linuxOK = Personality.succeeded(c)
        var liteboxError: SpecError?
        if !anonymous, let fd = LinuxCalls.descriptor(a[4]), fd >= 0 {
            liteboxError = try check(fd, .read, by: t, for: c)
            if liteboxError == nil && shared { capRights = capRights.intersection(self.capRights(sandbox(of: t), fd)) }
        }
        // Only a decision LiteBox makes is compared: EBADF, EACCES.
        if linuxOK || c.errno == "EBADF" || c.errno == "EACCES" {
            if let e = liteboxError {
                // Without R: a descriptor with W only is EACCES, one with no right (O_PATH) EBADF.
                let fd = LinuxCalls.descriptor(a[4]) ?? -1
                let some = e == .insufficientRights && !self.capRights(sandbox(of: t), fd).isEmpty
                compareMemory(some ? "EACCES" : "EBADF", c)
                return
            }
        } else {
            return
        }
        guard let r = c.returnValue else {
            // Linux refused with EBADF or EACCES; LiteBox's check passed, so map decides.
            let e = try trialMap(t, capRights: capRights, pte: prot)
            compareMemory(e.map { _ in "EACCES" }, c)
            return
        }
        let start = UInt64(bitPattern: r), end = start &+ Personality.pageAlign(UInt64(bitPattern: len))
        try removeRange(t, start, end)
        let e = try newRegion(t, start, end, capRights: capRights, pte: prot, shared: shared)
        compareMemory(e.map { _ in "EACCES" }, c)
    }

    /// Compares LiteBox's verdict (an errno name, nil for allowed) on a memory call with Linux's.
    mutating func compareMemory(_ litebox: String?, _ c: StraceCall) {
        let linux = c.errno
        if litebox != linux {
            mismatch("LiteBox \(litebox.map { "refuses with \($0)" } ?? "allows it") but Linux \(linux.map { "failed with \($0)" } ?? "succeeded")")
        }
    }

    /// mprotect: each region in the range is protected (`EACCES` beyond the
    /// frame capability's rights). Parts of the range LiteBox has not seen
    /// mapped were mapped by execve (the program, the interpreter, the stack,
    /// the vdso: not in the log); when Linux succeeds they are adopted as new
    /// regions with the requested rights. Whether a range is mapped at all
    /// (`ENOMEM`) is therefore not a decision LiteBox can compare.
    mutating func mprotect(_ c: StraceCall, _ t: Int) throws {
        guard let a = c.args.first?.intValue, let n = c.args.dropFirst().first?.intValue else { return }
        guard Personality.succeeded(c) || c.errno == "EACCES" else { return }
        let start = UInt64(bitPattern: a), end = start &+ Personality.pageAlign(UInt64(bitPattern: n))
        let rights = LinuxCalls.protRights(c.args.dropFirst(2).first)
        try isolate(t, start, end)
        let p = process(of: t)
        let inside = processes[p].regions.filter { $0.start >= start && $0.end <= end }
        var verdict: String?
        for r in inside {
            if let e = issue(.protect(t, page: r.page, rights: rights)).error {
                verdict = e == .insufficientRights ? "EACCES" : e.errnoName
                break
            }
        }
        if verdict == nil && Personality.succeeded(c) {
            var holes: [(UInt64, UInt64)] = []
            var at = start
            for r in inside.sorted(by: { $0.start < $1.start }) {
                if r.start > at { holes.append((at, r.start)) }
                at = max(at, r.end)
            }
            if at < end { holes.append((at, end)) }
            for (s, e) in holes {
                if let refusal = try newRegion(t, s, e, capRights: [.read, .write], pte: rights, shared: false) {
                    verdict = refusal == .insufficientRights ? "EACCES" : refusal.errnoName
                }
            }
        }
        compareMemory(verdict, c)
    }

    /// brk: the heap is one region from the initial break; growing or
    /// shrinking it changes the region's extent (a LiteBox page stands for
    /// the whole region), and the break's first growth maps it.
    mutating func brk(_ c: StraceCall, _ t: Int) throws {
        guard let r = c.returnValue else { return }
        let p = process(of: t)
        let now = UInt64(bitPattern: r)
        if processes[p].heapStart == nil { processes[p].heapStart = now }
        guard let asked = c.args.first?.intValue, asked != 0, UInt64(bitPattern: asked) == now,
              let heapStart = processes[p].heapStart else { return }
        let end = Personality.pageAlign(now)
        if let i = processes[p].regions.firstIndex(where: { $0.start == heapStart }) {
            if end <= heapStart {
                try removeRange(t, heapStart, processes[p].regions[i].end)
            } else {
                let old = processes[p].regions[i].end
                if end > old {
                    try removeRange(t, old, end)
                    if let j = processes[p].regions.firstIndex(where: { $0.start == heapStart }) {
                        processes[p].regions[j].end = end
                    }
                } else {
                    try removeRange(t, end, old)
                }
            }
        } else if end > heapStart {
            try removeRange(t, heapStart, end)
            if let e = try newRegion(t, heapStart, end, capRights: [.read, .write], pte: [.read, .write], shared: false) {
                mismatch("LiteBox refuses to map the heap (\(e))")
            }
        }
    }

    /// mremap: the region at the old range moves (keeping its page and frame)
    /// to the range Linux chose, replacing what was there.
    mutating func mremap(_ c: StraceCall, _ t: Int) throws {
        guard let r = c.returnValue, let a = c.args.first?.intValue, let oldLen = c.args.dropFirst().first?.intValue,
              let newLen = c.args.dropFirst(2).first?.intValue else { return }
        let old = UInt64(bitPattern: a), oldEnd = old &+ Personality.pageAlign(UInt64(bitPattern: oldLen))
        let to = UInt64(bitPattern: r), toEnd = to &+ Personality.pageAlign(UInt64(bitPattern: newLen))
        try isolate(t, old, oldEnd)
        let p = process(of: t)
        let pieces = processes[p].regions.enumerated().filter { $0.element.start >= old && $0.element.end <= oldEnd }
        guard let first = pieces.first else { return }
        var moving = first.element
        // Only the first piece moves; any further pieces of the old range go.
        processes[p].regions.remove(at: first.offset)
        try removeRange(t, old, oldEnd)
        try removeRange(t, to, toEnd)
        moving.start = to
        moving.end = toEnd
        insert(moving, into: p)
    }

    /// Splits regions so that no region straddles `start` or `end`.
    mutating func isolate(_ t: Int, _ start: UInt64, _ end: UInt64) throws {
        for x in [start, end] {
            let p = process(of: t)
            if let i = processes[p].regions.firstIndex(where: { $0.start < x && x < $0.end }) {
                try split(t, i, at: x)
            }
        }
    }

    /// Splits region `i` at `x`: the part from `x` is backed by a copy of the
    /// region's frame capability (same frame, same rights), mapped at a new
    /// page with the same rights.
    mutating func split(_ t: Int, _ i: Int, at x: UInt64) throws {
        let p = process(of: t), sb = sandbox(of: t)
        let r = processes[p].regions[i]
        let slot = try objectSlot(sb)
        let page = try freePage(sb)
        let pte = Rights(rawValue: cell(L.pteRights, sb * L.pagesPerSandbox + r.page))
        copy(t, r.slot, to: slot, "cap_copy splitting a region")
        expect(issue(.map(t, slot: slot, page: page, rights: pte)), 0, "map of a split region")
        processes[p].regions[i].end = x
        insert(Region(start: x, end: r.end, page: page, slot: slot, shared: r.shared), into: p)
    }

    /// Inserts `r` into process `p`'s regions, keeping them sorted.
    mutating func insert(_ r: Region, into p: Int) {
        let i = processes[p].regions.firstIndex { $0.start > r.start } ?? processes[p].regions.count
        processes[p].regions.insert(r, at: i)
    }

    /// The lowest page of `sandbox` that is not mapped.
    func freePage(_ sandbox: Int) throws(PoolExhausted) -> Int {
        let V = L.pagesPerSandbox
        guard let page = (0..<V).first(where: { cell(L.pteSlot, sandbox * V + $0) == 0 }) else {
            throw PoolExhausted(pool: .objectSlots)
        }
        return page
    }

    /// Removes every region inside `[start, end)`, splitting those that straddle it.
    mutating func removeRange(_ t: Int, _ start: UInt64, _ end: UInt64) throws {
        guard start < end else { return }
        try isolate(t, start, end)
        let p = process(of: t)
        while let i = processes[p].regions.firstIndex(where: { $0.start >= start && $0.end <= end }) {
            let r = processes[p].regions.remove(at: i)
            expect(issue(.unmap(t, page: r.page)), 0, "unmap of a removed region")
            deleteFrameCap(t, r.slot)
        }
    }

    /// Deletes the frame capability in `slot` (its frame returns to the host
    /// pool when no process holds it any more).
    mutating func deleteFrameCap(_ t: Int, _ slot: Int) {
        expect(delete(t, slot), 0, "cap_delete of a frame capability")
    }

    /// A fresh frame with `capRights`, granted to `t` and mapped at a new
    /// page with `pte` rights as the region `[start, end)`. Returns
    /// LiteBox's refusal (the frame capability is then deleted again).
    mutating func newRegion(_ t: Int, _ start: UInt64, _ end: UInt64, capRights: Rights, pte: Rights,
                            shared: Bool) throws -> SpecError? {
        let sb = sandbox(of: t)
        guard let frame = freeFrames.popLast() else { throw PoolExhausted(pool: .frames) }
        let slot = try objectSlot(sb)
        let page = try freePage(sb)
        grant(hostSlot: hostFrames + frame, rights: capRights, to: t, slot: slot)
        if let e = issue(.map(t, slot: slot, page: page, rights: pte)).error {
            deleteFrameCap(t, slot)
            return e
        }
        insert(Region(start: start, end: end, page: page, slot: slot, shared: shared), into: process(of: t))
        return nil
    }

    /// Maps and unmaps a fresh frame with `capRights` to see whether LiteBox
    /// allows `pte` on it; returns the refusal.
    mutating func trialMap(_ t: Int, capRights: Rights, pte: Rights) throws -> SpecError? {
        let p = process(of: t)
        let before = processes[p].regions.count
        let e = try newRegion(t, 0, 0, capRights: capRights, pte: pte, shared: false)
        if e == nil, processes[p].regions.count > before,
           let i = processes[p].regions.firstIndex(where: { $0.start == 0 && $0.end == 0 }) {
            let r = processes[p].regions.remove(at: i)
            expect(issue(.unmap(t, page: r.page)), 0, "unmap of a trial mapping")
            deleteFrameCap(t, r.slot)
        }
        return e
    }
}
