// Processes, threads and futexes.
//
// A thread starts when the host `spawn`s it (at the clone that creates it);
// a new process's sandbox receives copies of its parent's descriptors
// (the parent's `send` with grant, the child's `recv` into the same slot) and
// of its mappings (a fresh frame for a private region, a copy of the frame
// capability for a shared one, mapped at the same page). execve drops the
// close-on-exec descriptors and every mapping; exit ends the thread, and the
// last thread of a process (or exit_group, or the process's end in the log)
// first deletes every capability of the process's descriptors and objects.
//
// A futex word of a process is a notification. FUTEX_WAIT is `wait` on it,
// issued where the wait starts (unless Linux returned EAGAIN: the word had
// changed, which is the environment's decision). FUTEX_WAKE is one `signal`
// per thread Linux woke. A wake split in the log takes effect where it
// returns, or earlier where a wait on the same word returns 0 while the wake
// is in flight (the woken thread may return first): a wake and a wait that
// overlap in the log may meet in either order, and by then every thread the
// wake can have woken is queued. How many threads a wake
// finds queued is timing, the environment's; which ones wake is LiteBox's
// decision (its queues are FIFO), compared when each wait returns: a wait
// that Linux ended with 0 must have been woken by LiteBox. Signals on an
// unbadged capability set no bits, so a wake with no waiter is lost, as on
// Linux. When a wait ends in Linux without a wake (timeout, signal), the host
// wakes that thread: it signals the notification, and any thread woken
// ahead of it waits again.

import LiteBoxABI
import LiteBoxSpec
import StraceImport

extension Personality {
    /// Starts thread `t` if it has not run yet: the host spawns it.
    mutating func ensureStarted(_ t: Int) throws {
        guard !started.contains(t) else { return }
        started.insert(t)
        expect(issue(.spawn(Personality.hostThread, slot: Personality.hostThreadCaps + t)), 0, "host spawn of t\(t)")
    }

    /// The LiteBox state of thread `t`.
    func threadState(_ t: Int) -> ThreadState { ThreadState(rawValue: cell(L.threadState, t)) ?? .inactive }

    /// Makes sure thread `t`, about to issue a call, runs in LiteBox. A thread
    /// still waiting on a futex was not woken by LiteBox; that was reported
    /// when its wait completed, and the host wakes it now.
    mutating func ensureRunning(_ t: Int) throws {
        switch threadState(t) {
        case .running: return
        case .blockedNotify: wake(t)
        case .inactive:
            mismatch("t\(t) has exited in LiteBox but Linux thread makes a call")
            expect(issue(.spawn(Personality.hostThread, slot: Personality.hostThreadCaps + t)), 0, "host respawn of t\(t)")
        default:
            mismatch("t\(t) is \(threadState(t)) in LiteBox but Linux thread makes a call")
        }
    }

    /// The host wakes thread `t` out of its notification wait: it signals the
    /// notification until `t` is the one woken; threads woken ahead of it
    /// wait again (at the back of the queue).
    mutating func wake(_ t: Int) {
        let n = Int(cell(L.threadObject, t))
        let q = L.endpoints + n
        for _ in 0..<L.threads {
            guard threadState(t) == .blockedNotify, cell(L.queueLength, q) > 0 else { return }
            let head = Int(cell(L.queueEntry, q * L.threads)) - 1
            expect(issue(.signal(Personality.hostThread, ntfn: hostNotifications + n)), 0, "host signal waking t\(t)")
            if head != t, let slot = processes[process(of: head)].futexes.values.first(where: {
                capObject(sandbox(of: head), $0) == n
            }) {
                expect(issue(.wait(head, ntfn: slot)), 1, "t\(head) waiting again")
            }
        }
    }

    /// clone, clone3, fork, vfork: spawns the child thread; a new process
    /// inherits descriptors and mappings.
    mutating func clone(_ c: StraceCall, _ t: Int) throws {
        guard let r = c.returnValue, r > 0, let child = threadOf[Int(r)] else { return }
        let flags = LinuxCalls.cloneFlags(c)
        if flags.contains("CLONE_CHILD_CLEARTID"),
           let ptr = c.argument(named: "child_tidptr")?.intValue ?? c.argument(named: "child_tid")?.intValue {
            clearTid[child] = UInt64(bitPattern: ptr)
        }
        let p = process(of: t), cp = process(of: child)
        let fresh = !started.contains(child)
        try ensureStarted(child)
        guard cp != p, fresh else { return }
        // Descriptors: copies of the same capabilities.
        let sb = sandbox(of: t)
        for fd in 0..<sizes.fdSlots where capType(sb, fd) != 0 {
            transfer(slot: fd, from: t, to: child)
        }
        processes[cp].cloexec = processes[p].cloexec
        processes[cp].heapStart = processes[p].heapStart
        // Mappings: a private region gets a fresh frame, a shared one the same frame.
        for region in processes[p].regions {
            let pte = Rights(rawValue: cell(L.pteRights, sb * L.pagesPerSandbox + region.page))
            if region.shared {
                transfer(slot: region.slot, from: t, to: child)
            } else {
                guard let frame = freeFrames.popLast() else { throw PoolExhausted(pool: .frames) }
                grant(hostSlot: hostFrames + frame, rights: capRights(sb, region.slot), to: child, slot: region.slot)
            }
            expect(issue(.map(child, slot: region.slot, page: region.page, rights: pte)), 0,
                   "map of an inherited region")
            processes[cp].regions.append(region)
        }
    }

