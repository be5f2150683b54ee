// Per-system-call tests of the executable specification.
//
// Every one of the 20 system calls is exercised on its success path(s) and on
// each error case its doc comment lists (in the listed order where two
// preconditions fail at once), plus the two checks every call starts with
// (`invalidThread`, `threadNotRunning`). Every step is checked for:
// - a failed call: the exact error, value 0, and a state identical to the old one;
// - a successful call: the exact outcome (ok / blocked, returned value), the
//   exact set of changed cells (`spec.difference`) where it is given, every
//   invariant (`invs`) and every transition property of the step.
//
// The small universes used here are built in this file (`Lab`), each
// validated with `Configuration.validate()`. Slot, page and queue numbers in
// the expected differences follow `Layout`: global slot = sandbox ×
// slotsPerSandbox + slot (so a descendant set is a mask of those bits), optional
// cells hold `x + 1`, endpoint `e` is queue `e` and notification `n` is queue
// `endpoints + n`.

import LiteBoxABI
import Testing
@testable import LiteBoxFormats
@testable import LiteBoxSpec

// MARK: - Building configurations compactly

/// A capability of an initial configuration: `cap(sandbox, slot, type, object, rights)`.
private func cap(_ sb: Int, _ slot: Int, _ type: CapType, _ object: Int, _ rights: Rights,
                 badge: UInt32 = 0, parent: (Int, Int)? = nil) -> Configuration.CapSpec {
    Configuration.CapSpec(at: .init(sandbox: sb, slot: slot), type: type, object: object, rights: rights,
                          badge: badge, parent: parent.map { .init(sandbox: $0.0, slot: $0.1) })
}

/// An initial mapping of `page` in sandbox `sb`, backed by `slot` of the same sandbox.
private func mapped(_ sb: Int, page: Int, slot: Int, _ rights: Rights) -> Configuration.MappingSpec {
    Configuration.MappingSpec(sandbox: sb, page: page, slot: slot, rights: rights)
}

/// A configuration in one expression. `threads` lists each thread's sandbox
/// and whether it starts running.
private func universe(_ name: String, sandboxes: Int, slots: Int, pages: Int,
                      endpoints: Int = 0, notifications: Int = 0, frames: Int = 0,
                      threads: [(sandbox: Int, running: Bool)],
                      caps: [Configuration.CapSpec], mappings: [Configuration.MappingSpec] = [],
                      frameValues: [UInt32] = []) -> Configuration {
    Configuration(name: name, sandboxes: sandboxes, slotsPerSandbox: slots, pagesPerSandbox: pages,
                  endpoints: endpoints, notifications: notifications, frames: frames,
                  threads: threads.map { .init(sandbox: $0.sandbox, running: $0.running) },
                  capabilities: caps, mappings: mappings, frameValues: frameValues)
}

/// The universes of these tests.
private enum Lab {
    /// Capabilities and the CDT. 2 sandboxes × 6 slots (global slot of
    /// (1, s) is 6 + s), 2 pages, 2 endpoints, 1 notification, 2 frames.
    /// t0 (sandbox 0) and t1 (sandbox 1) run; t2 (sandbox 0) is inactive.
    ///
    ///     (0,0) ep1 RWG                       descendants {(0,3), (1,0), (1,1)} = 200
    ///     (0,1) frame1 RW, backs page 1 (R)
    ///     (0,2) ntfn0 RW
    ///     (0,3) ep1 RW badge 5   <- (0,0)     descendants {(1,1)} = 128
    ///     (0,4), (0,5) empty
    ///     (1,0) ep1 R            <- (0,0)
    ///     (1,1) ep1 W badge 5    <- (0,3)
    static let caps = universe(
        "syscall-caps", sandboxes: 2, slots: 6, pages: 2, endpoints: 2, notifications: 1, frames: 2,
        threads: [(0, true), (1, true), (0, false)],
        caps: [
            cap(0, 0, .endpoint, 1, .all),
            cap(0, 1, .frame, 1, [.read, .write]),
            cap(0, 2, .notification, 0, [.read, .write]),
            cap(0, 3, .endpoint, 1, [.read, .write], badge: 5, parent: (0, 0)),
            cap(1, 0, .endpoint, 1, [.read], parent: (0, 0)),
            cap(1, 1, .endpoint, 1, [.write], badge: 5, parent: (0, 3)),
        ],
        mappings: [mapped(0, page: 1, slot: 1, [.read])])

    /// Address spaces. 2 sandboxes × 5 slots, 3 pages each, frames 0 and 1
    /// holding 11 and 22. t0 (sandbox 0) and t1 (sandbox 1) run; t2 (sandbox 0) is inactive.
    ///
    ///     (0,0) frame0 RW, backs page 0 (RW)   descendants {(0,3)} = 8
    ///     (0,1) frame1 R
    ///     (0,2) ntfn0 RW
    ///     (0,3) frame0 W <- (0,0), backs page 2 (W)
    ///     (0,4) empty
    ///     (1,0) frame0 R, backs page 0 of sandbox 1 (R)
    ///     (1,1) frame1 RW
    static let memory = universe(
        "syscall-memory", sandboxes: 2, slots: 5, pages: 3, notifications: 1, frames: 2,
        threads: [(0, true), (1, true), (0, false)],
        caps: [
            cap(0, 0, .frame, 0, [.read, .write]),
            cap(0, 1, .frame, 1, [.read]),
            cap(0, 2, .notification, 0, [.read, .write]),
            cap(0, 3, .frame, 0, [.write], parent: (0, 0)),
            cap(1, 0, .frame, 0, [.read]),
            cap(1, 1, .frame, 1, [.read, .write]),
        ],
        mappings: [mapped(0, page: 0, slot: 0, [.read, .write]), mapped(0, page: 2, slot: 3, [.write]),
                   mapped(1, page: 0, slot: 0, [.read])],
        frameValues: [11, 22])

    /// Endpoints. 3 sandboxes × 5 slots (global slot of (1, s) is 5 + s), 1
    /// page each, 2 endpoints, 1 notification (queue 2), 1 frame.
    /// t0, t2 in sandbox 0 (clients), t1 in sandbox 1 (server), t3 in sandbox 2
    /// run; t4 (sandbox 1) is inactive.
    ///
    ///     (0,0) ep0 RWG                    descendants {(0,2)} = 4
    ///     (0,1) frame0 RW, backs page 0 (RW)
    ///     (0,2) ep0 W badge 7 <- (0,0)     (no G)
    ///     (0,3) ntfn0 RW
    ///     (0,4) empty
    ///     (1,0) ep0 RW
    ///     (1,1) ep1 R
    ///     (1,2) ntfn0 RW
    ///     (1,3), (1,4) empty (receive slots)
    ///     (2,0) ep0 RW
    static let ipc = universe(
        "syscall-ipc", sandboxes: 3, slots: 5, pages: 1, endpoints: 2, notifications: 1, frames: 1,
        threads: [(0, true), (1, true), (0, true), (2, true), (1, false)],
        caps: [
            cap(0, 0, .endpoint, 0, .all),
            cap(0, 1, .frame, 0, [.read, .write]),
            cap(0, 2, .endpoint, 0, [.write], badge: 7, parent: (0, 0)),
            cap(0, 3, .notification, 0, [.read, .write]),
            cap(1, 0, .endpoint, 0, [.read, .write]),
            cap(1, 1, .endpoint, 1, [.read]),
            cap(1, 2, .notification, 0, [.read, .write]),
            cap(2, 0, .endpoint, 0, [.read, .write]),
        ],
        mappings: [mapped(0, page: 0, slot: 1, [.read, .write])])

    /// Notifications. 3 sandboxes × 4 slots, 1 endpoint (queue 0), 2
    /// notifications (queues 1 and 2), 1 frame. t0 (sandbox 0), t1 and t3
    /// (sandbox 1), t2 (sandbox 2) run.
    ///
    ///     (0,0) ntfn0 RW
    ///     (0,1) ntfn0 W badge 1 <- (0,0)
    ///     (0,2) ntfn0 W badge 4 <- (0,0)
    ///     (0,3) ep0 RW
    ///     (1,0) ntfn0 R <- (0,0)
    ///     (1,1) ntfn1 RW
    ///     (1,2) frame0 R
    ///     (1,3) empty
    ///     (2,0) ntfn0 W badge 2 <- (0,0)
    static let notifications = universe(
        "syscall-ntfn", sandboxes: 3, slots: 4, pages: 1, endpoints: 1, notifications: 2, frames: 1,
        threads: [(0, true), (1, true), (2, true), (1, true)],
        caps: [
            cap(0, 0, .notification, 0, [.read, .write]),
            cap(0, 1, .notification, 0, [.write], badge: 1, parent: (0, 0)),
            cap(0, 2, .notification, 0, [.write], badge: 4, parent: (0, 0)),
            cap(0, 3, .endpoint, 0, [.read, .write]),
            cap(1, 0, .notification, 0, [.read], parent: (0, 0)),
            cap(1, 1, .notification, 1, [.read, .write]),
            cap(1, 2, .frame, 0, [.read]),
            cap(2, 0, .notification, 0, [.write], badge: 2, parent: (0, 0)),
        ])

    /// Threads. 2 sandboxes × 5 slots, 1 endpoint, 1 frame. t0 (sandbox 0)
    /// and t3 (sandbox 1) run; t1 (sandbox 1) and t2 (sandbox 0) are inactive.
    ///
    ///     (0,0) thread1 W
    ///     (0,1) thread2 (no rights)
    ///     (0,2) thread0 W (itself)
    ///     (0,3) frame0 RW
    ///     (0,4) empty
    ///     (1,0) ep0 RW
    ///     (1,1) thread3 W (itself)
    static let threads = universe(
        "syscall-threads", sandboxes: 2, slots: 5, pages: 1, endpoints: 1, frames: 1,
        threads: [(0, true), (1, false), (0, false), (1, true)],
        caps: [
            cap(0, 0, .thread, 1, [.write]),
            cap(0, 1, .thread, 2, []),
            cap(0, 2, .thread, 0, [.write]),
            cap(0, 3, .frame, 0, [.read, .write]),
            cap(1, 0, .endpoint, 0, [.read, .write]),
            cap(1, 1, .thread, 3, [.write]),
        ])

    static let all: [Configuration] = [caps, memory, ipc, notifications, threads]
}

// MARK: - Expected differences

