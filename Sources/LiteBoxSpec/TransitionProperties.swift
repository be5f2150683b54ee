// The transition properties of DESIGN §2: predicates on (pre-state, call,
// outcome, post-state), named values like the invariants.

import LiteBoxABI

/// A named property of one step.
public enum TransitionProperty: String, CaseIterable, Sendable, CustomStringConvertible {
    case failedCallChangesNothing
    case authorityConfinement
    case integrity
    case noRightsAmplification
    case queueDiscipline
    case callContract

    /// The property's name (as used in obligation names).
    public var name: String { rawValue }
    public var description: String { rawValue }

    /// The one-line statement.
    public var statement: String {
        switch self {
        case .failedCallChangesNothing:
            return "a call that returns an error leaves every cell of the state unchanged"
        case .authorityConfinement:
            return "a sandbox gains a capability to an object only by deriving it from one it already holds, or by an IPC transfer from a sender whose endpoint capability carries G"
        case .integrity:
            return "a step of sandbox A changes sandbox B's capabilities, page table and threads only by IPC delivery to B, waking B's threads blocked on the object A operates on, spawning B's threads, or deleting B's capabilities (and their mappings) that descend from a capability A revoked; a frame changes only by a store through a W mapping of it"
        case .noRightsAmplification:
            return "after a step, every capability's rights to an object are within the rights of some capability to that object before it, and no capability gains rights or changes badge in place"
        case .queueDiscipline:
            return "every endpoint and notification queue is FIFO: in one step it stays the same, loses its head, or gains one thread at its tail"
        case .callContract:
            return "a call that succeeds has the effect its documentation states (the declarative postcondition of each system call), and only send, call, recv and wait may block"
        }
    }
}

extension TransitionProperty {
    /// The invariants a proof that every step satisfies this property assumes
    /// of the pre-state (see `Invariant.hypotheses`): `integrity` needs the
    /// thread and mapping invariants to know whose threads and frames a step
    /// can touch; `queueDiscipline` needs well-formed queues; `callContract`
    /// needs the invariants the documented postconditions rely on (exact
    /// descendant sets for revoke, queue and reply shapes for IPC, mapped
    /// frames backed by capabilities for load and store).
    public var hypotheses: [Invariant] {
        switch self {
        case .failedCallChangesNothing, .authorityConfinement, .noRightsAmplification: return []
        case .integrity: return [.typedCaps, .mappings, .threadQueueSymmetry, .replies, .threadRegisters]
        case .queueDiscipline: return [.typedCaps, .queues]
        case .callContract: return [.typedCaps, .cdtAcyclic, .isolation, .queues, .replies]
        }
    }
}

extension Spec {
    /// Whether property `p` holds of the step `pre --call/outcome--> post`.
    @inlinable
    public func holds(_ p: TransitionProperty, pre: Memory, call: Invocation<Word>, outcome: Outcome<Word>, post: Memory) -> Bit {
        switch p {
        case .failedCallChangesNothing: return failedCallChangesNothing(pre, outcome, post)
        case .authorityConfinement: return authorityConfinement(pre, call, post)
        case .integrity: return integrity(pre, call, post)
        case .noRightsAmplification: return noRightsAmplification(pre, post)
        case .queueDiscipline: return queueDiscipline(pre, post)
        case .callContract: return callContract(pre, call, outcome, post)
        }
    }

    /// Whether every cell of `a` equals the same cell of `b`.
    @inlinable
    public func same(_ a: Memory, _ b: Memory) -> Bit {
        D.all(layout.cellCount) { a[$0] == b[$0] }
    }

    @inlinable
    func failedCallChangesNothing(_ pre: Memory, _ outcome: Outcome<Word>, _ post: Memory) -> Bit {
        outcome.code <= 1 || same(pre, post)
    }

    /// Whether sandbox `sb` (concrete) holds a capability to (type, object) in `s`.
    @inlinable
    func sandboxHolds(_ s: Memory, _ sb: Int, type: Word, object: Word) -> Bit {
        let L = layout
        return D.any(L.slotsPerSandbox) { slot in
            let g = sb * L.slotsPerSandbox + slot
            return get(s, L.capType, at: g) == type && get(s, L.capObject, at: g) == object
        }
    }

    /// Whether global slot `g` (a word) lies in sandbox `sb` (concrete).
    @inlinable @inline(__always)
    func inSandbox(_ g: Word, _ sb: Int) -> Bit {
        k(sb * layout.slotsPerSandbox) <= g && g < k((sb + 1) * layout.slotsPerSandbox)
    }

