// File descriptors as capabilities: fd n is slot n of the process's sandbox.
//
// LiteBox decides: which descriptor number a new descriptor gets (the lowest
// empty slot, as Linux allocates), and whether a call may use a descriptor
// (`EBADF` when the slot is empty or its capability lacks the right the call
// needs). The environment decides everything else (whether a path exists,
// what a read returns). After a difference in descriptor number is reported,
// the replay follows Linux's number, so one difference is reported once.

import LiteBoxABI
import LiteBoxSpec
import StraceImport

extension Personality {
    /// The process of LiteBox thread `t`, and its sandbox.
    func process(of t: Int) -> Int { processOfThread[t] }
    func sandbox(of t: Int) -> Int { processes[processOfThread[t]].sandbox }

    /// Whether a LiteBox error is a bad-descriptor decision (`EBADF` to Linux).
    static func isBadDescriptor(_ e: SpecError?) -> Bool {
        guard let e else { return false }
        return [.invalidSlot, .emptySlot, .insufficientRights, .wrongType].contains(e)
    }

    /// Checks that `fd` may be used with `access` by thread `t`, through the
    /// specification: `poll` (needs `R`), `signal` (needs `W`), or a rightless
    /// `cap_copy` into the probe slot and its `cap_delete` (needs an open
    /// descriptor, `.open`), or `poll` and then `signal` (needs `R` or `W`,
    /// `.io`: what an `O_PATH` descriptor lacks). Returns the LiteBox error,
    /// nil when allowed. A negative number, or one beyond the descriptor
    /// slots, is refused without a call (`EBADF`): the table grows whenever
    /// Linux creates a descriptor beyond it, so such a number was never
    /// created in the log.
    mutating func check(_ fd: Int, _ access: LinuxCalls.Access, by t: Int, for c: StraceCall) throws -> SpecError? {
        if fd < 0 || fd >= sizes.fdSlots { return .invalidSlot }
        // Linux refused the descriptor while another thread's close of it was in flight: it was closed by then.
        if c.errno == "EBADF" { try applyInFlight(process: process(of: t), where: { LinuxCalls.closes($0, fd) }) }
        switch access {
        case .read: return issue(.poll(t, ntfn: fd)).error
        case .write: return issue(.signal(t, ntfn: fd)).error
        case .io:
            let e = issue(.poll(t, ntfn: fd)).error
            return e == .insufficientRights ? issue(.signal(t, ntfn: fd)).error : e
        case .open:
            let o = issue(.capCopy(t, src: fd, dst: probeSlot, rights: []))
            if o.error == nil { expect(issue(.capDelete(t, slot: probeSlot)), 0, "cap_delete of the probe slot") }
            return o.error
        }
    }

    /// Compares LiteBox's verdict on a descriptor with Linux's result.
    mutating func compareDescriptor(_ fd: Int, _ e: SpecError?, _ c: StraceCall) {
        let liteboxBad = Personality.isBadDescriptor(e)
        let linuxBad = c.errno == "EBADF"
        if liteboxBad && !linuxBad {
            mismatch("LiteBox refuses fd \(fd) (\(e!)) but Linux \(c.errno.map { "failed with \($0)" } ?? "accepted it")")
        } else if linuxBad && !liteboxBad {
            mismatch("Linux says EBADF for fd \(fd) but LiteBox allows it")
        }
    }

    /// Whether Linux's result is a success.
    static func succeeded(_ c: StraceCall) -> Bool { c.returnValue != nil }

    /// The argument holding the directory descriptor of an `*at` call, if any.
    static func directoryArgument(_ c: StraceCall) -> StraceValue? {
        let atCalls: Set<String> = ["openat", "openat2", "newfstatat", "fstatat64", "statx", "faccessat", "faccessat2",
                                    "readlinkat", "mkdirat", "unlinkat", "renameat", "renameat2", "linkat",
                                    "fchmodat", "fchownat", "utimensat", "mknodat", "execveat"]
        if c.name == "symlinkat" { return c.args.dropFirst().first }
        return atCalls.contains(c.name) ? c.args.first : nil
    }

