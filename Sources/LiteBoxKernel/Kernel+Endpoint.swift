// Endpoints: synchronous IPC with intrusive FIFO queues. send, nbsend, recv,
// call, reply.
//
// Each queue (endpoint `e` is queue `e`, notification `n` is queue
// `endpoints + n`) is a doubly linked list through the threads' `qnext` /
// `qprev` fields with a head, a tail and a length: enqueue at the tail and
// dequeue at the head are O(1). An endpoint's queue holds senders and callers
// or receivers, never both. A blocked sender keeps its message, badge and
// (only with `G`) offered slot in its registers; the offered capability is
// looked up at delivery.

import LiteBoxABI

extension Kernel {
    // MARK: Queues

    /// Appends thread `t` to queue `q`.
    @inline(__always)
    func enqueue(queue q: Int, thread t: Int) {
        let tail = queues[q].tail
        threads[t].qprev = tail
        threads[t].qnext = -1
        if tail >= 0 { threads[Int(tail)].qnext = Int32(t) } else { queues[q].head = Int32(t) }
        queues[q].tail = Int32(t)
        queues[q].length &+= 1
    }

    /// Removes and returns the head of queue `q` (which must be non-empty).
    @inline(__always)
    @discardableResult
    func dequeue(queue q: Int) -> Int {
        let h = Int(queues[q].head)
        let next = threads[h].qnext
        queues[q].head = next
        if next >= 0 { threads[Int(next)].qprev = -1 } else { queues[q].tail = -1 }
        threads[h].qnext = -1
        threads[h].qprev = -1
        queues[q].length &-= 1
        return h
    }

    // MARK: Delivery

    /// Delivers a message to receiver `r` (running afterwards with `message`
    /// and `badge` in its registers, everything else zero), transferring a
    /// capability if the sender offered one (`grant`, an optional slot of
    /// sandbox `ssb`), that slot still holds a capability, the receiver named
    /// a receive slot, and that slot is empty. The transferred capability is
    /// an MDB child of the sender's slot with the same rights and badge.
    @inline(__always)
    func deliver(to r: Int, message: UInt32, badge: UInt32, senderSandbox ssb: UInt32, grant: UInt32) {
        let into = threads[r].recvSlot
        if grant != 0 && into != 0 && grant &- 1 < slotsPerSandbox && into &- 1 < slotsPerSandbox {
            let rsb = threads[r].sandbox
            let src = slotIndex(ssb, grant &- 1)
            if src >= 0 && slots[src].type != 0 && !isOccupied(rsb, into &- 1) {
                let dst = allocatedSlotIndex(rsb, into &- 1)
                derive(from: src, to: dst, rights: slots[src].rights, badge: slots[src].badge)
            }
        }
        setRegisters(r, state: Encoding.running, message: message, badge: badge)
    }

    /// The checks on an endpoint capability in `slot` (already in range) of
    /// sandbox `sb` that must carry `right`: a capability, an endpoint, the
    /// right. Returns the pool index and the error code (0 for none).
    @inline(__always)
    func endpointSlot(sandbox sb: UInt32, slot: UInt32, right: UInt8) -> (index: Int, error: UInt32) {
        checkCapability(sb, slot, type: Encoding.endpoint, right: right)
    }

    // MARK: System calls

