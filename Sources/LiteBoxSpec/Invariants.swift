// The state invariants of DESIGN §2, as named values (Stateright / TLA+
// style) evaluated by the same generic code in every interpretation.

import LiteBoxABI

/// A named state invariant. `invs` is the conjunction of all cases.
public enum Invariant: String, CaseIterable, Sendable, CustomStringConvertible {
    case typedCaps
    case cleanEmptySlots
    case cdtLinks
    case cdtAcyclic
    case mappings
    case isolation
    case queues
    case threadQueueSymmetry
    case replies
    case threadRegisters

    /// The position of the invariant in `allCases`.
    public var index: Int { Invariant.allCases.firstIndex(of: self)! }

    /// The invariant's name (as used in obligation names, `<syscall>_<name>`).
    public var name: String { rawValue }
    public var description: String { rawValue }

    /// The one-line statement.
    public var statement: String {
        switch self {
        case .typedCaps:
            return "every capability names an existing object of its type, with rights valid for the type and a badge only on endpoints and notifications"
        case .cleanEmptySlots:
            return "an empty slot has no object, rights, badge, CDT parent, descendants or mapping"
        case .cdtLinks:
            return "a CDT parent is a non-empty slot naming the same object, with rights containing the child's, and a badged parent's children carry its badge"
        case .cdtAcyclic:
            return "the ghost descendant set of every slot is exactly its children and their descendants, and never contains the slot itself (so the CDT has no cycles)"
        case .mappings:
            return "every mapping is backed by a frame capability of the same sandbox naming the same frame, which records that mapping and nothing else, with mapping rights within the capability's"
        case .isolation:
            // Implied by `mappings` (which is structural); stated on its own because it is the security property.
            return "a sandbox can read (write) a frame through its address space only if it holds a capability to that frame with R (W)"
        case .queues:
            return "queues hold distinct valid threads in their first `length` entries and nothing after; an endpoint queue holds only senders and callers or only receivers, a notification queue only waiters; no thread is in two queues"
        case .threadQueueSymmetry:
            return "a thread is blocked on an endpoint or notification exactly when it is in that object's queue, and a notification with waiters has no pending bits"
        case .replies:
            return "a thread is blockedReply(r) exactly when r holds its reply capability; no thread holds its own; inactive and receiving threads hold none"
        case .threadRegisters:
            return "thread states and registers are in range: waiting objects exist, receive and grant slots only while receiving or sending, inactive threads have all registers zero"
        }
    }
}

extension Invariant {
    /// The invariants whose conjunction this one is inductive relative to:
    /// the hypotheses of every proof obligation `<syscall>_<name>` (DESIGN
    /// §5). Each obligation proves `hyps(s) → inv(step(s))`, which is
    /// stronger than `invs(s) → inv(step(s))` since `hyps` is a subset of
    /// `invs`; smaller hypotheses also keep the SMT files small enough for a
    /// second solver. The lists are the unions, over the 20 system calls, of
    /// the minimal unsat cores Z3 found; why each is needed:
    /// - `cdtLinks` needs `cdtAcyclic`: revoke and delete remove whole subtrees
    ///   and re-link orphans; without exact descendant sets a removed slot
    ///   could still be some survivor's parent;
    /// - `cdtAcyclic` needs `cdtLinks` (a parent is non-empty, so a new child
    ///   of an empty slot cannot appear) and `threadRegisters` (a grant or
    ///   receive slot is in range, so a transfer lands in the sender's or
    ///   receiver's own capability space);
    /// - `isolation` needs `mappings` (a mapping's backing capability is the
    ///   one a sandbox holds, so unmapping on delete keeps them together);
    /// - `queues` and `threadQueueSymmetry` need `replies` and `typedCaps`
    ///   (a woken or exiting thread is in no other queue and names an
    ///   existing object), and `threadQueueSymmetry` needs `queues`;
    /// - `replies` needs `queues` (a receiver that takes a caller is not in a
    ///   queue that still names it);
    /// - `threadRegisters` needs `typedCaps` (a waiting object comes from a
    ///   capability to an existing object).
    /// `verify prove` reports an obligation whose hypotheses are too weak
    /// (refuted under them, proved under all of `invs`) as a failure, naming
    /// the invariant its counterexample breaks, so the lists cannot silently
    /// go stale.
    public var hypotheses: [Invariant] {
        switch self {
        case .typedCaps: return [.typedCaps]
        case .cleanEmptySlots: return [.cleanEmptySlots]
        case .cdtLinks: return [.cdtLinks, .cdtAcyclic]
        case .cdtAcyclic: return [.cdtLinks, .cdtAcyclic, .threadRegisters]
        case .mappings: return [.mappings]
        case .isolation: return [.mappings, .isolation]
        case .queues: return [.typedCaps, .queues, .replies]
        case .threadQueueSymmetry: return [.typedCaps, .queues, .threadQueueSymmetry, .replies]
        case .replies: return [.queues, .replies]
        case .threadRegisters: return [.typedCaps, .threadRegisters]
        }
    }
}

