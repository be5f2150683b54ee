// Checking proof obligations with Z3, in parallel, one Z3 context per task.

import LiteBoxABI
import Dispatch
import LiteBoxSpec
import Z3
import Synchronization

/// The result of checking one obligation.
public struct ProofResult: Sendable {
    /// Proved (Z3 says the negation is unsat), refuted (with a readable
    /// counterexample), or unknown (with Z3's reason).
    public enum Verdict: Sendable {
        case proved
        case refuted(counterexample: String)
        case unknown(reason: String)

        /// `proved`, `refuted` or `unknown`.
        public var word: String {
            switch self {
            case .proved: return "proved"
            case .refuted: return "refuted"
            case .unknown: return "unknown"
            }
        }
    }

    /// The obligation.
    public let obligation: Obligation
    /// What Z3 said.
    public let verdict: Verdict
    /// The invariants a step obligation assumes of the pre-state (its goal's
    /// declared hypotheses); nil for initial-state obligations, which assume
    /// the initial state.
    public let hypotheses: [Invariant]?
    /// Seconds spent building this obligation's goal and solving it (the
    /// shared hypothesis and symbolic step are built once per system call and
    /// not counted).
    public let seconds: Double
    /// The obligation as a standalone SMT-LIB 2 file, when asked for.
    public let smtlib: String?
}

/// Checks obligations about one configuration (the step obligations) and the
/// presets (the initial-state obligations), optionally with a mutant switched
/// on in the specification.
public struct Prover: Sendable {
    /// The configuration whose table sizes the step obligations are about.
    public let config: Configuration
    /// The name printed for `config` in files and reports.
    public let configName: String
    /// The deliberate bug switched on, if any.
    public let mutant: Mutant?

    /// The SMT-LIB logic of every obligation: quantifier-free bit-vectors.
    public static let logic = "QF_BV"

    /// A prover for `config` (named `configName`).
    public init(config: Configuration, configName: String, mutant: Mutant? = nil) {
        self.config = config
        self.configName = configName
        self.mutant = mutant
    }

