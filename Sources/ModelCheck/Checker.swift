// Breadth-first, level-synchronous, parallel explicit-state model checking
// (DESIGN §4). This file holds the level loop; each step of a level lives in
// a file of its own: expanding the frontier and checking the new states
// (Checker+Expand.swift), merging the chunks (Checker+Level.swift), and
// rebuilding a counterexample (Checker+Trace.swift); a level's states are
// kept in the model's `StateStorage`.

import Dispatch

/// The explicit-state model checker.
///
/// Breadth-first and level by level, so `depth` means exactly "every state
/// reachable in at most `depth` actions". Each level's frontier is cut into
/// contiguous chunks expanded in parallel; each chunk keeps its successors in
/// generation order, and the chunks are merged in frontier order, so the
/// states, their numbering, the counts and the first violation found are the
/// same for every thread count and every run.
public enum Checker {
    /// Explores `model` to `options.depth`, checking every invariant on every
    /// distinct state and every property on every non-stutter step.
    ///
    /// Per level: expand the frontier (`expand`, which also checks every
    /// invariant on each new successor), count its transitions and coverage,
    /// stop at the first broken property; merge the chunks into the next
    /// level (`merge`), record it (`Search.record`), stop at the first broken
    /// invariant. The last level's states are counted and checked but not
    /// kept.
    ///
    /// Every action is stepped from every state; for a `GuardedModel`, the
    /// overload below steps only the enabled ones.
    @inlinable
    public static func run<M: Model>(_ model: M, _ options: CheckOptions) -> CheckResult {
        run(model, Guards(everyAction: model), options)
    }

    /// Explores `model` as `run` does, stepping from each state only the
    /// actions of the groups it enables; the others count as the stutters
    /// they are (`GuardedModel`). Same states, counts, coverage and verdict.
    @inlinable
    public static func run<M: GuardedModel>(_ model: M, _ options: CheckOptions) -> CheckResult {
        run(model, Guards(model), options)
    }

    /// The level loop (see `run(_:_:)`), stepping the actions `guards` enables.
    @inlinable
    static func run<M: Model>(_ model: M, _ guards: Guards<M>, _ options: CheckOptions) -> CheckResult {
        var search = Search(model)
        options.progress?(search.levels[0])
        if let broken = model.invariants.first(where: { !$0.holds(search.frontier[0]) }) {
            return search.finish(Violation(kind: .invariant, name: broken.name,
                                           trace: rawTrace(model, canonicalPath: [], final: nil)))
        }
        guard options.depth >= 1 else { return search.finish(nil) }
        for depth in 1...options.depth {
            let last = search.levels[depth - 1]
            if let limit = options.maxMemory, last.nextLevelEstimate > limit {
                var result = search.finish(nil)
                result.memoryStop = MemoryStop(depth: depth, estimatedBytes: last.nextLevelEstimate, limitBytes: limit)
                return result
            }
            let levelStart = DispatchTime.now().uptimeNanoseconds
            let chunks = expand(model, guards, search.frontier, visited: search.visited, threads: options.threads,
                                keepStates: depth < options.depth)
            let work = search.count(chunks)
            if let broken = chunks.lazy.compactMap({ $0.broken }).first {
                search.levels.append(LevelReport(depth: depth, distinct: search.visited.count, newStates: 0,
                                                 transitions: work.transitions, evaluated: work.evaluated,
                                                 successors: work.successors, seconds: seconds(since: levelStart),
                                                 residentBytes: residentBytes()))
                let canonicalPath = search.path(depth: depth - 1, index: broken.parent)
                return search.finish(Violation(kind: .property, name: broken.name,
                                               trace: rawTrace(model, canonicalPath: canonicalPath,
                                                               final: (broken.action, broken.name))))
            }
            let brokenInvariant = chunks.lazy.compactMap({ $0.brokenInvariant }).first
            let level = merge(model, chunks)
            search.record(level, work, seconds: seconds(since: levelStart))
            options.progress?(search.levels[depth])
            if let broken = brokenInvariant {
                let canonicalPath = search.path(depth: depth - 1, index: broken.parent) + [broken.action]
                return search.finish(Violation(kind: .invariant, name: broken.name,
                                               trace: rawTrace(model, canonicalPath: canonicalPath, final: nil)))
            }
            if search.frontier.count == 0 { break }
        }
        return search.finish(nil)
    }

