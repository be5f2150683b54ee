// Notifications: a word of pending bits and an intrusive FIFO queue of
// waiters (queue `endpoints + n` for notification `n`). signal, wait, poll.
// A notification with waiters has no pending bits.

import LiteBoxABI

extension Kernel {
    /// The checks on a notification capability in `slot` of sandbox `sb` that
    /// must carry `right`, in order: a slot of the capability space
    /// (`invalidSlot`), a capability (`emptySlot`), a notification
    /// (`wrongType`), the right (`insufficientRights`). Returns the pool index
    /// and the error code (0 for none).
    @inline(__always)
    func notificationSlot(sandbox sb: UInt32, slot: UInt32, right: UInt8) -> (index: Int, error: UInt32) {
        guard slot < slotsPerSandbox else { return (-1, SpecError.invalidSlot.rawValue) }
        return checkCapability(sb, slot, type: Encoding.notification, right: right)
    }

    /// `signal(ntfn)`: if a thread waits on the notification, the first one
    /// runs again with the capability's badge in its badge register (its
    /// message register kept, the others zero); otherwise the badge is OR-ed
    /// into the pending bits (an unbadged signal with no waiter changes nothing).
    ///
    /// Preconditions, in order:
    /// 1. `ntfn` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`), 3. to a notification (`wrongType`), 4. with `W` (`insufficientRights`).
    @inline(never)
    func signal(_ t: Int, ntfn: UInt32) -> Outcome<UInt32> {
        let (i, error) = notificationSlot(sandbox: threads[t].sandbox, slot: ntfn, right: Encoding.write)
        if error != 0 { return fail(code: error) }
        let n = Int(slots[i].object)
        let badge = slots[i].badge
        let q = Int(endpointCount) + n
        if queues[q].head >= 0 {
            let w = dequeue(queue: q)
            setRegisters(w, state: Encoding.running, message: threads[w].message, badge: badge)
        } else {
            notificationBits[n] |= badge
        }
        return ok()
    }

    /// `wait(ntfn)`: if bits are pending, returns them (also in the badge
    /// register) and clears them; otherwise blocks at the tail of the
    /// notification's queue until a signal comes.
    ///
    /// Preconditions, in order:
    /// 1. `ntfn` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`), 3. to a notification (`wrongType`), 4. with `R` (`insufficientRights`).
    @inline(never)
    func wait(_ t: Int, ntfn: UInt32) -> Outcome<UInt32> {
        let (i, error) = notificationSlot(sandbox: threads[t].sandbox, slot: ntfn, right: Encoding.read)
        if error != 0 { return fail(code: error) }
        let n = Int(slots[i].object)
        let bits = notificationBits[n]
        if bits != 0 {
            threads[t].badge = bits
            notificationBits[n] = 0
            return ok(bits)
        }
        enqueue(queue: Int(endpointCount) + n, thread: t)
        setRegisters(t, state: Encoding.blockedNotify, object: UInt32(n), message: threads[t].message)
        return blocked()
    }

    /// `poll(ntfn)`: returns the pending bits (also in the badge register) and
    /// clears them; never blocks (0 when none are pending).
    ///
    /// Preconditions, in order: as `wait`.
    @inline(never)
    func poll(_ t: Int, ntfn: UInt32) -> Outcome<UInt32> {
        let (i, error) = notificationSlot(sandbox: threads[t].sandbox, slot: ntfn, right: Encoding.read)
        if error != 0 { return fail(code: error) }
        let n = Int(slots[i].object)
        let bits = notificationBits[n]
        threads[t].badge = bits
        notificationBits[n] = 0
        return ok(bits)
    }
}