    /// Checks `obligations` with `jobs` worker threads; `emit` also renders
    /// each as SMT-LIB. Obligations of one system call (or one preset) form
    /// one task with its own Z3 context, so the printed files do not depend
    /// on the number of jobs. `progress` is called (from worker threads,
    /// serialized) as each result arrives. Results come back in the order of
    /// `obligations`.
    ///
    /// With `onlyChanged` (for mutants), an obligation whose formula is the
    /// very same term as without the mutant (Z3 hash-conses terms, so this is
    /// structural identity) is not checked and not returned: it is the
    /// unmutated obligation, which `verify prove` proves.
    public func check(_ obligations: [Obligation], jobs: Int, emit: Bool = false, onlyChanged: Bool = false,
                      progress: (@Sendable (ProofResult) -> Void)? = nil) -> [ProofResult] {
        // Tasks: consecutive obligations sharing a syscall or preset.
        var tasks: [[Int]] = []
        var keys: [String] = []
        for (i, o) in obligations.enumerated() {
            let key = o.syscall?.name ?? "init_" + (o.preset ?? "")
            if let j = keys.firstIndex(of: key) { tasks[j].append(i) } else { keys.append(key); tasks.append([i]) }
        }
        let next = Atomic<Int>(0)
        let results = Mutex<[Int: ProofResult?]>([:])
        let work = tasks
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, work.count))) { _ in
            while true {
                let t = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard t < work.count else { return }
                let indices = work[t]
                runTask(indices.map { obligations[$0] }, emit: emit, onlyChanged: onlyChanged) { k, r in
                    results.withLock { $0[indices[k]] = .some(r) }
                    if let r { progress?(r) }
                }
            }
        }
        return results.withLock { all in obligations.indices.compactMap { all[$0]! } }
    }

    /// Builds and checks one task's obligations in a fresh context.
    private func runTask(_ list: [Obligation], emit: Bool, onlyChanged: Bool, deliver: (Int, ProofResult?) -> Void) {
        let context = Z3Context()
        if let preset = list[0].preset {
            let config = Configuration.preset(preset)!
            let spec = Spec<Symbolic>(config, mutant: mutant)
            // Mutants change system calls, never the initial state.
            if onlyChanged { for k in list.indices { deliver(k, nil) }; return }
            let vars = SymbolicStep(spec: spec, syscall: nil, context: context)
            let initial = ConcreteSpec(config).initialState
            for (k, o) in list.enumerated() {
                guard case .invariant(let inv) = o.goal else { preconditionFailure() }
                let start = DispatchTime.now().uptimeNanoseconds
                let f = vars.initialFormula(inv, initial: initial)
                let result = context.check(f, logic: Prover.logic)
                let text = emit ? smtlib(o, f, context, configName: preset, hypotheses: nil) : nil
                deliver(k, ProofResult(obligation: o, verdict: verdict(o, result, vars), hypotheses: nil,
                                       seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, smtlib: text))
            }
            return
        }
        let sc = list[0].syscall!
        let spec = Spec<Symbolic>(config, mutant: mutant)
        let vars = SymbolicStep(spec: spec, syscall: sc, context: context)
        let invariants = Invariant.allCases.map { spec.holds($0, vars.pre).term(in: context) }
        func hypothesis(_ list: [Invariant]) -> Z3Term { context.and(list.map { invariants[$0.index] }) }
        let call = vars.invocation(sc)
        let post = spec.step(vars.pre, call)
        let baseline: (Spec<Symbolic>, (state: SymMemory, outcome: Outcome<SymWord>))? = onlyChanged && mutant != nil
            ? { let b = Spec<Symbolic>(config); return (b, b.step(vars.pre, call)) }() : nil
        for (k, o) in list.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            let used = o.goal.hypotheses
            let negated = vars.negatedClaim(o.goal, call: call, post: post)
            if let (b, bpost) = baseline,
               SymbolicStep(copying: vars, spec: b).negatedClaim(o.goal, call: call, post: bpost).isSame(negated) {
                deliver(k, nil)
                continue
            }
            let formula = hypothesis(used).and(negated)
            var result = context.check(formula, logic: Prover.logic)
            var tooWeak = false
            if case .sat = result, used.count < Invariant.allCases.count {
                // Refuted under the declared hypotheses: is it refuted under
                // all of invs too (a real bug), or are the hypotheses too weak?
                let full = context.check(hypothesis(Invariant.allCases).and(negated), logic: Prover.logic)
                if case .unsat = full { tooWeak = true } else { result = full }
            }
            let text = emit ? smtlib(o, formula, context, configName: configName, hypotheses: used) : nil
            var v = verdict(o, result, vars)
            if tooWeak, case .refuted(let cex) = v {
                v = .refuted(counterexample: "proved from all of invs, but not from the declared hypotheses "
                             + "(\(Obligation.list(used))): add the invariant this state breaks to the goal's `hypotheses`\n" + cex)
            }
            deliver(k, ProofResult(obligation: o, verdict: v, hypotheses: used,
                                   seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, smtlib: text))
        }
    }

    private func smtlib(_ o: Obligation, _ formula: Z3Term, _ context: Z3Context, configName: String,
                        hypotheses: [Invariant]?) -> String? {
        var header = [
            "LiteBox proof obligation \(o.name) (configuration \(configName)\(mutant.map { ", mutant \($0.rawValue)" } ?? ""))",
            o.statement,
        ]
        if let hypotheses {
            header.append("Hypotheses (a subset of invs): \(hypotheses.isEmpty ? "none" : hypotheses.map(\.name).joined(separator: ", ")).")
        }
        header += [
            "The assertion is the hypotheses with the negated claim: `unsat` means proved.",
            "Generated by `verify prove --emit`; do not edit.",
        ]
        return try? context.smtlib(formula, logic: Prover.logic, comment: header)
    }

    private func verdict(_ o: Obligation, _ result: Z3Result, _ vars: SymbolicStep) -> ProofResult.Verdict {
        switch result {
        case .unsat: return .proved
        case .unknown(let why): return .unknown(reason: why)
        case .sat(let model): return .refuted(counterexample: counterexample(o, model, vars))
        }
    }

    /// The model as a readable kernel state plus the call, replayed through
    /// the concrete specification to show what went wrong.
    private func counterexample(_ o: Obligation, _ model: Z3Model, _ vars: SymbolicStep) -> String {
        let config = o.preset.flatMap(Configuration.preset) ?? self.config
        let spec = ConcreteSpec(config, mutant: mutant)
        let s = ConcreteMemory(cells: vars.cellVariables.map { UInt32(truncatingIfNeeded: model.value($0)) })
        var lines = ["state:"] + spec.render(s).split(separator: "\n").map { "  " + $0 }
        guard let sc = o.syscall else {
            let broken = Invariant.allCases.filter { !spec.holds($0, s) }.map(\.name)
            lines.append("invariants violated by this initial state: \(broken.joined(separator: ", "))")
            return lines.joined(separator: "\n")
        }
        func word(_ w: SymWord) -> UInt32 {
            switch w {
            case .constant(let v): return v
            case .term(let t): return UInt32(truncatingIfNeeded: model.value(t))
            }
        }
        let a = vars.arguments.map(word)
        let call = Call(thread: word(vars.thread), syscall: sc, a[0], a[1], a[2], a[3])
        let (post, outcome) = spec.step(s, call)
        lines.append("call: \(call) -> \(outcome)")
        lines.append("changes:")
        lines += spec.difference(s, post).map { "  " + $0 }
        let brokenBefore = Invariant.allCases.filter { !spec.holds($0, s) }.map(\.name)
        if !brokenBefore.isEmpty {
            lines.append("(the concrete specification disagrees: this state already violates \(brokenBefore.joined(separator: ", ")))")
        }
        switch o.goal {
        case .invariant(let inv):
            lines.append("after the step, \(inv.name) is \(spec.holds(inv, post) ? "true (concrete replay disagrees with Z3)" : "false")")
        case .property(let p):
            let holds = spec.holds(p, pre: s, call: call, outcome: outcome, post: post)
            lines.append("\(p.name) is \(holds ? "true (concrete replay disagrees with Z3)" : "false") for this step")
        }
        return lines.joined(separator: "\n")
    }
}
