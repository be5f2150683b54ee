// The LiteBox specification as a model for the generic checker: the states
// are concrete kernel states, the actions a fixed call alphabet.

import LiteBoxABI
import LiteBoxSpec
import ModelCheck

/// The concrete specification of one configuration, explored over a call
/// alphabet: every call of `CallAlphabet.calls(for:)` is an action, and a
/// step's outcome is the call's `Outcome`.
///
/// A failed call that leaves the state unchanged is a stutter (it still
/// counts as a transition and in the coverage); a failed call that changed
/// the state is returned as a step, so that `failedCallChangesNothing`
/// reports it.
///
/// The calls are guarded by their thread (`GuardedModel`): one group per
/// thread, the calls it issues, enabled while the thread is running. A
/// call by a thread that is not running fails its second precondition
/// (`threadNotRunning`; `Spec.isRunning` is the very check) and, by the
/// failure rule, returns the old state: a stutter, which the checker counts
/// in the coverage without stepping it. The prover's
/// `<call>_failedCallChangesNothing` obligations prove the failure rule for
/// every state, and ModelCheckTests steps every skipped call of the tiny
/// state space to confirm it. About 84 % of the calls counted at depth 12
/// on `default` are such calls.
public struct LiteBoxModel: GuardedModel {
    public typealias State = ConcreteMemory
    public typealias Action = Call
    public typealias Outcome = LiteBoxABI.Outcome<UInt32>

    /// The specification explored (possibly a mutant).
    public let spec: ConcreteSpec
    /// The call alphabet, in order.
    public let actions: [Call]
    /// Whether `canonical` reduces by slot and page symmetry.
    public let symmetry: Bool
    /// The maximal runs of consecutive calls by one thread (the standard
    /// alphabet lists all calls of thread 0 first, so one run per thread).
    public let actionGroups: [Range<Int>]
    /// The issuing thread of each group.
    let groupThreads: [UInt32]

    /// The model of `spec` over `alphabet`, with or without symmetry reduction.
    public init(_ spec: ConcreteSpec, alphabet: CallAlphabet = .standard, symmetry: Bool = true) {
        self.spec = spec
        self.actions = alphabet.calls(for: spec.config)
        self.symmetry = symmetry
        var groups: [Range<Int>] = [], threads: [UInt32] = []
        for (i, call) in actions.enumerated() {
            if threads.last == call.thread, let last = groups.popLast() {
                groups.append(last.lowerBound..<(i + 1))
            } else {
                groups.append(i..<(i + 1)); threads.append(call.thread)
            }
        }
        actionGroups = groups
        groupThreads = threads
    }

    /// Whether the calls of group `group` are stepped from `state`: its
    /// thread is running (or does not exist, so that the call fails with
    /// `invalidThread`, as stepping it says).
    public func enables(_ group: Int, _ state: ConcreteMemory) -> Bool {
        let t = groupThreads[group]
        return Int(t) >= spec.layout.threads || spec.isRunning(state, t)
    }

    /// `threadNotRunning`: the outcome of every call of a disabled group.
    public func disabledOutcome(_ call: Call) -> Outcome {
        Outcome(code: SpecError.threadNotRunning.rawValue, value: 0)
    }

    public var initialState: ConcreteMemory { spec.initialState }

    /// Level states are kept packed, relative to the canonical initial state.
    public func makeStorage() -> PackedMemories { PackedMemories(reference: canonical(initialState)) }

    @inlinable
    public func step(_ state: ConcreteMemory, _ call: Call) -> (next: ConcreteMemory?, outcome: Outcome) {
        let (n, o) = spec.step(state, call)
        if !o.succeeded && n == state { return (nil, o) }
        return (n, o)
    }

    public var invariants: [NamedInvariant<ConcreteMemory>] {
        let spec = self.spec
        return Invariant.allCases.map { inv in NamedInvariant(inv.name) { spec.holds(inv, $0) } }
    }

    public var properties: [NamedProperty<ConcreteMemory, Call, Outcome>] {
        let spec = self.spec
        return TransitionProperty.allCases.map { p in
            NamedProperty(p.name) { pre, call, o, post in
                spec.holds(p, pre: pre, call: call, outcome: o, post: post)
            }
        }
    }

    public func canonical(_ state: ConcreteMemory) -> ConcreteMemory {
        symmetry ? spec.canonical(state) : state
    }

    @inlinable
    public func fingerprint(_ state: ConcreteMemory) -> UInt64 {
        state.cells.withUnsafeBufferPointer { ModelCheck.fingerprint(words: $0) }
    }

    /// The call's system call (row) and the outcome's code (column).
    @inlinable
    public func coverage(_ call: Call, _ outcome: Outcome) -> (row: Int, column: Int) {
        (Int(call.syscall.rawValue), Int(outcome.code))
    }

    /// One row per system call.
    public var coverageRows: [String] { Syscall.allCases.map(\.name) }
    /// `ok`, `blocked`, then one column per `SpecError` raw value (2...).
    public var coverageColumns: [String] {
        var cols = ["ok", "blocked"]
        let maxRaw = SpecError.allCases.map(\.rawValue).max() ?? 1
        for raw in 2...maxRaw { cols.append(SpecError(rawValue: raw)?.name ?? "code\(raw)") }
        return cols
    }
}
