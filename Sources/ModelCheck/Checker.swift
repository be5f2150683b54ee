// Breadth-first, level-synchronous, parallel explicit-state model checking
// (DESIGN §4).

import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// What to check and how.
public struct CheckOptions: Sendable {
    /// Explore every state reachable in at most `depth` actions.
    public var depth: Int
    /// Worker threads (at least 1).
    public var threads: Int
    /// Called after every level (on the calling thread).
    public var progress: (@Sendable (LevelReport) -> Void)?

    public init(depth: Int, threads: Int = 1, progress: (@Sendable (LevelReport) -> Void)? = nil) {
        self.depth = depth; self.threads = max(1, threads); self.progress = progress
    }
}

/// The figures of one finished level.
public struct LevelReport: Sendable, Equatable {
    /// The level: states first reached after `depth` actions.
    public var depth: Int
    /// Distinct states reachable in at most `depth` actions.
    public var distinct: Int
    /// States first reached at this level.
    public var newStates: Int
    /// Transitions taken to build this level (actions applied to the previous level).
    public var transitions: Int
    /// Wall-clock seconds spent on the level.
    public var seconds: Double
    /// Resident memory of the process at the end of the level, in bytes.
    public var residentBytes: Int

    /// A report with these figures.
    @inlinable
    public init(depth: Int, distinct: Int, newStates: Int, transitions: Int, seconds: Double, residentBytes: Int) {
        self.depth = depth; self.distinct = distinct; self.newStates = newStates
        self.transitions = transitions; self.seconds = seconds; self.residentBytes = residentBytes
    }

    /// Transitions per second for this level.
    public var transitionsPerSecond: Double { seconds > 0 ? Double(transitions) / seconds : 0 }
}

/// A broken invariant or transition property, with the shortest trace to it.
public struct Violation: Sendable, Equatable {
    /// Whether a state invariant or a transition property broke.
    public enum Kind: String, Sendable { case invariant, property }
    public var kind: Kind
    /// The invariant's or property's name.
    public var name: String
    /// Actions from the model's (unreduced) initial state. For an invariant,
    /// the last state reached breaks it; for a property, the last step does.
    public var trace: [Int]

    /// A violation of `name` reached by `trace`.
    @inlinable
    public init(kind: Kind, name: String, trace: [Int]) { self.kind = kind; self.name = name; self.trace = trace }
}

/// The result of a check.
public struct CheckResult: Sendable {
    /// One report per level, level 0 (the initial state) first.
    public var levels: [LevelReport]
    /// The violation found, if any; exploration stops at the level it was found in.
    public var violation: Violation?
    /// Transitions per coverage cell (`Model.coverageRows` × `coverageColumns`).
    public var coverage: [[Int]]
    /// Wall-clock seconds in all.
    public var seconds: Double
    /// Bytes kept per distinct state once the run is over: the sorted
    /// fingerprint set with its directory, plus parent index (4 bytes) and
    /// action (2 bytes) per state. Frontier states are not counted: they are
    /// dropped level by level.
    public var bytesPerState: Double

    /// A result with these figures.
    @inlinable
    public init(levels: [LevelReport], violation: Violation?, coverage: [[Int]], seconds: Double, bytesPerState: Double) {
        self.levels = levels; self.violation = violation; self.coverage = coverage
        self.seconds = seconds; self.bytesPerState = bytesPerState
    }

    /// Distinct states found.
    public var distinctStates: Int { levels.last?.distinct ?? 0 }
    /// Transitions taken.
    public var transitions: Int { levels.reduce(0) { $0 + $1.transitions } }

    /// The probability that a fingerprint collision made the search treat a
    /// new state as seen (and so skip it): with `n` distinct fingerprints
    /// drawn uniformly from 2^64, at most `n(n-1)/2 / 2^64` (birthday bound).
    public var collisionProbability: Double {
        let n = Double(distinctStates)
        return n * (n - 1) / 2 / 18_446_744_073_709_551_616.0
    }
}

/// The resident set size of this process, in bytes (0 where unknown), read
/// from `/proc/self/statm` (its second field, in pages).
public func residentBytes() -> Int {
    #if os(Linux)
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var buf = [CChar](repeating: 0, count: 128)
    guard fgets(&buf, Int32(buf.count), f) != nil else { return 0 }
    let line = buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    let fields = line.split(separator: " ")
    guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
    return 0
    #endif
}