    /// `send(ep, msg, grant?)`, `nbsend(ep, msg, grant?)` and
    /// `call(ep, msg, grant?)`.
    ///
    /// `send`: if a receiver waits on the endpoint in slot `ep`, the first one
    /// gets the message (and, see `deliver`, the capability in slot `grant` if
    /// the endpoint capability carries `G`; without `G`, `grant` is ignored);
    /// otherwise the caller blocks at the tail of the endpoint's queue.
    /// `nbsend`: as `send`, but fails with `wouldBlock` when no receiver waits.
    /// `call`: sends as `send`, then waits for the reply: with a receiver
    /// waiting, that receiver gets the reply capability and the caller
    /// becomes `blockedReply(receiver)`; otherwise the caller blocks as
    /// `blockedCall` in the queue. A call always ends blocked.
    ///
    /// Preconditions, in order:
    /// 1. `ep` is a slot, and `grant` is none or a slot, of the caller's capability space (`invalidSlot`);
    /// 2. `ep` holds a capability (`emptySlot`), 3. to an endpoint (`wrongType`), 4. with `W` (`insufficientRights`);
    /// 5. (`nbsend` only) a receiver waits (`wouldBlock`).
    ///
    /// Inlined into `send`, `nbsend` and `call`, so that each has its own
    /// copy with `blocking` and `isCall` constant (and its own branch sites).
    @inline(__always)
    func sendLike(_ t: Int, ep: UInt32, msg: UInt32, grant: UInt32, blocking: Bool, isCall: Bool) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard ep < slotsPerSandbox && (grant == 0 || grant &- 1 < slotsPerSandbox) else { return fail(.invalidSlot) }
        let (g, error) = endpointSlot(sandbox: sb, slot: ep, right: Encoding.write)
        if error != 0 { return fail(code: error) }
        let q = Int(slots[g].object)
        let badge = slots[g].badge
        let offered = slots[g].rights & Encoding.grant != 0 ? grant : 0
        let r = queues[q].head
        let receiverWaiting = r >= 0 && threads[Int(r)].state == Encoding.blockedRecv
        if !blocking && !receiverWaiting { return fail(.wouldBlock) }
        if receiverWaiting {
            let r = dequeue(queue: q)
            deliver(to: r, message: msg, badge: badge, senderSandbox: sb, grant: offered)
            if isCall {
                threads[r].reply = UInt32(t) &+ 1
                setRegisters(t, state: Encoding.blockedReply, object: UInt32(r), message: msg)
            }
            return isCall ? blocked() : ok()
        }
        enqueue(queue: q, thread: t)
        setRegisters(t, state: isCall ? Encoding.blockedCall : Encoding.blockedSend, object: UInt32(q), message: msg,
                     badge: badge, grant: offered)
        return blocked()
    }

    /// `send(ep, msg, grant?)` (see `sendLike`).
    @inline(never)
    func send(_ t: Int, ep: UInt32, msg: UInt32, grant: UInt32) -> Outcome<UInt32> {
        sendLike(t, ep: ep, msg: msg, grant: grant, blocking: true, isCall: false)
    }

    /// `nbsend(ep, msg, grant?)` (see `sendLike`).
    @inline(never)
    func nbsend(_ t: Int, ep: UInt32, msg: UInt32, grant: UInt32) -> Outcome<UInt32> {
        sendLike(t, ep: ep, msg: msg, grant: grant, blocking: false, isCall: false)
    }

    /// `call(ep, msg, grant?)` (see `sendLike`).
    @inline(never)
    func call(_ t: Int, ep: UInt32, msg: UInt32, grant: UInt32) -> Outcome<UInt32> {
        sendLike(t, ep: ep, msg: msg, grant: grant, blocking: true, isCall: true)
    }

    /// `recv(ep, into?)`: receives on the endpoint in slot `ep`. If a sender
    /// or caller waits, the first one's message (and offered capability, into
    /// slot `into`) is taken at once and returned; a sender becomes running,
    /// a caller becomes `blockedReply(this thread)` and this thread holds its
    /// reply capability. Otherwise the caller blocks at the tail of the
    /// endpoint's queue. A thread that owes a reply must answer first.
    ///
    /// Preconditions, in order:
    /// 1. `ep` is a slot, and `into` is none or a slot, of the caller's capability space (`invalidSlot`);
    /// 2. `ep` holds a capability (`emptySlot`), 3. to an endpoint (`wrongType`), 4. with `R` (`insufficientRights`);
    /// 5. the caller holds no reply capability (`replyPending`).
    @inline(never)
    func recv(_ t: Int, ep: UInt32, into: UInt32) -> Outcome<UInt32> {
        let sb = threads[t].sandbox
        guard ep < slotsPerSandbox && (into == 0 || into &- 1 < slotsPerSandbox) else { return fail(.invalidSlot) }
        let (g, error) = endpointSlot(sandbox: sb, slot: ep, right: Encoding.read)
        if error != 0 { return fail(code: error) }
        guard threads[t].reply == 0 else { return fail(.replyPending) }
        let q = Int(slots[g].object)
        let head = queues[q].head
        let sndState = head >= 0 ? threads[Int(head)].state : 0
        let isCaller = sndState == Encoding.blockedCall
        guard head >= 0 && (isCaller || sndState == Encoding.blockedSend) else {
            enqueue(queue: q, thread: t)
            setRegisters(t, state: Encoding.blockedRecv, object: UInt32(q), message: threads[t].message, recvSlot: into)
            return blocked()
        }
        let snd = dequeue(queue: q)
        let msg = threads[snd].message
        threads[t].recvSlot = into
        deliver(to: t, message: msg, badge: threads[snd].badge, senderSandbox: threads[snd].sandbox,
                grant: threads[snd].grant)
        // The sender runs again (its message register keeps the message); a
        // caller now waits for this thread's reply.
        threads[snd].state = isCaller ? Encoding.blockedReply : Encoding.running
        threads[snd].object = isCaller ? UInt32(t) : 0
        threads[snd].badge = 0
        threads[snd].status = 0
        threads[snd].grant = 0
        threads[t].reply = isCaller ? UInt32(snd) &+ 1 : 0
        return ok(msg)
    }

    /// `reply(msg)`: answers the caller whose reply capability the caller
    /// holds: that thread runs again with `msg` in its message register and
    /// every other register zero; the reply capability is consumed.
    ///
    /// Preconditions, in order:
    /// 1. the caller holds a reply capability (`noReplyCapability`).
    @inline(never)
    func reply(_ t: Int, msg: UInt32) -> Outcome<UInt32> {
        let holder = threads[t].reply
        guard holder != 0 else { return fail(.noReplyCapability) }
        setRegisters(Int(holder &- 1), state: Encoding.running, message: msg)
        threads[t].reply = 0
        return ok()
    }
}
