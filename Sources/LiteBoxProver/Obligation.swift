// The proof obligations of DESIGN §5, one value per (system call, invariant),
// (system call, transition property) and (preset, invariant) on the initial
// state, built by running the specification in the symbolic interpretation.

import LiteBoxABI
import LiteBoxSpec
import Z3

/// What an obligation claims.
public enum ObligationGoal: Hashable, Sendable {
    /// The invariant holds after the call (from any state satisfying `invs`).
    case invariant(Invariant)
    /// The transition property holds of the call's step (from any state satisfying `invs`).
    case property(TransitionProperty)
}

extension ObligationGoal {
    /// The invariants a step obligation for this goal assumes of the
    /// pre-state: a subset of `invs` (so each proof shows something stronger
    /// than `invs(s) → goal`), declared in `Invariant.hypotheses` and
    /// `TransitionProperty.hypotheses`.
    public var hypotheses: [Invariant] {
        switch self {
        case .invariant(let i): return i.hypotheses
        case .property(let p): return p.hypotheses
        }
    }
}

/// One proof obligation. Stated as a formula that must be **unsatisfiable**:
/// the hypothesis together with the negated goal.
///
/// - A *step* obligation `<syscall>_<goal>` is
///   `hyps(s) ∧ ¬goal(s, call, step(s, call))` where every cell of `s` and the
///   calling thread and every argument of `call` are free 32-bit variables,
///   and `hyps` is the conjunction of the goal's declared hypotheses (a
///   subset of `invs`, see `ObligationGoal.hypotheses`). Unsat means: from
///   every state of the configuration's table sizes (any values in any cell)
///   that satisfies those invariants (so certainly from every state that
///   satisfies `invs`), the call with any arguments preserves the invariant /
///   satisfies the property.
/// - An *initial* obligation `init_<preset>_<invariant>` is
///   `s = initial ∧ ¬inv(s)`: the preset's initial state satisfies the invariant.
public struct Obligation: Hashable, Sendable, CustomStringConvertible {
    /// The system call, or nil for an initial-state obligation.
    public let syscall: Syscall?
    /// The preset whose initial state is meant (initial-state obligations only).
    public let preset: String?
    /// What is claimed.
    public let goal: ObligationGoal

    /// A step obligation.
    public init(_ syscall: Syscall, _ goal: ObligationGoal) {
        self.syscall = syscall; self.preset = nil; self.goal = goal
    }

    /// An initial-state obligation.
    public init(initial preset: String, _ invariant: Invariant) {
        self.syscall = nil; self.preset = preset; self.goal = .invariant(invariant)
    }

    /// The goal's name (`typedCaps`, `integrity`, ...).
    public var goalName: String {
        switch goal {
        case .invariant(let i): return i.name
        case .property(let p): return p.name
        }
    }

    /// `<syscall>_<goal>`, or `init_<preset>_<invariant>`.
    public var name: String {
        if let syscall { return "\(syscall.name)_\(goalName)" }
        return "init_\(preset!)_\(goalName)"
    }

    public var description: String { name }

    /// The obligation in plain words.
    public var statement: String {
        switch (syscall, goal) {
        case (let sc?, .invariant(let i)):
            return "From any state satisfying \(Obligation.list(i.hypotheses)), \(sc.name) with any thread and arguments leaves a state where \(i.statement)."
        case (let sc?, .property(let p)):
            return "From any state satisfying \(Obligation.list(p.hypotheses)), every step of \(sc.name) with any thread and arguments satisfies: \(p.statement)."
        case (nil, .invariant(let i)):
            return "In the initial state of the \(preset!) preset, \(i.statement)."
        case (nil, .property):
            preconditionFailure("initial-state obligations are about invariants")
        }
    }

    /// "any state" when `hypotheses` is empty, else the invariants' names.
    static func list(_ hypotheses: [Invariant]) -> String {
        hypotheses.isEmpty ? "no invariant (any state at all)" : hypotheses.map(\.name).joined(separator: ", ")
    }

    /// Every step obligation (20 system calls × (10 invariants + 6 properties)),
    /// then every initial-state obligation (3 presets × 10 invariants), in the
    /// order `verify prove` reports and `proofs/` lists them.
    public static let all: [Obligation] = {
        var list: [Obligation] = []
        for sc in Syscall.allCases {
            for i in Invariant.allCases { list.append(Obligation(sc, .invariant(i))) }
            for p in TransitionProperty.allCases { list.append(Obligation(sc, .property(p))) }
        }
        for preset in Configuration.presetNames {
            for i in Invariant.allCases { list.append(Obligation(initial: preset, i)) }
        }
        return list
    }()
}

/// The symbolic state and call of one obligation group, in one Z3 context:
/// the free variables, and the formulas built from them.
struct SymbolicStep {
    let spec: Spec<Symbolic>
    let context: Z3Context
    /// One free variable per cell of the state, named after the cell.
    let cellVariables: [Z3Term]
    /// The calling thread and the four argument registers (unused registers
    /// are the constant 0, as in a trace).
    let thread: SymWord
    let arguments: [SymWord]
    let pre: SymMemory

    /// The variables for `syscall`'s call on `spec`'s layout.
    init(spec: Spec<Symbolic>, syscall: Syscall?, context: Z3Context) {
        self.spec = spec
        self.context = context
        var names = [String](repeating: "", count: spec.layout.cellCount)
        for (name, f) in spec.layout.tables {
            for e in 0..<f.count { names[f.base + e] = "\(name)_\(e)" }
        }
        cellVariables = names.map { context.bitVector($0) }
        pre = SymMemory(cells: cellVariables.map { SymWord.term($0) })
        thread = .term(context.bitVector("thread"))
        let used = syscall?.parameters ?? []
        arguments = (0..<4).map { i in
            i < used.count ? SymWord.term(context.bitVector("arg\(i)_\(used[i].name)")) : 0
        }
    }

    /// The same variables and context, for another specification of the same
    /// configuration (the unmutated one, to compare formulas with a mutant's).
    init(copying other: SymbolicStep, spec: Spec<Symbolic>) {
        self.spec = spec
        context = other.context
        cellVariables = other.cellVariables
        thread = other.thread
        arguments = other.arguments
        pre = other.pre
    }

    /// The symbolic invocation of `syscall`.
    func invocation(_ syscall: Syscall) -> Invocation<SymWord> {
        Invocation(thread: thread, syscall: syscall, arguments[0], arguments[1], arguments[2], arguments[3])
    }

    /// The negated claim of a step obligation of the syscall these variables
    /// were made for: `¬goal(s, call, step(s, call))`, given the step already
    /// built. The obligation is that this is unsatisfiable together with
    /// (some of) the hypotheses `invs(s)`.
    func negatedClaim(_ goal: ObligationGoal, call: Invocation<SymWord>,
                      post: (state: SymMemory, outcome: Outcome<SymWord>)) -> Z3Term {
        let claim: SymBool
        switch goal {
        case .invariant(let i): claim = spec.holds(i, post.state)
        case .property(let p): claim = spec.holds(p, pre: pre, call: call, outcome: post.outcome, post: post.state)
        }
        return (!claim).term(in: context)
    }

    /// `s = initial ∧ ¬inv(s)` for an initial-state obligation.
    func initialFormula(_ invariant: Invariant, initial: ConcreteMemory) -> Z3Term {
        let isInitial = Symbolic.all(pre.cells.count) { i in pre.cells[i] == .constant(initial[i]) }
        return (isInitial && !spec.holds(invariant, pre)).term(in: context)
    }
}