/// The explicit-state model checker.
///
/// Breadth-first and level by level, so `depth` means exactly "every state
/// reachable in at most `depth` actions". Each level's frontier is cut into
/// contiguous chunks expanded in parallel; each chunk keeps its successors in
/// generation order, and the chunks are merged in frontier order, so the
/// states, their numbering, the counts and the first violation found are the
/// same for every thread count and every run.
public enum Checker {
    @usableFromInline
    final class ChunkResult<State> {
        @usableFromInline var fingerprints: [UInt64] = []
        @usableFromInline var states: [State] = []
        @usableFromInline var parents: [UInt32] = []
        @usableFromInline var actions: [UInt16] = []
        @usableFromInline var transitions = 0
        @usableFromInline var coverage: [Int]
        /// The first broken property in this chunk: (parent index, action, name).
        @usableFromInline var broken: (parent: Int, action: Int, name: String)?
        @usableFromInline init(cells: Int) { coverage = [Int](repeating: 0, count: cells) }
    }

    @usableFromInline
    final class Box<T>: @unchecked Sendable {
        @usableFromInline var value: T
        @usableFromInline init(_ value: T) { self.value = value }
    }

    /// Explores `model` to `options.depth`, checking every invariant on every
    /// distinct state and every property on every non-stutter step.
    @inlinable
    public static func run<M: Model>(_ model: M, _ options: CheckOptions) -> CheckResult {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds(since t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9 }
        let rows = model.coverageRows.count, cols = model.coverageColumns.count
        var coverage = [Int](repeating: 0, count: rows * cols)
        let invariants = model.invariants
        let properties = model.properties

        let initial = model.canonical(model.initialState)
        var visited = SortedFingerprints()
        visited.absorb([model.fingerprint(initial)])
        var frontier = [initial]
        var parents: [[UInt32]] = [[0]]
        var actions: [[UInt16]] = [[0]]
        var levels = [LevelReport(depth: 0, distinct: 1, newStates: 1, transitions: 0,
                                  seconds: seconds(since: start), residentBytes: residentBytes())]
        options.progress?(levels[0])

        func finish(_ violation: Violation?) -> CheckResult {
            let stored = visited.bytes + parents.reduce(0) { $0 + $1.count * 4 } + actions.reduce(0) { $0 + $1.count * 2 }
            let table = (0..<rows).map { r in Array(coverage[(r * cols)..<((r + 1) * cols)]) }
            return CheckResult(levels: levels, violation: violation, coverage: table, seconds: seconds(since: start),
                               bytesPerState: Double(stored) / Double(max(1, visited.count)))
        }
        /// The canonical path (actions) to state `index` of level `depth`.
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

        if let broken = invariants.first(where: { !$0.holds(initial) }) {
            return finish(Violation(kind: .invariant, name: broken.name,
                                    trace: rawTrace(model, canonicalPath: [], final: nil)))
        }

        for depth in 1...max(1, options.depth) where options.depth >= 1 {
            let levelStart = DispatchTime.now().uptimeNanoseconds
            let current = frontier
            let chunkCount = max(1, min(current.count, options.threads * 8))
            let results = (0..<chunkCount).map { _ in ChunkResult<M.State>(cells: rows * cols) }
            let shared = Box((model, current, visited, results))
            let workers = min(options.threads, chunkCount)
            // `workers` threads; worker w expands chunks w, w + workers, ...
            DispatchQueue.concurrentPerform(iterations: workers) { w in
              for c in stride(from: w, to: chunkCount, by: workers) {
                let (model, current, visited, results) = shared.value
                let out = results[c]
                let lo = current.count * c / chunkCount, hi = current.count * (c + 1) / chunkCount
                var local = FingerprintHashSet(capacity: 1024)
                var cover = [Int](repeating: 0, count: rows * cols)
                var fingerprints: [UInt64] = [], states: [M.State] = []
                var parentsOut: [UInt32] = [], actionsOut: [UInt16] = []
                var broken: (parent: Int, action: Int, name: String)?
                let actionCount = model.actionCount
                for p in lo..<hi {
                    let s = current[p]
                    for a in 0..<actionCount {
                        let (next, outcome) = model.step(s, action: a)
                        let cell = model.coverage(action: a, outcome: outcome)
                        cover[cell.row &* cols &+ cell.column] &+= 1
                        guard let n = next else { continue }
                        for prop in properties where !prop.holds(s, a, outcome, n) {
                            broken = (p, a, prop.name)
                            break
                        }
                        if broken != nil { break }
                        let canon = model.canonical(n)
                        let fp = model.fingerprint(canon)
                        if visited.contains(fp) || !local.insert(fp) { continue }
                        fingerprints.append(fp)
                        states.append(canon)
                        parentsOut.append(UInt32(p))
                        actionsOut.append(UInt16(a))
                    }
                    out.transitions += actionCount
                    if broken != nil { break }
                }
                out.fingerprints = fingerprints; out.states = states
                out.parents = parentsOut; out.actions = actionsOut
                out.coverage = cover; out.broken = broken
              }
            }
            var transitions = 0
            for r in results {
                transitions += r.transitions
                for i in 0..<coverage.count { coverage[i] += r.coverage[i] }
            }
            if let broken = results.lazy.compactMap({ $0.broken }).first {
                levels.append(LevelReport(depth: depth, distinct: visited.count, newStates: 0, transitions: transitions,
                                          seconds: seconds(since: levelStart), residentBytes: residentBytes()))
                let canonicalPath = path(depth: depth - 1, index: broken.parent)
                return finish(Violation(kind: .property, name: broken.name,
                                        trace: rawTrace(model, canonicalPath: canonicalPath,
                                                        final: (broken.action, broken.name))))
            }
            // Merge the chunks in frontier order, keeping first occurrences.
            var levelSet = FingerprintHashSet(capacity: results.reduce(0) { $0 + $1.fingerprints.count })
            var next: [M.State] = []
            var nextFingerprints: [UInt64] = []
            var nextParents: [UInt32] = []
            var nextActions: [UInt16] = []
            for r in results {
                for i in 0..<r.fingerprints.count where levelSet.insert(r.fingerprints[i]) {
                    next.append(r.states[i])
                    nextFingerprints.append(r.fingerprints[i])
                    nextParents.append(r.parents[i])
                    nextActions.append(r.actions[i])
                }
                r.states = []
            }
            // Every invariant on every new state, in parallel; the first broken by state index wins.
            let checkChunks = max(1, min(next.count, options.threads * 8))
            // One box per chunk, each written by the one thread that checks the chunk.
            let firstBroken = (0..<checkChunks).map { _ in Box<(index: Int, name: String)?>(nil) }
            let toCheck = Box(next)
            let boxes = Box(firstBroken)
            let checkers = min(options.threads, checkChunks)
            DispatchQueue.concurrentPerform(iterations: checkers) { w in
                let states = toCheck.value
                let firstBroken = boxes.value
                for c in stride(from: w, to: checkChunks, by: checkers) {
                    let lo = states.count * c / checkChunks, hi = states.count * (c + 1) / checkChunks
                    for i in lo..<hi {
                        if let inv = invariants.first(where: { !$0.holds(states[i]) }) {
                            firstBroken[c].value = (i, inv.name)
                            break
                        }
                    }
                }
            }
            visited.absorb(nextFingerprints)
            parents.append(nextParents)
            actions.append(nextActions)
            levels.append(LevelReport(depth: depth, distinct: visited.count, newStates: next.count,
                                      transitions: transitions, seconds: seconds(since: levelStart),
                                      residentBytes: residentBytes()))
            options.progress?(levels[levels.count - 1])
            if let broken = firstBroken.lazy.compactMap({ $0.value }).first {
                return finish(Violation(kind: .invariant, name: broken.name,
                                        trace: rawTrace(model, canonicalPath: path(depth: depth, index: broken.index),
                                                        final: nil)))
            }
            frontier = next
            if frontier.isEmpty { break }
        }
        return finish(nil)
    }

