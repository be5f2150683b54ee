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
public struct LiteBoxModel: Model {
    public typealias State = ConcreteMemory
    public typealias Action = Call
    public typealias Outcome = LiteBoxABI.Outcome<UInt32>

    /// The specification explored (possibly a mutant).
    public let spec: ConcreteSpec
    /// The call alphabet, in order.
    public let actions: [Call]
    /// Whether `canonical` reduces by slot and page symmetry.
    public let symmetry: Bool

    /// The model of `spec` over `alphabet`, with or without symmetry reduction.
    public init(_ spec: ConcreteSpec, alphabet: CallAlphabet = .standard, symmetry: Bool = true) {
        self.spec = spec
        self.actions = alphabet.calls(for: spec.config)
        self.symmetry = symmetry
    }

    public var initialState: ConcreteMemory { spec.initialState }

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