    /// A path lookup: through the directory descriptor when the call names
    /// one (it must be open: `EBADF`), else through the process's directory
    /// capability (`poll` on it: the process holds lookup authority). An
    /// empty path with `AT_EMPTY_PATH` is a use of the descriptor itself.
    mutating func lookup(_ c: StraceCall, _ t: Int) throws {
        if let fd = LinuxCalls.descriptor(Personality.directoryArgument(c)) {
            let e = try check(fd, .open, by: t, for: c)
            compareDescriptor(fd, e, c)
        } else {
            expect(issue(.poll(t, ntfn: directorySlot)), 0, "poll of the directory capability")
        }
    }

    /// Whether any argument asks for close-on-exec (`O_CLOEXEC`, `SOCK_CLOEXEC`,
    /// `EFD_CLOEXEC`, ... symbolically, or `O_CLOEXEC`'s bit in an open's flags).
    static func closeOnExec(_ c: StraceCall, flags: StraceValue?) -> Bool {
        if c.args.contains(where: { a in a.symbols.contains { $0.hasSuffix("_CLOEXEC") } }) { return true }
        if let f = flags, let n = LinuxCalls.numericPart(f), n & 0x80000 != 0 { return true }
        if case .structure = c.args.dropFirst(2).first, let f = c.args[2][field: "flags"], f.symbols.contains("O_CLOEXEC") {
            return true
        }
        return false
    }

    /// Linux allocated `fd`. Calls of other threads in flight took effect
    /// first when the log shows it: a close of `fd` if LiteBox still has it
    /// open, and allocations of lower descriptors (LiteBox would otherwise
    /// allocate one of those).
    mutating func freeIfClosing(_ fd: Int, _ t: Int) throws {
        let p = process(of: t)
        if capType(sandbox(of: t), fd) != 0 { try applyInFlight(process: p, where: { LinuxCalls.closes($0, fd) }) }
        try applyInFlight(process: p, where: { LinuxCalls.createdDescriptors($0).contains { $0 < fd } })
    }

    /// A call that creates one descriptor (or, with `createPair`, two in an array argument).
    mutating func create(_ c: StraceCall, _ t: Int) throws {
        let sb = sandbox(of: t)
        var flags: StraceValue?
        var rights: Rights = [.read, .write]
        switch c.name {
        case "open": flags = c.args.dropFirst().first; rights = LinuxCalls.openRights(flags)
        case "openat": flags = c.args.dropFirst(2).first; rights = LinuxCalls.openRights(flags)
        case "openat2": flags = c.args.dropFirst(2).first?[field: "flags"]; rights = LinuxCalls.openRights(flags)
        case "creat": rights = .write
        case "accept", "accept4":
            if let fd = LinuxCalls.descriptor(c.args.first) {
                let e = try check(fd, .open, by: t, for: c)
                compareDescriptor(fd, e, c)
            }
        case "signalfd", "signalfd4":
            // An existing descriptor is modified, not created.
            if let fd = c.args.first?.intValue, fd >= 0 {
                let e = try check(Int(fd), .open, by: t, for: c)
                compareDescriptor(Int(fd), e, c)
                return
            }
        default: break
        }
        if ["open", "openat", "openat2", "creat"].contains(c.name) { try lookup(c, t) }

        var created: [(fd: Int, rights: Rights)] = []
        if LinuxCalls.kind(of: c.name) == .createPair {
            guard c.returnValue == 0 else { return }
            let array = c.name == "socketpair" ? c.args.dropFirst(3).first : c.args.first
            guard case .array(let items)? = array, items.count == 2,
                  let a = items[0].intValue, let b = items[1].intValue else {
                throw inputError("a successful \(c.name) returns two descriptors in an array, and the log does not show them "
                                 + "(strace prints only an address under -e verbose=none or when it cannot read them), so the replay cannot follow them")
            }
            let pipe = c.name != "socketpair"
            created = [(Int(a), pipe ? .read : [.read, .write]), (Int(b), pipe ? .write : [.read, .write])]
        } else {
            guard let r = c.returnValue else { return }
            created = [(Int(r), rights)]
        }
        var taken: Set<Int> = []
        for (fd, rights) in created {
            guard fd >= 0 else { throw inputError("a successful \(c.name) cannot return the negative descriptor \(fd)") }
            guard fd < sizes.fdSlots else { throw try descriptorBeyondTable(fd) }
            try freeIfClosing(fd, t)
            guard let lowest = (0..<sizes.fdSlots).first(where: { capType(sb, $0) == 0 && !taken.contains($0) }) else {
                throw PoolExhausted(pool: .fdSlots)
            }
            if lowest != fd { mismatch("LiteBox would allocate fd \(lowest), Linux returned fd \(fd)") }
            taken.insert(fd)
            guard capType(sb, fd) == 0 else { mismatch("fd \(fd) is still open in LiteBox"); continue }
            try newNotification(rights: rights, to: t, slot: fd)
            if Personality.closeOnExec(c, flags: flags) {
                processes[process(of: t)].cloexec.insert(fd)
            } else {
                processes[process(of: t)].cloexec.remove(fd)
            }
        }
    }

