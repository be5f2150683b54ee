// Endpoints: synchronous IPC with FIFO queues. send, nbsend, recv, call, reply.
//
// An endpoint's queue holds either senders and callers (blockedSend /
// blockedCall) or receivers (blockedRecv), never both (invariant `queues`).
// A blocked sender keeps its message, the badge of the capability it sent
// through, and — only if that capability carried `G` — the slot of the
// capability it offers, in its registers. The offered capability is looked up
// when the message is delivered, as in seL4.

import LiteBoxABI

extension Spec {
    // MARK: Queues

    /// Appends thread `t` to queue `q`.
    @inlinable
    func enqueue(_ m: inout Memory, queue q: Word, thread t: Word) {
        let L = layout
        let len = get(m, L.queueLength, q)
        if mutant == .enqueueAtHead {
            for qi in 0..<L.queues {
                let here = k(qi) == q
                for e in stride(from: L.threads - 1, through: 0, by: -1) {
                    let cell = qi * L.threads + e
                    let moved = e == 0 ? t &+ 1 : get(m, L.queueEntry, at: cell - 1)
                    set(&m, L.queueEntry, at: cell, Word.ite(here, moved, get(m, L.queueEntry, at: cell)))
                }
            }
        } else {
            set(&m, L.queueEntry, q &* k(L.threads) &+ len, t &+ 1)
        }
        set(&m, L.queueLength, q, len &+ 1)
    }

    /// Removes the head of queue `q` (which must be non-empty): every entry
    /// of that queue moves one place towards the head (a whole-table map).
    @inlinable
    func dequeue(_ m: inout Memory, queue q: Word) {
        let L = layout
        for qi in 0..<L.queues {
            let here = k(qi) == q
            for e in 0..<L.threads {
                let cell = qi * L.threads + e
                let next = e + 1 < L.threads ? get(m, L.queueEntry, at: cell + 1) : 0
                set(&m, L.queueEntry, at: cell, Word.ite(here, next, get(m, L.queueEntry, at: cell)))
            }
        }
        set(&m, L.queueLength, q, get(m, L.queueLength, q) &- 1)
    }

    /// The thread at the head of queue `q` (meaningful only when it is non-empty).
    @inlinable @inline(__always)
    func head(_ m: Memory, queue q: Word) -> Word {
        get(m, layout.queueEntry, q &* k(layout.threads)) &- 1
    }

    /// Sets every register of thread `t` at once.
    @inlinable
    func setThread(_ m: inout Memory, _ t: Word, state: ThreadState, object: Word = 0, message: Word,
                   badge: Word = 0, status: Word = 0, recvSlot: Word = 0, grant: Word = 0) {
        let L = layout
        set(&m, L.threadState, t, k(state.rawValue))
        set(&m, L.threadObject, t, object)
        set(&m, L.threadMessage, t, message)
        set(&m, L.threadBadge, t, badge)
        set(&m, L.threadStatus, t, status)
        set(&m, L.threadRecvSlot, t, recvSlot)
        set(&m, L.threadGrant, t, grant)
    }

    // MARK: Delivery

    /// Delivers a message to receiver `r` (running afterwards, status ok,
    /// message and badge in its registers), transferring a capability if
    /// the sender offered one (`grant`, an optional slot of sandbox `senderSandbox`,
    /// set only when the sender's endpoint capability carried `G`), the
    /// offered slot still holds a capability, the receiver named a receive
    /// slot, and that slot is empty. The transferred capability is a CDT child
    /// of the sender's slot with the same rights and badge. Otherwise the
    /// message is delivered without the capability.
    @inlinable
    func deliver(_ m: inout Memory, to r: Word, message: Word, badge: Word, senderSandbox ssb: Word, grant: Word) {
        let L = layout
        let into = get(m, L.threadRecvSlot, r)
        let src = globalSlot(ssb, grant &- 1)
        let dst = globalSlot(sandbox(of: r), into &- 1)
        let transfer = grant != 0 && into != 0 && get(m, L.capType, src) != 0 && get(m, L.capType, dst) == 0
        D.update(transfer, &m, { m in
            derive(&m, from: src, to: dst, rights: get(m, L.capRights, src), badge: get(m, L.capBadge, src))
        }, { _ in })
        setThread(&m, r, state: .running, message: message, badge: badge)
    }

