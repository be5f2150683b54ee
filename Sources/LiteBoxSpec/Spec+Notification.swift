// Notifications: a word of pending bits and a FIFO queue of waiters.
// signal, wait, poll. A notification with waiters has no pending bits
// (invariant `threadQueueSymmetry`).

import LiteBoxABI

extension Spec {
    /// The checks on a notification capability in `slot` of sandbox `sb` that
    /// must carry `right`; the notification's index.
    @inlinable
    func requireNotification(_ c: inout Checks, _ s: Memory, sandbox sb: Word, slot: Word, right: Rights) -> Word {
        let L = layout
        c.require(slot < k(L.slotsPerSandbox), else: .invalidSlot)
        let g = globalSlot(sb, slot)
        let type = get(s, L.capType, g)
        c.require(type != 0, else: .emptySlot)
        c.require(type == k(CapType.notification.rawValue), else: .wrongType)
        c.require(has(get(s, L.capRights, g), right), else: .insufficientRights)
        return get(s, L.capObject, g)
    }

    /// `signal(ntfn)`: if a thread waits on the notification, the first one
    /// runs again with the capability's badge in its badge register;
    /// otherwise the badge is OR-ed into the pending bits. As in seL4, a
    /// signal through an unbadged capability with no waiter changes nothing.
    ///
    /// Preconditions, in order:
    /// 1. `ntfn` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`), 3. to a notification (`wrongType`), 4. with `W` (`insufficientRights`).
    @inlinable
    public func signal(_ s: Memory, _ t: Word, ntfn: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        let n = requireNotification(&c, s, sandbox: sb, slot: ntfn, right: .write)
        let badge = get(s, L.capBadge, globalSlot(sb, ntfn))
        let q = n &+ k(L.endpoints)
        let waiting = get(s, L.queueLength, q) != 0
        return finish(s, c) { m in
            D.update(waiting, &m, { m in
                let w = head(m, queue: q)
                if mutant != .signalLeavesWaiterQueued { dequeue(&m, queue: q) }
                setThread(&m, w, state: .running, message: get(s, L.threadMessage, w), badge: badge)
            }, { m in
                set(&m, L.notificationBits, n, get(s, L.notificationBits, n) | badge)
            })
            return ok()
        }
    }

    /// `wait(ntfn)`: if bits are pending, returns them (also in the badge
    /// register) and clears them; otherwise blocks in the notification's queue
    /// until a signal comes.
    ///
    /// Preconditions, in order:
    /// 1. `ntfn` is a slot of the caller's capability space (`invalidSlot`);
    /// 2. it holds a capability (`emptySlot`), 3. to a notification (`wrongType`), 4. with `R` (`insufficientRights`).
    @inlinable
    public func wait(_ s: Memory, _ t: Word, ntfn: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        let n = requireNotification(&c, s, sandbox: sb, slot: ntfn, right: .read)
        let bits = get(s, L.notificationBits, n)
        let pending = bits != 0
        return finish(s, c) { m in
            D.update(pending, &m, { m in
                set(&m, L.threadBadge, t, bits)
                if mutant != .waitKeepsBits { set(&m, L.notificationBits, n, 0) }
            }, { m in
                enqueue(&m, queue: n &+ k(L.endpoints), thread: t)
                setThread(&m, t, state: .blockedNotify, object: n, message: get(s, L.threadMessage, t))
            })
            return Outcome(code: Word.ite(pending, 0, 1), value: Word.ite(pending, bits, 0))
        }
    }

    /// `poll(ntfn)`: returns the pending bits (also in the badge register) and
    /// clears them; never blocks (0 when none are pending).
    ///
    /// Preconditions: as `wait`.
    @inlinable
    public func poll(_ s: Memory, _ t: Word, ntfn: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        let n = requireNotification(&c, s, sandbox: sb, slot: ntfn, right: .read)
        let bits = get(s, L.notificationBits, n)
        return finish(s, c) { m in
            set(&m, L.threadBadge, t, bits)
            set(&m, L.notificationBits, n, 0)
            return ok(bits)
        }
    }
}
