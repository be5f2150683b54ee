// What the checker is asked (`CheckOptions`) and what it reports: one
// `LevelReport` per level, the `Violation` found, the whole `CheckResult`.

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
    /// Stop before a level whose estimated peak resident memory
    /// (`LevelReport.nextLevelEstimate`) exceeds this many bytes (nil: no limit).
    public var maxMemory: Int?

    public init(depth: Int, threads: Int = 1, maxMemory: Int? = nil, progress: (@Sendable (LevelReport) -> Void)? = nil) {
        self.depth = depth; self.threads = max(1, threads); self.maxMemory = maxMemory; self.progress = progress
    }
}

/// Why a run stopped before its depth: the next level would not fit in
/// `CheckOptions.maxMemory`.
public struct MemoryStop: Sendable, Equatable {
    /// The level that was not explored.
    public var depth: Int
    /// Its estimated peak resident memory, in bytes.
    public var estimatedBytes: Int
    /// The limit, in bytes.
    public var limitBytes: Int

    @inlinable
    public init(depth: Int, estimatedBytes: Int, limitBytes: Int) {
        self.depth = depth; self.estimatedBytes = estimatedBytes; self.limitBytes = limitBytes
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
    /// Transitions counted to build this level: every action from every
    /// state of the previous level, whether stepped or, being disabled
    /// (`GuardedModel`), counted without being stepped.
    public var transitions: Int
    /// Of `transitions`, the actions actually stepped (evaluated).
    public var evaluated: Int
    /// Of `evaluated`, the steps that were not stutters: successors
    /// generated, before removing those already seen.
    public var successors: Int
    /// Wall-clock seconds spent on the level.
    public var seconds: Double
    /// Resident memory of the process at the end of the level, in bytes.
    public var residentBytes: Int
    /// Bytes of the storage that keeps this level's states for the next.
    public var storedBytes: Int = 0
    /// The estimated peak resident memory while the next level is built, in
    /// bytes: today's resident memory plus, for each state the next level is
    /// expected to hold (this level's new states times this level's growth
    /// over the one before), its stored bytes at this level's rate and 40
    /// bytes of fingerprint, parent, action and set bookkeeping. 0 where
    /// unknown (level 0).
    public var nextLevelEstimate: Int = 0

    /// A report with these figures.
    @inlinable
    public init(depth: Int, distinct: Int, newStates: Int, transitions: Int, evaluated: Int, successors: Int,
                seconds: Double, residentBytes: Int) {
        self.depth = depth; self.distinct = distinct; self.newStates = newStates
        self.transitions = transitions; self.evaluated = evaluated; self.successors = successors
        self.seconds = seconds; self.residentBytes = residentBytes
    }

    /// New states per second for this level.
    public var statesPerSecond: Double { rate(newStates) }
    /// Successors (non-stutter steps) per second for this level.
    public var successorsPerSecond: Double { rate(successors) }
    /// Evaluated (stepped) actions per second for this level.
    public var evaluatedPerSecond: Double { rate(evaluated) }

    @inlinable
    func rate(_ count: Int) -> Double { seconds > 0 ? Double(count) / seconds : 0 }
}

/// A broken invariant or transition property, with the shortest trace to it.
public struct Violation: Sendable, Equatable {
    /// Whether a state invariant or a transition property broke.
    public enum Kind: String, Sendable { case invariant, property }
    public var kind: Kind
    /// The invariant's or property's name.
    public var name: String
    /// The actions, as indices into the model's `actions`, from the model's
    /// (unreduced) initial state. For an invariant, the last state reached
    /// breaks it; for a property, the last step does.
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

    /// Set when the run stopped before its depth for lack of memory.
    public var memoryStop: MemoryStop?

    /// A result with these figures.
    @inlinable
    public init(levels: [LevelReport], violation: Violation?, coverage: [[Int]], seconds: Double, bytesPerState: Double) {
        self.levels = levels; self.violation = violation; self.coverage = coverage
        self.seconds = seconds; self.bytesPerState = bytesPerState
    }

    /// Distinct states found.
    public var distinctStates: Int { levels.last?.distinct ?? 0 }
    /// Transitions counted (stepped or counted as disabled).
    public var transitions: Int { levels.reduce(0) { $0 + $1.transitions } }
    /// Actions stepped.
    public var evaluated: Int { levels.reduce(0) { $0 + $1.evaluated } }
    /// Non-stutter steps.
    public var successors: Int { levels.reduce(0) { $0 + $1.successors } }

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