    /// A capability that appears in a slot that was empty or named another
    /// object, naming an object its sandbox held no capability to, must be a CDT child of a slot in another
    /// sandbox from which an IPC transfer was allowed in this step: the caller
    /// sent through an endpoint capability with `G` (send, nbsend, call), or
    /// the caller received from the head sender of the endpoint, which
    /// recorded an offered slot (recorded only when its capability had `G`).
    @inlinable
    func authorityConfinement(_ pre: Memory, _ call: Invocation<Word>, _ post: Memory) -> Bit {
        let L = layout
        let t = call.thread
        let caller = sandbox(of: t)
        let epSlot = globalSlot(caller, call.a0)
        let isSend = call.syscall == .send || call.syscall == .nbsend || call.syscall == .call
        let isRecv = call.syscall == .recv
        let senderHasG = has(get(pre, L.capRights, epSlot), .grant)
            && get(pre, L.capType, epSlot) == k(CapType.endpoint.rawValue)
        let q = get(pre, L.capObject, epSlot)
        let headSender = get(pre, L.queueEntry, q &* k(L.threads)) &- 1
        let headOffered = get(pre, L.queueLength, q) != 0 && get(pre, L.threadGrant, headSender) != 0
        return D.all(L.slots) { g in
            let sb = g / L.slotsPerSandbox
            let type = get(post, L.capType, at: g)
            let object = get(post, L.capObject, at: g)
            let fresh = type != 0
                && (get(pre, L.capType, at: g) != type || get(pre, L.capObject, at: g) != object)
            let parent = get(post, L.cdtParent, at: g) &- 1
            let transferred: Bit
            if isSend {
                transferred = senderHasG && get(post, L.cdtParent, at: g) != 0
                    && D.any(L.sandboxes) { a in k(a) == caller && inSandbox(parent, a) }
            } else if isRecv {
                transferred = headOffered && get(post, L.cdtParent, at: g) != 0
                    && D.any(L.sandboxes) { a in k(a) == sandbox(of: headSender) && inSandbox(parent, a) }
            } else {
                transferred = false
            }
            return !fresh || sandboxHolds(pre, sb, type: type, object: object) || transferred
        }
    }

