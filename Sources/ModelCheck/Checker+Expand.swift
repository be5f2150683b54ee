// Expanding one level: every action from every frontier state, in parallel
// over contiguous chunks of the frontier.

import Dispatch

extension Checker {
    /// What one chunk of the frontier produced: its new successors in
    /// generation order (fingerprint, canonical state unless the level is
    /// the last, parent index, action index), the work done, the coverage
    /// counts, the first new successor that breaks an invariant and the first
    /// step that breaks a property.
    @usableFromInline
    final class ChunkResult<M: Model> {
        @usableFromInline var fingerprints: [UInt64] = []
        @usableFromInline var states: M.Storage
        @usableFromInline var parents: [UInt32] = []
        @usableFromInline var actions: [UInt16] = []
        @usableFromInline var transitions = 0
        @usableFromInline var evaluated = 0
        @usableFromInline var successors = 0
        @usableFromInline var coverage: [Int]
        /// The first broken property in this chunk: (parent index, action index, name).
        @usableFromInline var broken: (parent: Int, action: Int, name: String)?
        /// The first new successor in this chunk that breaks an invariant:
        /// (parent index, action index, the first invariant it breaks).
        @usableFromInline var brokenInvariant: (parent: Int, action: Int, name: String)?
        @usableFromInline init(_ model: M, cells: Int) {
            states = model.makeStorage()
            coverage = [Int](repeating: 0, count: cells)
        }
    }

    /// Which actions `expand` steps from a state: the alphabet's groups
    /// (one group, always enabled, for a plain `Model`), and for each group
    /// the coverage its actions count when it is disabled.
    @usableFromInline
    struct Guards<M: Model> {
        /// Consecutive ranges of action indices covering the alphabet in order.
        @usableFromInline let groups: [Range<Int>]
        /// Whether group `g` is enabled in a state.
        @usableFromInline let enables: (_ group: Int, _ state: M.State) -> Bool
        /// For each group: the coverage cells (row-major) its actions count
        /// when it is disabled, each with its number of actions.
        @usableFromInline let disabledCells: [[(cell: Int, count: Int)]]

        /// Every action stepped from every state.
        @inlinable
        init(everyAction model: M) {
            groups = [0..<model.actions.count]
            enables = { _, _ in true }
            disabledCells = [[]]
        }

        /// Only the actions of `model`'s enabled groups stepped.
        @inlinable
        init(_ model: M) where M: GuardedModel {
            let groups = model.actionGroups
            precondition(groups.first?.lowerBound ?? 0 == 0 && groups.last?.upperBound ?? 0 == model.actions.count
                         && zip(groups, groups.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound },
                         "actionGroups must cover the actions in order")
            self.groups = groups
            enables = { model.enables($0, $1) }
            let cols = model.coverageColumns.count
            disabledCells = groups.map { group in
                var counts: [Int: Int] = [:]
                for a in group {
                    let action = model.actions[a]
                    let cell = model.coverage(action, model.disabledOutcome(action))
                    counts[cell.row * cols + cell.column, default: 0] += 1
                }
                return counts.sorted { $0.key < $1.key }.map { (cell: $0.key, count: $0.value) }
            }
        }
    }

    /// Applies every action of `model` to every state of `frontier`.
    ///
    /// The frontier is cut into up to `threads × 8` contiguous chunks; worker
    /// `w` of `threads` expands chunks `w`, `w + threads`, …. A successor
    /// already in `visited`, or already produced earlier in its own chunk, is
    /// dropped (duplicates across chunks are dropped by `merge`). A chunk
    /// stops at the first step that breaks a transition property; the
    /// transitions and coverage of the state that broke it still count.
    /// The actions of a group `guards` disables are counted, not stepped.
    /// Every new successor is checked against the invariants as it is
    /// found; with `keepStates` false (the last level) it is not stored.
    @inlinable
    static func expand<M: Model>(_ model: M, _ guards: Guards<M>, _ frontier: M.Storage, visited: SortedFingerprints,
                                 threads: Int, keepStates: Bool) -> [ChunkResult<M>] {
        let cols = model.coverageColumns.count
        let cells = model.coverageRows.count * cols
        let chunkCount = max(1, min(frontier.count, threads * 8))
        let results = (0..<chunkCount).map { _ in ChunkResult<M>(model, cells: cells) }
        let shared = Box((model, guards, frontier, visited, results))
        let workers = min(threads, chunkCount)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for c in stride(from: w, to: chunkCount, by: workers) {
                let (model, guards, frontier, visited, results) = shared.value
                let lo = frontier.count * c / chunkCount, hi = frontier.count * (c + 1) / chunkCount
                expandChunk(model, guards, frontier, lo..<hi, visited: visited, cols: cols, keepStates: keepStates,
                            into: results[c])
            }
        }
        return results
    }

    /// Expands `frontier[range]` into `out` (see `expand`).
    @inlinable
    static func expandChunk<M: Model>(_ model: M, _ guards: Guards<M>, _ frontier: M.Storage, _ range: Range<Int>,
                                      visited: SortedFingerprints, cols: Int, keepStates: Bool, into out: ChunkResult<M>) {
        let actions = model.actions
        let properties = model.properties
        let invariants = model.invariants
        var brokenInvariant: (parent: Int, action: Int, name: String)?
        let groups = guards.groups
        var local = FingerprintHashSet(capacity: 1024)
        var cover = [Int](repeating: 0, count: out.coverage.count)
        var fingerprints: [UInt64] = [], states = model.makeStorage()
        var parentsOut: [UInt32] = [], actionsOut: [UInt16] = []
        var broken: (parent: Int, action: Int, name: String)?
        var evaluated = 0, successors = 0
        states: for p in range {
            let s = frontier[p]
            for g in 0..<groups.count {
                guard guards.enables(g, s) else {
                    for (cell, count) in guards.disabledCells[g] { cover[cell] &+= count }
                    continue
                }
                for a in groups[g] {
                    let action = actions[a]
                    let (next, outcome) = model.step(s, action)
                    evaluated &+= 1
                    let cell = model.coverage(action, outcome)
                    cover[cell.row &* cols &+ cell.column] &+= 1
                    guard let n = next else { continue }
                    successors &+= 1
                    for prop in properties where !prop.holds(s, action, outcome, n) {
                        broken = (p, a, prop.name)
                        break
                    }
                    if broken != nil {
                        out.transitions += actions.count
                        break states
                    }
                    let canon = model.canonical(n)
                    let fp = model.fingerprint(canon)
                    if visited.contains(fp) || !local.insert(fp) { continue }
                    fingerprints.append(fp)
                    if brokenInvariant == nil, let inv = invariants.first(where: { !$0.holds(canon) }) {
                        brokenInvariant = (p, a, inv.name)
                    }
                    if keepStates { states.append(canon) }
                    parentsOut.append(UInt32(p))
                    actionsOut.append(UInt16(a))
                }
            }
            out.transitions += actions.count
        }
        out.fingerprints = fingerprints; out.states = states
        out.parents = parentsOut; out.actions = actionsOut
        out.evaluated = evaluated; out.successors = successors
        out.coverage = cover; out.broken = broken; out.brokenInvariant = brokenInvariant
    }
}