    /// Turns a path of actions between canonical states into a trace from the
    /// model's own initial state. Each canonical state is the representative
    /// of some raw state; from the raw state, the action that reaches a state
    /// with the next canonical fingerprint is found by trying the recorded
    /// action first and then every action. With `final`, the last step is an
    /// action from the last raw state that breaks the named property.
    @inlinable
    static func rawTrace<M: Model>(_ model: M, canonicalPath: [Int], final: (action: Int, name: String)?) -> [Int] {
        var canonical = model.canonical(model.initialState)
        var raw = model.initialState
        var trace: [Int] = []
        for a in canonicalPath {
            guard let n = model.step(canonical, action: a).next else { break }
            canonical = model.canonical(n)
            let target = model.fingerprint(canonical)
            let candidates = [a] + Array(0..<model.actionCount)
            for b in candidates {
                if let r = model.step(raw, action: b).next, model.fingerprint(model.canonical(r)) == target {
                    raw = r; trace.append(b); break
                }
            }
        }
        if let final {
            let property = model.properties.first { $0.name == final.name }
            for b in [final.action] + Array(0..<model.actionCount) {
                let (n, outcome) = model.step(raw, action: b)
                if let n, let property, !property.holds(raw, b, outcome, n) { trace.append(b); break }
            }
        }
        return trace
    }
}