extension Spec {
    /// Whether invariant `inv` holds in `s`.
    @inlinable
    public func holds(_ inv: Invariant, _ s: Memory) -> Bit {
        switch inv {
        case .typedCaps: return typedCaps(s)
        case .cleanEmptySlots: return cleanEmptySlots(s)
        case .cdtLinks: return cdtLinks(s)
        case .cdtAcyclic: return cdtAcyclic(s)
        case .mappings: return mappings(s)
        case .isolation: return isolation(s)
        case .queues: return queues(s)
        case .threadQueueSymmetry: return threadQueueSymmetry(s)
        case .replies: return replies(s)
        case .threadRegisters: return threadRegisters(s)
        }
    }

    /// `invs`: the conjunction of every invariant.
    @inlinable
    public func invs(_ s: Memory) -> Bit {
        D.all(Invariant.allCases.count) { holds(Invariant.allCases[$0], s) }
    }

    // MARK: Helpers

    /// The number of objects of the type coded by `type` (0 for other codes).
    @inlinable
    func objectCount(_ type: Word) -> Word {
        Word.ite(type == k(CapType.endpoint.rawValue), k(layout.endpoints),
        Word.ite(type == k(CapType.notification.rawValue), k(layout.notifications),
        Word.ite(type == k(CapType.frame.rawValue), k(layout.frames),
        Word.ite(type == k(CapType.thread.rawValue), k(layout.threads), 0))))
    }

    /// The rights valid for the type coded by `type`.
    @inlinable
    func validRights(_ type: Word) -> Word {
        Word.ite(type == k(CapType.endpoint.rawValue), k(CapType.endpoint.validRights.rawValue),
        Word.ite(type == k(CapType.notification.rawValue), k(CapType.notification.validRights.rawValue),
        Word.ite(type == k(CapType.frame.rawValue), k(CapType.frame.validRights.rawValue),
        Word.ite(type == k(CapType.thread.rawValue), k(CapType.thread.validRights.rawValue), 0))))
    }

    @inlinable @inline(__always)
    func isState(_ s: Memory, _ t: Word, _ st: ThreadState) -> Bit {
        get(s, layout.threadState, t) == k(st.rawValue)
    }

    /// Whether thread `t` (a concrete index) is in an endpoint or notification queue state.
    @inlinable
    func inQueueState(_ s: Memory, _ t: Int) -> Bit {
        let st = get(s, layout.threadState, at: t)
        return st == k(ThreadState.blockedSend.rawValue) || st == k(ThreadState.blockedCall.rawValue)
            || st == k(ThreadState.blockedRecv.rawValue) || st == k(ThreadState.blockedNotify.rawValue)
    }

    /// The queue thread `t` (concrete) waits in, if `inQueueState`.
    @inlinable
    func queueOf(_ s: Memory, _ t: Int) -> Word {
        let obj = get(s, layout.threadObject, at: t)
        return Word.ite(get(s, layout.threadState, at: t) == k(ThreadState.blockedNotify.rawValue),
                        obj &+ k(layout.endpoints), obj)
    }