    /// For every sandbox B other than the caller's A (compared field by field;
    /// CDT links and the ghost descendant sets are kernel bookkeeping, not a
    /// sandbox's authority):
    /// - a capability of B changes only by being revoked (it was a descendant
    ///   of the slot A revoked) or by arriving, in a send through A's endpoint
    ///   capability, in the receive slot of B's thread at the head of that
    ///   endpoint's queue, waiting in `recv` (IPC delivery);
    /// - a page table entry of B changes only by being removed because its
    ///   backing capability was revoked;
    /// - a thread of B changes only if it was blocked on the object the call
    ///   operates on (an endpoint A sends to or receives from through its
    ///   capability, a notification A signals), or waited for a reply from
    ///   the calling thread (`reply`, `exit`), or was inactive and is started
    ///   running by A's `spawn` through its thread capability.
    /// And for frames, whoever holds them: a frame's contents change only by a
    /// `store` of the caller through a mapping of that frame with `W`.
    @inlinable
    func integrity(_ pre: Memory, _ call: Invocation<Word>, _ post: Memory) -> Bit {
        let L = layout
        let t = call.thread
        let caller = sandbox(of: t)
        let target = globalSlot(caller, call.a0)
        let targetType = get(pre, L.capType, target)
        let targetObject = get(pre, L.capObject, target)
        let sc = call.syscall
        let revoked = sc == .capRevoke ? descendants(pre, target) : emptySet()
        let spawnAllowed = targetType == k(CapType.thread.rawValue) && has(get(pre, L.capRights, target), .write)
        let spawned: Word = sc == .spawn ? Word.ite(spawnAllowed, targetObject, k(L.threads)) : k(L.threads)
        let delivers = sc == .send || sc == .nbsend || sc == .call
        let onEndpoint: Bit = (delivers || sc == .recv) ? targetType == k(CapType.endpoint.rawValue) : false
        let onNotification: Bit = sc == .signal ? targetType == k(CapType.notification.rawValue) : false
        let answers = sc == .reply || sc == .exit
        let endpointHead = get(pre, L.queueEntry, targetObject &* k(L.threads)) &- 1
        let otherSandboxes = D.all(L.sandboxes) { sb in
            let other = k(sb) != caller
            let capsOK = D.all(L.slotsPerSandbox) { slot in
                let g = sb * L.slotsPerSandbox + slot
                // The capability proper: type, object, rights, badge (tables 0..<4) and mapping.
                let unchanged = D.all(4) { j in get(pre, L.slotTable(j), at: g) == get(post, L.slotTable(j), at: g) }
                    && get(pre, L.capMapping, at: g) == get(post, L.capMapping, at: g)
                let wasRevoked = contains(revoked, slot: g) && get(post, L.capType, at: g) == 0
                let received: Bit = delivers ? (onEndpoint && get(pre, L.capType, at: g) == 0 && D.any(L.threads) { th in
                    L.threadSandbox[th] != UInt32(sb) ? false : (isState(pre, k(th), .blockedRecv)
                        && get(pre, L.threadObject, at: th) == targetObject && endpointHead == k(th)
                        && get(pre, L.threadRecvSlot, at: th) == k(slot + 1))
                }) : false
                return unchanged || wasRevoked || received
            }
            let pagesOK = D.all(L.pagesPerSandbox) { page in
                let pg = sb * L.pagesPerSandbox + page
                let unchanged = D.all(Layout.pageTableCount) { j in
                    get(pre, L.pageTable(j), at: pg) == get(post, L.pageTable(j), at: pg)
                }
                let backing = get(pre, L.pteSlot, at: pg)
                let removed = get(post, L.pteSlot, at: pg) == 0 && backing != 0
                    && contains(revoked, k(sb * L.slotsPerSandbox) &+ backing &- 1)
                return unchanged || removed
            }
            let threadsOK = D.all(L.threads) { th in
                guard L.threadSandbox[th] == UInt32(sb) else { return true }
                let unchanged = D.all(Layout.threadTableCount) { j in
                    get(pre, L.threadTable(j), at: th) == get(post, L.threadTable(j), at: th)
                }
                let st = get(pre, L.threadState, at: th)
                let obj = get(pre, L.threadObject, at: th)
                let waitsHere = (st == k(ThreadState.blockedSend.rawValue) || st == k(ThreadState.blockedCall.rawValue)
                                 || st == k(ThreadState.blockedRecv.rawValue)) && onEndpoint && obj == targetObject
                let signalled = st == k(ThreadState.blockedNotify.rawValue) && onNotification && obj == targetObject
                let answered: Bit = answers ? (st == k(ThreadState.blockedReply.rawValue) && obj == t) : false
                let wasSpawned = st == k(ThreadState.inactive.rawValue) && spawned == k(th)
                    && isState(post, k(th), .running)
                return unchanged || waitsHere || signalled || answered || wasSpawned
            }
            return !other || (capsOK && pagesOK && threadsOK)
        }
        let storePage = globalPage(caller, call.a0)
        let storedFrame: Word = sc == .store
            ? Word.ite(has(get(pre, L.pteRights, storePage), .write), get(pre, L.pteFrame, storePage), 0) : 0
        let framesOK = D.all(L.frames) { f in
            get(pre, L.frameValue, at: f) == get(post, L.frameValue, at: f) || storedFrame == k(f + 1)
        }
        return otherSandboxes && framesOK
    }

    /// Rights live in capabilities, and every call exercises exactly one
    /// capability, so the authority a sandbox can use in one call is bounded
    /// by one capability's rights. The property is therefore stated per
    /// capability: every capability after the step has rights within those of
    /// some capability to the same object before it. (The union of a
    /// sandbox's rights may legitimately grow past every single sandbox's, for
    /// example when a grant transfer joins an `RW` and a `WG` capability in
    /// one sandbox; no capability with more rights than an existing one is
    /// created by that.)
    ///
    /// In addition, a capability that stays in its slot naming the same
    /// object never gains rights and never changes its badge in place (no
    /// call changes a capability in place; a badge is authority too).
    @inlinable
    func noRightsAmplification(_ pre: Memory, _ post: Memory) -> Bit {
        let L = layout
        return D.all(L.slots) { g in
            let type = get(post, L.capType, at: g)
            let object = get(post, L.capObject, at: g)
            let rights = get(post, L.capRights, at: g)
            let stays = type != 0 && get(pre, L.capType, at: g) == type && get(pre, L.capObject, at: g) == object
            let inPlaceOK = !stays || (subset(rights, get(pre, L.capRights, at: g))
                                       && get(pre, L.capBadge, at: g) == get(post, L.capBadge, at: g))
            return type == 0 || (inPlaceOK && (stays || D.any(L.slots) { h in
                get(pre, L.capType, at: h) == type && get(pre, L.capObject, at: h) == object
                    && subset(rights, get(pre, L.capRights, at: h))
            }))
        }
    }

