// Kernel and specification side by side: every LiteBox call the personality
// issues runs through both, and both must agree.

import LiteBoxKernel
import LiteBoxSpec

/// The production kernel and the concrete specification of one configuration,
/// stepped in lockstep.
///
/// After every call the two outcomes and the kernel's abstract state must
/// equal the specification's outcome and next state; the first time they do
/// not is recorded as a `Divergence`. From then on the kernel's state means
/// nothing, so later calls run on the specification alone (and a report can
/// still be completed). Every call
/// issued is kept, so the whole run can be written out as a LiteBox trace and
/// replayed with `verify replay`.
public struct Lockstep {
    /// A call on which kernel and specification disagreed.
    public struct Divergence: Sendable {
        /// The call.
        public var call: Call
        /// The specification's outcome.
        public var spec: Outcome<UInt32>
        /// The kernel's outcome.
        public var kernel: Outcome<UInt32>
        /// The cells that differ (specification -> kernel), empty if only the outcomes differ.
        public var stateDifference: [String]
        /// Why the call was issued (the strace line and call it translates).
        public var origin: String
    }

    /// The specification.
    public let spec: ConcreteSpec
    /// The kernel.
    public let kernel: Kernel
    /// The specification's current state.
    public private(set) var state: ConcreteMemory
    /// Every call issued, with the specification's outcome, in order.
    public private(set) var calls: [Trace.Entry] = []
    /// Every disagreement between kernel and specification.
    public private(set) var divergences: [Divergence] = []

    /// Kernel and specification in the initial state of `config` (which must be valid).
    public init(_ config: Configuration) {
        spec = ConcreteSpec(config)
        kernel = Kernel(config)
        state = spec.initialState
    }

    /// Runs `call` through both and returns the specification's outcome.
    /// `origin` says why it was issued, for a divergence report.
    @discardableResult
    public mutating func issue(_ call: Call, origin: @autoclosure () -> String) -> Outcome<UInt32> {
        let (next, expected) = spec.step(state, call)
        if divergences.isEmpty {
            let got = kernel.execute(call)
            let abstract = kernel.abstraction()
            if got != expected || abstract != next {
                divergences.append(Divergence(call: call, spec: expected, kernel: got,
                                              stateDifference: spec.difference(next, abstract), origin: origin()))
            }
        }
        state = next
        calls.append(Trace.Entry(call: call, outcome: expected))
        return expected
    }
}