    // MARK: The invariants

    @inlinable
    func typedCaps(_ s: Memory) -> Bit {
        let L = layout
        return D.all(L.slots) { g in
            let type = get(s, L.capType, at: g)
            let badge = get(s, L.capBadge, at: g)
            return type == 0 || (type <= k(CapType.thread.rawValue)
                && get(s, L.capObject, at: g) < objectCount(type)
                && subset(get(s, L.capRights, at: g), validRights(type))
                && (badge == 0 || type == k(CapType.endpoint.rawValue) || type == k(CapType.notification.rawValue)))
        }
    }

    @inlinable
    func cleanEmptySlots(_ s: Memory) -> Bit {
        let L = layout
        return D.all(L.slots) { g in
            get(s, L.capType, at: g) != 0 || (get(s, L.capObject, at: g) == 0 && get(s, L.capRights, at: g) == 0
                && get(s, L.capBadge, at: g) == 0 && get(s, L.cdtParent, at: g) == 0
                && isEmpty(descendants(s, at: g)) && get(s, L.capMapping, at: g) == 0)
        }
    }

    @inlinable
    func cdtLinks(_ s: Memory) -> Bit {
        let L = layout
        return D.all(L.slots) { g in
            let parent = get(s, L.cdtParent, at: g)
            let p = parent &- 1
            let pBadge = get(s, L.capBadge, p)
            return parent == 0 || (p < k(L.slots)
                && get(s, L.capType, p) != 0
                && get(s, L.capType, p) == get(s, L.capType, at: g)
                && get(s, L.capObject, p) == get(s, L.capObject, at: g)
                && subset(get(s, L.capRights, at: g), get(s, L.capRights, p))
                && (pBadge == 0 || pBadge == get(s, L.capBadge, at: g)))
        }
    }

    /// Why this characterizes the descendant relation: if the parent links are
    /// acyclic, the equations `D[a] = ⋃{ {c} ∪ D[c] | parent(c) = a }` have
    /// exactly one solution (by induction on height), the descendant sets; if
    /// they had a cycle through `a`, every solution would put `a` in `D[a]`.
    /// So "solves the equations and is irreflexive" ⇔ "acyclic and exact".
    ///
    /// Two statements of the same condition, chosen by the interpretation
    /// (`SpecDomain.prefersWordEquations`): whole words (`D[a]` equals the
    /// union of its children and their sets, and `a ∉ D[a]`), which a
    /// concrete run evaluates in slots² × ⌈slots/32⌉ word operations (32
    /// times fewer than bits); and bit by bit
    /// (bit `x` of `D[a]` is set iff `x` is a child of `a` or bit `x` of some
    /// child's set is, and bit `a` is clear), cubic to evaluate but much
    /// easier for SMT solvers: the word form needed over a minute per
    /// obligation in cvc5, the bitwise form seconds. The agreement tests
    /// evaluate the bitwise form symbolically against the word form
    /// concretely on reached states.
    @inlinable
    func cdtAcyclic(_ s: Memory) -> Bit {
        let L = layout
        let sets = (0..<L.slots).map { descendants(s, at: $0) }
        if D.prefersWordEquations {
            return D.all(L.slots) { a in
                let child = (0..<L.slots).map { c in get(s, L.cdtParent, at: c) == k(a + 1) }
                return !contains(sets[a], slot: a) && D.all(L.descendantWords) { w in
                    var union: Word = 0
                    for c in 0..<L.slots {
                        let own: Word = c / 32 == w ? k(UInt32(1) << UInt32(c % 32)) : 0
                        union = union | Word.ite(child[c], own | sets[c][w], 0)
                    }
                    return subset(sets[a][w], allSlotsWord(w)) && sets[a][w] == union
                }
            }
        }
        return D.all(L.slots) { a in
            let d = sets[a]
            let child = (0..<L.slots).map { c in get(s, L.cdtParent, at: c) == k(a + 1) }
            return D.all(L.descendantWords) { w in subset(d[w], allSlotsWord(w)) } && D.all(L.slots) { x in
                let has = contains(d, slot: x)
                let expected = child[x] || D.any(L.slots) { c in child[c] && contains(sets[c], slot: x) }
                return x == a ? !has && !expected : Bit.ite(has, expected, !expected)
            }
        }
    }

