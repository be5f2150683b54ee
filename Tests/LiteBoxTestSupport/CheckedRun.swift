// Checking concrete runs of the specification against every invariant and
// transition property, for the property tests.

import LiteBoxABI
import LiteBoxSpec

/// What went wrong in one step, if anything: the broken invariants and
/// transition properties, by name.
public func violations(_ spec: ConcreteSpec, pre: ConcreteMemory, call: Call,
                       outcome: Outcome<UInt32>, post: ConcreteMemory) -> [String] {
    var out: [String] = []
    for inv in Invariant.allCases where !spec.holds(inv, post) { out.append(inv.name) }
    for p in TransitionProperty.allCases
    where !spec.holds(p, pre: pre, call: call, outcome: outcome, post: post) { out.append(p.name) }
    return out
}

/// Runs `calls` from the initial state of `spec`, checking every step. Returns
/// nil if everything held, otherwise a readable report ending in the
/// replayable call sequence up to the failing step.
public func runChecked(_ spec: ConcreteSpec, _ calls: [Call]) -> String? {
    var s = spec.initialState
    for (i, call) in calls.enumerated() {
        let (next, outcome) = spec.step(s, call)
        var bad = violations(spec, pre: s, call: call, outcome: outcome, post: next)
        if !outcome.succeeded && next != s { bad.append("failed call changed the state") }
        if !bad.isEmpty {
            let trace = calls[0...i].map { "  \($0)" }.joined(separator: "\n")
            return "\(spec.config.name): step \(i) \(call) -> \(outcome) broke \(bad)\n"
                + spec.difference(s, next).map { "    \($0)" }.joined(separator: "\n")
                + "\ncalls:\n\(trace)"
        }
        s = next
    }
    return nil
}
