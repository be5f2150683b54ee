// System call names, numbers and argument shapes, and the invocation value
// the specification steps on.

/// The 20 LiteBox system calls (DESIGN §2). The raw value is the syscall
/// number of the register-level ABI.
public enum Syscall: UInt32, CaseIterable, Sendable, CustomStringConvertible {
    case capCopy = 0, capMint, capMove, capDelete, capRevoke
    case map, unmap, protect, load, store
    case send, nbsend, recv, call, reply
    case signal, wait, poll
    case spawn, exit

    /// The name used in traces, proofs and reports (e.g. `cap_copy`).
    public var name: String {
        switch self {
        case .capCopy: return "cap_copy"
        case .capMint: return "cap_mint"
        case .capMove: return "cap_move"
        case .capDelete: return "cap_delete"
        case .capRevoke: return "cap_revoke"
        case .map: return "map"
        case .unmap: return "unmap"
        case .protect: return "protect"
        case .load: return "load"
        case .store: return "store"
        case .send: return "send"
        case .nbsend: return "nbsend"
        case .recv: return "recv"
        case .call: return "call"
        case .reply: return "reply"
        case .signal: return "signal"
        case .wait: return "wait"
        case .poll: return "poll"
        case .spawn: return "spawn"
        case .exit: return "exit"
        }
    }

    public var description: String { name }

    /// The call named `name` (as printed by `name`), if any.
    public init?(name: String) {
        guard let s = Syscall.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }

    /// The call's arguments in order: their names and kinds.
    public var parameters: [(name: String, kind: ArgumentKind)] {
        switch self {
        case .capCopy: return [("src", .slot), ("dst", .slot), ("rights", .rights)]
        case .capMint: return [("src", .slot), ("dst", .slot), ("rights", .rights), ("badge", .word)]
        case .capMove: return [("src", .slot), ("dst", .slot)]
        case .capDelete, .capRevoke: return [("slot", .slot)]
        case .map: return [("slot", .slot), ("page", .page), ("rights", .rights)]
        case .unmap, .load: return [("page", .page)]
        case .protect: return [("page", .page), ("rights", .rights)]
        case .store: return [("page", .page), ("value", .word)]
        case .send, .nbsend, .call: return [("ep", .slot), ("msg", .word), ("grant", .optionalSlot)]
        case .recv: return [("ep", .slot), ("into", .optionalSlot)]
        case .reply: return [("msg", .word)]
        case .signal, .wait, .poll: return [("ntfn", .slot)]
        case .spawn: return [("thread", .slot)]
        case .exit: return []
        }
    }
}

/// How an argument word is interpreted and printed.
public enum ArgumentKind: Sendable {
    /// A slot of the caller's capability space.
    case slot
    /// `0` for none, `s + 1` for slot `s` of the caller's capability space.
    case optionalSlot
    /// A virtual page of the caller's address space.
    case page
    /// A rights mask (`Rights.rawValue`).
    case rights
    /// A plain word (message, value, badge).
    case word
}

/// One system call as the specification steps on it: the issuing thread, the
/// call, and up to four argument words (unused ones are 0).
///
/// Generic over the word sort so that the same value describes a concrete call
/// and a symbolic one (whose arguments are solver terms). Which call it is, is
/// always concrete: there is one obligation per call.
public struct Invocation<Word> {
    /// The issuing thread.
    public var thread: Word
    /// Which system call.
    public var syscall: Syscall
    /// The argument words, in the order of `syscall.parameters`.
    public var a0: Word, a1: Word, a2: Word, a3: Word

    /// An invocation with explicit argument words.
    @inlinable
    public init(thread: Word, syscall: Syscall, _ a0: Word, _ a1: Word, _ a2: Word, _ a3: Word) {
        self.thread = thread
        self.syscall = syscall
        self.a0 = a0; self.a1 = a1; self.a2 = a2; self.a3 = a3
    }

    /// The arguments as an array, `syscall.parameters.count` long.
    public var arguments: [Word] { Array([a0, a1, a2, a3].prefix(syscall.parameters.count)) }
}

extension Invocation: Equatable where Word: Equatable {}
extension Invocation: Hashable where Word: Hashable {}
extension Invocation: Sendable where Word: Sendable {}

/// A concrete invocation.
public typealias Call = Invocation<UInt32>

extension Invocation where Word == UInt32 {
    @inlinable static func opt(_ s: Int?) -> UInt32 { s.map { UInt32($0 + 1) } ?? 0 }

