// Breadth-first, level-synchronous, parallel explicit-state model checking
// (DESIGN §4). This file holds the level loop; each step of a level lives in
// a file of its own: expanding the frontier (Checker+Expand.swift), merging
// the chunks and checking the invariants on the new states
// (Checker+Level.swift), and rebuilding a counterexample (Checker+Trace.swift).

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
    /// Per level: expand the frontier (`expand`), count its transitions and
    /// coverage, stop at the first broken property; merge the chunks into the
    /// next level (`merge`), check every invariant on it (`firstBroken`),
    /// record it (`Search.record`), stop at the first broken invariant.
    @inlinable
    public static func run<M: Model>(_ model: M, _ options: CheckOptions) -> CheckResult {
        var search = Search(model)
        options.progress?(search.levels[0])
        if let broken = model.invariants.first(where: { !$0.holds(search.frontier[0]) }) {
            return search.finish(Violation(kind: .invariant, name: broken.name,
                                           trace: rawTrace(model, canonicalPath: [], final: nil)))
        }
        guard options.depth >= 1 else { return search.finish(nil) }
        for depth in 1...options.depth {
            let levelStart = DispatchTime.now().uptimeNanoseconds
            let chunks = expand(model, search.frontier, visited: search.visited, threads: options.threads)
            let transitions = search.count(chunks)
            if let broken = chunks.lazy.compactMap({ $0.broken }).first {
                search.levels.append(LevelReport(depth: depth, distinct: search.visited.count, newStates: 0,
                                                 transitions: transitions, seconds: seconds(since: levelStart),
                                                 residentBytes: residentBytes()))
                let canonicalPath = search.path(depth: depth - 1, index: broken.parent)
                return search.finish(Violation(kind: .property, name: broken.name,
                                               trace: rawTrace(model, canonicalPath: canonicalPath,
                                                               final: (broken.action, broken.name))))
            }
            let level = merge(chunks)
            let brokenInvariant = firstBroken(model.invariants, in: level.states, threads: options.threads)
            search.record(level, transitions: transitions, seconds: seconds(since: levelStart))
            options.progress?(search.levels[depth])
            if let broken = brokenInvariant {
                return search.finish(Violation(kind: .invariant, name: broken.name,
                                               trace: rawTrace(model, canonicalPath: search.path(depth: depth, index: broken.index),
                                                               final: nil)))
            }
            if search.frontier.isEmpty { break }
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
        @usableFromInline var frontier: [M.State]
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
            frontier = [initial]
            visited.absorb([model.fingerprint(initial)])
            coverage = [Int](repeating: 0, count: model.coverageRows.count * model.coverageColumns.count)
            levels = [LevelReport(depth: 0, distinct: 1, newStates: 1, transitions: 0,
                                  seconds: Checker.seconds(since: start), residentBytes: residentBytes())]
        }

        /// Adds the chunks' coverage to the run's; returns their transitions.
        @inlinable
        mutating func count(_ chunks: [ChunkResult<M.State>]) -> Int {
            var transitions = 0
            for r in chunks {
                transitions += r.transitions
                for i in 0..<coverage.count { coverage[i] += r.coverage[i] }
            }
            return transitions
        }

        /// Makes `level` the new frontier and records it.
        @inlinable
        mutating func record(_ level: Level<M.State>, transitions: Int, seconds: Double) {
            visited.absorb(level.fingerprints)
            parents.append(level.parents)
            actions.append(level.actions)
            levels.append(LevelReport(depth: levels.count, distinct: visited.count, newStates: level.states.count,
                                      transitions: transitions, seconds: seconds, residentBytes: residentBytes()))
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
