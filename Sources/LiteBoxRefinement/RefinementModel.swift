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
/// A disagreement is flagged in bit 62 of the checker's outcome code (which
/// the other properties and the coverage never see), and a failed call that
/// disagrees is reported as a step instead of a stutter, so the property
/// sees it.
public struct RefinementModel: Model {
    public typealias State = ConcreteMemory
    /// The model refined.
    public let base: LiteBoxModel

    /// The refinement check of `base`.
    public init(_ base: LiteBoxModel) { self.base = base }

    static let mismatch = 1 << 62

    public var initialState: ConcreteMemory { base.initialState }
    public var actionCount: Int { base.actionCount }
    public func describe(action: Int) -> String { base.describe(action: action) }

    public func step(_ state: ConcreteMemory, action: Int) -> (next: ConcreteMemory?, outcome: Int) {
        var lockstep = Lockstep(spec: base.spec, concretizing: state)
        let o = lockstep.step(base.calls[action])
        let n = lockstep.state
        let agrees = lockstep.divergence == nil
        let code = LiteBoxModel.pack(o) | (agrees ? 0 : Self.mismatch)
        if agrees && !o.succeeded && n == state { return (nil, code) }
        return (n, code)
    }

    public var invariants: [NamedInvariant<ConcreteMemory>] { base.invariants }

    public var properties: [NamedProperty<ConcreteMemory>] {
        let mask = ~Self.mismatch
        return base.properties.map { p in NamedProperty(p.name) { pre, a, o, post in p.holds(pre, a, o & mask, post) } }
            + [NamedProperty("refinement") { _, _, o, _ in o & Self.mismatch == 0 }]
    }

    public func canonical(_ state: ConcreteMemory) -> ConcreteMemory { base.canonical(state) }
    public func fingerprint(_ state: ConcreteMemory) -> UInt64 { base.fingerprint(state) }
    public func coverage(action: Int, outcome: Int) -> (row: Int, column: Int) {
        base.coverage(action: action, outcome: outcome & ~Self.mismatch)
    }
    public var coverageRows: [String] { base.coverageRows }
    public var coverageColumns: [String] { base.coverageColumns }
}