    /// `cap_copy(src, dst, rights)` by `thread`.
    public static func capCopy(_ thread: Int, src: Int, dst: Int, rights: Rights) -> Call {
        Call(thread: UInt32(thread), syscall: .capCopy, UInt32(src), UInt32(dst), rights.rawValue, 0)
    }
    /// `cap_mint(src, dst, rights, badge)` by `thread`.
    public static func capMint(_ thread: Int, src: Int, dst: Int, rights: Rights, badge: UInt32) -> Call {
        Call(thread: UInt32(thread), syscall: .capMint, UInt32(src), UInt32(dst), rights.rawValue, badge)
    }
    /// `cap_move(src, dst)` by `thread`.
    public static func capMove(_ thread: Int, src: Int, dst: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .capMove, UInt32(src), UInt32(dst), 0, 0)
    }
    /// `cap_delete(slot)` by `thread`.
    public static func capDelete(_ thread: Int, slot: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .capDelete, UInt32(slot), 0, 0, 0)
    }
    /// `cap_revoke(slot)` by `thread`.
    public static func capRevoke(_ thread: Int, slot: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .capRevoke, UInt32(slot), 0, 0, 0)
    }
    /// `map(slot, page, rights)` by `thread`.
    public static func map(_ thread: Int, slot: Int, page: Int, rights: Rights) -> Call {
        Call(thread: UInt32(thread), syscall: .map, UInt32(slot), UInt32(page), rights.rawValue, 0)
    }
    /// `unmap(page)` by `thread`.
    public static func unmap(_ thread: Int, page: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .unmap, UInt32(page), 0, 0, 0)
    }
    /// `protect(page, rights)` by `thread`.
    public static func protect(_ thread: Int, page: Int, rights: Rights) -> Call {
        Call(thread: UInt32(thread), syscall: .protect, UInt32(page), rights.rawValue, 0, 0)
    }
    /// `load(page)` by `thread`.
    public static func load(_ thread: Int, page: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .load, UInt32(page), 0, 0, 0)
    }
    /// `store(page, value)` by `thread`.
    public static func store(_ thread: Int, page: Int, value: UInt32) -> Call {
        Call(thread: UInt32(thread), syscall: .store, UInt32(page), value, 0, 0)
    }
    /// `send(ep, msg, grant?)` by `thread`.
    public static func send(_ thread: Int, ep: Int, msg: UInt32, grant: Int? = nil) -> Call {
        Call(thread: UInt32(thread), syscall: .send, UInt32(ep), msg, opt(grant), 0)
    }
    /// `nbsend(ep, msg, grant?)` by `thread`.
    public static func nbsend(_ thread: Int, ep: Int, msg: UInt32, grant: Int? = nil) -> Call {
        Call(thread: UInt32(thread), syscall: .nbsend, UInt32(ep), msg, opt(grant), 0)
    }
    /// `recv(ep, into?)` by `thread`.
    public static func recv(_ thread: Int, ep: Int, into: Int? = nil) -> Call {
        Call(thread: UInt32(thread), syscall: .recv, UInt32(ep), opt(into), 0, 0)
    }
    /// `call(ep, msg, grant?)` by `thread`.
    public static func call(_ thread: Int, ep: Int, msg: UInt32, grant: Int? = nil) -> Call {
        Call(thread: UInt32(thread), syscall: .call, UInt32(ep), msg, opt(grant), 0)
    }
    /// `reply(msg)` by `thread`.
    public static func reply(_ thread: Int, msg: UInt32) -> Call {
        Call(thread: UInt32(thread), syscall: .reply, msg, 0, 0, 0)
    }
    /// `signal(ntfn)` by `thread`.
    public static func signal(_ thread: Int, ntfn: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .signal, UInt32(ntfn), 0, 0, 0)
    }
    /// `wait(ntfn)` by `thread`.
    public static func wait(_ thread: Int, ntfn: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .wait, UInt32(ntfn), 0, 0, 0)
    }
    /// `poll(ntfn)` by `thread`.
    public static func poll(_ thread: Int, ntfn: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .poll, UInt32(ntfn), 0, 0, 0)
    }
    /// `spawn(thread slot)` by `thread`.
    public static func spawn(_ thread: Int, slot: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .spawn, UInt32(slot), 0, 0, 0)
    }
    /// `exit()` by `thread`.
    public static func exit(_ thread: Int) -> Call {
        Call(thread: UInt32(thread), syscall: .exit, 0, 0, 0, 0)
    }
}

extension Invocation: CustomStringConvertible where Word == UInt32 {
    /// The call in trace syntax without its result, e.g. `t0 cap_copy src=0 dst=1 rights=RW`.
    public var description: String {
        var s = "t\(thread) \(syscall.name)"
        for (i, p) in syscall.parameters.enumerated() {
            let v = [a0, a1, a2, a3][i]
            s += " \(p.name)="
            switch p.kind {
            case .slot, .page, .word: s += "\(v)"
            case .optionalSlot: s += v == 0 ? "-" : "\(v - 1)"
            case .rights: s += Rights(rawValue: v).description
            }
        }
        return s
    }
}

/// The outcome of a system call: a code (`OutcomeCode` or a `SpecError` raw
/// value) and a returned value (the loaded word, the received message, the
/// polled bits; 0 otherwise).
public struct Outcome<Word> {
    /// `OutcomeCode.ok`, `OutcomeCode.blocked`, or a `SpecError.rawValue`.
    public var code: Word
    /// The returned value; 0 unless the call returns one.
    public var value: Word

    @inlinable public init(code: Word, value: Word) { self.code = code; self.value = value }
}

extension Outcome: Equatable where Word: Equatable {}
extension Outcome: Hashable where Word: Hashable {}
extension Outcome: Sendable where Word: Sendable {}

extension Outcome where Word == UInt32 {
    /// The error, if the call failed.
    public var error: SpecError? { code > OutcomeCode.blocked ? SpecError(rawValue: code) : nil }
    /// Whether the call succeeded (blocked or not).
    public var succeeded: Bool { code <= OutcomeCode.blocked }
    /// Whether the call succeeded and left the caller blocked.
    public var blocked: Bool { code == OutcomeCode.blocked }
}

extension Outcome: CustomStringConvertible where Word == UInt32 {
    /// Trace syntax: `ok 5`, `ok`, `blocked`, or `err emptySlot`.
    public var description: String {
        switch code {
        case OutcomeCode.ok: return value == 0 ? "ok" : "ok \(value)"
        case OutcomeCode.blocked: return "blocked"
        default: return "err " + (SpecError(rawValue: code)?.name ?? "code\(code)")
        }
    }
}
