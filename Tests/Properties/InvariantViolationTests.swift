// "No vacuous invariant" tests: for every state invariant, hand-built states
// that break each clause of its statement (and, where the other invariants
// allow it, only that invariant); for every transition property, real steps
// that satisfy it and the same steps tampered with the way a buggy kernel
// would, which must not.
//
// Every corruption starts from a valid state (a preset's initial state, or one
// reached by a few successful calls, all checked against `invs`) and writes a
// few cells through the `Layout`. Each case lists exactly which invariants it
// breaks: the targeted one, plus — where a clause cannot be broken alone — the
// others it necessarily breaks, with the reason in its `why`.

import LiteBoxABI
import Testing
@testable import LiteBoxFormats
@testable import LiteBoxSpec
import LiteBoxTestSupport

@Suite struct InvariantViolationTests {

    // MARK: - Bench

    /// A configuration's specification with the index arithmetic of `Layout`.
    struct Bench {
        let spec: ConcreteSpec
        var L: Layout { spec.layout }

        init(_ config: Configuration) { spec = ConcreteSpec(config) }

        /// The global slot of `slot` in sandbox `sb`.
        func g(_ sb: Int, _ slot: Int) -> Int { sb * L.slotsPerSandbox + slot }
        /// The global page of `page` in sandbox `sb`.
        func pg(_ sb: Int, _ page: Int) -> Int { sb * L.pagesPerSandbox + page }
        /// The queue of notification `n`.
        func ntfnQueue(_ n: Int) -> Int { L.endpoints + n }
        /// The descendant-set bit of global slot `g`.
        func bit(_ g: Int) -> UInt32 { 1 << UInt32(g) }

        /// Sets entry `i` of table `f`.
        func put(_ s: inout ConcreteMemory, _ f: Field, _ i: Int, _ v: UInt32) { s[f.base + i] = v }
        /// Entry `i` of table `f`.
        func get(_ s: ConcreteMemory, _ f: Field, _ i: Int) -> UInt32 { s[f.base + i] }
        /// Sets position `pos` of queue `q`.
        func putEntry(_ s: inout ConcreteMemory, queue q: Int, _ pos: Int, _ v: UInt32) {
            s[L.queueEntry.base + q * L.threads + pos] = v
        }
        /// Sets the whole capability in global slot `g` (CDT parent as an optional global slot).
        func putCap(_ s: inout ConcreteMemory, _ g: Int, _ type: CapType, object: Int, rights: Rights,
                    badge: UInt32 = 0, parent: Int? = nil) {
            put(&s, L.capType, g, type.rawValue)
            put(&s, L.capObject, g, UInt32(object))
            put(&s, L.capRights, g, rights.rawValue)
            put(&s, L.capBadge, g, badge)
            put(&s, L.cdtParent, g, parent.map { UInt32($0 + 1) } ?? 0)
        }
        /// Sets thread `t`'s state and object register.
        func putThread(_ s: inout ConcreteMemory, _ t: Int, _ st: ThreadState, object: UInt32 = 0) {
            put(&s, L.threadState, t, st.rawValue)
            put(&s, L.threadObject, t, object)
        }

        /// The state after running `calls` from the initial state; every call
        /// must succeed (ok or blocked) and every state must satisfy `invs`.
        func reach(_ calls: [Call], sourceLocation: SourceLocation = #_sourceLocation) -> ConcreteMemory {
            var s = spec.initialState
            for c in calls {
                let (next, outcome) = spec.step(s, c)
                #expect(outcome.succeeded, "setup call \(c) -> \(outcome)", sourceLocation: sourceLocation)
                #expect(spec.invs(next), "setup call \(c) broke invs", sourceLocation: sourceLocation)
                s = next
            }
            return s
        }

        /// Whether sandbox `sb` holds any capability to (`type`, `object`) in `s`.
        func holdsAny(_ s: ConcreteMemory, sandbox sb: Int, _ type: CapType, object: Int) -> Bool {
            (0..<L.slotsPerSandbox).contains { slot in
                let c = spec.capability(s, sandbox: sb, slot: slot)
                return c.type == type && c.object == object
            }
        }

        /// The names of the invariants that fail in `s`.
        func broken(_ s: ConcreteMemory) -> Set<Invariant> {
            Set(Invariant.allCases.filter { !spec.holds($0, s) })
        }

        /// The names of the transition properties that fail for a step.
        func brokenProperties(_ pre: ConcreteMemory, _ call: Call, _ outcome: Outcome<UInt32>,
                              _ post: ConcreteMemory) -> Set<TransitionProperty> {
            Set(TransitionProperty.allCases.filter {
                !spec.holds($0, pre: pre, call: call, outcome: outcome, post: post)
            })
        }
    }

    static let R = Rights.read, W = Rights.write
    static let RW: Rights = [.read, .write]

    // MARK: - Corruptions of states

    /// One corrupted state: a base state (a preset after `calls`), cell
    /// writes, the invariant it targets and any others it must also break.
    struct Corruption: Sendable, CustomTestStringConvertible {
        let target: Invariant
        let name: String
        let config: Configuration
        let calls: [Call]
        /// Other invariants this corruption necessarily breaks (and why, in `why`).
        let alsoBreaks: Set<Invariant>
        let why: String
        let mutate: @Sendable (Bench, inout ConcreteMemory) -> Void

        init(_ target: Invariant, _ name: String, _ config: Configuration, after calls: [Call] = [],
             alsoBreaks: Set<Invariant> = [], why: String = "",
             _ mutate: @escaping @Sendable (Bench, inout ConcreteMemory) -> Void) {
            self.target = target; self.name = name; self.config = config; self.calls = calls
            self.alsoBreaks = alsoBreaks; self.why = why; self.mutate = mutate
        }

        var testDescription: String { "\(target): \(name) [\(config.name)]" }
    }

    // Layout of the presets used below (global slot g = sandbox * C + slot):
    // default (C=3, V=1, T=3, 1 endpoint, 1 notification, 1 frame):
    //   g0 ep0 RWG, g1 frame0 RW (backs page 0 of sandbox 0, R), g2 thread2 W,
    //   g3 ep0 RW, g4 ntfn0 RW, g5 empty, g6 ntfn0 W badge 1, g7 g8 empty;
    //   t0 in sandbox 0, t1 in sandbox 1 (running), t2 in sandbox 2 (inactive).
    // large (C=6, V=4, T=6, 2 endpoints, 2 notifications, 4 frames):
    //   g0 ep0 RWG, g1 ep1 RWG, g2 frame0 RW (backs page 0, RW), g3 frame1 RW,
    //   g4 ntfn0 RW, g5 thread5 W; g6 ep0 RW badge 1 (child of g0),
    //   g7 frame2 RW (backs page 1 of sandbox 1, R), g8 ntfn1 RW; g12 ep1 RWG,
    //   g13 frame3 RW, g14 ntfn0 W badge 2 (child of g4); g18 ep1 W badge 3
    //   (child of g1), g19 ntfn1 W badge 4 (child of g8); t0 t1 in sandbox 0,
    //   t2 in 1, t3 in 2, t4 t5 in 3 (t5 inactive).
    // tiny (C=2, T=2): g0 ep0 RWG, g1 frame0 RW, g2 ep0 RW, g3 empty.

