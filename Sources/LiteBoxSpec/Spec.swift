// The executable specification: one value per configuration, generic over the
// value domain. The system calls live in one file per kernel object
// (Spec+Capability, Spec+AddressSpace, Spec+Endpoint, Spec+Notification,
// Spec+Thread); the invariants in Invariants.swift; the transition properties
// in TransitionProperties.swift.

import LiteBoxABI

/// The LiteBox specification of one configuration, in interpretation `D`.
///
/// Every system call is a pure function `(old state, invocation) -> (new
/// state, outcome)` in the style of Hyperkernel's `sys_x(old, args) -> (cond,
/// new)`: the preconditions are checked in the order their doc comment lists
/// them, the first that fails gives the error, and a call that fails returns
/// the old state unchanged.
///
/// Every call, whatever it is, first requires:
/// 1. the issuing thread index is in range (`invalidThread`);
/// 2. the issuing thread is `running` (`threadNotRunning`).
/// Slots and pages named by a call are always those of the issuing thread's
/// sandbox.
public struct Spec<D: SpecDomain> {
    public typealias Word = D.Word
    public typealias Bit = D.Bit
    public typealias Memory = D.Memory

    /// The configuration this specification is for.
    public let config: Configuration
    /// Where the tables live.
    public let layout: Layout
    /// The deliberate bug switched on, if any (only `verify mutants` and the tests set one).
    public let mutant: Mutant?

    /// The specification of `config`, which must be valid (see
    /// `Configuration.validate()`), optionally with a deliberate bug.
    public init(_ config: Configuration, mutant: Mutant? = nil) {
        self.config = config
        self.layout = Layout(config)
        self.mutant = mutant
    }

    // MARK: Table access

    @inlinable @inline(__always)
    func get(_ m: Memory, _ f: Field, _ i: Word) -> Word { m.read(f.base, f.count, i) }
    @inlinable @inline(__always)
    func get(_ m: Memory, _ f: Field, at i: Int) -> Word { m[f.base + i] }
    @inlinable @inline(__always)
    func set(_ m: inout Memory, _ f: Field, _ i: Word, _ v: Word) { m.write(f.base, f.count, i, v) }
    @inlinable @inline(__always)
    func set(_ m: inout Memory, _ f: Field, at i: Int, _ v: Word) { m[f.base + i] = v }

    @inlinable @inline(__always) func k(_ v: Int) -> Word { Word(constant: v) }
    @inlinable @inline(__always) func k(_ v: UInt32) -> Word { Word(constant: Int(v)) }

    /// The sandbox of thread `t`.
    @inlinable @inline(__always)
    func sandbox(of t: Word) -> Word { Word.lookup(layout.threadSandbox, t) }

    /// The global slot of `slot` in sandbox `sb`.
    @inlinable @inline(__always)
    func globalSlot(_ sb: Word, _ slot: Word) -> Word { sb &* k(layout.slotsPerSandbox) &+ slot }

    /// The global page of `page` in sandbox `sb`.
    @inlinable @inline(__always)
    func globalPage(_ sb: Word, _ page: Word) -> Word { sb &* k(layout.pagesPerSandbox) &+ page }

    /// The one-bit mask of global slot `g` (for `cdtDescendants`).
    @inlinable @inline(__always)
    func bit(_ g: Word) -> Word { (1 as Word) &<< g }

    /// `r ⊆ of` for rights masks.
    @inlinable @inline(__always)
    func subset(_ r: Word, _ of: Word) -> Bit { r & ~of == 0 }

    /// Whether `rights` has right `x`.
    @inlinable @inline(__always)
    func has(_ rights: Word, _ x: Rights) -> Bit { rights & k(x.rawValue) != 0 }

    /// Whether an optional-slot word is none or a slot of a capability space.
    @inlinable @inline(__always)
    func validOptionalSlot(_ o: Word) -> Bit { o == 0 || (o &- 1) < k(layout.slotsPerSandbox) }

    // MARK: Preconditions and the failure rule

    /// The running record of a call's preconditions: the first one that fails
    /// fixes the error code.
    @usableFromInline
    struct Checks {
        @usableFromInline var code: Word = 0