    @inlinable
    func mappings(_ s: Memory) -> Bit {
        let L = layout
        let pagesOK = D.all(L.pages) { pg in
            let sb = pg / L.pagesPerSandbox, page = pg % L.pagesPerSandbox
            let backing = get(s, L.pteSlot, at: pg)
            let frame = get(s, L.pteFrame, at: pg)
            let rights = get(s, L.pteRights, at: pg)
            let g = k(sb * L.slotsPerSandbox) &+ backing &- 1
            return (backing == 0 && frame == 0 && rights == 0) || (backing != 0
                && backing &- 1 < k(L.slotsPerSandbox)
                && get(s, L.capType, g) == k(CapType.frame.rawValue)
                && get(s, L.capObject, g) &+ 1 == frame
                && get(s, L.capMapping, g) == k(page + 1)
                && subset(rights, k(Rights([.read, .write]).rawValue))
                && subset(rights, get(s, L.capRights, g)))
        }
        let slotsOK = D.all(L.slots) { g in
            let sb = g / L.slotsPerSandbox, slot = g % L.slotsPerSandbox
            let mapped = get(s, L.capMapping, at: g)
            return mapped == 0 || (get(s, L.capType, at: g) == k(CapType.frame.rawValue)
                && mapped &- 1 < k(L.pagesPerSandbox)
                && get(s, L.pteSlot, k(sb * L.pagesPerSandbox) &+ mapped &- 1) == k(slot + 1))
        }
        return pagesOK && slotsOK
    }

    @inlinable
    func isolation(_ s: Memory) -> Bit {
        let L = layout
        return D.all(L.pages) { pg in
            let sb = pg / L.pagesPerSandbox
            let frame = get(s, L.pteFrame, at: pg) &- 1
            let rights = get(s, L.pteRights, at: pg)
            func holdsCap(_ r: Rights) -> Bit {
                D.any(L.slotsPerSandbox) { slot in
                    let g = sb * L.slotsPerSandbox + slot
                    return get(s, L.capType, at: g) == k(CapType.frame.rawValue)
                        && get(s, L.capObject, at: g) == frame && has(get(s, L.capRights, at: g), r)
                }
            }
            return get(s, L.pteSlot, at: pg) == 0
                || ((!has(rights, .read) || holdsCap(.read)) && (!has(rights, .write) || holdsCap(.write)))
        }
    }

    @inlinable
    func queues(_ s: Memory) -> Bit {
        let L = layout
        let T = L.threads
        let shapes = D.all(L.queues) { q in
            let len = get(s, L.queueLength, at: q)
            let isEndpoint = q < L.endpoints
            let first = get(s, L.queueEntry, at: q * T) &- 1
            let firstReceives = isState(s, first, .blockedRecv)
            return len <= k(T) && D.all(T) { e in
                let entry = get(s, L.queueEntry, at: q * T + e)
                let th = entry &- 1
                let kind: Bit = isEndpoint
                    ? Bit.ite(firstReceives, isState(s, th, .blockedRecv),
                              isState(s, th, .blockedSend) || isState(s, th, .blockedCall))
                    : isState(s, th, .blockedNotify)
                return (k(e) < len && entry != 0 && th < k(T) && kind) || (len <= k(e) && entry == 0)
            }
        }
        let cells = L.queues * T
        let distinct = D.all(cells) { i in
            let x = get(s, L.queueEntry, at: i)
            return x == 0 || D.all(cells - i - 1) { j in x != get(s, L.queueEntry, at: i + 1 + j) }
        }
        return shapes && distinct
    }