    static let typedCapsCases: [Corruption] = [
        Corruption(.typedCaps, "capability type code beyond thread", .threeSandboxes) { b, s in
            b.put(&s, b.L.capType, 2, 5)
        },
        Corruption(.typedCaps, "endpoint capability naming a nonexistent endpoint", .threeSandboxes) { b, s in
            b.put(&s, b.L.capObject, 3, 1)
        },
        Corruption(.typedCaps, "thread capability naming a nonexistent thread", .threeSandboxes) { b, s in
            b.put(&s, b.L.capObject, 2, 3)
        },
        Corruption(.typedCaps, "notification capability with G", .threeSandboxes) { b, s in
            b.put(&s, b.L.capRights, 4, Rights.all.rawValue)
        },
        Corruption(.typedCaps, "thread capability with R", .threeSandboxes) { b, s in
            b.put(&s, b.L.capRights, 2, RW.rawValue)
        },
        Corruption(.typedCaps, "rights bit outside RWG", .threeSandboxes) { b, s in
            b.put(&s, b.L.capRights, 0, Rights.all.rawValue | 8)
        },
        Corruption(.typedCaps, "badge on a frame capability", .threeSandboxes) { b, s in
            b.put(&s, b.L.capBadge, 1, 7)
        },
        Corruption(.typedCaps, "badge on a thread capability", .threeSandboxes) { b, s in
            b.put(&s, b.L.capBadge, 2, 1)
        },
    ]

    static let cleanEmptySlotsCases: [Corruption] = [
        Corruption(.cleanEmptySlots, "empty slot with an object", .threeSandboxes) { b, s in
            b.put(&s, b.L.capObject, 5, 1)
        },
        Corruption(.cleanEmptySlots, "empty slot with rights", .threeSandboxes) { b, s in
            b.put(&s, b.L.capRights, 5, R.rawValue)
        },
        Corruption(.cleanEmptySlots, "empty slot with a badge", .threeSandboxes) { b, s in
            b.put(&s, b.L.capBadge, 5, 3)
        },
        Corruption(.cleanEmptySlots, "empty slot with a CDT parent (listed in the parent's descendants)", .threeSandboxes,
                   alsoBreaks: [.cdtLinks],
                   why: "cdtLinks requires a child to have its parent's (non-empty) type, so an empty child always breaks it") { b, s in
            b.put(&s, b.L.cdtParent, 5, 4)
            b.put(&s, b.L.cdtDescendants, 3, b.bit(5))
        },
        Corruption(.cleanEmptySlots, "empty slot with descendants", .threeSandboxes, alsoBreaks: [.cdtAcyclic],
                   why: "a descendant set must equal the children's, and a child of an empty slot breaks cdtLinks instead") { b, s in
            b.put(&s, b.L.cdtDescendants, 5, b.bit(3))
        },
        Corruption(.cleanEmptySlots, "empty slot backing a mapping", .threeSandboxes, alsoBreaks: [.mappings],
                   why: "mappings requires every slot that records a page to hold a frame capability") { b, s in
            b.put(&s, b.L.capMapping, 5, 1)
        },
    ]

    /// default after sandbox 1 copies its endpoint capability (g3, RW) into its slot 2: g5 is a child of g3.
    static let copiedEndpoint: [Call] = [.capCopy(1, src: 0, dst: 2, rights: RW)]

    static let cdtLinksCases: [Corruption] = [
        Corruption(.cdtLinks, "parent beyond the last slot", .threeSandboxes, after: copiedEndpoint) { b, s in
            b.put(&s, b.L.cdtParent, 5, UInt32(b.L.slots + 1))
            b.put(&s, b.L.cdtDescendants, 3, 0)
        },
        Corruption(.cdtLinks, "parent is an empty slot", .threeSandboxes, after: copiedEndpoint, alsoBreaks: [.cleanEmptySlots],
                   why: "cdtAcyclic forces the parent's descendant set to list the child, and an empty slot has none") { b, s in
            b.put(&s, b.L.cdtParent, 5, 8)                 // g7, empty
            b.put(&s, b.L.cdtDescendants, 3, 0)
            b.put(&s, b.L.cdtDescendants, 7, b.bit(5))
        },
        Corruption(.cdtLinks, "parent of another type (same object index)", .threeSandboxes, after: copiedEndpoint) { b, s in
            b.put(&s, b.L.cdtParent, 5, 5)                 // g4: notification 0, RW, unbadged
            b.put(&s, b.L.cdtDescendants, 3, 0)
            b.put(&s, b.L.cdtDescendants, 4, b.bit(5))
        },
        Corruption(.cdtLinks, "parent naming another object of the same type", .large) { b, s in
            b.put(&s, b.L.cdtParent, 6, 2)                 // g6 (ep0) now below g1 (ep1)
            b.put(&s, b.L.cdtDescendants, 0, 0)
            b.put(&s, b.L.cdtDescendants, 1, b.bit(6) | b.bit(18))
        },
        Corruption(.cdtLinks, "child with a right its parent lacks", .threeSandboxes, after: copiedEndpoint) { b, s in
            b.put(&s, b.L.capRights, 5, Rights.all.rawValue)
        },
        Corruption(.cdtLinks, "child of a badged capability with another badge", .large,
                   after: [.capCopy(3, src: 2, dst: 3, rights: W)]) { b, s in   // g15: child of g14 (badge 2)
            b.put(&s, b.L.capBadge, 15, 5)
        },
        Corruption(.cdtLinks, "child of a badged capability without its badge", .large,
                   after: [.capCopy(3, src: 2, dst: 3, rights: W)]) { b, s in
            b.put(&s, b.L.capBadge, 15, 0)
        },
    ]