    /// execve: on success the other threads end, close-on-exec descriptors
    /// close, and every mapping and futex word goes.
    mutating func execve(_ c: StraceCall, _ t: Int) throws {
        try lookup(c, t)
        guard Personality.succeeded(c) else { return }
        let p = process(of: t)
        for other in processes[p].threads where other != t { try endThread(other) }
        processes[p].threads = [t]
        for fd in processes[p].cloexec.sorted() where capType(sandbox(of: t), fd) != 0 {
            expect(delete(t, fd), 0, "cap_delete of a close-on-exec descriptor")
        }
        processes[p].cloexec = []
        clearTid[t] = nil
        try dropObjects(t)
    }

    /// Deletes every mapping and futex notification of `t`'s process.
    mutating func dropObjects(_ t: Int) throws {
        let p = process(of: t)
        try removeRange(t, 0, UInt64.max)
        for slot in processes[p].futexes.values.sorted() {
            expect(delete(t, slot), 0, "cap_delete of a futex notification")
        }
        processes[p].futexes = [:]
        processes[p].regions = []
        processes[p].heapStart = nil
    }

    /// Ends thread `other` on behalf of its process (exit_group, execve): it
    /// is woken if it waits, then exits.
    mutating func endThread(_ other: Int) throws {
        // Whatever the thread had in flight ends with it.
        deferredEffects[other] = nil
        pendingCompletion[other] = nil
        guard started.contains(other), threadState(other) != .inactive else { return }
        if threadState(other) == .blockedNotify { wake(other) }
        expect(issue(.exit(other)), 0, "exit of t\(other)")
    }

    /// exit: the thread's clear-tid futex word is woken (as the kernel does),
    /// the last thread of a process first releases the process's
    /// capabilities, and the thread exits.
    mutating func exitThread(_ c: StraceCall, _ t: Int) throws {
        let p = process(of: t)
        if let addr = clearTid[t], let slot = processes[p].futexes[addr] {
            let n = capObject(sandbox(of: t), slot)
            if cell(L.queueLength, L.endpoints + n) > 0 { signalWaking(t, slot: slot, addr: addr, "clear-tid wake at exit") }
        }
        processes[p].threads.removeAll { $0 == t }
        if processes[p].threads.isEmpty { try release(t) }
        expect(issue(.exit(t)), 0, "exit")
    }

    /// exit_group: every thread of the process ends, the process's
    /// capabilities are released, and the caller exits.
    mutating func exitGroup(_ c: StraceCall, _ t: Int) throws {
        let p = process(of: t)
        for other in processes[p].threads where other != t { try endThread(other) }
        processes[p].threads = []
        try release(t)
        expect(issue(.exit(t)), 0, "exit")
    }

    /// The log says thread `t` ended (`+++ exited +++`, `+++ killed +++`,
    /// printed for every thread): if it still runs or waits in LiteBox, it
    /// ends now, the last thread of its process releasing the process's
    /// capabilities first.
    mutating func threadEnded(_ t: Int) throws {
        let p = process(of: t)
        guard p >= 0, started.contains(t), threadState(t) != .inactive else { return }
        if threadState(t) == .blockedNotify { wake(t) }
        processes[p].threads.removeAll { $0 == t }
        if processes[p].threads.isEmpty { try release(t) }
        expect(issue(.exit(t)), 0, "exit at the end of the thread")
    }

    /// Deletes every descriptor and object capability of `t`'s process.
    mutating func release(_ t: Int) throws {
        let sb = sandbox(of: t)
        for fd in 0..<sizes.fdSlots where capType(sb, fd) != 0 {
            expect(delete(t, fd), 0, "cap_delete of a descriptor at exit")
        }
        processes[process(of: t)].cloexec = []
        try dropObjects(t)
    }

    /// The object slot of the notification standing for futex word `addr` of
    /// `t`'s process, handed out by the host on first use.
    mutating func futexSlot(_ t: Int, _ addr: UInt64) throws -> Int {
        let p = process(of: t)
        if let s = processes[p].futexes[addr] { return s }
        let slot = try objectSlot(sandbox(of: t))
        try newNotification(rights: [.read, .write], to: t, slot: slot)
        processes[p].futexes[addr] = slot
        return slot
    }

