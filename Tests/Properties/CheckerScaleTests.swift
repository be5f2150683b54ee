// The checker at scale (issue 15): only enabled calls are stepped, level
// states are kept packed, the last level is not kept, and a memory limit
// stops a run cleanly. Each must leave every count and verdict unchanged.

import LiteBoxABI
import LiteBoxModel
import LiteBoxSpec
import LiteBoxTestSupport
import ModelCheck
import Testing

/// `LiteBoxModel` seen as a plain `Model`: every call stepped from every
/// state, states kept in an array. The reference the optimised run must match.
struct PlainLiteBoxModel: Model {
    let base: LiteBoxModel
    var initialState: ConcreteMemory { base.initialState }
    var actions: [Call] { base.actions }
    func step(_ s: ConcreteMemory, _ call: Call) -> (next: ConcreteMemory?, outcome: LiteBoxModel.Outcome) { base.step(s, call) }
    var invariants: [NamedInvariant<ConcreteMemory>] { base.invariants }
    var properties: [NamedProperty<ConcreteMemory, Call, LiteBoxModel.Outcome>] { base.properties }
    func canonical(_ s: ConcreteMemory) -> ConcreteMemory { base.canonical(s) }
    func fingerprint(_ s: ConcreteMemory) -> UInt64 { base.fingerprint(s) }
    func coverage(_ call: Call, _ outcome: LiteBoxModel.Outcome) -> (row: Int, column: Int) { base.coverage(call, outcome) }
    var coverageRows: [String] { base.coverageRows }
    var coverageColumns: [String] { base.coverageColumns }
}

@Suite struct CheckerScaleTests {
    @Test("every call of a disabled group is a stutter with threadNotRunning, in every reachable tiny state")
    func skippedCallsAreStutters() throws {
        let spec = ConcreteSpec(.tiny)
        let model = LiteBoxModel(spec, symmetry: false)
        #expect(model.actionGroups.count == Configuration.tiny.threads.count)
        var skipped = 0
        for s in try reachableStates(spec, depth: 8) {
            for g in model.actionGroups.indices where !model.enables(g, s) {
                for a in model.actionGroups[g] {
                    let (n, o) = spec.step(s, model.actions[a])
                    #expect(n == s && o == model.disabledOutcome(model.actions[a]), "\(model.actions[a])")
                    skipped += 1
                }
            }
        }
        #expect(skipped > 100_000)
    }

    @Test("stepping only enabled calls, packed, gives the same levels, coverage and transitions", arguments: ["tiny", "default"])
    func guardedRunEqualsPlainRun(_ name: String) {
        let model = LiteBoxModel(ConcreteSpec(preset(name)))
        let depth = name == "tiny" ? 9 : 6
        let fast = Checker.run(model, CheckOptions(depth: depth, threads: 2))
        let plain = Checker.run(PlainLiteBoxModel(base: model), CheckOptions(depth: depth, threads: 2))
        #expect(fast.levels.map(\.newStates) == plain.levels.map(\.newStates))
        #expect(fast.levels.map(\.transitions) == plain.levels.map(\.transitions))
        #expect(fast.coverage == plain.coverage)
        #expect(fast.successors == plain.successors)
        #expect(plain.evaluated == plain.transitions && fast.evaluated < plain.evaluated / 2)
        #expect(fast.violation == nil && plain.violation == nil)
    }

    @Test("every mutant gives the same violation and trace with and without the optimisations", arguments: Mutant.allCases)
    func mutantsAreCaughtTheSame(_ mutant: Mutant) {
        let model = LiteBoxModel(ConcreteSpec(.default, mutant: mutant))
        let fast = Checker.run(model, CheckOptions(depth: 6, threads: 2))
        let plain = Checker.run(PlainLiteBoxModel(base: model), CheckOptions(depth: 6, threads: 2))
        #expect(fast.violation == plain.violation)
        #expect(fast.levels.map(\.newStates) == plain.levels.map(\.newStates))
    }

    @Test("packed states decode to exactly the states stored, large cell values included")
    func packedStatesRoundTrip() throws {
        let spec = ConcreteSpec(.default)
        var states = try reachableStates(spec, depth: 3)
        var big = spec.initialState
        for i in stride(from: 0, to: big.cells.count, by: 5) { big.cells[i] = [255, 256, 70_000, .max][i % 4] }
        states.append(big)
        var store = PackedMemories(reference: spec.canonical(spec.initialState))
        for s in states { store.append(s) }
        var copy = PackedMemories(reference: spec.canonical(spec.initialState))
        for i in 0..<store.count { copy.append(from: store, at: i) }
        #expect(store.count == states.count && copy.count == states.count)
        for i in states.indices { #expect(store[i] == states[i] && copy[i] == states[i]) }
        // A state packs into far fewer bytes than its cells.
        #expect(store.bytes < states.count * spec.initialState.cells.count * 4 / 3)
    }

    @Test("a memory limit stops the run before the level that would not fit, with the levels so far")
    func memoryLimitStopsCleanly() throws {
        let model = LiteBoxModel(ConcreteSpec(.default))
        let full = Checker.run(model, CheckOptions(depth: 7, threads: 2))
        let estimate = full.levels[5].nextLevelEstimate
        #expect(estimate > full.levels[5].residentBytes)
        let stopped = Checker.run(model, CheckOptions(depth: 7, threads: 2, maxMemory: estimate - 1))
        let stop = try #require(stopped.memoryStop)
        #expect(stop.depth <= 6 && stop.limitBytes == estimate - 1 && stop.estimatedBytes > stop.limitBytes)
        #expect(stopped.levels.map(\.newStates) == Array(full.levels.map(\.newStates).prefix(stop.depth)))
        #expect(stopped.violation == nil && full.memoryStop == nil)
    }
}