    /// Wall-clock seconds since `start` (a `DispatchTime` in nanoseconds).
    @inlinable
    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// What a run keeps from level to level: the fingerprints of every state
    /// seen, the frontier (the last level's states, canonical), each level's
    /// parent indices and actions (to rebuild paths), the coverage counts and
    /// the level reports.
    @usableFromInline
    struct Search<M: Model> {
        @usableFromInline let model: M
        @usableFromInline let start = DispatchTime.now().uptimeNanoseconds
        @usableFromInline var visited = SortedFingerprints()
        @usableFromInline var frontier: M.Storage
        /// `parents[d][i]`: the index in level `d - 1` of state `i` of level `d`.
        @usableFromInline var parents: [[UInt32]] = [[0]]
        /// `actions[d][i]`: the action that reached state `i` of level `d`.
        @usableFromInline var actions: [[UInt16]] = [[0]]
        /// Transitions per coverage cell, row-major.
        @usableFromInline var coverage: [Int]
        @usableFromInline var levels: [LevelReport] = []

        /// A search that has level 0: the canonical initial state.
        @inlinable
        init(_ model: M) {
            self.model = model
            let initial = model.canonical(model.initialState)
            frontier = model.makeStorage()
            frontier.append(initial)
            visited.absorb([model.fingerprint(initial)])
            coverage = [Int](repeating: 0, count: model.coverageRows.count * model.coverageColumns.count)
            levels = [LevelReport(depth: 0, distinct: 1, newStates: 1, transitions: 0, evaluated: 0, successors: 0,
                                  seconds: Checker.seconds(since: start), residentBytes: residentBytes())]
        }

        /// Adds the chunks' coverage to the run's; returns their work.
        @inlinable
        mutating func count(_ chunks: [ChunkResult<M>]) -> (transitions: Int, evaluated: Int, successors: Int) {
            var work = (transitions: 0, evaluated: 0, successors: 0)
            for r in chunks {
                work.transitions += r.transitions
                work.evaluated += r.evaluated
                work.successors += r.successors
                for i in 0..<coverage.count { coverage[i] += r.coverage[i] }
            }
            return work
        }

        /// Makes `level` the new frontier and records it.
        @inlinable
        mutating func record(_ level: Level<M>, _ work: (transitions: Int, evaluated: Int, successors: Int),
                             seconds: Double) {
            visited.absorb(level.fingerprints)
            parents.append(level.parents)
            actions.append(level.actions)
            var report = LevelReport(depth: levels.count, distinct: visited.count, newStates: level.fingerprints.count,
                                     transitions: work.transitions, evaluated: work.evaluated, successors: work.successors,
                                     seconds: seconds, residentBytes: residentBytes())
            report.storedBytes = level.states.bytes
            if let previous = levels.last, previous.newStates > 0, report.newStates > 0 {
                let expected = Double(report.newStates) * Double(report.newStates) / Double(previous.newStates)
                let perState = Double(report.storedBytes) / Double(report.newStates) + 40
                report.nextLevelEstimate = report.residentBytes + Int(expected * perState)
            }
            levels.append(report)
            frontier = level.states
        }

        /// The canonical path (action indices) to state `index` of level `depth`.
        @inlinable
        func path(depth: Int, index: Int) -> [Int] {
            var out: [Int] = []
            var i = index
            var d = depth
            while d > 0 {
                out.append(Int(actions[d][i]))
                i = Int(parents[d][i])
                d -= 1
            }
            return out.reversed()
        }

        /// The result of the run so far, with `violation`.
        @inlinable
        func finish(_ violation: Violation?) -> CheckResult {
            let stored = visited.bytes + parents.reduce(0) { $0 + $1.count * 4 } + actions.reduce(0) { $0 + $1.count * 2 }
            let cols = model.coverageColumns.count
            let table = (0..<model.coverageRows.count).map { r in Array(coverage[(r * cols)..<((r + 1) * cols)]) }
            return CheckResult(levels: levels, violation: violation, coverage: table, seconds: Checker.seconds(since: start),
                               bytesPerState: Double(stored) / Double(max(1, visited.count)))
        }
    }

    /// A value shared, read-only or written by one thread per element, with
    /// the threads of `DispatchQueue.concurrentPerform`.
    @usableFromInline
    final class Box<T>: @unchecked Sendable {
        @usableFromInline var value: T
        @usableFromInline init(_ value: T) { self.value = value }
    }
}
