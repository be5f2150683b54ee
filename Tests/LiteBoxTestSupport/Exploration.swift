// A small exhaustive breadth-first explorer over whole states: the property
// tests' independent oracle for the model checker's state counts (it shares
// nothing with ModelCheck: no fingerprints, no symmetry, no parallelism).

import LiteBoxABI
import LiteBoxSpec

/// The result of an exhaustive breadth-first exploration (`explore`).
public struct Exploration {
    /// Distinct states reachable in at most `d` calls, for `d = 0...depth`.
    public var statesUpTo: [Int]
    /// Transitions taken (calls applied to distinct states at depth < limit).
    public var transitions: Int
    /// Successful transitions per syscall.
    public var successes: [Syscall: Int]
    /// Every distinct state reached, in the order first reached (level by level).
    public var states: [ConcreteMemory]
    /// The first violation found, if any (the exploration stops there).
    public var violation: String?
}

/// Every state reachable from the initial state of `spec` in at most `depth`
/// calls of `alphabet`, with every invariant checked on every state and every
/// transition property on every step. Exact (whole states in a `Set`).
public func explore(_ spec: ConcreteSpec, depth: Int, alphabet: CallAlphabet = .standard) -> Exploration {
    let calls = alphabet.calls(for: spec.config)
    let initial = spec.initialState
    var seen: Set<ConcreteMemory> = [initial]
    var frontier = [initial]
    var result = Exploration(statesUpTo: [1], transitions: 0, successes: [:], states: [initial], violation: nil)
    if !spec.invs(initial) { result.violation = "initial state violates invs"; return result }
    for _ in 0..<depth {
        var next: [ConcreteMemory] = []
        for s in frontier {
            for call in calls {
                let (t, outcome) = spec.step(s, call)
                result.transitions += 1
                if outcome.succeeded { result.successes[call.syscall, default: 0] += 1 }
                if !outcome.succeeded {
                    if t != s { result.violation = "\(call) failed but changed the state"; return result }
                    continue
                }
                for p in TransitionProperty.allCases
                where !spec.holds(p, pre: s, call: call, outcome: outcome, post: t) {
                    result.violation = "\(call) -> \(outcome) broke \(p.name) from\n\(spec.render(s))"
                    return result
                }
                if seen.insert(t).inserted {
                    for inv in Invariant.allCases where !spec.holds(inv, t) {
                        result.violation = "\(call) -> \(outcome) broke \(inv.name) from\n\(spec.render(s))"
                        return result
                    }
                    next.append(t)
                }
            }
        }
        result.states += next
        frontier = next
        result.statesUpTo.append(seen.count)
    }
    return result
}

/// An exploration that found a violation (`reachableStates`).
public struct ExplorationViolation: Error, CustomStringConvertible {
    /// The configuration explored.
    public var configuration: String
    /// What broke (`Exploration.violation`).
    public var violation: String
    public var description: String { "exploring \(configuration): \(violation)" }
}

/// Every state `spec` reaches within `depth` calls of the standard alphabet
/// (`explore(spec, depth:).states`). Throws if an invariant or transition
/// property breaks on the way (the test calling it then fails, not the run).
public func reachableStates(_ spec: ConcreteSpec, depth: Int) throws -> [ConcreteMemory] {
    let e = explore(spec, depth: depth)
    if let v = e.violation { throw ExplorationViolation(configuration: spec.config.name, violation: v) }
    return e.states
}