    static let cdtAcyclicCases: [Corruption] = [
        // The ghost equations D[a] = ⋃ {c} ∪ D[c] hold here; only irreflexivity fails.
        Corruption(.cdtAcyclic, "two-slot parent cycle with matching descendant sets", .threeSandboxes, after: copiedEndpoint) { b, s in
            b.put(&s, b.L.cdtParent, 3, 6)                 // g3's parent is g5, g5's is g3
            b.put(&s, b.L.cdtDescendants, 3, b.bit(3) | b.bit(5))
            b.put(&s, b.L.cdtDescendants, 5, b.bit(3) | b.bit(5))
        },
        Corruption(.cdtAcyclic, "slot that is its own parent", .threeSandboxes, after: copiedEndpoint) { b, s in
            b.put(&s, b.L.cdtParent, 5, 6)
            b.put(&s, b.L.cdtDescendants, 5, b.bit(5))
            b.put(&s, b.L.cdtDescendants, 3, 0)
        },
        Corruption(.cdtAcyclic, "missing child bit", .threeSandboxes, after: copiedEndpoint) { b, s in
            b.put(&s, b.L.cdtDescendants, 3, 0)
        },
        Corruption(.cdtAcyclic, "extra bit for a non-descendant", .threeSandboxes, after: copiedEndpoint) { b, s in
            b.put(&s, b.L.cdtDescendants, 3, b.bit(5) | b.bit(4))
        },
        Corruption(.cdtAcyclic, "extra bit in a root of the initial state", .threeSandboxes) { b, s in
            b.put(&s, b.L.cdtDescendants, 0, b.bit(3))
        },
        Corruption(.cdtAcyclic, "grandchild missing from the grandparent's set", .large,
                   after: [.capCopy(3, src: 2, dst: 3, rights: W)]) { b, s in   // g4 -> g14 -> g15
            b.put(&s, b.L.cdtDescendants, 4, b.bit(14))
        },
        Corruption(.cdtAcyclic, "bit beyond the last slot", .threeSandboxes, after: copiedEndpoint) { b, s in
            let outside = b.bit(b.L.slots)
            b.put(&s, b.L.cdtDescendants, 5, outside)
            b.put(&s, b.L.cdtDescendants, 3, b.bit(5) | outside)
        },
    ]

    /// large after sandbox 1 copies its frame-2 capability with R only into slot 3 (g9) and maps it at its page 0, R.
    static let mappedReadOnlyCopy: [Call] = [.capCopy(2, src: 1, dst: 3, rights: R), .map(2, slot: 3, page: 0, rights: R)]

    static let mappingsCases: [Corruption] = [
        Corruption(.mappings, "unmapped page with a frame", .threeSandboxes) { b, s in
            b.put(&s, b.L.pteFrame, b.pg(1, 0), 1)
        },
        Corruption(.mappings, "unmapped page with rights", .threeSandboxes) { b, s in
            b.put(&s, b.L.pteRights, b.pg(1, 0), R.rawValue)
        },
        Corruption(.mappings, "backing slot beyond the capability space", .threeSandboxes) { b, s in
            b.put(&s, b.L.pteSlot, 0, UInt32(b.L.slotsPerSandbox + 1))
            b.put(&s, b.L.capMapping, 1, 0)
        },
        Corruption(.mappings, "backing slot holds an endpoint capability", .threeSandboxes) { b, s in
            b.put(&s, b.L.pteSlot, 0, 1)                   // slot 0: ep0; g1 still holds frame0 RW
            b.put(&s, b.L.capMapping, 1, 0)
        },
        Corruption(.mappings, "page maps another frame than its backing capability's", .large) { b, s in
            b.put(&s, b.L.pteFrame, 0, 2)                  // frame 1, which sandbox 0 also holds (g3, RW)
        },
        Corruption(.mappings, "backing capability does not record the mapping", .threeSandboxes) { b, s in
            b.put(&s, b.L.capMapping, 1, 0)
        },
        Corruption(.mappings, "mapping rights beyond the backing capability's", .large, after: mappedReadOnlyCopy) { b, s in
            b.put(&s, b.L.pteRights, b.pg(1, 0), RW.rawValue) // sandbox 1 still holds frame 2 with W (g7)
        },
        Corruption(.mappings, "mapping rights beyond RW", .threeSandboxes) { b, s in
            b.put(&s, b.L.pteRights, 0, Rights([.read, .grant]).rawValue)
        },
        Corruption(.mappings, "non-frame capability records a mapping", .threeSandboxes) { b, s in
            b.put(&s, b.L.capMapping, 0, 1)
        },
        Corruption(.mappings, "capability records a page beyond the address space", .large) { b, s in
            b.put(&s, b.L.capMapping, 3, UInt32(b.L.pagesPerSandbox + 1))
        },
        Corruption(.mappings, "second capability claims an already backed page", .large) { b, s in
            b.put(&s, b.L.capMapping, 3, 1)                // g3 (frame1) claims page 0, backed by g2
        },
    ]

    /// isolation follows from mappings: a mapped page's backing capability is
    /// a frame capability of the same sandbox, to the same frame, with the
    /// mapping's rights — exactly the witness isolation looks for. So no state
    /// breaks isolation without breaking mappings.
    static let isolationWhy = "isolation is implied by mappings (the backing capability is the witness)"

    static let isolationCases: [Corruption] = [
        Corruption(.isolation, "writable mapping while the sandbox holds the frame with R only", .threeSandboxes,
                   alsoBreaks: [.mappings], why: isolationWhy) { b, s in
            b.put(&s, b.L.capRights, 1, R.rawValue)
            b.put(&s, b.L.pteRights, 0, RW.rawValue)
        },
        Corruption(.isolation, "readable mapping of a frame the sandbox holds no capability to", .large,
                   alsoBreaks: [.mappings], why: isolationWhy) { b, s in
            b.put(&s, b.L.pteFrame, b.pg(1, 1), 1)         // frame 0: only sandbox 0 holds it
        },
        Corruption(.isolation, "mapping left behind by a deleted frame capability", .threeSandboxes,
                   alsoBreaks: [.mappings], why: isolationWhy) { b, s in
            for f in [b.L.capType, b.L.capObject, b.L.capRights, b.L.capMapping] { b.put(&s, f, 1, 0) }
        },
    ]

    /// large with sandbox 3 (t4, ep1 W) and then sandbox 2 (t3, ep1 RWG) blocked sending on endpoint 1.
    static let twoSenders: [Call] = [.send(4, ep: 0, msg: 1), .send(3, ep: 0, msg: 2)]
    /// default with t1 blocked receiving on endpoint 0.
    static let oneReceiver: [Call] = [.recv(1, ep: 0)]
    /// large after t0 called t2, which was waiting in recv: t0 is blockedReply(t2), t2 holds its reply capability.
    static let largeCallAnswered: [Call] = [.recv(2, ep: 0), .call(0, ep: 0, msg: 1)]