    /// futex: a wait begins (where it starts); a wake takes effect (where it
    /// returns, see `Personality.takesEffectAtEnd`).
    mutating func futex(_ c: StraceCall, _ t: Int) throws {
        guard let addr = c.args.first?.intValue.map({ UInt64(bitPattern: $0) }),
              let op = LinuxCalls.futexOperation(c) else { return }
        switch op {
        case .wait:
            // EAGAIN: the word had changed; the wait never began.
            if c.errno == "EAGAIN" || c.errno == "EINVAL" || c.errno == "EFAULT" { return }
            let slot = try futexSlot(t, addr)
            expect(issue(.wait(t, ntfn: slot)), 1, "futex wait")
        case .wake:
            futexWake(c, t, addr)
        }
    }

    /// FUTEX_WAKE where it returns: LiteBox wakes as many waiters as Linux
    /// did, in its own (FIFO) order; a wake of more threads than LiteBox has
    /// waiting is a difference.
    mutating func futexWake(_ c: StraceCall, _ t: Int, _ addr: UInt64) {
        guard let r = c.returnValue, r > 0 else { return }
        var waiting = 0
        let slot = processes[process(of: t)].futexes[addr]
        if let slot { waiting = Int(cell(L.queueLength, L.endpoints + capObject(sandbox(of: t), slot))) }
        if Int(r) > waiting { mismatch("Linux woke \(r) waiter(s), LiteBox has \(waiting) waiting") }
        guard let slot else { return }
        for _ in 0..<min(Int(r), waiting) { signalWaking(t, slot: slot, addr: addr, "futex wake") }
    }

    /// Thread `t` signals the futex notification in `slot`, waking the head
    /// of its queue, which is recorded as woken by LiteBox until its Linux
    /// wait returns.
    mutating func signalWaking(_ t: Int, slot: Int, addr: UInt64, _ what: String) {
        let q = L.endpoints + capObject(sandbox(of: t), slot)
        let head = Int(cell(L.queueEntry, q * L.threads)) - 1
        expect(issue(.signal(t, ntfn: slot)), 0, what)
        if head >= 0 && threadState(head) == .running { liteboxWoken[head] = addr }
    }

    /// The futex words of process `p` whose waits LiteBox woke and Linux did
    /// not (each entry one wake spent on a thread whose wait then ended
    /// otherwise), or woke a thread still in flight in Linux.
    func misassigned(_ p: Int, _ addr: UInt64) -> Int? {
        liteboxWoken.filter { process(of: $0.key) == p && $0.value == addr }.keys.min()
    }

    /// futex wait, when it completes: if Linux ended it with 0 it was woken,
    /// so LiteBox must have woken it; any other end (timeout, signal) is the
    /// environment's, and the host wakes the thread.
    mutating func futexCompleted(_ c: StraceCall, _ t: Int) throws {
        guard LinuxCalls.futexOperation(c) == .wait else { return }
        guard c.result != .none, let addr = c.args.first?.intValue.map({ UInt64(bitPattern: $0) }) else { return }
        let p = process(of: t)
        let wokenByLiteBox = liteboxWoken.removeValue(forKey: t) != nil
        guard c.returnValue == 0 else {
            // Timeout or signal: the environment ends the wait. A wake LiteBox
            // gave this thread went, in Linux, to another waiter.
            if threadState(t) == .blockedNotify { wake(t) }
            else if wokenByLiteBox { spentWakes[FutexKey(process: p, addr: addr), default: 0] += 1 }
            return
        }
        guard threadState(t) == .blockedNotify else { return }
        // A wake on the same word in flight in the same process has woken it by now.
        try applyInFlight(process: p, where: { w in
            LinuxCalls.futexOperation(w) == .wake && w.args.first?.intValue.map { UInt64(bitPattern: $0) } == addr
        }, untilWoken: t)
        if threadState(t) != .blockedNotify { liteboxWoken[t] = nil; return }
        // LiteBox woke another waiter of this word instead. The log cannot
        // order two waits both in flight before a wake (a wait's line is
        // printed when it enters, not when it queues), so this is a
        // different arrival order, not a different decision: the host wakes
        // this thread and the other waits again (or, if its wait has ended
        // otherwise, the spent wake is this one's).
        let key = FutexKey(process: p, addr: addr)
        if let other = misassigned(p, addr), let slot = processes[p].futexes[addr] {
            wake(t)
            liteboxWoken[other] = nil
            expect(issue(.wait(other, ntfn: slot)), 1, "t\(other) waiting again")
            report.reorderedWaiters += 1
        } else if let spent = spentWakes[key], spent > 0 {
            spentWakes[key] = spent - 1
            wake(t)
            report.reorderedWaiters += 1
        } else {
            mismatch("Linux woke t\(t) here; LiteBox has not woken it")
            wake(t)
        }
    }
}