/// Raw words of thread states, for expected differences.
private enum TS {
    static let inactive = ThreadState.inactive.rawValue
    static let running = ThreadState.running.rawValue
    static let send = ThreadState.blockedSend.rawValue
    static let call = ThreadState.blockedCall.rawValue
    static let recv = ThreadState.blockedRecv.rawValue
    static let reply = ThreadState.blockedReply.rawValue
    static let notify = ThreadState.blockedNotify.rawValue
}

/// One changed cell, as `ConcreteSpec.difference` prints it.
private enum Cell {
    /// A per-slot table (`capType`, `cdtParent`, ...).
    static func slot(_ table: String, _ sb: Int, _ slot: Int, _ old: UInt32, _ new: UInt32) -> String {
        "\(table)[sandbox \(sb) slot \(slot)]: \(old) -> \(new)"
    }
    /// A per-page table (`pteSlot`, `pteFrame`, `pteRights`).
    static func page(_ table: String, _ sb: Int, _ page: Int, _ old: UInt32, _ new: UInt32) -> String {
        "\(table)[sandbox \(sb) page \(page)]: \(old) -> \(new)"
    }
    /// A per-thread register (`threadState`, `threadMessage`, ...).
    static func thread(_ table: String, _ t: Int, _ old: UInt32, _ new: UInt32) -> String {
        "\(table)[t\(t)]: \(old) -> \(new)"
    }
    /// An entry of a queue.
    static func queue(_ q: Int, _ position: Int, _ old: UInt32, _ new: UInt32) -> String {
        "queueEntry[queue \(q) position \(position)]: \(old) -> \(new)"
    }
    /// Any other table, indexed plainly (`queueLength`, `notificationBits`, `frameValue`).
    static func plain(_ table: String, _ i: Int, _ old: UInt32, _ new: UInt32) -> String {
        "\(table)[\(i)]: \(old) -> \(new)"
    }

    /// The lines of an empty slot receiving a capability (zero fields do not change).
    static func filled(_ sb: Int, _ slot: Int, _ type: CapType, object: UInt32, rights: Rights, badge: UInt32 = 0,
                       parent: UInt32 = 0, descendants: UInt32 = 0, mapping: UInt32 = 0) -> [String] {
        let fields: [(String, UInt32)] = [("capType", type.rawValue), ("capObject", object),
                                          ("capRights", rights.rawValue), ("capBadge", badge),
                                          ("cdtParent", parent), ("cdtDescendants", descendants),
                                          ("capMapping", mapping)]
        return fields.filter { $0.1 != 0 }.map { Cell.slot($0.0, sb, slot, 0, $0.1) }
    }

    /// The lines of a slot holding a capability becoming empty.
    static func emptied(_ sb: Int, _ slot: Int, _ type: CapType, object: UInt32, rights: Rights, badge: UInt32 = 0,
                        parent: UInt32 = 0, descendants: UInt32 = 0, mapping: UInt32 = 0) -> [String] {
        let fields: [(String, UInt32)] = [("capType", type.rawValue), ("capObject", object),
                                          ("capRights", rights.rawValue), ("capBadge", badge),
                                          ("cdtParent", parent), ("cdtDescendants", descendants),
                                          ("capMapping", mapping)]
        return fields.filter { $0.1 != 0 }.map { Cell.slot($0.0, sb, slot, $0.1, 0) }
    }

    /// The lines of a mapping at `page` of `sb` being removed.
    static func unmapped(_ sb: Int, page: Int, slot: Int, frame: Int, rights: Rights) -> [String] {
        [Cell.page("pteSlot", sb, page, UInt32(slot + 1), 0), Cell.page("pteFrame", sb, page, UInt32(frame + 1), 0),
         Cell.page("pteRights", sb, page, rights.rawValue, 0)].filter { !$0.hasSuffix(": 0 -> 0") }
    }
}

// MARK: - The bench

/// A specification and a current state, stepped by calls that must succeed
/// (`ok`) or must fail (`fails`), each checked as described at the top of the file.
private struct Bench {
    let spec: ConcreteSpec
    var state: ConcreteMemory

    init(_ config: Configuration, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try config.validate()
        spec = ConcreteSpec(config)
        state = spec.initialState
        #expect(spec.invs(state), sourceLocation: sourceLocation)
    }

    /// Steps `call`, which must succeed with `value` (blocked iff `blocks`),
    /// keep every invariant and transition property, and, if `changes` is
    /// given, change exactly those cells. Returns the changes.
    @discardableResult
    mutating func ok(_ call: Call, returns value: UInt32 = 0, blocks: Bool = false, changes: [String]? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let old = state
        let (new, outcome) = spec.step(old, call)
        #expect(outcome.error == nil, "\(call) -> \(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.code == (blocks ? OutcomeCode.blocked : OutcomeCode.ok), "\(call) -> \(outcome)",
                sourceLocation: sourceLocation)
        #expect(outcome.value == value, "\(call) -> \(outcome)", sourceLocation: sourceLocation)
        let broken = Invariant.allCases.filter { !spec.holds($0, new) }.map(\.name)
        #expect(broken.isEmpty, "\(call) broke \(broken)\n\(spec.render(new))", sourceLocation: sourceLocation)
        #expect(spec.invs(new), "\(call)", sourceLocation: sourceLocation)
        let violated = TransitionProperty.allCases
            .filter { !spec.holds($0, pre: old, call: call, outcome: outcome, post: new) }.map(\.name)
        #expect(violated.isEmpty, "\(call) violated \(violated)", sourceLocation: sourceLocation)
        let diff = spec.difference(old, new)
        if let changes {
            #expect(diff.sorted() == changes.sorted(), "\(call)", sourceLocation: sourceLocation)
        }
        state = new
        return diff
    }

    /// Steps `call`, which must fail with `error`, return 0 and leave the state unchanged.
    func fails(_ call: Call, _ error: SpecError, sourceLocation: SourceLocation = #_sourceLocation) {
        let (new, outcome) = spec.step(state, call)
        #expect(outcome.error == error, "\(call) -> \(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.code == error.rawValue && outcome.value == 0, "\(call) -> \(outcome)",
                sourceLocation: sourceLocation)
        #expect(!outcome.succeeded && !outcome.blocked, sourceLocation: sourceLocation)
        #expect(new == state, "\(call) changed \(spec.difference(state, new))", sourceLocation: sourceLocation)
        #expect(spec.holds(.failedCallChangesNothing, pre: state, call: call, outcome: outcome, post: new),
                sourceLocation: sourceLocation)
    }

    /// The capability in `slot` of `sb`.
    func cap(_ sb: Int, _ slot: Int) -> (type: CapType, object: Int, rights: Rights, badge: UInt32) {
        spec.capability(state, sandbox: sb, slot: slot)
    }
    /// The CDT parent of `slot` of `sb`, as a pair.
    func parent(_ sb: Int, _ slot: Int) -> [Int]? {
        spec.parent(state, sandbox: sb, slot: slot).map { [$0.sandbox, $0.slot] }
    }
    /// The mapping at `page` of `sb`, as (slot, frame, rights).
    func mapping(_ sb: Int, _ page: Int) -> (slot: Int, frame: Int, rights: Rights)? {
        spec.mapping(state, sandbox: sb, page: page)
    }
    func thread(_ t: Int) -> ThreadState { spec.threadState(state, t) }
    func queue(_ q: Int) -> [Int] { spec.queue(state, q) }
    /// A raw register cell of thread `t`.
    func register(_ field: KeyPath<Layout, Field>, _ t: Int) -> UInt32 { state[spec.layout[keyPath: field].base + t] }
}

/// Whether a capability view equals the given one.
private func same(_ c: (type: CapType, object: Int, rights: Rights, badge: UInt32),
                  _ type: CapType, _ object: Int, _ rights: Rights, badge: UInt32 = 0) -> Bool {
    c.type == type && c.object == object && c.rights == rights && c.badge == badge
}

private let R: Rights = .read
private let W: Rights = .write
private let RW: Rights = [.read, .write]

// MARK: - The tests

/// Every system call's success paths and error cases, one nested suite per call.
@Suite("System calls")
struct SyscallTests {}

extension SyscallTests {
    // MARK: - Universes and the common checks

    @Suite("universes and common checks")
    struct SyscallCommonTests {
        @Test("every test universe is a valid configuration satisfying invs")
        func universesAreValid() throws {
            for config in Lab.all {
                try config.validate()
                let spec = ConcreteSpec(config)
                #expect(spec.invs(spec.initialState), "\(config.name)")
            }
        }

        @Test("every call by an out-of-range thread fails with invalidThread and changes nothing",
              arguments: Syscall.allCases)
        func invalidThread(_ syscall: Syscall) throws {
            let b = try Bench(Lab.ipc)
            b.fails(Call(thread: 5, syscall: syscall, 0, 1, 0, 0), .invalidThread)
            b.fails(Call(thread: 1000, syscall: syscall, 0, 0, 0, 0), .invalidThread)
            // invalidThread comes before every other check (slot 99 is invalid too).
            b.fails(Call(thread: UInt32.max, syscall: syscall, 99, 99, 99, 0), .invalidThread)
        }

        @Test("every call by an inactive or blocked thread fails with threadNotRunning and changes nothing",
              arguments: Syscall.allCases)
        func threadNotRunning(_ syscall: Syscall) throws {
            var b = try Bench(Lab.ipc)
            // t4 is inactive.
            b.fails(Call(thread: 4, syscall: syscall, 0, 1, 0, 0), .threadNotRunning)
            // threadNotRunning comes before the argument checks.
            b.fails(Call(thread: 4, syscall: syscall, 99, 99, 99, 0), .threadNotRunning)
            // t1 blocked in recv, t0 blocked in send, t2 blocked in call.
            b.ok(.recv(1, ep: 1), blocks: true)
            b.ok(.send(0, ep: 0, msg: 1), blocks: true)
            b.ok(.call(2, ep: 2, msg: 2), blocks: true)
            #expect(b.thread(1) == .blockedRecv && b.thread(0) == .blockedSend && b.thread(2) == .blockedCall)
            for t in [0, 1, 2] {
                b.fails(Call(thread: UInt32(t), syscall: syscall, 0, 1, 0, 0), .threadNotRunning)
            }
        }
    }

    // MARK: - cap_copy