    /// Linux gave descriptor `fd`, beyond the descriptor slots: the pool
    /// runs out (the replay grows it to `fd + 1`), unless no universe the
    /// specification allows has that many slots (an input error at the call).
    func descriptorBeyondTable(_ fd: Int) throws(LinuxReplay.Failure) -> PoolExhausted {
        guard fd < Configuration.maxTotalSlots else {
            throw inputError("descriptor \(fd) is beyond the specification's limit of \(Configuration.maxTotalSlots) slots in all")
        }
        return PoolExhausted(pool: .fdSlots, needed: fd + 1)
    }

    /// dup, dup2, dup3: the new descriptor is a copy of the old capability
    /// (same object: Linux shares the open file description), in the lowest
    /// empty slot (dup) or the named one, closed first if open (dup2, dup3).
    mutating func duplicate(_ c: StraceCall, _ t: Int) throws {
        guard let old = LinuxCalls.descriptor(c.args.first) else { return }
        let e = try check(old, .open, by: t, for: c)
        compareDescriptor(old, e, c)
        guard let r = c.returnValue, e == nil else { return }
        let new = Int(r)
        if c.name == "dup" {
            try place(copyOf: old, at: new, lowestFrom: 0, t, cloexec: false)
        } else {
            try place(copyOf: old, at: new, lowestFrom: nil, t, cloexec: Personality.closeOnExec(c, flags: c.args.dropFirst(2).first))
        }
    }

    /// Puts a copy of descriptor `old` at `new`: compared with LiteBox's own
    /// choice (the lowest empty slot from `lowestFrom`) when given, otherwise
    /// closing whatever is at `new` first.
    mutating func place(copyOf old: Int, at new: Int, lowestFrom: Int?, _ t: Int, cloexec: Bool) throws {
        let sb = sandbox(of: t)
        guard new >= 0 else { throw inputError("a successful call cannot return the negative descriptor \(new)") }
        guard new < sizes.fdSlots else { throw try descriptorBeyondTable(new) }
        if let from = lowestFrom {
            try freeIfClosing(new, t)
            // Linux allocated `new` ≥ `from`; a start beyond the table would have needed a larger one.
            guard from <= new, let lowest = lowestFree(sb, from ..< sizes.fdSlots) else {
                if from > new { mismatch("Linux returned fd \(new), below the requested minimum \(from)") ; return }
                throw PoolExhausted(pool: .fdSlots)
            }
            if lowest != new { mismatch("LiteBox would allocate fd \(lowest), Linux returned fd \(new)") }
        }
        if old == new { return }
        if capType(sb, new) != 0 {
            if lowestFrom != nil { mismatch("fd \(new) is still open in LiteBox"); return }
            expect(delete(t, new), 0, "cap_delete of the replaced descriptor")
        }
        copy(t, old, to: new, "cap_copy of the duplicated descriptor")
        if cloexec { processes[process(of: t)].cloexec.insert(new) } else { processes[process(of: t)].cloexec.remove(new) }
    }

