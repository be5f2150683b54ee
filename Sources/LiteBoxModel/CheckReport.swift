// The machine-readable report of a model check (`verify --json`): an
// `Encodable` value, written with sorted keys, that tests decode again.

import LiteBoxABI
import ModelCheck

/// What `verify --json` prints about the model check (the proofs, when they
/// ran, are a `ProofReport` under the key `proofs` beside these fields).
/// Optional fields that are nil are left out.
public struct CheckReport: Codable, Equatable, Sendable {
    /// One level's figures.
    public struct Level: Codable, Equatable, Sendable {
        /// The level: states first reached after `depth` calls.
        public var depth: Int
        /// Distinct states reachable in at most `depth` calls.
        public var distinct: Int
        /// States first reached at this level.
        public var new: Int
        /// Transitions taken to build this level.
        public var transitions: Int
        /// Wall-clock seconds spent on the level.
        public var seconds: Double
    }

    /// The broken invariant or property and the counterexample.
    public struct Violation: Codable, Equatable, Sendable {
        /// `invariant` or `property`.
        public var kind: String
        /// The invariant's or property's name.
        public var name: String
        /// Each call of the counterexample with its outcome, in trace syntax
        /// (`t0 send 1 2 -> ok`).
        public var trace: [String]
        /// Where the counterexample trace was written, if it was.
        public var counterexampleFile: String?
    }

    /// The configuration's name.
    public var configuration: String
    /// The deepest level explored.
    public var depth: Int
    /// Whether symmetry reduction was on.
    public var symmetry: Bool
    /// Distinct states found.
    public var distinctStates: Int
    /// Transitions taken.
    public var transitions: Int
    /// Wall-clock seconds in all.
    public var seconds: Double
    /// The birthday bound on a fingerprint collision (`CheckResult.collisionProbability`).
    public var collisionProbability: Double
    /// Bytes kept per distinct state (`CheckResult.bytesPerState`).
    public var bytesPerState: Double
    /// Every level, level 0 first.
    public var levels: [Level]
    /// Transitions per system call and outcome (cells that count 0 left out).
    public var coverage: [String: [String: Int]]
    /// `hold` or `violation`.
    public var verdict: String
    /// The violation found, if any.
    public var violation: Violation?
    /// The level the run stopped before, when the next level would not fit
    /// in `--max-memory` (`verdict` then covers the levels before it).
    public var stoppedBeforeDepth: Int?
    /// Of `transitions`, the calls stepped; the rest were counted without
    /// stepping (their thread was not running).
    public var evaluated: Int
    /// Of `evaluated`, the calls that changed the state.
    public var successors: Int

    /// The report of `result`, a check of `model`; `counterexample` is the
    /// violation's trace replayed through the spec (each call with its
    /// outcome), written to `counterexampleFile` if it was written.
    public init(_ model: LiteBoxModel, _ result: CheckResult,
                counterexample: [(call: Call, outcome: Outcome<UInt32>)], counterexampleFile: String?) {
        configuration = model.spec.config.name
        depth = result.levels.count - 1
        symmetry = model.symmetry
        distinctStates = result.distinctStates
        transitions = result.transitions
        evaluated = result.evaluated
        successors = result.successors
        stoppedBeforeDepth = result.memoryStop?.depth
        seconds = result.seconds
        collisionProbability = result.collisionProbability
        bytesPerState = result.bytesPerState
        levels = result.levels.map {
            Level(depth: $0.depth, distinct: $0.distinct, new: $0.newStates, transitions: $0.transitions, seconds: $0.seconds)
        }
        var coverage: [String: [String: Int]] = [:]
        for (row, counts) in result.coverage.enumerated() {
            var cells: [String: Int] = [:]
            for (column, count) in counts.enumerated() where count > 0 { cells[model.coverageColumns[column]] = count }
            coverage[model.coverageRows[row]] = cells
        }
        self.coverage = coverage
        verdict = result.violation == nil ? "hold" : "violation"
        violation = result.violation.map {
            Violation(kind: $0.kind.rawValue, name: $0.name,
                      trace: counterexample.map { "\($0.call) -> \($0.outcome)" }, counterexampleFile: counterexampleFile)
        }
    }
}