    @Suite("cap_copy")
    struct CapCopyTests {
        @Test("copies with rights src ∩ mask, same object and badge, as a CDT child of src")
        func copy() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capCopy(0, src: 0, dst: 4, rights: [.read, .grant]), changes:
                Cell.filled(0, 4, .endpoint, object: 1, rights: [.read, .grant], parent: 1)
                + [Cell.slot("cdtDescendants", 0, 0, 200, 216)])
            #expect(same(b.cap(0, 4), .endpoint, 1, [.read, .grant]))
            #expect(b.parent(0, 4) == [0, 0])
            #expect(b.mapping(0, 0) == nil)
        }

        @Test("rights are never amplified and the badge is inherited; every ancestor gains the copy")
        func copyBadgedNoAmplification() throws {
            var b = try Bench(Lab.caps)
            // (0,3) is RW badge 5: asking for RWG gives RW.
            b.ok(.capCopy(0, src: 3, dst: 5, rights: .all), changes:
                Cell.filled(0, 5, .endpoint, object: 1, rights: RW, badge: 5, parent: 4)
                + [Cell.slot("cdtDescendants", 0, 3, 128, 160), Cell.slot("cdtDescendants", 0, 0, 200, 232)])
            #expect(same(b.cap(0, 5), .endpoint, 1, RW, badge: 5))
            // t1 copies its (1,1), a grandchild of (0,0): ancestors in sandbox 0 gain the copy (global slot 8).
            b.ok(.capCopy(1, src: 1, dst: 2, rights: R), changes:
                Cell.filled(1, 2, .endpoint, object: 1, rights: [], badge: 5, parent: 8)
                + [Cell.slot("cdtDescendants", 1, 1, 0, 256), Cell.slot("cdtDescendants", 0, 3, 160, 416),
                   Cell.slot("cdtDescendants", 0, 0, 232, 488)])
            #expect(same(b.cap(1, 2), .endpoint, 1, [], badge: 5))
            #expect(b.parent(1, 2) == [1, 1])
        }

        @Test("a copy of a frame capability backs no mapping")
        func copyFrame() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capCopy(0, src: 1, dst: 4, rights: R), changes:
                Cell.filled(0, 4, .frame, object: 1, rights: R, parent: 2) + [Cell.slot("cdtDescendants", 0, 1, 0, 16)])
            #expect(b.mapping(0, 1)?.slot == 1)
            // The copy is free to back a mapping of its own.
            b.ok(.map(0, slot: 4, page: 0, rights: R))
            #expect(b.mapping(0, 0)?.slot == 4 && b.mapping(0, 0)?.frame == 1)
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.caps)
            // 1. invalidSlot
            b.fails(.capCopy(0, src: 6, dst: 4, rights: .all), .invalidSlot)
            b.fails(.capCopy(0, src: 0, dst: 6, rights: .all), .invalidSlot)
            b.fails(.capCopy(0, src: 6, dst: 4, rights: Rights(rawValue: 8)), .invalidSlot)
            // 2. invalidArgument
            b.fails(.capCopy(0, src: 0, dst: 4, rights: Rights(rawValue: 8)), .invalidArgument)
            b.fails(.capCopy(0, src: 4, dst: 5, rights: Rights(rawValue: 9)), .invalidArgument)
            // 3. emptySlot
            b.fails(.capCopy(0, src: 4, dst: 5, rights: .all), .emptySlot)
            b.fails(.capCopy(0, src: 4, dst: 0, rights: .all), .emptySlot)
            // 4. slotOccupied
            b.fails(.capCopy(0, src: 0, dst: 2, rights: .all), .slotOccupied)
            b.fails(.capCopy(0, src: 0, dst: 0, rights: .all), .slotOccupied)
            // Slots are the caller's own: for t1, slot 0 holds sandbox 1's capability and slot 3 is empty.
            b.fails(.capCopy(1, src: 1, dst: 0, rights: .all), .slotOccupied)
            b.fails(.capCopy(1, src: 3, dst: 4, rights: .all), .emptySlot)
            // Common checks.
            b.fails(.capCopy(3, src: 0, dst: 4, rights: .all), .invalidThread)
            b.fails(.capCopy(2, src: 0, dst: 4, rights: .all), .threadNotRunning)
        }
    }

    // MARK: - cap_mint

    @Suite("cap_mint")
    struct CapMintTests {
        @Test("mints an unbadged endpoint capability with a badge and rights src ∩ mask")
        func mintEndpoint() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capMint(0, src: 0, dst: 4, rights: W, badge: 9), changes:
                Cell.filled(0, 4, .endpoint, object: 1, rights: W, badge: 9, parent: 1)
                + [Cell.slot("cdtDescendants", 0, 0, 200, 216)])
            #expect(same(b.cap(0, 4), .endpoint, 1, W, badge: 9))
            #expect(b.parent(0, 4) == [0, 0])
        }

        @Test("mints a notification capability")
        func mintNotification() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capMint(0, src: 2, dst: 4, rights: .all, badge: 3), changes:
                Cell.filled(0, 4, .notification, object: 0, rights: RW, badge: 3, parent: 3)
                + [Cell.slot("cdtDescendants", 0, 2, 0, 16)])
            #expect(same(b.cap(0, 4), .notification, 0, RW, badge: 3))
        }

        @Test("mint in another sandbox: rights never grow; all ancestors (across sandboxes) gain the child")
        func mintInOtherSandbox() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capMint(1, src: 0, dst: 2, rights: .all, badge: 4), changes:
                Cell.filled(1, 2, .endpoint, object: 1, rights: R, badge: 4, parent: 7)
                + [Cell.slot("cdtDescendants", 1, 0, 0, 256), Cell.slot("cdtDescendants", 0, 0, 200, 456)])
            #expect(same(b.cap(1, 2), .endpoint, 1, R, badge: 4))
        }

        @Test("badge rules: a badged capability can be copied (keeping the badge) but not minted")
        func badgeRules() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capMint(0, src: 0, dst: 4, rights: .all, badge: 9))
            b.fails(.capMint(0, src: 4, dst: 5, rights: .all, badge: 10), .alreadyBadged)
            b.ok(.capCopy(0, src: 4, dst: 5, rights: RW))
            #expect(same(b.cap(0, 5), .endpoint, 1, RW, badge: 9))
            b.fails(.capMint(0, src: 5, dst: 4, rights: .all, badge: 10), .alreadyBadged)
            // Deleting the badged parent re-parents the copy to (0,0); the copy keeps its badge.
            b.ok(.capDelete(0, slot: 4))
            #expect(b.parent(0, 5) == [0, 0] && b.cap(0, 5).badge == 9)
            b.fails(.capMint(0, src: 5, dst: 4, rights: .all, badge: 10), .alreadyBadged)
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.caps)
            // 1. invalidSlot
            b.fails(.capMint(0, src: 6, dst: 4, rights: .all, badge: 1), .invalidSlot)
            b.fails(.capMint(0, src: 0, dst: 7, rights: .all, badge: 1), .invalidSlot)
            b.fails(.capMint(0, src: 6, dst: 4, rights: .all, badge: 0), .invalidSlot)
            // 2. invalidArgument: bad rights bits, or badge 0
            b.fails(.capMint(0, src: 0, dst: 4, rights: Rights(rawValue: 8), badge: 1), .invalidArgument)
            b.fails(.capMint(0, src: 0, dst: 4, rights: .all, badge: 0), .invalidArgument)
            b.fails(.capMint(0, src: 4, dst: 2, rights: .all, badge: 0), .invalidArgument)
            // 3. emptySlot
            b.fails(.capMint(0, src: 4, dst: 5, rights: .all, badge: 1), .emptySlot)
            b.fails(.capMint(0, src: 5, dst: 2, rights: .all, badge: 1), .emptySlot)
            // 4. wrongType (a frame)
            b.fails(.capMint(0, src: 1, dst: 4, rights: .all, badge: 1), .wrongType)
            b.fails(.capMint(0, src: 1, dst: 2, rights: .all, badge: 1), .wrongType)
            // 5. alreadyBadged
            b.fails(.capMint(0, src: 3, dst: 4, rights: .all, badge: 1), .alreadyBadged)
            b.fails(.capMint(0, src: 3, dst: 2, rights: .all, badge: 1), .alreadyBadged)
            b.fails(.capMint(1, src: 1, dst: 2, rights: .all, badge: 6), .alreadyBadged)
            // 6. slotOccupied
            b.fails(.capMint(0, src: 0, dst: 2, rights: .all, badge: 1), .slotOccupied)
            b.fails(.capMint(0, src: 2, dst: 2, rights: .all, badge: 1), .slotOccupied)
            // Common checks.
            b.fails(.capMint(3, src: 0, dst: 4, rights: .all, badge: 1), .invalidThread)
            b.fails(.capMint(2, src: 0, dst: 4, rights: .all, badge: 1), .threadNotRunning)
        }
    }

    // MARK: - cap_move

    @Suite("cap_move")
    struct CapMoveTests {
        @Test("moves the capability with its CDT position: parent, children and ancestors' descendant sets")
        func moveCarriesCDT() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capMove(0, src: 3, dst: 5), changes:
                Cell.emptied(0, 3, .endpoint, object: 1, rights: RW, badge: 5, parent: 1, descendants: 128)
                + Cell.filled(0, 5, .endpoint, object: 1, rights: RW, badge: 5, parent: 1, descendants: 128)
                + [Cell.slot("cdtParent", 1, 1, 4, 6), Cell.slot("cdtDescendants", 0, 0, 200, 224)])
            #expect(b.cap(0, 3).type == .empty && b.parent(0, 3) == nil)
            #expect(same(b.cap(0, 5), .endpoint, 1, RW, badge: 5))
            #expect(b.parent(0, 5) == [0, 0])
            #expect(b.parent(1, 1) == [0, 5])
            // The moved capability is still revocable as a subtree.
            b.ok(.capRevoke(0, slot: 5))
            #expect(b.cap(1, 1).type == .empty)
        }

        @Test("moves the mapping a frame capability backs")
        func moveCarriesMapping() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capMove(0, src: 1, dst: 4), changes:
                Cell.emptied(0, 1, .frame, object: 1, rights: RW, mapping: 2)
                + Cell.filled(0, 4, .frame, object: 1, rights: RW, mapping: 2)
                + [Cell.page("pteSlot", 0, 1, 2, 5)])
            #expect(b.mapping(0, 1)?.slot == 4 && b.mapping(0, 1)?.frame == 1 && b.mapping(0, 1)?.rights == R)
            // The mapping still works and is now removed through the new slot.
            b.ok(.load(0, page: 1))
            b.ok(.unmap(0, page: 1), changes:
                [Cell.slot("capMapping", 0, 4, 2, 0)] + Cell.unmapped(0, page: 1, slot: 4, frame: 1, rights: R))
        }

        @Test("a capability whose parent is in another sandbox moves under the same parent, and stays revocable from there")
        func moveKeepsRemoteParent() throws {
            var b = try Bench(Lab.caps)
            // (1,1) is global slot 7, (1,2) global slot 8.
            b.ok(.capMove(1, src: 1, dst: 2), changes:
                Cell.emptied(1, 1, .endpoint, object: 1, rights: W, badge: 5, parent: 4)
                + Cell.filled(1, 2, .endpoint, object: 1, rights: W, badge: 5, parent: 4)
                + [Cell.slot("cdtDescendants", 0, 3, 128, 256), Cell.slot("cdtDescendants", 0, 0, 200, 328)])
            #expect(b.parent(1, 2) == [0, 3])
            b.ok(.capRevoke(0, slot: 3), changes:
                Cell.emptied(1, 2, .endpoint, object: 1, rights: W, badge: 5, parent: 4)
                + [Cell.slot("cdtDescendants", 0, 3, 256, 0), Cell.slot("cdtDescendants", 0, 0, 328, 72)])
        }

        @Test("a root with children moves and its children follow")
        func moveRoot() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capMove(0, src: 0, dst: 5), changes:
                Cell.emptied(0, 0, .endpoint, object: 1, rights: .all, descendants: 200)
                + Cell.filled(0, 5, .endpoint, object: 1, rights: .all, descendants: 200)
                + [Cell.slot("cdtParent", 0, 3, 1, 6), Cell.slot("cdtParent", 1, 0, 1, 6)])
            #expect(b.parent(0, 3) == [0, 5] && b.parent(1, 0) == [0, 5] && b.parent(1, 1) == [0, 3])
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.caps)
            // 1. invalidSlot
            b.fails(.capMove(0, src: 6, dst: 4), .invalidSlot)
            b.fails(.capMove(0, src: 0, dst: 6), .invalidSlot)
            b.fails(.capMove(0, src: 4, dst: 100), .invalidSlot)
            // 2. emptySlot
            b.fails(.capMove(0, src: 4, dst: 5), .emptySlot)
            b.fails(.capMove(0, src: 4, dst: 0), .emptySlot)
            b.fails(.capMove(0, src: 4, dst: 4), .emptySlot)
            // 3. slotOccupied (including src == dst)
            b.fails(.capMove(0, src: 0, dst: 2), .slotOccupied)
            b.fails(.capMove(0, src: 3, dst: 3), .slotOccupied)
            // Common checks.
            b.fails(.capMove(3, src: 0, dst: 4), .invalidThread)
            b.fails(.capMove(2, src: 0, dst: 4), .threadNotRunning)
        }
    }

    // MARK: - cap_delete

    @Suite("cap_delete")
    struct CapDeleteTests {
        @Test("deleting an inner node re-parents its children (in any sandbox) to its parent")
        func reparent() throws {
            var b = try Bench(Lab.caps)
            // Give (0,3) two more children, so it has three: (0,4), (0,5), (1,1).
            b.ok(.capCopy(0, src: 3, dst: 4, rights: W))
            b.ok(.capCopy(0, src: 3, dst: 5, rights: R))
            b.ok(.capDelete(0, slot: 3), changes:
                Cell.emptied(0, 3, .endpoint, object: 1, rights: RW, badge: 5, parent: 1, descendants: 128 + 16 + 32)
                + [Cell.slot("cdtParent", 0, 4, 4, 1), Cell.slot("cdtParent", 0, 5, 4, 1),
                   Cell.slot("cdtParent", 1, 1, 4, 1),
                   Cell.slot("cdtDescendants", 0, 0, 200 + 16 + 32, 192 + 16 + 32)])
            #expect(b.parent(0, 4) == [0, 0] && b.parent(0, 5) == [0, 0] && b.parent(1, 1) == [0, 0])
            // The children keep their capabilities, badges included.
            #expect(same(b.cap(1, 1), .endpoint, 1, W, badge: 5))
            #expect(same(b.cap(0, 4), .endpoint, 1, W, badge: 5))
            // Revoking the grandparent still reaches them.
            b.ok(.capRevoke(0, slot: 0))
            #expect(b.cap(0, 4).type == .empty && b.cap(0, 5).type == .empty && b.cap(1, 1).type == .empty)
        }

        @Test("deleting a root makes its children roots")
        func deleteRoot() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capDelete(0, slot: 0), changes:
                Cell.emptied(0, 0, .endpoint, object: 1, rights: .all, descendants: 200)
                + [Cell.slot("cdtParent", 0, 3, 1, 0), Cell.slot("cdtParent", 1, 0, 1, 0)])
            #expect(b.parent(0, 3) == nil && b.parent(1, 0) == nil && b.parent(1, 1) == [0, 3])
        }

        @Test("deleting a leaf in another sandbox removes it from its ancestors' descendant sets")
        func deleteLeaf() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capDelete(1, slot: 1), changes:
                Cell.emptied(1, 1, .endpoint, object: 1, rights: W, badge: 5, parent: 4)
                + [Cell.slot("cdtDescendants", 0, 3, 128, 0), Cell.slot("cdtDescendants", 0, 0, 200, 72)])
        }

        @Test("deleting a frame capability removes the mapping it backs")
        func deleteRemovesMapping() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capDelete(0, slot: 1), changes:
                Cell.emptied(0, 1, .frame, object: 1, rights: RW, mapping: 2)
                + Cell.unmapped(0, page: 1, slot: 1, frame: 1, rights: R))
            #expect(b.mapping(0, 1) == nil)
            b.fails(.load(0, page: 1), .fault)
        }

        @Test("deleting a mapped root frame capability keeps its child's own mapping")
        func deleteMappedRoot() throws {
            var b = try Bench(Lab.memory)
            b.ok(.capDelete(0, slot: 0), changes:
                Cell.emptied(0, 0, .frame, object: 0, rights: RW, descendants: 8, mapping: 1)
                + Cell.unmapped(0, page: 0, slot: 0, frame: 0, rights: RW)
                + [Cell.slot("cdtParent", 0, 3, 1, 0)])
            #expect(b.mapping(0, 2)?.slot == 3)
            b.ok(.store(0, page: 2, value: 3))
        }

        @Test("objects are never destroyed: a thread blocked on an endpoint stays blocked")
        func blockedThreadSurvivesDelete() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.send(0, ep: 2, msg: 9), blocks: true)
            // t2 (same sandbox) deletes both sandbox-0 caps to endpoint 0, including the one t0 sent through.
            b.ok(.capDelete(2, slot: 2), changes:
                Cell.emptied(0, 2, .endpoint, object: 0, rights: W, badge: 7, parent: 1)
                + [Cell.slot("cdtDescendants", 0, 0, 4, 0)])
            b.ok(.capDelete(2, slot: 0))
            #expect(b.thread(0) == .blockedSend && b.queue(0) == [0])
            // The message (and the badge of the deleted capability) are still delivered.
            b.ok(.recv(1, ep: 0), returns: 9)
            #expect(b.thread(0) == .running && b.register(\.threadBadge, 1) == 7)
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.caps)
            b.fails(.capDelete(0, slot: 6), .invalidSlot)
            b.fails(.capDelete(0, slot: 100), .invalidSlot)
            b.fails(.capDelete(0, slot: 4), .emptySlot)
            b.fails(.capDelete(1, slot: 5), .emptySlot)
            b.fails(.capDelete(3, slot: 0), .invalidThread)
            b.fails(.capDelete(2, slot: 0), .threadNotRunning)
        }
    }

    // MARK: - cap_revoke

    @Suite("cap_revoke")
    struct CapRevokeTests {
        @Test("deletes every descendant in every sandbox; the slot keeps its capability")
        func revokeSubtree() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capRevoke(0, slot: 0), changes:
                Cell.emptied(0, 3, .endpoint, object: 1, rights: RW, badge: 5, parent: 1, descendants: 128)
                + Cell.emptied(1, 0, .endpoint, object: 1, rights: R, parent: 1)
                + Cell.emptied(1, 1, .endpoint, object: 1, rights: W, badge: 5, parent: 4)
                + [Cell.slot("cdtDescendants", 0, 0, 200, 0)])
            #expect(same(b.cap(0, 0), .endpoint, 1, .all))
            #expect(b.parent(0, 0) == nil)
            // Nothing left to revoke: a second revoke succeeds and changes nothing.
            b.ok(.capRevoke(0, slot: 0), changes: [])
        }

        @Test("revoking an inner node deletes only its subtree")
        func revokeInner() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capRevoke(0, slot: 3), changes:
                Cell.emptied(1, 1, .endpoint, object: 1, rights: W, badge: 5, parent: 4)
                + [Cell.slot("cdtDescendants", 0, 3, 128, 0), Cell.slot("cdtDescendants", 0, 0, 200, 72)])
            #expect(b.cap(1, 0).type == .endpoint && b.cap(0, 3).type == .endpoint)
        }

        @Test("revoking a leaf changes nothing")
        func revokeLeaf() throws {
            var b = try Bench(Lab.caps)
            b.ok(.capRevoke(1, slot: 1), changes: [])
            b.ok(.capRevoke(0, slot: 2), changes: [])
        }

        @Test("removes the mappings revoked capabilities back, but not the revoker's own")
        func revokeRemovesMappings() throws {
            var b = try Bench(Lab.memory)
            b.ok(.capRevoke(0, slot: 0), changes:
                Cell.emptied(0, 3, .frame, object: 0, rights: W, parent: 1, mapping: 3)
                + Cell.unmapped(0, page: 2, slot: 3, frame: 0, rights: W)
                + [Cell.slot("cdtDescendants", 0, 0, 8, 0)])
            #expect(b.mapping(0, 2) == nil)
            #expect(b.mapping(0, 0)?.slot == 0 && b.mapping(0, 0)?.rights == RW)
            b.fails(.store(0, page: 2, value: 1), .fault)
            b.ok(.store(0, page: 0, value: 1))
        }

        @Test("revoke across sandboxes: a capability transferred by IPC, mapped and copied there, is revoked with its mapping")
        func revokeAcrossSandboxes() throws {
            var b = try Bench(Lab.ipc)
            // t1 waits to receive into slot 3; t0 sends granting its frame capability (slot 1) through (0,0), which has G.
            b.ok(.recv(1, ep: 0, into: 3), blocks: true)
            b.ok(.send(0, ep: 0, msg: 42, grant: 1))
            #expect(same(b.cap(1, 3), .frame, 0, RW))
            #expect(b.parent(1, 3) == [0, 1])
            // Sandbox 1 maps the frame, writes through it, and derives a further copy.
            b.ok(.map(1, slot: 3, page: 0, rights: RW))
            b.ok(.store(1, page: 0, value: 5))
            b.ok(.load(0, page: 0), returns: 5)
            b.ok(.capCopy(1, src: 3, dst: 4, rights: R))
            #expect(b.parent(1, 4) == [1, 3])
            // Global slots (1,3) = 8 and (1,4) = 9.
            b.ok(.capRevoke(0, slot: 1), changes:
                Cell.emptied(1, 3, .frame, object: 0, rights: RW, parent: 2, descendants: 512, mapping: 1)
                + Cell.emptied(1, 4, .frame, object: 0, rights: R, parent: 9)
                + Cell.unmapped(1, page: 0, slot: 3, frame: 0, rights: RW)
                + [Cell.slot("cdtDescendants", 0, 1, 768, 0)])
            #expect(b.mapping(1, 0) == nil)
            #expect(b.mapping(0, 0)?.slot == 1)
            b.fails(.load(1, page: 0), .fault)
            b.ok(.load(0, page: 0), returns: 5)
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.caps)
            b.fails(.capRevoke(0, slot: 6), .invalidSlot)
            b.fails(.capRevoke(1, slot: 6), .invalidSlot)
            b.fails(.capRevoke(0, slot: 4), .emptySlot)
            b.fails(.capRevoke(1, slot: 2), .emptySlot)
            b.fails(.capRevoke(3, slot: 0), .invalidThread)
            b.fails(.capRevoke(2, slot: 0), .threadNotRunning)
        }
    }

    // MARK: - map, unmap, protect

    @Suite("map")
    struct MapTests {
        @Test("maps a frame at a free page; the capability records the page")
        func map() throws {
            var b = try Bench(Lab.memory)
            b.ok(.map(0, slot: 1, page: 1, rights: R), changes: [
                Cell.slot("capMapping", 0, 1, 0, 2),
                Cell.page("pteSlot", 0, 1, 0, 2), Cell.page("pteFrame", 0, 1, 0, 2), Cell.page("pteRights", 0, 1, 0, 1),
            ])
            #expect(b.mapping(0, 1)?.slot == 1 && b.mapping(0, 1)?.frame == 1 && b.mapping(0, 1)?.rights == R)
            b.ok(.load(0, page: 1), returns: 22)
            // A frame capability backs at most one mapping.
            b.fails(.map(0, slot: 1, page: 1, rights: R), .frameInUse)
        }

        @Test("maps with no rights and with rights equal to the capability's")
        func mapRightsRange() throws {
            var b = try Bench(Lab.memory)
            b.ok(.map(1, slot: 1, page: 2, rights: []), changes: [
                Cell.slot("capMapping", 1, 1, 0, 3), Cell.page("pteSlot", 1, 2, 0, 2), Cell.page("pteFrame", 1, 2, 0, 2),
            ])
            b.fails(.load(1, page: 2), .fault)
            b.ok(.unmap(1, page: 2))
            b.ok(.map(1, slot: 1, page: 1, rights: RW))
            #expect(b.mapping(1, 1)?.rights == RW)
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.memory)
            // 1. invalidSlot
            b.fails(.map(0, slot: 5, page: 1, rights: R), .invalidSlot)
            b.fails(.map(0, slot: 5, page: 3, rights: .grant), .invalidSlot)
            // 2. invalidPage
            b.fails(.map(0, slot: 1, page: 3, rights: R), .invalidPage)
            b.fails(.map(0, slot: 4, page: 3, rights: .grant), .invalidPage)
            // 3. invalidArgument: only R and W
            b.fails(.map(0, slot: 1, page: 1, rights: .grant), .invalidArgument)
            b.fails(.map(0, slot: 1, page: 1, rights: [.read, .grant]), .invalidArgument)
            b.fails(.map(0, slot: 4, page: 1, rights: Rights(rawValue: 8)), .invalidArgument)
            // 4. emptySlot
            b.fails(.map(0, slot: 4, page: 1, rights: R), .emptySlot)
            b.fails(.map(0, slot: 4, page: 0, rights: RW), .emptySlot)
            // 5. wrongType
            b.fails(.map(0, slot: 2, page: 1, rights: R), .wrongType)
            b.fails(.map(0, slot: 2, page: 0, rights: R), .wrongType)
            // 6. frameInUse (before alreadyMapped)
            b.fails(.map(0, slot: 0, page: 1, rights: R), .frameInUse)
            b.fails(.map(0, slot: 0, page: 0, rights: R), .frameInUse)
            b.fails(.map(1, slot: 0, page: 1, rights: W), .frameInUse)
            // 7. alreadyMapped (before insufficientRights)
            b.fails(.map(0, slot: 1, page: 0, rights: R), .alreadyMapped)
            b.fails(.map(0, slot: 1, page: 2, rights: RW), .alreadyMapped)
            // 8. insufficientRights
            b.fails(.map(0, slot: 1, page: 1, rights: RW), .insufficientRights)
            b.fails(.map(0, slot: 1, page: 1, rights: W), .insufficientRights)
            // Common checks.
            b.fails(.map(3, slot: 1, page: 1, rights: R), .invalidThread)
            b.fails(.map(2, slot: 1, page: 1, rights: R), .threadNotRunning)
        }
    }

    @Suite("unmap")
    struct UnmapTests {
        @Test("removes the mapping; the frame capability is free to map again")
        func unmap() throws {
            var b = try Bench(Lab.memory)
            b.ok(.unmap(0, page: 0), changes:
                [Cell.slot("capMapping", 0, 0, 1, 0)] + Cell.unmapped(0, page: 0, slot: 0, frame: 0, rights: RW))
            #expect(b.mapping(0, 0) == nil)
            b.fails(.load(0, page: 0), .fault)
            b.fails(.unmap(0, page: 0), .notMapped)
            b.ok(.map(0, slot: 0, page: 1, rights: RW))
            b.ok(.load(0, page: 1), returns: 11)
        }

        @Test("unmaps a page backed by a derived capability; other sandboxes' mappings stay")
        func unmapDerived() throws {
            var b = try Bench(Lab.memory)
            b.ok(.unmap(0, page: 2), changes:
                [Cell.slot("capMapping", 0, 3, 3, 0)] + Cell.unmapped(0, page: 2, slot: 3, frame: 0, rights: W))
            #expect(b.mapping(1, 0)?.slot == 0)
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.memory)
            b.fails(.unmap(0, page: 3), .invalidPage)
            b.fails(.unmap(1, page: 100), .invalidPage)
            b.fails(.unmap(0, page: 1), .notMapped)
            b.fails(.unmap(1, page: 2), .notMapped)
            b.fails(.unmap(3, page: 0), .invalidThread)
            b.fails(.unmap(2, page: 0), .threadNotRunning)
        }
    }

    @Suite("protect")
    struct ProtectTests {
        @Test("changes the rights of a mapping, down and up within the capability's rights")
        func protect() throws {
            var b = try Bench(Lab.memory)
            b.ok(.protect(0, page: 0, rights: R), changes: [Cell.page("pteRights", 0, 0, 3, 1)])
            b.fails(.store(0, page: 0, value: 1), .fault)
            b.ok(.load(0, page: 0), returns: 11)
            b.ok(.protect(0, page: 0, rights: []), changes: [Cell.page("pteRights", 0, 0, 1, 0)])
            b.fails(.load(0, page: 0), .fault)
            b.ok(.protect(0, page: 0, rights: RW), changes: [Cell.page("pteRights", 0, 0, 0, 3)])
            b.ok(.store(0, page: 0, value: 1))
            // Same rights: succeeds, changes nothing.
            b.ok(.protect(0, page: 2, rights: W), changes: [])
            #expect(b.mapping(0, 0)?.slot == 0 && b.mapping(0, 0)?.frame == 0)
        }

        @Test("errors, in the documented order")
        func errors() throws {
            let b = try Bench(Lab.memory)
            // 1. invalidPage
            b.fails(.protect(0, page: 3, rights: R), .invalidPage)
            b.fails(.protect(0, page: 3, rights: .grant), .invalidPage)
            // 2. invalidArgument (before notMapped)
            b.fails(.protect(0, page: 0, rights: .grant), .invalidArgument)
            b.fails(.protect(0, page: 1, rights: [.write, .grant]), .invalidArgument)
            // 3. notMapped
            b.fails(.protect(0, page: 1, rights: R), .notMapped)
            b.fails(.protect(1, page: 1, rights: []), .notMapped)
            // 4. insufficientRights: the backing capability of page 2 has only W; page 0 of sandbox 1 only R.
            b.fails(.protect(0, page: 2, rights: R), .insufficientRights)
            b.fails(.protect(0, page: 2, rights: RW), .insufficientRights)
            b.fails(.protect(1, page: 0, rights: RW), .insufficientRights)
            // Common checks.
            b.fails(.protect(3, page: 0, rights: R), .invalidThread)
            b.fails(.protect(2, page: 0, rights: R), .threadNotRunning)
        }
    }

    // MARK: - load, store

    @Suite("load and store")
    struct LoadStoreTests {
        @Test("load returns the frame's value and changes nothing")
        func load() throws {
            var b = try Bench(Lab.memory)
            b.ok(.load(0, page: 0), returns: 11, changes: [])
            b.ok(.load(1, page: 0), returns: 11, changes: [])
        }

        @Test("store writes the frame, visible through every mapping of it, in any sandbox")
        func storeShared() throws {
            var b = try Bench(Lab.memory)
            b.ok(.store(0, page: 0, value: 99), changes: [Cell.plain("frameValue", 0, 11, 99)])
            b.ok(.load(1, page: 0), returns: 99)
            // Through the write-only mapping of the derived capability.
            b.ok(.store(0, page: 2, value: 5), changes: [Cell.plain("frameValue", 0, 99, 5)])
            b.ok(.load(0, page: 0), returns: 5)
            b.ok(.load(1, page: 0), returns: 5)
            // Frame 1 through sandbox 1, read by sandbox 0.
            b.ok(.map(1, slot: 1, page: 1, rights: RW))
            b.ok(.store(1, page: 1, value: 77), changes: [Cell.plain("frameValue", 1, 22, 77)])
            b.ok(.map(0, slot: 1, page: 1, rights: R))
            b.ok(.load(0, page: 1), returns: 77)
            // Storing the same value changes nothing.
            b.ok(.store(1, page: 1, value: 77), changes: [])
        }

        @Test("load errors")
        func loadErrors() throws {
            let b = try Bench(Lab.memory)
            b.fails(.load(0, page: 3), .invalidPage)
            b.fails(.load(0, page: 1), .fault)     // unmapped
            b.fails(.load(0, page: 2), .fault)     // mapped W only
            b.fails(.load(1, page: 1), .fault)
            b.fails(.load(3, page: 0), .invalidThread)
            b.fails(.load(2, page: 0), .threadNotRunning)
        }

        @Test("store errors")
        func storeErrors() throws {
            let b = try Bench(Lab.memory)
            b.fails(.store(0, page: 3, value: 1), .invalidPage)
            b.fails(.store(0, page: 1, value: 1), .fault)     // unmapped
            b.fails(.store(1, page: 0, value: 1), .fault)     // mapped R only
            b.fails(.store(3, page: 0, value: 1), .invalidThread)
            b.fails(.store(2, page: 0, value: 1), .threadNotRunning)
        }
    }

    // MARK: - send, nbsend

    @Suite("send and nbsend")
    struct SendTests {
        @Test("send with no receiver blocks in the endpoint's queue, recording the grant slot when the cap has G")
        func sendBlocks() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.send(0, ep: 0, msg: 42, grant: 1), blocks: true, changes: [
                Cell.thread("threadState", 0, TS.running, TS.send), Cell.thread("threadMessage", 0, 0, 42),
                Cell.thread("threadGrant", 0, 0, 2),
                Cell.plain("queueLength", 0, 0, 1), Cell.queue(0, 0, 0, 1),
            ])
            #expect(b.thread(0) == .blockedSend && b.queue(0) == [0])
        }

        @Test("a blocked send through a capability without G records the badge but no grant slot")
        func sendBlocksWithoutGrant() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.send(0, ep: 2, msg: 3, grant: 1), blocks: true, changes: [
                Cell.thread("threadState", 0, TS.running, TS.send), Cell.thread("threadMessage", 0, 0, 3),
                Cell.thread("threadBadge", 0, 0, 7),
                Cell.plain("queueLength", 0, 0, 1), Cell.queue(0, 0, 0, 1),
            ])
        }

        @Test("send to a waiting receiver delivers the message and, with G, transfers the capability into the empty receive slot")
        func sendTransfers() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0, into: 3), blocks: true, changes: [
                Cell.thread("threadState", 1, TS.running, TS.recv), Cell.thread("threadRecvSlot", 1, 0, 4),
                Cell.plain("queueLength", 0, 0, 1), Cell.queue(0, 0, 0, 2),
            ])
            b.ok(.send(0, ep: 0, msg: 42, grant: 1), changes:
                Cell.filled(1, 3, .frame, object: 0, rights: RW, parent: 2)
                + [Cell.slot("cdtDescendants", 0, 1, 0, 256),
                   Cell.thread("threadState", 1, TS.recv, TS.running), Cell.thread("threadMessage", 1, 0, 42),
                   Cell.thread("threadRecvSlot", 1, 4, 0),
                   Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 2, 0)])
            #expect(b.thread(0) == .running && b.thread(1) == .running && b.queue(0) == [])
            #expect(same(b.cap(1, 3), .frame, 0, RW) && b.parent(1, 3) == [0, 1])
            // The sender keeps its capability and mapping; the transferred one backs nothing.
            #expect(same(b.cap(0, 1), .frame, 0, RW) && b.mapping(0, 0)?.slot == 1 && b.mapping(1, 0) == nil)
        }

        @Test("a badged capability transferred keeps its badge and stays un-mintable")
        func transferBadged() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0, into: 4), blocks: true)
            b.ok(.send(0, ep: 0, msg: 1, grant: 2))
            #expect(same(b.cap(1, 4), .endpoint, 0, W, badge: 7) && b.parent(1, 4) == [0, 2])
            b.fails(.capMint(1, src: 4, dst: 3, rights: W, badge: 8), .alreadyBadged)
            // The receiver can now send with the sender's badge.
            b.ok(.recv(3, ep: 0), blocks: true)
            b.ok(.send(1, ep: 4, msg: 2))
            #expect(b.register(\.threadBadge, 3) == 7 && b.register(\.threadMessage, 3) == 2)
        }

        @Test("without G on the endpoint capability the grant is ignored; the badge is delivered")
        func noTransferWithoutG() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0, into: 3), blocks: true)
            b.ok(.send(0, ep: 2, msg: 5, grant: 1), changes: [
                Cell.thread("threadState", 1, TS.recv, TS.running), Cell.thread("threadMessage", 1, 0, 5),
                Cell.thread("threadBadge", 1, 0, 7), Cell.thread("threadRecvSlot", 1, 4, 0),
                Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 2, 0),
            ])
            #expect(b.cap(1, 3).type == .empty)
        }

        @Test("no transfer into an occupied receive slot, nor when the receiver names none")
        func noTransferIntoOccupiedOrNoSlot() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0, into: 0), blocks: true)
            b.ok(.send(0, ep: 0, msg: 6, grant: 1), changes: [
                Cell.thread("threadState", 1, TS.recv, TS.running), Cell.thread("threadMessage", 1, 0, 6),
                Cell.thread("threadRecvSlot", 1, 1, 0),
                Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 2, 0),
            ])
            #expect(same(b.cap(1, 0), .endpoint, 0, RW) && b.parent(1, 0) == nil)
            b.ok(.recv(1, ep: 0), blocks: true)
            b.ok(.send(0, ep: 0, msg: 7, grant: 1), changes: [
                Cell.thread("threadState", 1, TS.recv, TS.running), Cell.thread("threadMessage", 1, 6, 7),
                Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 2, 0),
            ])
            #expect((0..<5).filter { b.cap(1, $0).type != .empty } == [0, 1, 2])
        }

        @Test("a blocked sender's offered capability is looked up at delivery (deleted meanwhile: not transferred)")
        func offeredSlotLookedUpAtDelivery() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.send(0, ep: 0, msg: 8, grant: 1), blocks: true)
            b.ok(.capDelete(2, slot: 1))
            b.ok(.recv(1, ep: 0, into: 3), returns: 8)
            #expect(b.cap(1, 3).type == .empty && b.thread(0) == .running)
            #expect(b.register(\.threadGrant, 0) == 0)
        }

        @Test("FIFO: two blocked senders are received in order")
        func fifoSenders() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.send(0, ep: 0, msg: 1), blocks: true)
            b.ok(.send(2, ep: 2, msg: 2), blocks: true)
            #expect(b.queue(0) == [0, 2])
            b.ok(.recv(1, ep: 0), returns: 1, changes: [
                Cell.thread("threadState", 0, TS.send, TS.running), Cell.thread("threadMessage", 1, 0, 1),
                Cell.plain("queueLength", 0, 2, 1), Cell.queue(0, 0, 1, 3), Cell.queue(0, 1, 3, 0),
            ])
            #expect(b.queue(0) == [2] && b.thread(2) == .blockedSend)
            b.ok(.recv(1, ep: 0), returns: 2, changes: [
                Cell.thread("threadState", 2, TS.send, TS.running), Cell.thread("threadBadge", 2, 7, 0),
                Cell.thread("threadMessage", 1, 1, 2), Cell.thread("threadBadge", 1, 0, 7),
                Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 3, 0),
            ])
            #expect(b.queue(0) == [])
            b.ok(.recv(1, ep: 0), blocks: true)
        }

        @Test("FIFO: two waiting receivers get messages in order")
        func fifoReceivers() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0), blocks: true)
            b.ok(.recv(3, ep: 0), blocks: true)
            #expect(b.queue(0) == [1, 3])
            b.ok(.send(0, ep: 0, msg: 5), changes: [
                Cell.thread("threadState", 1, TS.recv, TS.running), Cell.thread("threadMessage", 1, 0, 5),
                Cell.plain("queueLength", 0, 2, 1), Cell.queue(0, 0, 2, 4), Cell.queue(0, 1, 4, 0),
            ])
            b.ok(.send(0, ep: 2, msg: 6))
            #expect(b.thread(3) == .running && b.register(\.threadMessage, 3) == 6 && b.register(\.threadBadge, 3) == 7)
            #expect(b.queue(0) == [])
        }

        @Test("nbsend delivers to a waiting receiver like send")
        func nbsend() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0, into: 3), blocks: true)
            b.ok(.nbsend(0, ep: 0, msg: 42, grant: 1), changes:
                Cell.filled(1, 3, .frame, object: 0, rights: RW, parent: 2)
                + [Cell.slot("cdtDescendants", 0, 1, 0, 256),
                   Cell.thread("threadState", 1, TS.recv, TS.running), Cell.thread("threadMessage", 1, 0, 42),
                   Cell.thread("threadRecvSlot", 1, 4, 0),
                   Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 2, 0)])
        }

        @Test("nbsend fails with wouldBlock when no receiver waits (empty queue or only senders)")
        func nbsendWouldBlock() throws {
            var b = try Bench(Lab.ipc)
            b.fails(.nbsend(0, ep: 0, msg: 1), .wouldBlock)
            b.fails(.nbsend(0, ep: 0, msg: 1, grant: 1), .wouldBlock)
            b.ok(.send(2, ep: 2, msg: 2), blocks: true)
            b.fails(.nbsend(0, ep: 0, msg: 1), .wouldBlock)
            b.fails(.nbsend(3, ep: 0, msg: 1), .wouldBlock)
            // A receiver on the other endpoint does not help.
            b.ok(.recv(1, ep: 1), blocks: true)
            b.fails(.nbsend(0, ep: 0, msg: 1), .wouldBlock)
        }

        /// The errors shared by send, nbsend and call.
        static func sendLikeErrors(_ make: (Int, Int, UInt32, Int?) -> Call) throws {
            let b = try Bench(Lab.ipc)
            // 1. invalidSlot: ep, or grant
            b.fails(make(0, 5, 1, nil), .invalidSlot)
            b.fails(make(0, 0, 1, 5), .invalidSlot)
            b.fails(make(0, 5, 1, 4), .invalidSlot)
            b.fails(make(0, 4, 1, 5), .invalidSlot)
            // 2. emptySlot
            b.fails(make(0, 4, 1, nil), .emptySlot)
            b.fails(make(1, 3, 1, 0), .emptySlot)
            // 3. wrongType
            b.fails(make(0, 1, 1, nil), .wrongType)
            b.fails(make(0, 3, 1, 1), .wrongType)
            // 4. insufficientRights: (1,1) has only R
            b.fails(make(1, 1, 1, nil), .insufficientRights)
            // Common checks.
            b.fails(make(5, 0, 1, nil), .invalidThread)
            b.fails(make(4, 0, 1, nil), .threadNotRunning)
        }

        @Test("send errors, in the documented order")
        func sendErrors() throws {
            try Self.sendLikeErrors { .send($0, ep: $1, msg: $2, grant: $3) }
        }

        @Test("nbsend errors, in the documented order, wouldBlock last")
        func nbsendErrors() throws {
            try Self.sendLikeErrors { .nbsend($0, ep: $1, msg: $2, grant: $3) }
        }
    }

    // MARK: - recv, call, reply

    @Suite("recv, call and reply")
    struct RecvCallReplyTests {
        @Test("recv with no sender blocks in the queue with its receive slot")
        func recvBlocks() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 1, into: 4), blocks: true, changes: [
                Cell.thread("threadState", 1, TS.running, TS.recv), Cell.thread("threadObject", 1, 0, 1),
                Cell.thread("threadRecvSlot", 1, 0, 5),
                Cell.plain("queueLength", 1, 0, 1), Cell.queue(1, 0, 0, 2),
            ])
            #expect(b.thread(1) == .blockedRecv && b.queue(1) == [1])
        }

        @Test("recv from a blocked sender takes its message (and offered capability); the sender runs again")
        func recvFromSender() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.send(0, ep: 0, msg: 42, grant: 1), blocks: true)
            b.ok(.recv(1, ep: 0, into: 3), returns: 42, changes:
                Cell.filled(1, 3, .frame, object: 0, rights: RW, parent: 2)
                + [Cell.slot("cdtDescendants", 0, 1, 0, 256),
                   Cell.thread("threadState", 0, TS.send, TS.running), Cell.thread("threadGrant", 0, 2, 0),
                   Cell.thread("threadMessage", 1, 0, 42),
                   Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 1, 0)])
            #expect(b.register(\.threadReply, 1) == 0)
        }

        @Test("call/recv/reply: recv from a caller gives the reply capability; reply consumes it")
        func callRecvReply() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.call(0, ep: 2, msg: 10), blocks: true, changes: [
                Cell.thread("threadState", 0, TS.running, TS.call), Cell.thread("threadMessage", 0, 0, 10),
                Cell.thread("threadBadge", 0, 0, 7),
                Cell.plain("queueLength", 0, 0, 1), Cell.queue(0, 0, 0, 1),
            ])
            #expect(b.thread(0) == .blockedCall)
            b.ok(.recv(1, ep: 0), returns: 10, changes: [
                Cell.thread("threadState", 0, TS.call, TS.reply), Cell.thread("threadObject", 0, 0, 1),
                Cell.thread("threadBadge", 0, 7, 0),
                Cell.thread("threadMessage", 1, 0, 10), Cell.thread("threadBadge", 1, 0, 7),
                Cell.thread("threadReply", 1, 0, 1),
                Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 1, 0),
            ])
            #expect(b.thread(0) == .blockedReply)
            // While it owes a reply, the server may not receive again, on any endpoint.
            b.fails(.recv(1, ep: 0), .replyPending)
            b.fails(.recv(1, ep: 1, into: 3), .replyPending)
            // But it may make other calls.
            b.ok(.poll(1, ntfn: 2))
            b.ok(.reply(1, msg: 11), changes: [
                Cell.thread("threadState", 0, TS.reply, TS.running), Cell.thread("threadObject", 0, 1, 0),
                Cell.thread("threadMessage", 0, 10, 11), Cell.thread("threadReply", 1, 1, 0),
            ])
            #expect(b.thread(0) == .running && b.register(\.threadMessage, 0) == 11)
            b.fails(.reply(1, msg: 12), .noReplyCapability)
            b.ok(.recv(1, ep: 0), blocks: true)
        }

        @Test("call to a waiting receiver: the receiver gets message, capability and reply capability at once")
        func callToWaitingReceiver() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0, into: 3), blocks: true)
            b.ok(.call(0, ep: 0, msg: 10, grant: 1), blocks: true, changes:
                Cell.filled(1, 3, .frame, object: 0, rights: RW, parent: 2)
                + [Cell.slot("cdtDescendants", 0, 1, 0, 256),
                   Cell.thread("threadState", 1, TS.recv, TS.running), Cell.thread("threadMessage", 1, 0, 10),
                   Cell.thread("threadRecvSlot", 1, 4, 0), Cell.thread("threadReply", 1, 0, 1),
                   Cell.thread("threadState", 0, TS.running, TS.reply), Cell.thread("threadObject", 0, 0, 1),
                   Cell.thread("threadMessage", 0, 0, 10),
                   Cell.plain("queueLength", 0, 1, 0), Cell.queue(0, 0, 2, 0)])
            #expect(b.thread(0) == .blockedReply && b.thread(1) == .running)
            b.fails(.recv(1, ep: 0), .replyPending)
            b.ok(.reply(1, msg: 0))
            #expect(b.thread(0) == .running && b.register(\.threadMessage, 0) == 0)
        }

        @Test("a caller queued behind a sender: recv takes the sender first, then the caller")
        func mixedQueue() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.send(2, ep: 0, msg: 1), blocks: true)
            b.ok(.call(0, ep: 0, msg: 2), blocks: true)
            #expect(b.queue(0) == [2, 0])
            b.ok(.recv(1, ep: 0), returns: 1)
            #expect(b.register(\.threadReply, 1) == 0 && b.thread(2) == .running)
            b.ok(.recv(1, ep: 0), returns: 2)
            #expect(b.register(\.threadReply, 1) == 1 && b.thread(0) == .blockedReply)
            // A third sandbox's thread may not reply on the server's behalf.
            b.fails(.reply(3, msg: 9), .noReplyCapability)
            b.ok(.reply(1, msg: 3))
        }

        @Test("recv errors, in the documented order")
        func recvErrors() throws {
            var b = try Bench(Lab.ipc)
            // 1. invalidSlot: ep or into
            b.fails(.recv(1, ep: 5), .invalidSlot)
            b.fails(.recv(1, ep: 0, into: 5), .invalidSlot)
            b.fails(.recv(1, ep: 3, into: 5), .invalidSlot)
            // 2. emptySlot
            b.fails(.recv(1, ep: 3), .emptySlot)
            b.fails(.recv(0, ep: 4, into: 4), .emptySlot)
            // 3. wrongType
            b.fails(.recv(1, ep: 2), .wrongType)
            b.fails(.recv(0, ep: 1), .wrongType)
            // 4. insufficientRights: (0,2) has only W
            b.fails(.recv(0, ep: 2), .insufficientRights)
            // 5. replyPending
            b.ok(.call(0, ep: 0, msg: 1), blocks: true)
            b.ok(.recv(1, ep: 0), returns: 1)
            b.fails(.recv(1, ep: 0), .replyPending)
            b.fails(.recv(1, ep: 1), .replyPending)
            // Earlier checks win over replyPending.
            b.fails(.recv(1, ep: 3), .emptySlot)
            b.fails(.recv(1, ep: 2), .wrongType)
            // Common checks.
            b.fails(.recv(5, ep: 0), .invalidThread)
            b.fails(.recv(4, ep: 0), .threadNotRunning)
            b.fails(.recv(0, ep: 0), .threadNotRunning)   // blockedReply
        }

        @Test("call errors, in the documented order")
        func callErrors() throws {
            try SendTests.sendLikeErrors { .call($0, ep: $1, msg: $2, grant: $3) }
        }

        @Test("reply errors")
        func replyErrors() throws {
            var b = try Bench(Lab.ipc)
            b.fails(.reply(0, msg: 1), .noReplyCapability)
            b.fails(.reply(1, msg: 1), .noReplyCapability)
            // The caller itself holds no reply capability.
            b.ok(.recv(1, ep: 0), blocks: true)
            b.ok(.call(0, ep: 0, msg: 1), blocks: true)
            b.fails(.reply(2, msg: 1), .noReplyCapability)
            b.fails(.reply(0, msg: 1), .threadNotRunning)
            b.fails(.reply(5, msg: 1), .invalidThread)
            b.fails(.reply(4, msg: 1), .threadNotRunning)
        }
    }

    // MARK: - signal, wait, poll

    @Suite("signal, wait and poll")
    struct NotificationTests {
        @Test("signal with no waiter ORs the badge into the bits; an unbadged signal changes nothing")
        func signalAccumulates() throws {
            var b = try Bench(Lab.notifications)
            b.ok(.signal(0, ntfn: 1), changes: [Cell.plain("notificationBits", 0, 0, 1)])
            b.ok(.signal(2, ntfn: 0), changes: [Cell.plain("notificationBits", 0, 1, 3)])
            b.ok(.signal(0, ntfn: 2), changes: [Cell.plain("notificationBits", 0, 3, 7)])
            b.ok(.signal(0, ntfn: 1), changes: [])
            b.ok(.signal(0, ntfn: 0), changes: [])
            // Notification 1 is separate.
            b.ok(.poll(1, ntfn: 1), returns: 0)
        }

        @Test("wait with pending bits returns them, puts them in the badge register and clears them")
        func waitTakesBits() throws {
            var b = try Bench(Lab.notifications)
            b.ok(.signal(0, ntfn: 1))
            b.ok(.signal(0, ntfn: 2))
            b.ok(.wait(1, ntfn: 0), returns: 5, changes: [
                Cell.thread("threadBadge", 1, 0, 5), Cell.plain("notificationBits", 0, 5, 0),
            ])
            #expect(b.thread(1) == .running)
        }

        @Test("wait with no bits blocks; signals wake waiters in FIFO order with the signaller's badge")
        func waitBlocksFIFO() throws {
            var b = try Bench(Lab.notifications)
            b.ok(.wait(1, ntfn: 0), blocks: true, changes: [
                Cell.thread("threadState", 1, TS.running, TS.notify),
                Cell.plain("queueLength", 1, 0, 1), Cell.queue(1, 0, 0, 2),
            ])
            b.ok(.wait(0, ntfn: 0), blocks: true, changes: [
                Cell.thread("threadState", 0, TS.running, TS.notify),
                Cell.plain("queueLength", 1, 1, 2), Cell.queue(1, 1, 0, 1),
            ])
            #expect(b.queue(1) == [1, 0])
            b.ok(.signal(2, ntfn: 0), changes: [
                Cell.thread("threadState", 1, TS.notify, TS.running), Cell.thread("threadBadge", 1, 0, 2),
                Cell.plain("queueLength", 1, 2, 1), Cell.queue(1, 0, 2, 1), Cell.queue(1, 1, 1, 0),
            ])
            b.ok(.signal(1, ntfn: 1), changes: [])   // another notification: nobody there, unbadged
            #expect(b.queue(1) == [0])
            b.ok(.signal(2, ntfn: 0), changes: [
                Cell.thread("threadState", 0, TS.notify, TS.running), Cell.thread("threadBadge", 0, 0, 2),
                Cell.plain("queueLength", 1, 1, 0), Cell.queue(1, 0, 1, 0),
            ])
            // No waiter left: now the bits accumulate.
            b.ok(.signal(2, ntfn: 0), changes: [Cell.plain("notificationBits", 0, 0, 2)])
        }

        @Test("an unbadged signal wakes a waiter with badge 0; waiting on notification 1 uses queue 2")
        func unbadgedWake() throws {
            var b = try Bench(Lab.notifications)
            b.ok(.wait(1, ntfn: 1), blocks: true, changes: [
                Cell.thread("threadState", 1, TS.running, TS.notify), Cell.thread("threadObject", 1, 0, 1),
                Cell.plain("queueLength", 2, 0, 1), Cell.queue(2, 0, 0, 2),
            ])
            b.ok(.signal(3, ntfn: 1), changes: [
                Cell.thread("threadState", 1, TS.notify, TS.running), Cell.thread("threadObject", 1, 1, 0),
                Cell.plain("queueLength", 2, 1, 0), Cell.queue(2, 0, 2, 0),
            ])
            b.ok(.wait(1, ntfn: 0), blocks: true)
            b.ok(.signal(0, ntfn: 0), changes: [
                Cell.thread("threadState", 1, TS.notify, TS.running),
                Cell.plain("queueLength", 1, 1, 0), Cell.queue(1, 0, 2, 0),
            ])
        }

        @Test("poll returns and clears the bits, and never blocks")
        func poll() throws {
            var b = try Bench(Lab.notifications)
            b.ok(.poll(1, ntfn: 0), returns: 0, changes: [])
            b.ok(.signal(0, ntfn: 2))
            b.ok(.poll(1, ntfn: 0), returns: 4, changes: [
                Cell.thread("threadBadge", 1, 0, 4), Cell.plain("notificationBits", 0, 4, 0),
            ])
            b.ok(.poll(1, ntfn: 0), returns: 0, changes: [Cell.thread("threadBadge", 1, 4, 0)])
            b.ok(.poll(0, ntfn: 0), returns: 0, changes: [])
            #expect(b.thread(1) == .running)
        }

        /// The errors shared by wait and poll (`R` needed).
        static func receiveErrors(_ make: (Int, Int) -> Call) throws {
            var b = try Bench(Lab.notifications)
            b.fails(make(0, 4), .invalidSlot)
            b.fails(make(1, 100), .invalidSlot)
            b.fails(make(1, 3), .emptySlot)
            b.fails(make(2, 1), .emptySlot)
            b.fails(make(0, 3), .wrongType)     // endpoint
            b.fails(make(1, 2), .wrongType)     // frame
            b.fails(make(2, 0), .insufficientRights)
            b.fails(make(0, 1), .insufficientRights)
            b.fails(make(4, 0), .invalidThread)
            b.ok(.wait(3, ntfn: 1), blocks: true)
            b.fails(make(3, 1), .threadNotRunning)
        }

        @Test("signal errors, in the documented order")
        func signalErrors() throws {
            var b = try Bench(Lab.notifications)
            b.fails(.signal(0, ntfn: 4), .invalidSlot)
            b.fails(.signal(1, ntfn: 3), .emptySlot)
            b.fails(.signal(2, ntfn: 2), .emptySlot)
            b.fails(.signal(0, ntfn: 3), .wrongType)
            b.fails(.signal(1, ntfn: 2), .wrongType)
            b.fails(.signal(1, ntfn: 0), .insufficientRights)
            b.fails(.signal(4, ntfn: 0), .invalidThread)
            b.ok(.wait(1, ntfn: 1), blocks: true)
            b.fails(.signal(1, ntfn: 1), .threadNotRunning)
        }

        @Test("wait errors, in the documented order")
        func waitErrors() throws { try Self.receiveErrors { .wait($0, ntfn: $1) } }

        @Test("poll errors, in the documented order")
        func pollErrors() throws { try Self.receiveErrors { .poll($0, ntfn: $1) } }
    }

    // MARK: - spawn, exit

    @Suite("spawn and exit")
    struct ThreadTests {
        @Test("spawn starts an inactive thread of another sandbox, which can then make calls")
        func spawn() throws {
            var b = try Bench(Lab.threads)
            b.ok(.spawn(0, slot: 0), changes: [Cell.thread("threadState", 1, TS.inactive, TS.running)])
            #expect(b.thread(1) == .running)
            b.ok(.recv(1, ep: 0), blocks: true)
            b.fails(.spawn(0, slot: 0), .threadActive)
        }

        @Test("exit makes the thread inactive with zero registers; it can be spawned again, fresh")
        func exitAndRespawn() throws {
            var b = try Bench(Lab.threads)
            b.ok(.spawn(0, slot: 0))
            b.ok(.recv(1, ep: 0), blocks: true)
            b.ok(.send(3, ep: 0, msg: 9))
            #expect(b.register(\.threadMessage, 1) == 9)
            b.ok(.exit(1), changes: [
                Cell.thread("threadState", 1, TS.running, TS.inactive), Cell.thread("threadMessage", 1, 9, 0),
            ])
            b.fails(.recv(1, ep: 0), .threadNotRunning)
            b.fails(.exit(1), .threadNotRunning)
            b.ok(.spawn(0, slot: 0), changes: [Cell.thread("threadState", 1, TS.inactive, TS.running)])
            // A thread can exit itself and then nothing it holds can run it again but a spawn.
            b.ok(.exit(0), changes: [Cell.thread("threadState", 0, TS.running, TS.inactive)])
            b.fails(.spawn(0, slot: 0), .threadNotRunning)
        }

        @Test("exit of a server holding a reply capability wakes its caller with status peerExited")
        func exitWakesCaller() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0), blocks: true)
            b.ok(.call(0, ep: 2, msg: 10), blocks: true)
            #expect(b.thread(0) == .blockedReply && b.register(\.threadReply, 1) == 1)
            b.ok(.exit(1), changes: [
                Cell.thread("threadState", 0, TS.reply, TS.running), Cell.thread("threadObject", 0, 1, 0),
                Cell.thread("threadMessage", 0, 10, 0), Cell.thread("threadStatus", 0, 0, SpecError.peerExited.rawValue),
                Cell.thread("threadState", 1, TS.running, TS.inactive), Cell.thread("threadMessage", 1, 10, 0),
                Cell.thread("threadBadge", 1, 7, 0), Cell.thread("threadReply", 1, 1, 0),
            ])
            #expect(b.thread(0) == .running && b.thread(1) == .inactive)
            #expect(b.register(\.threadStatus, 0) == SpecError.peerExited.rawValue)
            b.fails(.reply(1, msg: 1), .threadNotRunning)
            // The woken caller carries on; its next blocking call resets the status.
            b.ok(.send(0, ep: 0, msg: 1), blocks: true, changes: [
                Cell.thread("threadState", 0, TS.running, TS.send), Cell.thread("threadMessage", 0, 0, 1),
                Cell.thread("threadStatus", 0, SpecError.peerExited.rawValue, 0),
                Cell.plain("queueLength", 0, 0, 1), Cell.queue(0, 0, 0, 1),
            ])
        }

        @Test("exit of a thread that owes nothing wakes nobody; capabilities and mappings stay")
        func exitPlain() throws {
            var b = try Bench(Lab.ipc)
            b.ok(.recv(1, ep: 0, into: 3), blocks: true)
            b.ok(.send(0, ep: 2, msg: 42, grant: 1))
            b.ok(.exit(1), changes: [
                Cell.thread("threadState", 1, TS.running, TS.inactive), Cell.thread("threadMessage", 1, 42, 0),
                Cell.thread("threadBadge", 1, 7, 0),
            ])
            b.ok(.exit(0), changes: [Cell.thread("threadState", 0, TS.running, TS.inactive)])
            #expect(b.mapping(0, 0)?.slot == 1 && same(b.cap(0, 0), .endpoint, 0, .all))
        }

        @Test("spawn errors, in the documented order")
        func spawnErrors() throws {
            var b = try Bench(Lab.threads)
            b.fails(.spawn(0, slot: 5), .invalidSlot)
            b.fails(.spawn(3, slot: 5), .invalidSlot)
            b.fails(.spawn(0, slot: 4), .emptySlot)
            b.fails(.spawn(3, slot: 2), .emptySlot)
            b.fails(.spawn(0, slot: 3), .wrongType)
            b.fails(.spawn(3, slot: 0), .wrongType)
            b.fails(.spawn(0, slot: 1), .insufficientRights)   // thread cap without W (its thread is inactive)
            b.fails(.spawn(0, slot: 2), .threadActive)         // itself
            b.fails(.spawn(3, slot: 1), .threadActive)         // itself
            b.fails(.spawn(4, slot: 0), .invalidThread)
            b.fails(.spawn(2, slot: 0), .threadNotRunning)
            // A blocked thread is active too.
            b.ok(.spawn(0, slot: 0))
            b.ok(.recv(1, ep: 0), blocks: true)
            b.fails(.spawn(0, slot: 0), .threadActive)
        }

        @Test("exit errors: only the common checks")
        func exitErrors() throws {
            var b = try Bench(Lab.threads)
            b.fails(.exit(4), .invalidThread)
            b.fails(Call(thread: 99, syscall: .exit, 0, 0, 0, 0), .invalidThread)
            b.fails(.exit(1), .threadNotRunning)
            b.fails(.exit(2), .threadNotRunning)
            b.ok(.spawn(0, slot: 0))
            b.ok(.recv(1, ep: 0), blocks: true)
            b.fails(.exit(1), .threadNotRunning)
        }
    }
}
