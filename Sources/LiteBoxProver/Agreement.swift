// Holding the two interpretations together (DESIGN §3): on concrete states,
// the symbolic transition of a system call, with the state and the call
// plugged in and simplified by Z3, must give exactly the concrete next state
// and outcome; and every symbolic invariant and transition property must
// evaluate to the concrete verdict. This is what makes the proofs speak
// about the code the checker, the kernel tests and trace replay run.

import LiteBoxABI
import LiteBoxSpec
import Z3

/// The symbolic transition of one system call of one configuration, ready to
/// be evaluated on concrete states. Owns a Z3 context: use from one thread.
public final class SymbolicTransition {
    /// The system call.
    public let syscall: Syscall
    private let concrete: ConcreteSpec
    private let vars: SymbolicStep
    /// The symbolic post-state cells, outcome code and value.
    private let post: [Z3Term]
    /// The symbolic invariants on the pre-state, then the transition
    /// properties of the step, in `Invariant.allCases` and
    /// `TransitionProperty.allCases` order.
    private let verdicts: [Z3Term]
    /// The free variables: state cells, thread, argument registers in use.
    private let variables: [Z3Term]

    /// Builds the symbolic step of `syscall` for `config` (with `mutant` on, if any).
    public init(_ config: Configuration, _ syscall: Syscall, mutant: Mutant? = nil) {
        self.syscall = syscall
        concrete = ConcreteSpec(config, mutant: mutant)
        let spec = Spec<Symbolic>(config, mutant: mutant)
        let context = Z3Context()
        let vars = SymbolicStep(spec: spec, syscall: syscall, context: context)
        self.vars = vars
        let call = vars.invocation(syscall)
        let (state, outcome) = spec.step(vars.pre, call)
        post = (state.cells + [outcome.code, outcome.value]).map { $0.term(in: context) }
        verdicts = Invariant.allCases.map { spec.holds($0, vars.pre).term(in: context) }
            + TransitionProperty.allCases.map {
                spec.holds($0, pre: vars.pre, call: call, outcome: outcome, post: state).term(in: context)
            }
        var free = vars.cellVariables
        for w in [vars.thread] + vars.arguments { if case .term(let t) = w { free.append(t) } }
        variables = free
    }

    /// Evaluates the symbolic transition on `state` and `call` (whose
    /// syscall must be this transition's) and compares with the concrete
    /// specification. Returns nil when they agree in every cell, the outcome,
    /// every invariant and every property; otherwise the first disagreements
    /// in words.
    public func disagreement(state: ConcreteMemory, call: Call) throws -> String? {
        precondition(call.syscall == syscall)
        let ctx = vars.context
        let (next, outcome) = concrete.step(state, call)
        // The values of the free variables, in `variables` order.
        var values = state.cells.map { ctx.numeral(UInt64($0)) }
        values.append(ctx.numeral(UInt64(call.thread)))
        for (i, w) in vars.arguments.enumerated() {
            if case .term = w { values.append(ctx.numeral(UInt64([call.a0, call.a1, call.a2, call.a3][i]))) }
        }
        let expected = next.cells + [outcome.code, outcome.value]
        let expectedVerdicts = Invariant.allCases.map { concrete.holds($0, state) }
            + TransitionProperty.allCases.map { concrete.holds($0, pre: state, call: call, outcome: outcome, post: next) }

        // One conjunction, simplified once: it must become `true`.
        let claims = zip(post, expected).map { $0.eq(ctx.numeral(UInt64($1))) }
            + zip(verdicts, expectedVerdicts).map { $1 ? $0 : $0.not() }
        let all = try ctx.substituteAndSimplify(ctx.and(claims), from: variables, to: values)
        if all.boolValue == true { return nil }

        // Say where: each cell and verdict on its own.
        var problems: [String] = []
        for (i, term) in post.enumerated() {
            let v = try ctx.substituteAndSimplify(term, from: variables, to: values)
            guard let got = v.numeralValue else { problems.append("cell \(i) did not evaluate to a value: \(v.smtlib)"); continue }
            if got != UInt64(expected[i]) {
                let what = i < state.cells.count ? concrete.cellName(i) : (i == state.cells.count ? "outcome code" : "outcome value")
                problems.append("\(what): symbolic \(got), concrete \(expected[i])")
            }
        }
        let names = Invariant.allCases.map(\.name) + TransitionProperty.allCases.map(\.name)
        for (i, term) in verdicts.enumerated() {
            let v = try ctx.substituteAndSimplify(term, from: variables, to: values)
            if v.boolValue != expectedVerdicts[i] {
                problems.append("\(names[i]): symbolic \(v.boolValue.map { "\($0)" } ?? v.smtlib), concrete \(expectedVerdicts[i])")
            }
        }
        if problems.isEmpty { problems.append("the conjunction simplified to \(all.smtlib), yet every part agrees") }
        return "\(call) from\n\(concrete.render(state))\n" + problems.prefix(8).joined(separator: "\n")
    }
}