    /// The checks on an endpoint capability in `slot` of sandbox `sb` that
    /// must carry `right`: a valid slot, a capability, an endpoint, the right.
    @inlinable
    func requireEndpoint(_ c: inout Checks, _ s: Memory, sandbox sb: Word, slot: Word, right: Rights) {
        let L = layout
        let g = globalSlot(sb, slot)
        let type = get(s, L.capType, g)
        c.require(type != 0, else: .emptySlot)
        c.require(type == k(CapType.endpoint.rawValue), else: .wrongType)
        c.require(has(get(s, L.capRights, g), right), else: .insufficientRights)
    }

    /// The shared body of `send`, `nbsend` and `call`.
    @inlinable
    func sendLike(_ s: Memory, _ t: Word, ep: Word, msg: Word, grant: Word,
                  blocking: Bool, isCall: Bool) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(ep < k(L.slotsPerSandbox) && validOptionalSlot(grant), else: .invalidSlot)
        requireEndpoint(&c, s, sandbox: sb, slot: ep, right: .write)
        let g = globalSlot(sb, ep)
        let q = get(s, L.capObject, g)
        let badge = get(s, L.capBadge, g)
        let offered = mutant == .transferWithoutGrant ? grant : Word.ite(has(get(s, L.capRights, g), .grant), grant, 0)
        let r = head(s, queue: q)
        let receiverWaiting = get(s, L.queueLength, q) != 0
            && get(s, L.threadState, r) == k(ThreadState.blockedRecv.rawValue)
        if !blocking && mutant != .nbsendBlocks { c.require(receiverWaiting, else: .wouldBlock) }
        return finish(s, c) { m in
            D.update(receiverWaiting, &m, { m in
                dequeue(&m, queue: q)
                deliver(&m, to: r, message: msg, badge: badge, senderSandbox: sb, grant: offered)
                if isCall {
                    if mutant != .callForgetsReplyCap { set(&m, L.threadReply, r, t &+ 1) }
                    setThread(&m, t, state: .blockedReply, object: r, message: msg)
                }
            }, { m in
                enqueue(&m, queue: q, thread: t)
                setThread(&m, t, state: isCall ? .blockedCall : .blockedSend, object: q, message: msg,
                          badge: badge, grant: offered)
            })
            // A call always ends blocked (on the reply, or in the queue).
            return Outcome(code: isCall ? 1 : Word.ite(receiverWaiting, 0, 1), value: 0)
        }
    }

    /// `send(ep, msg, grant?)`: sends `msg` on the endpoint in slot `ep`. If a
    /// receiver waits, the first one gets the message (and, see `deliver`, the
    /// capability in slot `grant` if the endpoint capability carries `G`);
    /// otherwise the caller blocks in the endpoint's queue until a receiver
    /// comes. Without `G` on the endpoint capability, `grant` is ignored.
    ///
    /// Preconditions, in order:
    /// 1. `ep` is a slot, and `grant` is none or a slot, of the caller's capability space (`invalidSlot`);
    /// 2. `ep` holds a capability (`emptySlot`), 3. to an endpoint (`wrongType`), 4. with `W` (`insufficientRights`).
    @inlinable
    public func send(_ s: Memory, _ t: Word, ep: Word, msg: Word, grant: Word) -> (Memory, Outcome<Word>) {
        sendLike(s, t, ep: ep, msg: msg, grant: grant, blocking: true, isCall: false)
    }

    /// `nbsend(ep, msg, grant?)`: as `send`, but fails with `wouldBlock`
    /// (after the checks of `send`) when no receiver waits.
    @inlinable
    public func nbsend(_ s: Memory, _ t: Word, ep: Word, msg: Word, grant: Word) -> (Memory, Outcome<Word>) {
        sendLike(s, t, ep: ep, msg: msg, grant: grant, blocking: false, isCall: false)
    }

    /// `call(ep, msg, grant?)`: sends as `send`, then waits for the reply. If a
    /// receiver waits, it gets the message and the reply capability for the
    /// caller, and the caller becomes `blockedReply(receiver)`; otherwise the
    /// caller blocks as `blockedCall` in the queue, and the receiver that takes
    /// it later gets the reply capability. Same preconditions as `send`.
    @inlinable
    public func call_(_ s: Memory, _ t: Word, ep: Word, msg: Word, grant: Word) -> (Memory, Outcome<Word>) {
        sendLike(s, t, ep: ep, msg: msg, grant: grant, blocking: true, isCall: true)
    }

    /// `recv(ep, into?)`: receives on the endpoint in slot `ep`. If a sender
    /// or caller waits, the first one's message (and offered capability, into
    /// slot `into` — see `deliver`) is taken at once and returned; a sender
    /// becomes running, a caller becomes `blockedReply(caller of recv)` and the
    /// receiver holds its reply capability. Otherwise the caller blocks in the
    /// endpoint's queue.
    ///
    /// A thread holds at most one reply capability, so a thread that still
    /// owes a reply must answer before it receives again (unlike seL4, which
    /// silently drops the older reply capability and strands its caller).
    ///
    /// Preconditions, in order:
    /// 1. `ep` is a slot, and `into` is none or a slot, of the caller's capability space (`invalidSlot`);
    /// 2. `ep` holds a capability (`emptySlot`), 3. to an endpoint (`wrongType`), 4. with `R` (`insufficientRights`);
    /// 5. the caller holds no reply capability (`replyPending`).
    @inlinable
    public func recv(_ s: Memory, _ t: Word, ep: Word, into: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let sb = sandbox(of: t)
        c.require(ep < k(L.slotsPerSandbox) && validOptionalSlot(into), else: .invalidSlot)
        requireEndpoint(&c, s, sandbox: sb, slot: ep, right: .read)
        c.require(get(s, L.threadReply, t) == 0, else: .replyPending)
        let q = get(s, L.capObject, globalSlot(sb, ep))
        let snd = head(s, queue: q)
        let sndState = get(s, L.threadState, snd)
        let isCaller = sndState == k(ThreadState.blockedCall.rawValue)
        let senderWaiting = get(s, L.queueLength, q) != 0
            && (sndState == k(ThreadState.blockedSend.rawValue) || isCaller)
        return finish(s, c) { m in
            var value: Word = 0
            D.update(senderWaiting, &m, { m in
                let msg = get(s, L.threadMessage, snd)
                value = msg
                dequeue(&m, queue: q)
                set(&m, L.threadRecvSlot, t, into)
                deliver(&m, to: t, message: msg, badge: get(s, L.threadBadge, snd),
                        senderSandbox: sandbox(of: snd), grant: get(s, L.threadGrant, snd))
                // The sender runs again; a caller now waits for this thread's reply.
                set(&m, L.threadState, snd, Word.ite(isCaller, k(ThreadState.blockedReply.rawValue), k(ThreadState.running.rawValue)))
                set(&m, L.threadObject, snd, Word.ite(isCaller, t, 0))
                set(&m, L.threadBadge, snd, 0)
                set(&m, L.threadStatus, snd, 0)
                set(&m, L.threadGrant, snd, 0)
                if mutant != .recvForgetsReplyCap { set(&m, L.threadReply, t, Word.ite(isCaller, snd &+ 1, 0)) }
            }, { m in
                enqueue(&m, queue: q, thread: t)
                setThread(&m, t, state: .blockedRecv, object: q, message: get(s, L.threadMessage, t), recvSlot: into)
            })
            return Outcome(code: Word.ite(senderWaiting, 0, 1), value: Word.ite(senderWaiting, value, 0))
        }
    }

    /// `reply(msg)`: answers the caller whose reply capability the caller
    /// holds: that thread runs again with `msg` in its message register and
    /// status ok; the reply capability is consumed.
    ///
    /// Preconditions, in order:
    /// 1. the caller holds a reply capability (`noReplyCapability`).
    @inlinable
    public func reply(_ s: Memory, _ t: Word, msg: Word) -> (Memory, Outcome<Word>) {
        let L = layout
        var c = callerChecks(s, t)
        let holder = get(s, L.threadReply, t)
        c.require(holder != 0, else: .noReplyCapability)
        return finish(s, c) { m in
            setThread(&m, mutant == .replyWakesWrongThread ? holder : holder &- 1, state: .running, message: msg)
            set(&m, L.threadReply, t, 0)
            return ok()
        }
    }
}
