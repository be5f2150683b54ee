// Kernel and specification side by side: the one place where "kernel and spec
// agree after a call" is written. `verify replay`, the Linux personality, the
// refinement model, the fuzz harness and the tests all step through it.

import LiteBoxABI
import LiteBoxFormats
import LiteBoxKernel
import LiteBoxSpec

/// The production kernel and the concrete specification, stepped by one call
/// at a time from states that correspond.
///
/// After every call, they agree when
/// 1. the kernel's outcome equals the specification's,
/// 2. the kernel's abstract state (`Kernel.abstraction(in:)`, taken in the
///    specification's configuration) equals the specification's next state,
/// 3. the kernel's representation invariants hold (when
///    `checksRepresentation` is on: they cost O(the kernel's tables)), and
/// 4. the recorded outcome, when the caller passes one (a trace line's
///    `-> ...`), equals the specification's.
///
/// The first call on which they do not is kept as `divergence`. From then on
/// the kernel's state means nothing, so later calls run on the specification
/// alone (a report can still be completed); callers that stop at the first
/// divergence simply stop. With `records` on, every call is kept with the
/// specification's outcome, so a run can be written out as a LiteBox trace
/// and replayed with `verify replay`.
public struct Lockstep {
    /// How the kernel is entered for each call.
    public enum Entry: Sendable {
        /// `Kernel.execute(_:)`, the typed entry point.
        case typed
        /// `Kernel.syscall(thread:number:...)` with the call's register
        /// encoding (`ABIDecoder.encode`): decoder and kernel together.
        case registers
    }

    /// A call on which kernel and specification disagreed.
    public struct Divergence: Sendable, CustomStringConvertible {
        /// The 0-based number of the call in this lockstep.
        public var index: Int
        /// The call.
        public var call: Call
        /// The specification's outcome.
        public var spec: Outcome<UInt32>
        /// The kernel's outcome.
        public var kernel: Outcome<UInt32>
        /// The recorded outcome, when the caller passed one.
        public var recorded: Outcome<UInt32>?
        /// The cells whose values differ, specification -> kernel (empty if the states agree).
        public var stateDifference: [String]
        /// The kernel's broken representation invariants (empty if none, or not checked).
        public var brokenRepresentation: [String]
        /// Why the call was issued (for example the strace line it translates); may be empty.
        public var origin: String

        /// Whether the disagreement is only with the recorded outcome (kernel
        /// and specification agree with each other).
        public var onlyRecordedDiffers: Bool {
            kernel == spec && stateDifference.isEmpty && brokenRepresentation.isEmpty
        }

        /// A multi-line report: the call, the three outcomes, the broken
        /// representation invariants and the state difference.
        public var description: String {
            var lines = ["divergence at call #\(index) \(call)" + (origin.isEmpty ? "" : " (\(origin))"),
                         "  spec:   \(spec)", "  kernel: \(kernel)"]
            if let recorded { lines.append("  recorded: \(recorded)") }
            lines += brokenRepresentation.map { "  representation broken: \($0)" }
            lines += stateDifference.isEmpty ? ["  states agree"] : stateDifference.map { "  state (spec -> kernel) \($0)" }
            return lines.joined(separator: "\n")
        }
    }

    /// The specification (possibly a mutant).
    public let spec: ConcreteSpec
    /// The kernel. Its universe embeds the specification's (the same
    /// configuration, or kernel-only sizes beyond it).
    public let kernel: Kernel
    /// How the kernel is entered.
    public let entry: Entry
    /// Whether the kernel's representation invariants are checked after every call.
    public let checksRepresentation: Bool
    /// Whether `calls` keeps every call.
    public let records: Bool
    /// The specification's current state.
    public private(set) var state: ConcreteMemory
    /// The number of calls stepped.
    public private(set) var count = 0
    /// Every call stepped, with the specification's outcome (when `records`).
    public private(set) var calls: [Trace.Entry] = []
    /// The first call on which kernel and specification disagreed.
    public private(set) var divergence: Divergence?

    /// `kernel` against `spec` from the specification state `state` (nil:
    /// the initial state), which the kernel must represent.
    public init(spec: ConcreteSpec, kernel: Kernel, state: ConcreteMemory? = nil, entry: Entry = .typed,
                checksRepresentation: Bool = false, records: Bool = false) {
        self.spec = spec
        self.kernel = kernel
        self.state = state ?? spec.initialState
        self.entry = entry
        self.checksRepresentation = checksRepresentation
        self.records = records
    }

    /// A fresh kernel and the specification of `config` (which must be
    /// valid), both in its initial state.
    public init(_ config: Configuration, entry: Entry = .typed, checksRepresentation: Bool = false, records: Bool = false) {
        self.init(spec: ConcreteSpec(config), kernel: Kernel(config), entry: entry,
                  checksRepresentation: checksRepresentation, records: records)
    }

    /// A kernel built from the specification state `state` of `spec`
    /// (`Kernel(concretizing:config:)`), for one step from a state the
    /// model checker reached.
    public init(spec: ConcreteSpec, concretizing state: ConcreteMemory, checksRepresentation: Bool = false) {
        self.init(spec: spec, kernel: Kernel(concretizing: state, config: spec.config), state: state,
                  checksRepresentation: checksRepresentation)
    }

    /// The cells in which the kernel's abstract state differs from the
    /// specification's current state (specification -> kernel); empty when
    /// they agree. Costs O(the specification state).
    public var stateDifference: [String] {
        spec.difference(state, kernel.abstraction(in: spec.config))
    }

    /// Runs `call` through both and returns the specification's outcome.
    /// `recorded` is the outcome a trace recorded for it, if any; `origin`
    /// says why it was issued, for a divergence report.
    @discardableResult
    public mutating func step(_ call: Call, recorded: Outcome<UInt32>? = nil,
                              origin: @autoclosure () -> String = "") -> Outcome<UInt32> {
        let (next, expected) = spec.step(state, call)
        if divergence == nil {
            let got = run(call)
            let abstract = kernel.abstraction(in: spec.config)
            let broken = checksRepresentation ? kernel.checkRepresentation() : []
            if got != expected || abstract != next || !broken.isEmpty || (recorded != nil && recorded != expected) {
                divergence = Divergence(index: count, call: call, spec: expected, kernel: got, recorded: recorded,
                                        stateDifference: spec.difference(next, abstract),
                                        brokenRepresentation: broken, origin: origin())
            }
        }
        state = next
        count += 1
        if records { calls.append(Trace.Entry(call: call, outcome: expected)) }
        return expected
    }

    /// Enters the kernel with `call`. Through the registers, result words
    /// that do not fit an outcome's 32-bit code and value are reported as
    /// code `UInt32.max` (which no outcome has), so they diverge.
    private func run(_ call: Call) -> Outcome<UInt32> {
        switch entry {
        case .typed:
            return kernel.execute(call)
        case .registers:
            let w = ABIDecoder.encode(call)
            let a = w.arguments + [UInt64](repeating: 0, count: 5 - w.arguments.count)
            let (value, error) = kernel.syscall(thread: w.thread, number: w.number, a[0], a[1], a[2], a[3], a[4])
            guard value >> 32 == 0, error >> 32 == 0 else { return Outcome(code: .max, value: .max) }
            return Outcome(code: UInt32(error), value: UInt32(value))
        }
    }
}