    /// close: `cap_delete` of the slot (`EBADF` when it is empty).
    mutating func close(_ c: StraceCall, _ t: Int) throws {
        guard let fd = LinuxCalls.descriptor(c.args.first) else { return }
        let e = fd < 0 || fd >= sizes.fdSlots ? .invalidSlot : delete(t, fd).error
        compareDescriptor(fd, e, c)
        processes[process(of: t)].cloexec.remove(fd)
    }

    /// close_range(first, last, flags): deletes (or, with
    /// `CLOSE_RANGE_CLOEXEC`, marks close-on-exec) every open descriptor in
    /// the range.
    mutating func closeRange(_ c: StraceCall, _ t: Int) throws {
        guard Personality.succeeded(c), let first = c.args.first?.intValue,
              let last = LinuxCalls.unsignedValue(c.args.dropFirst().first) else { return }
        let sb = sandbox(of: t)
        let markOnly = LinuxCalls.has(c.args.dropFirst(2).first, "CLOSE_RANGE_CLOEXEC", bit: 4)
        let upper = UInt64(bitPattern: last) >= UInt64(sizes.fdSlots) ? sizes.fdSlots - 1 : Int(last)
        guard first >= 0, Int(first) <= upper else { return }
        for fd in Int(first)...upper where capType(sb, fd) != 0 {
            if markOnly {
                processes[process(of: t)].cloexec.insert(fd)
            } else {
                expect(delete(t, fd), 0, "cap_delete in close_range")
                processes[process(of: t)].cloexec.remove(fd)
            }
        }
    }

    /// A call that uses descriptors: each is checked for the access it needs.
    mutating func useDescriptors(_ c: StraceCall, _ t: Int, _ access: LinuxCalls.Access) throws {
        var uses: [(StraceValue?, LinuxCalls.Access)]
        switch c.name {
        case "sendfile", "sendfile64": uses = [(c.args.first, .write), (c.args.dropFirst().first, .read)]
        case "splice", "copy_file_range": uses = [(c.args.first, .read), (c.args.dropFirst(2).first, .write)]
        case "tee": uses = [(c.args.first, .read), (c.args.dropFirst().first, .write)]
        case "epoll_ctl": uses = [(c.args.first, .io), (c.args.dropFirst(2).first, .io)]
        default: uses = [(c.args.first, access)]
        }
        for (arg, access) in uses {
            guard let fd = LinuxCalls.descriptor(arg) else { continue }
            let e = try check(fd, access, by: t, for: c)
            compareDescriptor(fd, e, c)
        }
    }

    /// fcntl: `F_DUPFD`/`F_DUPFD_CLOEXEC` duplicate into the lowest empty
    /// slot from the argument; `F_SETFD` sets or clears close-on-exec; every
    /// command checks the descriptor.
    mutating func fcntl(_ c: StraceCall, _ t: Int) throws {
        guard let fd = LinuxCalls.descriptor(c.args.first) else { return }
        let e = try check(fd, .open, by: t, for: c)
        compareDescriptor(fd, e, c)
        guard e == nil, let cmd = c.args.dropFirst().first else { return }
        let raw = LinuxCalls.numericPart(cmd)
        let isDup = cmd.contains(flag: "F_DUPFD") || raw == 0
        let isDupCloexec = cmd.contains(flag: "F_DUPFD_CLOEXEC") || raw == 1030
        if isDup || isDupCloexec, let r = c.returnValue {
            let from = Int(c.args.dropFirst(2).first?.intValue ?? 0)
            try place(copyOf: fd, at: Int(r), lowestFrom: max(0, from), t, cloexec: isDupCloexec)
        } else if cmd.contains(flag: "F_SETFD") || raw == 2, Personality.succeeded(c) {
            let arg = c.args.dropFirst(2).first
            if LinuxCalls.has(arg, "FD_CLOEXEC", bit: 1) {
                processes[process(of: t)].cloexec.insert(fd)
            } else {
                processes[process(of: t)].cloexec.remove(fd)
            }
        }
    }
}
