// Threads: spawn, exit.

import LiteBoxABI

extension Kernel {
    /// `spawn(thread)`: starts the inactive thread named by the thread
    /// capability in slot `thread`, with all registers zero, in its own
    /// sandbox (fixed at set-up), which need not be the caller's.
    ///
    /// Preconditions, in order:
    /// 1. `thread` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`), 3. to a thread (`wrongType`), 4. with `W` (`insufficientRights`);
    /// 5. that thread is inactive (`threadActive`).
    @inline(never)
    func spawn(_ t: Int, slot: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard slot < slotsPerSandbox else { return fail(.invalidSlot) }
        let (i, error) = checkCapability(sb, slot, type: Encoding.thread, right: Encoding.write)
        if error != 0 { return fail(code: error) }
        let target = Int(slots[i].object)
        guard threads[target].state == Encoding.inactive else { return fail(.threadActive) }
        setRegisters(target, state: Encoding.running, message: 0)
        threads[target].reply = 0
        return ok()
    }

    /// `exit()`: the caller becomes inactive with all registers zero. If it
    /// held a reply capability, the caller it owed a reply runs again with
    /// status `peerExited`. (A running thread is in no queue, so no queue
    /// changes.)
    ///
    /// Preconditions: only those every call has.
    @inline(never)
    func exit(_ t: Int) -> Outcome<UInt32> {
        let owed = threads[t].reply
        if owed != 0 {
            setRegisters(Int(owed &- 1), state: Encoding.running, message: 0, status: SpecError.peerExited.rawValue)
        }
        setRegisters(t, state: Encoding.inactive, message: 0)
        threads[t].reply = 0
        return ok()
    }
}