    static let queuesCases: [Corruption] = [
        Corruption(.queues, "duplicate entry", .large, after: twoSenders) { b, s in
            b.putEntry(&s, queue: 1, 2, 5)                 // [t4, t3, t4]
            b.put(&s, b.L.queueLength, 1, 3)
        },
        Corruption(.queues, "thread in two queues", .large, after: [.send(4, ep: 0, msg: 1)],
                   alsoBreaks: [.threadQueueSymmetry],
                   why: "a thread's object register names one queue, so an entry in another breaks symmetry") { b, s in
            b.putEntry(&s, queue: 0, 0, 5)
            b.put(&s, b.L.queueLength, 0, 1)
        },
        Corruption(.queues, "sender behind a receiver", .threeSandboxes, after: oneReceiver) { b, s in
            b.putThread(&s, 0, .blockedSend, object: 0)
            b.putEntry(&s, queue: 0, 1, 1)
            b.put(&s, b.L.queueLength, 0, 2)
        },
        Corruption(.queues, "receiver behind a sender", .threeSandboxes, after: [.send(0, ep: 0, msg: 7)]) { b, s in
            b.putThread(&s, 1, .blockedRecv, object: 0)
            b.putEntry(&s, queue: 0, 1, 2)
            b.put(&s, b.L.queueLength, 0, 2)
        },
        Corruption(.queues, "entry past the length", .threeSandboxes, after: oneReceiver, alsoBreaks: [.threadQueueSymmetry],
                   why: "a queue entry whose thread is not blocked on that queue also breaks threadQueueSymmetry") { b, s in
            b.putEntry(&s, queue: 0, 1, 1)
        },
        Corruption(.queues, "empty entry within the length", .threeSandboxes, after: oneReceiver) { b, s in
            b.put(&s, b.L.queueLength, 0, 2)
        },
        Corruption(.queues, "entry naming a nonexistent thread", .threeSandboxes, after: oneReceiver, alsoBreaks: [.threadQueueSymmetry],
                   why: "a queue entry whose thread is not blocked on that queue also breaks threadQueueSymmetry") { b, s in
            b.putEntry(&s, queue: 0, 1, UInt32(b.L.threads + 1))
            b.put(&s, b.L.queueLength, 0, 2)
        },
        // Every entry is a distinct receiver blocked on the endpoint: only `len <= T` fails.
        Corruption(.queues, "length beyond the number of threads", .tiny,
                   after: [.recv(0, ep: 0), .recv(1, ep: 0)]) { b, s in
            b.put(&s, b.L.queueLength, 0, UInt32(b.L.threads + 1))
        },
        Corruption(.queues, "running thread within an endpoint queue", .threeSandboxes, alsoBreaks: [.threadQueueSymmetry],
                   why: "a queue entry whose thread is not blocked on that queue also breaks threadQueueSymmetry") { b, s in
            b.putEntry(&s, queue: 0, 0, 1)
            b.put(&s, b.L.queueLength, 0, 1)
        },
        // t0 is blockedReply(t2), and 2 is also the index of notification 0's
        // queue: the object comparison alone would accept the entry, but a
        // thread in blockedReply is in no queue state.
        Corruption(.queues, "non-waiter in a notification queue", .large, after: largeCallAnswered, alsoBreaks: [.threadQueueSymmetry],
                   why: "a queue entry whose thread is not blocked on that queue also breaks threadQueueSymmetry") { b, s in
            b.putEntry(&s, queue: b.ntfnQueue(0), 0, 1)
            b.put(&s, b.L.queueLength, b.ntfnQueue(0), 1)
        },
    ]

    static let threadQueueSymmetryCases: [Corruption] = [
        Corruption(.threadQueueSymmetry, "queued on one endpoint, object register names another", .large,
                   after: [.recv(2, ep: 0)]) { b, s in
            b.put(&s, b.L.threadObject, 2, 1)
        },
        Corruption(.threadQueueSymmetry, "blocked sender in no queue", .threeSandboxes) { b, s in
            b.putThread(&s, 1, .blockedSend, object: 0)
        },
        Corruption(.threadQueueSymmetry, "blocked caller in no queue", .threeSandboxes) { b, s in
            b.putThread(&s, 1, .blockedCall, object: 0)
        },
        Corruption(.threadQueueSymmetry, "blocked waiter in no notification queue", .threeSandboxes) { b, s in
            b.putThread(&s, 1, .blockedNotify, object: 0)
        },
        Corruption(.threadQueueSymmetry, "receiver dequeued but still blocked", .threeSandboxes, after: oneReceiver) { b, s in
            b.putEntry(&s, queue: 0, 0, 0)
            b.put(&s, b.L.queueLength, 0, 0)
        },
        Corruption(.threadQueueSymmetry, "pending bits while a thread waits", .threeSandboxes, after: [.wait(1, ntfn: 1)]) { b, s in
            b.put(&s, b.L.notificationBits, 0, 1)
        },
    ]

    /// default after t1 received and t0 called it: t0 is blockedReply(t1), t1 holds t0's reply capability.
    static let callAnswered: [Call] = [.recv(1, ep: 0), .call(0, ep: 0, msg: 5)]
    /// As `callAnswered`, with t2 spawned first (running).
    static let callAnsweredWithT2: [Call] = [.spawn(0, slot: 2), .recv(1, ep: 0), .call(0, ep: 0, msg: 5)]

