// Rebuilding a counterexample: from a path between canonical states to a
// trace the model's own initial state can replay.

extension Checker {
    /// Turns a path of actions between canonical states into a trace from the
    /// model's own initial state (both as indices into `model.actions`). Each
    /// canonical state is the representative of some raw state; from the raw
    /// state, the action that reaches a state with the next canonical
    /// fingerprint is found by trying the recorded action first and then
    /// every action. With `final`, the last step is an action from the last
    /// raw state that breaks the named property.
    @inlinable
    static func rawTrace<M: Model>(_ model: M, canonicalPath: [Int], final: (action: Int, name: String)?) -> [Int] {
        let actions = model.actions
        var canonical = model.canonical(model.initialState)
        var raw = model.initialState
        var trace: [Int] = []
        for a in canonicalPath {
            guard let n = model.step(canonical, actions[a]).next else { break }
            canonical = model.canonical(n)
            let target = model.fingerprint(canonical)
            for b in [a] + Array(actions.indices) {
                if let r = model.step(raw, actions[b]).next, model.fingerprint(model.canonical(r)) == target {
                    raw = r; trace.append(b); break
                }
            }
        }
        if let final {
            let property = model.properties.first { $0.name == final.name }
            for b in [final.action] + Array(actions.indices) {
                let (n, outcome) = model.step(raw, actions[b])
                if let n, let property, !property.holds(raw, actions[b], outcome, n) { trace.append(b); break }
            }
        }
        return trace
    }
}
