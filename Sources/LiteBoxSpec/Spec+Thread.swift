// Threads: spawn, exit.

import LiteBoxABI

extension Spec {
    /// `spawn(thread)`: starts the inactive thread named by the thread
    /// capability in slot `thread`, with all registers zero. The thread runs
    /// in its own sandbox (fixed by the configuration), which need not be the
    /// caller's.
    ///
    /// Preconditions, in order:
    /// 1. `thread` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`), 3. to a thread (`wrongType`), 4. with `W` (`insufficientRights`);
    /// 5. that thread is inactive (`threadActive`).
    @inlinable
    public func spawn(_ s: Memory, _ t: Word, slot: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(slot < k(L.slotsPerSandbox), else: .invalidSlot)
        let g = globalSlot(sb, slot)
        let type = get(s, L.capType, g)
        c.require(type != 0, else: .emptySlot)
        c.require(type == k(CapType.thread.rawValue), else: .wrongType)
        c.require(has(get(s, L.capRights, g), .write), else: .insufficientRights)
        let target = get(s, L.capObject, g)
        c.require(get(s, L.threadState, target) == k(ThreadState.inactive.rawValue), else: .threadActive)
        return finish(s, c) { m in
            setThread(&m, target, state: .running, message: 0)
            set(&m, L.threadReply, target, 0)
            return ok()
        }
    }

    /// `exit()`: the caller becomes inactive with all registers zero. If it
    /// held a reply capability, the caller it owed a reply runs again with
    /// status `peerExited` (so no thread waits forever on an exited server).
    ///
    /// Preconditions: only those every call has.
    @inlinable
    public func exit(_ s: Memory, _ t: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        let c = callerChecks(s, t)
        let owed = get(s, L.threadReply, t)
        return finish(s, c) { m in
            D.update(owed != 0 && (mutant == .exitLeavesCallerBlocked ? false : true), &m, { m in
                setThread(&m, owed &- 1, state: .running, message: 0,
                          status: k(SpecError.peerExited.rawValue))
            }, { _ in })
            setThread(&m, t, state: .inactive, message: 0)
            set(&m, L.threadReply, t, 0)
            return ok()
        }
    }
}