    /// Each queue either is unchanged, lost its head (every other entry moved
    /// one place towards the head, in order), or gained one thread at its
    /// tail (entries beyond a queue's length are empty, invariant `queues`).
    @inlinable
    func queueDiscipline(_ pre: Memory, _ post: Memory) -> Bit {
        let L = layout
        let T = L.threads
        return D.all(L.queues) { q in
            let len0 = get(pre, L.queueLength, at: q), len1 = get(post, L.queueLength, at: q)
            let same = len0 == len1 && D.all(T) { e in
                get(pre, L.queueEntry, at: q * T + e) == get(post, L.queueEntry, at: q * T + e)
            }
            let popped = len0 != 0 && len1 == len0 &- 1 && D.all(T) { e in
                get(post, L.queueEntry, at: q * T + e) == (e + 1 < T ? get(pre, L.queueEntry, at: q * T + e + 1) : 0)
            }
            let pushed = len1 == len0 &+ 1 && D.all(T) { e in
                Bit.ite(k(e) == len0, get(post, L.queueEntry, at: q * T + e) != 0,
                        get(post, L.queueEntry, at: q * T + e) == get(pre, L.queueEntry, at: q * T + e))
            }
            return same || popped || pushed
        }
    }

    /// The declarative postcondition of every successful call, stated from
    /// the pre-state independently of how the call's code computes it (as a
    /// Dafny `ensures` clause would). Failed calls are covered by
    /// `failedCallChangesNothing`.
    @inlinable
    func callContract(_ pre: Memory, _ call: Invocation<Word>, _ outcome: Outcome<Word>, _ post: Memory) -> Bit {
        let L = layout
        let t = call.thread
        let sb = sandbox(of: t)
        let ok = outcome.code == 0
        let blocked = outcome.code == 1
        let failed = !(ok || blocked)
        func cap(_ m: Memory, _ f: Field, _ slot: Word) -> Word { get(m, f, globalSlot(sb, slot)) }
        func th(_ m: Memory, _ f: Field, _ x: Word) -> Word { get(m, f, x) }
        func state(_ m: Memory, _ x: Word, _ st: ThreadState) -> Bit { get(m, L.threadState, x) == k(st.rawValue) }
        let canBlock = call.syscall == .send || call.syscall == .call || call.syscall == .recv || call.syscall == .wait
        let blockingOK: Bit = canBlock ? true : !blocked
        let effect: Bit
        switch call.syscall {
        case .capCopy, .capMint:
            let src = call.a0, dst = call.a1
            let badge = call.syscall == .capMint ? call.a3 : cap(pre, L.capBadge, src)
            effect = cap(post, L.capType, dst) == cap(pre, L.capType, src)
                && cap(post, L.capObject, dst) == cap(pre, L.capObject, src)
                && cap(post, L.capRights, dst) == cap(pre, L.capRights, src) & call.a2
                && cap(post, L.capBadge, dst) == badge
                && cap(post, L.cdtParent, dst) == globalSlot(sb, src) &+ 1
                && cap(post, L.capMapping, dst) == 0
        case .capMove:
            let src = call.a0, dst = call.a1
            effect = D.all(4) { j in cap(post, L.slotTable(j), dst) == cap(pre, L.slotTable(j), src) }
                && cap(post, L.capMapping, dst) == cap(pre, L.capMapping, src)
                && cap(post, L.capType, src) == 0
        case .capDelete:
            let g = globalSlot(sb, call.a0)
            let parent = get(pre, L.cdtParent, g)
            effect = get(post, L.capType, g) == 0 && D.all(L.slots) { c in
                get(pre, L.cdtParent, at: c) != g &+ 1 || get(post, L.cdtParent, at: c) == parent
            }
        case .capRevoke:
            let g = globalSlot(sb, call.a0)
            let doomed = descendants(pre, g)
            effect = D.all(4) { j in get(post, L.slotTable(j), g) == get(pre, L.slotTable(j), g) }
                && isEmpty(descendants(post, g))
                && D.all(L.slots) { c in
                    Bit.ite(contains(doomed, slot: c), get(post, L.capType, at: c) == 0,
                            get(post, L.capType, at: c) == get(pre, L.capType, at: c)
                                && get(post, L.capObject, at: c) == get(pre, L.capObject, at: c))
                }
        case .map:
            let pg = globalPage(sb, call.a1)
            effect = get(post, L.pteSlot, pg) == call.a0 &+ 1
                && get(post, L.pteFrame, pg) == cap(pre, L.capObject, call.a0) &+ 1
                && get(post, L.pteRights, pg) == call.a2
                && cap(post, L.capMapping, call.a0) == call.a1 &+ 1
        case .unmap:
            let pg = globalPage(sb, call.a0)
            effect = get(post, L.pteSlot, pg) == 0
                && cap(post, L.capMapping, get(pre, L.pteSlot, pg) &- 1) == 0
        case .protect:
            effect = get(post, L.pteRights, globalPage(sb, call.a0)) == call.a1
        case .load:
            let pg = globalPage(sb, call.a0)
            effect = has(get(pre, L.pteRights, pg), .read) && get(pre, L.pteSlot, pg) != 0
                && outcome.value == get(pre, L.frameValue, get(pre, L.pteFrame, pg) &- 1)
        case .store:
            let pg = globalPage(sb, call.a0)
            effect = has(get(pre, L.pteRights, pg), .write) && get(pre, L.pteSlot, pg) != 0
                && get(post, L.frameValue, get(pre, L.pteFrame, pg) &- 1) == call.a1
        case .send, .nbsend, .call:
            let g = globalSlot(sb, call.a0)
            let q = get(pre, L.capObject, g)
            let r = get(pre, L.queueEntry, q &* k(L.threads)) &- 1
            let receiver = get(pre, L.queueLength, q) != 0 && state(pre, r, .blockedRecv)
            let delivered = state(post, r, .running) && th(post, L.threadMessage, r) == call.a1
                && th(post, L.threadBadge, r) == get(pre, L.capBadge, g)
            let isCall = call.syscall == .call
            let caller: Bit = isCall
                ? (state(post, t, .blockedReply) && th(post, L.threadObject, t) == r && th(post, L.threadReply, r) == t &+ 1)
                : ok
            let queued = state(post, t, isCall ? .blockedCall : .blockedSend) && blocked
                && get(post, L.queueEntry, q &* k(L.threads) &+ get(pre, L.queueLength, q)) == t &+ 1
            effect = Bit.ite(receiver, delivered && caller, call.syscall == .nbsend ? false : queued)
        case .recv:
            let q = cap(pre, L.capObject, call.a0)
            let snd = get(pre, L.queueEntry, q &* k(L.threads)) &- 1
            let isCaller = state(pre, snd, .blockedCall)
            let sender = get(pre, L.queueLength, q) != 0 && (state(pre, snd, .blockedSend) || isCaller)
            let took = ok && outcome.value == th(pre, L.threadMessage, snd)
                && th(post, L.threadMessage, t) == th(pre, L.threadMessage, snd) && state(post, t, .running)
                && Bit.ite(isCaller, state(post, snd, .blockedReply) && th(post, L.threadReply, t) == snd &+ 1,
                           state(post, snd, .running))
            let waits = blocked && state(post, t, .blockedRecv) && th(post, L.threadObject, t) == q
            effect = Bit.ite(sender, took, waits)
        case .reply:
            let c = th(pre, L.threadReply, t) &- 1
            effect = state(post, c, .running) && th(post, L.threadMessage, c) == call.a0 && th(post, L.threadReply, t) == 0
        case .signal:
            let g = globalSlot(sb, call.a0)
            let n = get(pre, L.capObject, g)
            let q = n &+ k(L.endpoints)
            let w = get(pre, L.queueEntry, q &* k(L.threads)) &- 1
            effect = Bit.ite(get(pre, L.queueLength, q) != 0,
                             state(post, w, .running) && th(post, L.threadBadge, w) == get(pre, L.capBadge, g),
                             get(post, L.notificationBits, n) == get(pre, L.notificationBits, n) | get(pre, L.capBadge, g))
        case .wait, .poll:
            let n = cap(pre, L.capObject, call.a0)
            let bits = get(pre, L.notificationBits, n)
            let took = ok && outcome.value == bits && get(post, L.notificationBits, n) == 0
            let waits = blocked && state(post, t, .blockedNotify) && th(post, L.threadObject, t) == n
            effect = call.syscall == .poll ? took : Bit.ite(bits != 0, took, waits)
        case .spawn:
            effect = state(post, cap(pre, L.capObject, call.a0), .running)
        case .exit:
            let owed = th(pre, L.threadReply, t)
            effect = state(post, t, .inactive) && th(post, L.threadReply, t) == 0
                && (owed == 0 || (state(post, owed &- 1, .running)
                                  && th(post, L.threadStatus, owed &- 1) == k(SpecError.peerExited.rawValue)))
        }
        return failed || (blockingOK && effect)
    }
}