    static let repliesCases: [Corruption] = [
        Corruption(.replies, "server lost the reply capability of a waiting caller", .threeSandboxes, after: callAnswered) { b, s in
            b.put(&s, b.L.threadReply, 1, 0)
        },
        Corruption(.replies, "reply capability held by another thread than the caller's server", .threeSandboxes,
                   after: callAnsweredWithT2) { b, s in
            b.put(&s, b.L.threadReply, 1, 0)
            b.put(&s, b.L.threadReply, 2, 1)
        },
        Corruption(.replies, "two holders of one caller's reply capability", .threeSandboxes, after: callAnsweredWithT2) { b, s in
            b.put(&s, b.L.threadReply, 2, 1)
        },
        Corruption(.replies, "reply capability for a running thread", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadReply, 1, 1)
        },
        Corruption(.replies, "thread waiting for its own reply", .threeSandboxes) { b, s in
            b.putThread(&s, 0, .blockedReply, object: 0)
            b.put(&s, b.L.threadReply, 0, 1)
        },
        Corruption(.replies, "reply capability for a nonexistent thread", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadReply, 1, UInt32(b.L.threads + 1))
        },
        Corruption(.replies, "receiving thread holding a reply capability", .threeSandboxes, after: callAnswered) { b, s in
            b.putThread(&s, 1, .blockedRecv, object: 0)
            b.putEntry(&s, queue: 0, 0, 2)
            b.put(&s, b.L.queueLength, 0, 1)
        },
        Corruption(.replies, "inactive thread holding a reply capability", .threeSandboxes, after: callAnswered,
                   alsoBreaks: [.threadRegisters], why: "threadRegisters also requires an inactive thread's reply register to be zero") { b, s in
            b.putThread(&s, 1, .inactive)
            b.put(&s, b.L.threadMessage, 1, 0)
        },
        Corruption(.replies, "blockedReply on a nonexistent server", .threeSandboxes, alsoBreaks: [.threadRegisters],
                   why: "threadRegisters also requires a blockedReply object to be a thread") { b, s in
            b.putThread(&s, 0, .blockedReply, object: UInt32(b.L.threads + 4))
        },
    ]

    static let threadRegistersCases: [Corruption] = [
        Corruption(.threadRegisters, "state code beyond blockedNotify", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadState, 1, ThreadState.blockedNotify.rawValue + 1)
        },
        Corruption(.threadRegisters, "running thread with an object", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadObject, 1, 1)
        },
        Corruption(.threadRegisters, "sender blocked on a nonexistent endpoint", .threeSandboxes, alsoBreaks: [.threadQueueSymmetry],
                   why: "the thread must then sit in the queue its object names (here the notification's), which breaks symmetry or queues") { b, s in
            b.putThread(&s, 1, .blockedSend, object: UInt32(b.L.endpoints))
        },
        Corruption(.threadRegisters, "waiter on a nonexistent notification", .threeSandboxes, alsoBreaks: [.threadQueueSymmetry],
                   why: "there is no queue for it to sit in") { b, s in
            b.putThread(&s, 1, .blockedNotify, object: UInt32(b.L.notifications))
        },
        Corruption(.threadRegisters, "receive slot while running", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadRecvSlot, 1, 1)
        },
        Corruption(.threadRegisters, "receive slot beyond the capability space", .threeSandboxes,
                   after: [.recv(1, ep: 0, into: 2)]) { b, s in
            b.put(&s, b.L.threadRecvSlot, 1, UInt32(b.L.slotsPerSandbox + 1))
        },
        Corruption(.threadRegisters, "grant slot while running", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadGrant, 1, 1)
        },
        Corruption(.threadRegisters, "grant slot while receiving", .threeSandboxes, after: oneReceiver) { b, s in
            b.put(&s, b.L.threadGrant, 1, 1)
        },
        Corruption(.threadRegisters, "grant slot beyond the capability space", .threeSandboxes,
                   after: [.send(1, ep: 0, msg: 3)]) { b, s in
            b.put(&s, b.L.threadGrant, 1, UInt32(b.L.slotsPerSandbox + 1))
        },
        Corruption(.threadRegisters, "status that is neither ok nor peerExited", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadStatus, 1, SpecError.fault.rawValue)
        },
        Corruption(.threadRegisters, "inactive thread with a message", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadMessage, 2, 42)
        },
        Corruption(.threadRegisters, "inactive thread with a badge", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadBadge, 2, 1)
        },
        Corruption(.threadRegisters, "inactive thread with status peerExited", .threeSandboxes) { b, s in
            b.put(&s, b.L.threadStatus, 2, SpecError.peerExited.rawValue)
        },
        Corruption(.threadRegisters, "inactive thread holding a reply capability", .threeSandboxes, alsoBreaks: [.replies],
                   why: "replies forbids inactive holders too") { b, s in
            b.put(&s, b.L.threadReply, 2, 1)
        },
    ]

    static let corruptions: [Corruption] = typedCapsCases + cleanEmptySlotsCases + cdtLinksCases + cdtAcyclicCases
        + mappingsCases + isolationCases + queuesCases + threadQueueSymmetryCases + repliesCases + threadRegistersCases

    @Test(arguments: corruptions)
    func corruptionIsDetected(_ c: Corruption) {
        let b = Bench(c.config)
        let base = b.reach(c.calls)
        #expect(b.spec.invs(base), "the base state must be valid")
        var s = base
        c.mutate(b, &s)
        #expect(s != base, "the corruption must change a cell")
        #expect(b.spec.holds(c.target, s) == false, "\(c.target) missed: \(c.name)")
        #expect(b.spec.invs(s) == false)
        // Exactly the declared invariants break: the target has its own teeth
        // unless `alsoBreaks` says (and `why` explains) otherwise.
        #expect(b.broken(s) == c.alsoBreaks.union([c.target]), "\(c.why)")
        #expect(c.alsoBreaks.isEmpty || !c.why.isEmpty, "a corruption that breaks others must say why")
    }

    @Test(arguments: Invariant.allCases)
    func everyInvariantHasSeveralCorruptions(_ inv: Invariant) {
        let mine = Self.corruptions.filter { $0.target == inv }
        #expect(mine.count >= 3, "\(inv) has \(mine.count) corruptions")
        // Every invariant except isolation (implied by mappings) can be broken alone.
        if inv != .isolation {
            #expect(mine.contains { $0.alsoBreaks.isEmpty }, "\(inv) is never broken alone")
        }
    }

    /// A sanity check of the claim that isolation has no teeth of its own:
    /// every corrupted state of this suite that breaks isolation also breaks
    /// mappings.
    @Test func isolationNeverBreaksAlone() {
        for c in Self.corruptions {
            let b = Bench(c.config)
            var s = b.reach(c.calls)
            c.mutate(b, &s)
            if !b.spec.holds(.isolation, s) { #expect(!b.spec.holds(.mappings, s), "\(c.testDescription)") }
        }
    }

    // MARK: - Clauses that once had no teeth

    /// A thread woken (running, object 0) but left in endpoint 0's queue. An
    /// earlier threadQueueSymmetry compared only the entry's object register
    /// with the queue index; it now also requires a queue state, so both
    /// `queues` (kind clause) and threadQueueSymmetry catch it.
    @Test func wokenThreadLeftInQueueBreaksThreadQueueSymmetry() {
        let b = Bench(.threeSandboxes)
        var s = b.reach(Self.oneReceiver)
        b.putThread(&s, 1, .running)
        #expect(!b.spec.invs(s))
        #expect(b.broken(s) == [.queues, .threadQueueSymmetry])
    }

    // MARK: - Initial states

    @Test(arguments: Configuration.presetNames)
    func everyInvariantHoldsInitially(_ name: String) throws {
        let config = try #require(Configuration.preset(name))
        let spec = ConcreteSpec(config)
        let s = spec.initialState
        #expect(s.cells.count == spec.layout.cellCount)
        for inv in Invariant.allCases {
            #expect(spec.holds(inv, s), "\(name): \(inv) fails initially")
        }
        #expect(spec.invs(s))
    }

    // MARK: - Transition properties

    /// A step: the real one from `pre`, to be tampered with.
    struct Step {
        var pre: ConcreteMemory
        var call: Call
        var outcome: Outcome<UInt32>
        var post: ConcreteMemory
    }

    func realStep(_ b: Bench, after setup: [Call], _ call: Call, sourceLocation: SourceLocation = #_sourceLocation) -> Step {
        let pre = b.reach(setup, sourceLocation: sourceLocation)
        let (post, outcome) = b.spec.step(pre, call)
        return Step(pre: pre, call: call, outcome: outcome, post: post)
    }

    func holds(_ b: Bench, _ p: TransitionProperty, _ st: Step) -> Bool {
        b.spec.holds(p, pre: st.pre, call: st.call, outcome: st.outcome, post: st.post)
    }

    /// The untampered step satisfies every property and keeps `invs`.
    func expectClean(_ b: Bench, _ st: Step, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(b.brokenProperties(st.pre, st.call, st.outcome, st.post).isEmpty, "\(st.call)", sourceLocation: sourceLocation)
        #expect(b.spec.invs(st.post), sourceLocation: sourceLocation)
    }

    // failedCallChangesNothing

    @Test func failedCallThatChangesAnyCellIsCaught() {
        for config in [Configuration.tiny, .threeSandboxes, .large] {
            let b = Bench(config)
            // A running thread of sandbox 1 copies from its (empty) last slot: emptySlot.
            let t = config.threads.firstIndex { $0.sandbox == 1 && $0.running }!
            let st = realStep(b, after: [], .capCopy(t, src: b.L.slotsPerSandbox - 1, dst: 0, rights: Self.RW))
            #expect(st.outcome.error == .emptySlot)
            #expect(st.post == st.pre)
            expectClean(b, st)
            // Changing any single cell — of any table — is caught.
            for i in 0..<b.L.cellCount {
                var bad = st
                bad.post[i] &+= 1
                #expect(!holds(b, .failedCallChangesNothing, bad), "\(config.name): \(b.spec.cellName(i)) changed unnoticed")
            }
        }
    }

    @Test func failedCallOfNonRunningThreadThatActsIsCaught() {
        let b = Bench(.threeSandboxes)
        // t2 is inactive: its signal fails with threadNotRunning ...
        let st = realStep(b, after: [], .signal(2, ntfn: 0))
        #expect(st.outcome.error == .threadNotRunning)
        expectClean(b, st)
        // ... but a buggy kernel ORs the badge into the bits anyway.
        var bad = st
        b.put(&bad.post, b.L.notificationBits, 0, 1)
        #expect(!holds(b, .failedCallChangesNothing, bad))
    }

    @Test func successReportedAsFailureIsCaught() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .capCopy(1, src: 0, dst: 2, rights: Self.RW))
        #expect(st.outcome.succeeded)
        expectClean(b, st)
        // The kernel did the copy but reported slotOccupied.
        var bad = st
        bad.outcome = Outcome(code: SpecError.slotOccupied.rawValue, value: 0)
        #expect(!holds(b, .failedCallChangesNothing, bad))
        // Reported as blocked (a success code), the same change is not this property's business.
        bad.outcome = Outcome(code: OutcomeCode.blocked, value: 0)
        #expect(holds(b, .failedCallChangesNothing, bad))
    }

    // authorityConfinement

    @Test func capabilityAppearingWithoutIPCIsCaught() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .poll(1, ntfn: 1))
        #expect(st.outcome.succeeded)
        expectClean(b, st)
        // Sandbox 1's poll leaves a copy of sandbox 0's frame capability in its empty slot 2.
        var derived = st
        b.putCap(&derived.post, 5, .frame, object: 0, rights: Self.RW, parent: 1)
        #expect(!holds(b, .authorityConfinement, derived))
        // ... or in sandbox 2's empty slot 1, as a root.
        var rooted = st
        b.putCap(&rooted.post, 7, .frame, object: 0, rights: Self.R)
        #expect(!holds(b, .authorityConfinement, rooted))
    }

    @Test func legitimateCopyIsNotFlagged() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .capCopy(1, src: 0, dst: 2, rights: Self.R))
        #expect(st.outcome.succeeded)
        #expect(holds(b, .authorityConfinement, st))
        expectClean(b, st)
    }

    @Test func sendWithoutGrantThatTransfersIsCaught() {
        let b = Bench(.large)
        // t3 (sandbox 2) waits on endpoint 1 with receive slot 3; t4 (sandbox 3,
        // ep1 W without G) sends offering its notification-1 capability (slot 1).
        let st = realStep(b, after: [.recv(3, ep: 0, into: 3)], .send(4, ep: 0, msg: 9, grant: 1))
        #expect(st.outcome.code == OutcomeCode.ok)
        #expect(b.spec.capability(st.post, sandbox: 2, slot: 3).type == .empty, "no G: nothing transferred")
        expectClean(b, st)
        var bad = st
        b.putCap(&bad.post, b.g(2, 3), .notification, object: 1, rights: Self.W, badge: 4, parent: b.g(3, 1))
        #expect(!holds(b, .authorityConfinement, bad))
    }

    @Test func sendWithGrantTransfersOnlyFromTheSendersSandbox() {
        let b = Bench(.large)
        // t0 (sandbox 0, ep1 RWG) sends its frame-1 capability (slot 3) to t3.
        let st = realStep(b, after: [.recv(3, ep: 0, into: 3)], .send(0, ep: 1, msg: 1, grant: 3))
        let got = b.spec.capability(st.post, sandbox: 2, slot: 3)
        #expect(got.type == .frame && got.object == 1)
        expectClean(b, st)
        // The arriving capability derives from sandbox 1's frame-2 capability instead.
        var bad = st
        b.putCap(&bad.post, b.g(2, 3), .frame, object: 2, rights: Self.RW, parent: b.g(1, 1))
        #expect(!holds(b, .authorityConfinement, bad))
    }

    @Test func recvFromSenderThatOfferedNothingIsCaught() {
        let b = Bench(.large)
        // t4 (no G) blocks offering slot 1: the offer is not recorded.
        let st = realStep(b, after: [.send(4, ep: 0, msg: 9, grant: 1)], .recv(3, ep: 0, into: 3))
        #expect(st.outcome.code == OutcomeCode.ok)
        expectClean(b, st)
        var bad = st
        b.putCap(&bad.post, b.g(2, 3), .notification, object: 1, rights: Self.W, badge: 4, parent: b.g(3, 1))
        #expect(!holds(b, .authorityConfinement, bad))
    }

    @Test func recvFromSenderThatOfferedWithGrantIsNotFlagged() {
        let b = Bench(.large)
        let st = realStep(b, after: [.send(0, ep: 1, msg: 1, grant: 3)], .recv(3, ep: 0, into: 3))
        let got = b.spec.capability(st.post, sandbox: 2, slot: 3)
        #expect(got.type == .frame && got.object == 1)
        expectClean(b, st)
    }

    // integrity

    @Test func changingAnotherSandboxsRunningThreadIsCaught() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .load(0, page: 0))
        #expect(st.outcome.succeeded)
        expectClean(b, st)
        var message = st
        b.put(&message.post, b.L.threadMessage, 1, 99)
        #expect(!holds(b, .integrity, message))
        var killed = st
        b.put(&killed.post, b.L.threadState, 1, ThreadState.inactive.rawValue)
        #expect(!holds(b, .integrity, killed))
        // The caller's own thread is its own business.
        var own = st
        b.put(&own.post, b.L.threadMessage, 0, 99)
        #expect(holds(b, .integrity, own))
    }

    @Test func changingAnotherSandboxsCapabilityIsCaught() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .load(0, page: 0))
        // Sandbox 0's load downgrades sandbox 1's endpoint capability: no
        // authority is gained, so only integrity can see it.
        var bad = st
        b.put(&bad.post, b.L.capRights, 3, Self.R.rawValue)
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post) == [.integrity])
    }

    @Test func changingAnotherSandboxsPageTableIsCaught() {
        let b = Bench(.large)
        let st = realStep(b, after: [], .load(0, page: 0))
        expectClean(b, st)
        var protected = st
        b.put(&protected.post, b.L.pteRights, b.pg(1, 1), 0)
        #expect(!holds(b, .integrity, protected))
        var unmapped = st
        for f in [b.L.pteSlot, b.L.pteFrame, b.L.pteRights] { b.put(&unmapped.post, f, b.pg(1, 1), 0) }
        b.put(&unmapped.post, b.L.capMapping, b.g(1, 1), 0)
        #expect(!holds(b, .integrity, unmapped))
    }

    @Test func revokeThatDeletesANonDescendantIsCaught() {
        let b = Bench(.large)
        // Revoking g0 deletes g6 (sandbox 1's badged endpoint capability).
        let st = realStep(b, after: [], .capRevoke(0, slot: 0))
        #expect(b.spec.capability(st.post, sandbox: 1, slot: 0).type == .empty)
        expectClean(b, st)
        // ... and, wrongly, sandbox 1's frame capability g7 with its mapping.
        var bad = st
        for f in [b.L.capType, b.L.capObject, b.L.capRights, b.L.capMapping] { b.put(&bad.post, f, b.g(1, 1), 0) }
        for f in [b.L.pteSlot, b.L.pteFrame, b.L.pteRights] { b.put(&bad.post, f, b.pg(1, 1), 0) }
        #expect(b.spec.invs(bad.post))
        #expect(!holds(b, .integrity, bad))
    }

    @Test func revokeRemovingADescendantsMappingIsNotFlagged() {
        let b = Bench(.large)
        // Sandbox 0 grants its frame-1 capability to sandbox 2, which maps it; then sandbox 0 revokes.
        let st = realStep(b, after: [.recv(3, ep: 0, into: 3), .send(0, ep: 1, msg: 1, grant: 3),
                                     .map(3, slot: 3, page: 2, rights: Self.RW)], .capRevoke(0, slot: 3))
        #expect(b.spec.mapping(st.pre, sandbox: 2, page: 2) != nil)
        #expect(b.spec.mapping(st.post, sandbox: 2, page: 2) == nil)
        expectClean(b, st)
        // But deleting sandbox 2's own frame-3 capability (not a descendant) is not allowed.
        var bad = st
        for f in [b.L.capType, b.L.capObject, b.L.capRights] { b.put(&bad.post, f, b.g(2, 1), 0) }
        #expect(!holds(b, .integrity, bad))
    }

    @Test func deliveryIntoTheWrongSlotIsCaughtOnlyByIntegrity() {
        let b = Bench(.large)
        let st = realStep(b, after: [.recv(3, ep: 0, into: 3)], .send(0, ep: 1, msg: 1, grant: 3))
        expectClean(b, st)
        // The capability lands in slot 4 rather than the receive slot 3.
        var bad = st
        for f in [b.L.capType, b.L.capObject, b.L.capRights, b.L.capBadge, b.L.cdtParent] {
            b.put(&bad.post, f, b.g(2, 4), b.get(st.post, f, b.g(2, 3)))
            b.put(&bad.post, f, b.g(2, 3), 0)
        }
        b.put(&bad.post, b.L.cdtDescendants, b.g(0, 3), b.bit(b.g(2, 4)))
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post) == [.integrity])
    }

    @Test func spawnThatTouchesAnotherThreadIsCaught() {
        let b = Bench(.large)
        // t0 spawns t5 (sandbox 3); t4, running in sandbox 3, must not change.
        let st = realStep(b, after: [], .spawn(0, slot: 5))
        #expect(b.spec.threadState(st.post, 5) == .running)
        expectClean(b, st)
        var bad = st
        b.put(&bad.post, b.L.threadStatus, 4, SpecError.peerExited.rawValue)
        #expect(!holds(b, .integrity, bad))
    }

    @Test func deliveryToABlockedReceiverIsNotFlagged() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: Self.oneReceiver, .send(0, ep: 0, msg: 7))
        #expect(b.spec.threadState(st.post, 1) == .running)
        expectClean(b, st)
        // The receiver named no receive slot: its capabilities must not change.
        var bad = st
        b.put(&bad.post, b.L.capRights, 3, Self.R.rawValue)
        #expect(!holds(b, .integrity, bad))
    }

    // noRightsAmplification

    /// large after sandbox 1 keeps only an R copy of frame 2: it copies g7
    /// into slot 3 with R and deletes g7 (and its mapping). No sandbox holds
    /// frame 2 with W any more.
    static let frame2ReadOnly: [Call] = [.capCopy(2, src: 1, dst: 3, rights: Self.R), .capDelete(2, slot: 1)]

    @Test func copyAmplifyingBeyondEverySandboxIsCaught() {
        let b = Bench(.large)
        let st = realStep(b, after: Self.frame2ReadOnly, .capCopy(2, src: 3, dst: 4, rights: Self.RW))
        #expect(b.spec.capability(st.post, sandbox: 1, slot: 4).rights == Self.R)
        expectClean(b, st)
        // The copy keeps W that no sandbox holds any more. As a CDT child of
        // the R source it also breaks cdtLinks ...
        var bad = st
        b.put(&bad.post, b.L.capRights, b.g(1, 4), Self.RW.rawValue)
        // (callContract also sees that the copy's rights are not src ∩ mask).
        #expect(b.broken(bad.post) == [.cdtLinks])
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post) == [.noRightsAmplification, .callContract])
        // ... but a kernel that also makes it a CDT root leaves a valid state:
        // only the transition properties see the amplification.
        b.put(&bad.post, b.L.cdtParent, b.g(1, 4), 0)
        b.put(&bad.post, b.L.cdtDescendants, b.g(1, 3), 0)
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post) == [.noRightsAmplification, .callContract])
    }

    @Test func protectThatUpgradesTheBackingCapabilityIsCaught() {
        let b = Bench(.large)
        let st = realStep(b, after: Self.frame2ReadOnly + [.map(2, slot: 3, page: 0, rights: Self.R)],
                          .protect(2, page: 0, rights: Self.RW))
        #expect(st.outcome.error == .insufficientRights)
        expectClean(b, st)
        // The kernel upgrades the capability to make the protect succeed.
        var bad = st
        b.put(&bad.post, b.L.capRights, b.g(1, 3), Self.RW.rawValue)
        b.put(&bad.post, b.L.pteRights, b.pg(1, 0), Self.RW.rawValue)
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post) == [.failedCallChangesNothing, .noRightsAmplification])
        bad.outcome = Outcome(code: OutcomeCode.ok, value: 0)
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post) == [.noRightsAmplification])
    }

    @Test func rightNoSandboxHeldIsCaught() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .load(0, page: 0))
        // Sandbox 0's thread capability gains R (never held by anyone).
        var bad = st
        b.put(&bad.post, b.L.capRights, 2, Self.RW.rawValue)
        #expect(!holds(b, .noRightsAmplification, bad))
        // Sandbox 1 forges a capability to thread 0, which no sandbox held.
        var forged = st
        b.putCap(&forged.post, 5, .thread, object: 0, rights: Self.W)
        #expect(!holds(b, .noRightsAmplification, forged))
        #expect(!holds(b, .authorityConfinement, forged))
    }

    // MARK: - Tampering that an earlier version of the properties missed
    //
    // Each of these steps passed all four properties before they were
    // strengthened (in-place changes, frames, endpoint-bound delivery,
    // object-bound waking); each now breaks the property named.

    /// A sandbox raising the rights of a capability it already holds, in place
    /// (no derivation), up to what another sandbox holds: sandbox 1 turns its
    /// endpoint RW into RWG (sandbox 0's rights) during its own poll. Caught by
    /// noRightsAmplification's in-place clause.
    @Test func inPlaceRightsUpgradeIsCaught() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .poll(1, ntfn: 1))
        var bad = st
        b.put(&bad.post, b.L.capRights, 3, Rights.all.rawValue)
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post).contains(.noRightsAmplification))
    }

    /// A capability replaced in place by one to another object: sandbox 1's
    /// endpoint capability (g3) becomes a capability to frame 0 (held only by
    /// sandbox 0) during sandbox 1's own poll. Caught by authorityConfinement,
    /// which looks at every slot whose object changed, not only empty ones.
    @Test func inPlaceObjectSubstitutionIsCaught() {
        let b = Bench(.threeSandboxes)
        let st = realStep(b, after: [], .poll(1, ntfn: 1))
        #expect(st.outcome.succeeded)
        var bad = st
        b.putCap(&bad.post, 3, .frame, object: 0, rights: Self.RW)
        #expect(b.spec.invs(bad.post))
        #expect(!b.holdsAny(bad.pre, sandbox: 1, .frame, object: 0), "sandbox 1 held no frame-0 capability")
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post).contains(.authorityConfinement))
    }

    /// A store that writes the wrong frame: sandbox 0 stores through its page
    /// 0 (frame 0), and the kernel writes frame 3, which only sandbox 2 holds.
    /// Caught by integrity's frame clause (a frame changes only by a store
    /// through a W mapping of it).
    @Test func storeToAnotherSandboxsFrameIsCaught() {
        let b = Bench(.large)
        let st = realStep(b, after: [], .store(0, page: 0, value: 5))
        #expect(st.outcome.succeeded)
        expectClean(b, st)
        var bad = st
        b.put(&bad.post, b.L.frameValue, 0, 0)
        b.put(&bad.post, b.L.frameValue, 3, 5)
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post).contains(.integrity))
    }

    /// A badge rewritten in place: sandbox 3 turns its badge-3 endpoint-1
    /// capability into an unbadged one (so it could impersonate any client,
    /// and mint). Caught by noRightsAmplification's in-place clause.
    @Test func inPlaceBadgeForgeryIsCaught() {
        let b = Bench(.large)
        let st = realStep(b, after: [], .signal(4, ntfn: 1))
        #expect(st.outcome.succeeded)
        var bad = st
        b.put(&bad.post, b.L.capBadge, b.g(3, 0), 0)
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post).contains(.noRightsAmplification))
    }

    /// Misdelivery across endpoints: sandbox 0 sends with G on endpoint 1,
    /// where nobody waits (so it blocks), yet the offered capability appears
    /// in the receive slot of sandbox 1's thread, which waits on endpoint 0.
    /// Caught by integrity, which ties a delivered capability to the head
    /// receiver of the endpoint the sender used.
    @Test func transferToAReceiverOnAnotherEndpointIsCaught() {
        let b = Bench(.large)
        let st = realStep(b, after: [.recv(2, ep: 0, into: 3)], .send(0, ep: 1, msg: 1, grant: 3))
        #expect(st.outcome.blocked)
        expectClean(b, st)
        var bad = st
        b.putCap(&bad.post, b.g(1, 3), .frame, object: 1, rights: Self.RW, parent: b.g(0, 3))
        b.put(&bad.post, b.L.cdtDescendants, b.g(0, 3), b.bit(b.g(1, 3)))
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post).contains(.integrity))
    }

    /// A step by sandbox 3 (no capability to endpoint 0) signals its
    /// notification, and the kernel also completes sandbox 1's receive on
    /// endpoint 0 with a made-up message. Caught by integrity, which lets a
    /// step change another sandbox's blocked thread only if it waits on the
    /// object the call operates on.
    @Test func unrelatedStepWakingABlockedThreadIsCaught() {
        let b = Bench(.large)
        let st = realStep(b, after: [.recv(2, ep: 0)], .signal(4, ntfn: 1))
        #expect(st.outcome.succeeded)
        expectClean(b, st)
        var bad = st
        b.putThread(&bad.post, 2, .running)
        b.put(&bad.post, b.L.threadMessage, 2, 666)
        b.putEntry(&bad.post, queue: 0, 0, 0)
        b.put(&bad.post, b.L.queueLength, 0, 0)
        #expect(b.spec.invs(bad.post))
        #expect(b.brokenProperties(bad.pre, bad.call, bad.outcome, bad.post).contains(.integrity))
    }

    // MARK: - Names and statements

    /// Every invariant and transition property, as (kind, name, statement).
    static let named: [String] = Invariant.allCases.map { "invariant \($0.name)" }
        + TransitionProperty.allCases.map { "property \($0.name)" }

    static func lookup(_ entry: String) -> (name: String, description: String, statement: String) {
        let parts = entry.split(separator: " ", maxSplits: 1).map(String.init)
        if parts[0] == "invariant", let inv = Invariant(rawValue: parts[1]) {
            return (inv.name, inv.description, inv.statement)
        }
        let p = TransitionProperty(rawValue: parts[1])!
        return (p.name, p.description, p.statement)
    }

    @Test(arguments: named)
    func nameAndStatementAreWellFormed(_ entry: String) {
        let (name, description, statement) = Self.lookup(entry)
        #expect(!name.isEmpty)
        #expect(name == description)
        #expect(!name.contains(" "), "names are identifiers (used in obligation names)")
        #expect(statement.contains { !$0.isWhitespace })
        #expect(statement.count > 20, "a statement is a sentence")
        let allNames = Self.named.map { Self.lookup($0).name }
        let allStatements = Self.named.map { Self.lookup($0).statement }
        #expect(allNames.filter { $0 == name }.count == 1, "\(name) is not unique")
        #expect(allStatements.filter { $0 == statement }.count == 1, "statement of \(name) is not unique")
    }
}