        @inlinable init() {}

        /// Requires `condition`; if it is the first that fails, the call fails with `error`.
        /// The concrete interpretation does not evaluate `condition` once a check has failed.
        @inlinable @inline(__always)
        mutating func require(_ condition: @autoclosure () -> Bit, else error: SpecError) {
            code = Word.ite(code == 0, Word.ite(condition(), 0, Word(constant: Int(error.rawValue))), code)
        }
    }

    /// The checks every call starts with: the thread exists and is running.
    @inlinable @inline(__always)
    func callerChecks(_ s: Memory, _ t: Word) -> Checks {
        var c = Checks()
        c.require(t < k(layout.threads), else: .invalidThread)
        c.require(isRunning(s, t), else: .threadNotRunning)
        return c
    }

    /// Whether thread `t` is `running`: the second check of every call.
    /// A call by a thread that is not running fails with `threadNotRunning`
    /// and, by the failure rule, changes nothing (the checker relies on this
    /// to skip such calls, see `LiteBoxModel`).
    @inlinable @inline(__always)
    public func isRunning(_ s: Memory, _ t: Word) -> Bit {
        get(s, layout.threadState, t) == k(ThreadState.running.rawValue)
    }

    /// The failure rule: if every check passed, `effect` runs on a copy of `s`
    /// and gives the outcome; otherwise the state is `s` unchanged and the
    /// outcome is the first failed check's error.
    @inlinable @inline(__always)
    func finish(_ s: Memory, _ checks: Checks, _ effect: (inout Memory) -> Outcome<Word>) -> (Memory, Outcome<Word>) {
        let ok = checks.code == 0
        var m = s
        var done = Outcome<Word>(code: 0, value: 0)
        D.update(ok, &m, { done = effect(&$0) }, { _ in })
        return (m, Outcome(code: Word.ite(ok, done.code, checks.code), value: Word.ite(ok, done.value, 0)))
    }

    @inlinable @inline(__always) func ok(_ value: Word = 0) -> Outcome<Word> { Outcome(code: 0, value: value) }
    @inlinable @inline(__always) func blocked() -> Outcome<Word> { Outcome(code: 1, value: 0) }

    // MARK: Dispatch

    /// The next state and outcome of `call` from state `s`.
    @inlinable
    public func step(_ s: Memory, _ call: Invocation<Word>) -> (state: Memory, outcome: Outcome<Word>) {
        let t = call.thread
        switch call.syscall {
        case .capCopy: return capCopy(s, t, src: call.a0, dst: call.a1, rights: call.a2)
        case .capMint: return capMint(s, t, src: call.a0, dst: call.a1, rights: call.a2, badge: call.a3)
        case .capMove: return capMove(s, t, src: call.a0, dst: call.a1)
        case .capDelete: return capDelete(s, t, slot: call.a0)
        case .capRevoke: return capRevoke(s, t, slot: call.a0)
        case .map: return map(s, t, slot: call.a0, page: call.a1, rights: call.a2)
        case .unmap: return unmap(s, t, page: call.a0)
        case .protect: return protect(s, t, page: call.a0, rights: call.a1)
        case .load: return load(s, t, page: call.a0)
        case .store: return store(s, t, page: call.a0, value: call.a1)
        case .send: return send(s, t, ep: call.a0, msg: call.a1, grant: call.a2)
        case .nbsend: return nbsend(s, t, ep: call.a0, msg: call.a1, grant: call.a2)
        case .recv: return recv(s, t, ep: call.a0, into: call.a1)
        case .call: return call_(s, t, ep: call.a0, msg: call.a1, grant: call.a2)
        case .reply: return reply(s, t, msg: call.a0)
        case .signal: return signal(s, t, ntfn: call.a0)
        case .wait: return wait(s, t, ntfn: call.a0)
        case .poll: return poll(s, t, ntfn: call.a0)
        case .spawn: return spawn(s, t, slot: call.a0)
        case .exit: return exit(s, t)
        }
    }
}

extension Spec: Sendable {}

/// The concrete specification: what the model checker, the differential tests
/// and trace replay run.
public typealias ConcreteSpec = Spec<Concrete>