    @inlinable
    func threadQueueSymmetry(_ s: Memory) -> Bit {
        let L = layout
        let T = L.threads
        // Every queue entry's thread is blocked on that queue's object.
        let entriesBlocked = D.all(L.queues) { q in
            D.all(T) { e in
                let entry = get(s, L.queueEntry, at: q * T + e)
                let th = entry &- 1
                let st = get(s, L.threadState, th)
                let obj = get(s, L.threadObject, th)
                let queueOfTh = Word.ite(st == k(ThreadState.blockedNotify.rawValue), obj &+ k(L.endpoints), obj)
                let queued = st == k(ThreadState.blockedSend.rawValue) || st == k(ThreadState.blockedCall.rawValue)
                    || st == k(ThreadState.blockedRecv.rawValue) || st == k(ThreadState.blockedNotify.rawValue)
                return entry == 0 || (queued && queueOfTh == k(q))
            }
        }
        // Every thread in a queue state appears in its queue.
        let threadsQueued = D.all(T) { th in
            let q = queueOf(s, th)
            return !inQueueState(s, th) || (q < k(L.queues) && D.any(T) { e in
                get(s, L.queueEntry, q &* k(T) &+ k(e)) == k(th + 1)
            })
        }
        let quietWhenWaited = D.all(L.notifications) { n in
            get(s, L.queueLength, at: L.endpoints + n) == 0 || get(s, L.notificationBits, at: n) == 0
        }
        return entriesBlocked && threadsQueued && quietWhenWaited
    }

    @inlinable
    func replies(_ s: Memory) -> Bit {
        let L = layout
        return D.all(L.threads) { th in
            let server = get(s, L.threadObject, at: th)
            let owed = get(s, L.threadReply, at: th)
            let st = get(s, L.threadState, at: th)
            let waits = st != k(ThreadState.blockedReply.rawValue)
                || (server < k(L.threads) && get(s, L.threadReply, server) == k(th + 1))
            let held = owed == 0 || (owed &- 1 < k(L.threads) && owed != k(th + 1)
                && isState(s, owed &- 1, .blockedReply) && get(s, L.threadObject, owed &- 1) == k(th))
            let allowed = owed == 0
                || (st != k(ThreadState.inactive.rawValue) && st != k(ThreadState.blockedRecv.rawValue))
            return waits && held && allowed
        }
    }

    @inlinable
    func threadRegisters(_ s: Memory) -> Bit {
        let L = layout
        return D.all(L.threads) { th in
            let st = get(s, L.threadState, at: th)
            let obj = get(s, L.threadObject, at: th)
            let recvSlot = get(s, L.threadRecvSlot, at: th)
            let grant = get(s, L.threadGrant, at: th)
            let status = get(s, L.threadStatus, at: th)
            let isInactive = st == k(ThreadState.inactive.rawValue)
            let onEndpoint = st == k(ThreadState.blockedSend.rawValue) || st == k(ThreadState.blockedCall.rawValue)
                || st == k(ThreadState.blockedRecv.rawValue)
            let sending = st == k(ThreadState.blockedSend.rawValue) || st == k(ThreadState.blockedCall.rawValue)
            let objectOK = Bit.ite(onEndpoint, obj < k(L.endpoints),
                           Bit.ite(st == k(ThreadState.blockedNotify.rawValue), obj < k(L.notifications),
                           Bit.ite(st == k(ThreadState.blockedReply.rawValue), obj < k(L.threads), obj == 0)))
            return st <= k(ThreadState.blockedNotify.rawValue) && objectOK
                && (recvSlot == 0 || (st == k(ThreadState.blockedRecv.rawValue) && recvSlot &- 1 < k(L.slotsPerSandbox)))
                && (grant == 0 || (sending && grant &- 1 < k(L.slotsPerSandbox)))
                && (status == 0 || status == k(SpecError.peerExited.rawValue))
                && (!isInactive || (get(s, L.threadMessage, at: th) == 0 && get(s, L.threadBadge, at: th) == 0
                    && status == 0 && get(s, L.threadReply, at: th) == 0))
        }
    }
}
