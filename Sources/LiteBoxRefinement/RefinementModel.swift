// Refinement along the checker: every explored transition of the spec must
// commute with the production kernel through the abstraction function.

import LiteBoxABI
import LiteBoxKernel
import LiteBoxModel
import LiteBoxSpec
import ModelCheck

/// The LiteBox model with one more transition property, `refinement`: for
/// every call from every explored state `s` — failed calls included — the
/// kernel built from `s` (`Kernel(concretizing:config:)`), stepped in
/// `Lockstep` with the spec, returns the same outcome as the spec, and its
/// abstraction afterwards equals the spec's next state. So every explored
/// transition commutes with the abstraction.
///
/// A step's outcome is the spec's outcome together with the lockstep's
/// verdict (`Outcome.agrees`); the base model's properties and the coverage
/// see the spec's outcome only. A failed call that disagrees is reported as
/// a step instead of a stutter, so the `refinement` property sees it.
public struct RefinementModel: Model {
    public typealias State = ConcreteMemory
    public typealias Action = Call

    /// A step's outcome: the spec's, and whether the kernel agreed.
    public struct Outcome: Sendable {
        /// The spec's outcome of the call.
        public var spec: LiteBoxModel.Outcome
        /// Whether the kernel returned the same outcome and its abstraction
        /// afterwards equals the spec's next state.
        public var agrees: Bool
    }

    /// The model refined.
    public let base: LiteBoxModel

    /// The refinement check of `base`.
    public init(_ base: LiteBoxModel) { self.base = base }

    public var initialState: ConcreteMemory { base.initialState }
    public var actions: [Call] { base.actions }

    public func step(_ state: ConcreteMemory, _ call: Call) -> (next: ConcreteMemory?, outcome: Outcome) {
        var lockstep = Lockstep(spec: base.spec, concretizing: state)
        let o = lockstep.step(call)
        let n = lockstep.state
        let outcome = Outcome(spec: o, agrees: lockstep.divergence == nil)
        if outcome.agrees && !o.succeeded && n == state { return (nil, outcome) }
        return (n, outcome)
    }

    public var invariants: [NamedInvariant<ConcreteMemory>] { base.invariants }

    public var properties: [NamedProperty<ConcreteMemory, Call, Outcome>] {
        base.properties.map { p in NamedProperty(p.name) { pre, call, o, post in p.holds(pre, call, o.spec, post) } }
            + [NamedProperty("refinement") { _, _, o, _ in o.agrees }]
    }

    public func canonical(_ state: ConcreteMemory) -> ConcreteMemory { base.canonical(state) }
    public func fingerprint(_ state: ConcreteMemory) -> UInt64 { base.fingerprint(state) }
    public func coverage(_ call: Call, _ outcome: Outcome) -> (row: Int, column: Int) {
        base.coverage(call, outcome.spec)
    }
    public var coverageRows: [String] { base.coverageRows }
    public var coverageColumns: [String] { base.coverageColumns }
}
