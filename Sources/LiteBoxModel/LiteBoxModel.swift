// The LiteBox specification as a model for the generic checker: the states
// are concrete kernel states, the actions a fixed call alphabet.

import LiteBoxABI
import LiteBoxSpec
import ModelCheck

/// The concrete specification of one configuration, explored over a call
/// alphabet: every call of `CallAlphabet.calls(for:)` is an action.
///
/// A failed call that leaves the state unchanged is a stutter (it still
/// counts as a transition and in the coverage); a failed call that changed
/// the state is returned as a step, so that `failedCallChangesNothing`
/// reports it. Outcome codes for the checker pack the outcome's code in the
/// low 32 bits and its value in the high 32 bits.
public struct LiteBoxModel: Model {
    public typealias State = ConcreteMemory

    /// The specification explored (possibly a mutant).
    public let spec: ConcreteSpec
    /// The actions, in order.
    public let calls: [Call]
    /// Whether `canonical` reduces by slot and page symmetry.
    public let symmetry: Bool

    /// The model of `spec` over `alphabet`, with or without symmetry reduction.
    public init(_ spec: ConcreteSpec, alphabet: CallAlphabet = .standard, symmetry: Bool = true) {
        self.spec = spec
        self.calls = alphabet.calls(for: spec.config)
        self.symmetry = symmetry
    }

    public var initialState: ConcreteMemory { spec.initialState }
    public var actionCount: Int { calls.count }
    public func describe(action: Int) -> String { calls[action].description }

    /// Packs an outcome into the checker's integer outcome code.
    @inlinable
    public static func pack(_ o: Outcome<UInt32>) -> Int { Int(o.code) | Int(o.value) << 32 }
    /// Unpacks the checker's outcome code.
    @inlinable
    public static func unpack(_ code: Int) -> Outcome<UInt32> {
        Outcome(code: UInt32(truncatingIfNeeded: code), value: UInt32(truncatingIfNeeded: code >> 32))
    }

    @inlinable
    public func step(_ state: ConcreteMemory, action: Int) -> (next: ConcreteMemory?, outcome: Int) {
        let (n, o) = spec.step(state, calls[action])
        if !o.succeeded && n == state { return (nil, Self.pack(o)) }
        return (n, Self.pack(o))
    }

    public var invariants: [NamedInvariant<ConcreteMemory>] {
        let spec = self.spec
        return Invariant.allCases.map { inv in NamedInvariant(inv.name) { spec.holds(inv, $0) } }
    }

    public var properties: [NamedProperty<ConcreteMemory>] {
        let spec = self.spec, calls = self.calls
        return TransitionProperty.allCases.map { p in
            NamedProperty(p.name) { pre, a, o, post in
                spec.holds(p, pre: pre, call: calls[a], outcome: Self.unpack(o), post: post)
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

    public func coverage(action: Int, outcome: Int) -> (row: Int, column: Int) {
        (Int(calls[action].syscall.rawValue), Int(UInt32(truncatingIfNeeded: outcome)))
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
