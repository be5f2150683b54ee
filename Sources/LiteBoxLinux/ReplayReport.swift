// The machine-readable report of `verify replay --json`: an `Encodable` value,
// written with sorted keys, that tests decode again.

import LiteBoxRefinement

/// What `verify replay --json` prints: one entry per file, the calls in all,
/// the time and the verdict.
public struct ReplayReport: Codable, Equatable, Sendable {
    /// A kernel/spec divergence, as reported.
    public struct Divergence: Codable, Equatable, Sendable {
        /// The 1-based trace line of the call (LiteBox traces only).
        public var line: Int?
        /// The call.
        public var call: String
        /// The specification's outcome.
        public var spec: String
        /// The kernel's outcome.
        public var kernel: String
        /// The recorded outcome (LiteBox traces whose line records one).
        public var recorded: String?
        /// Why the call was issued (strace logs: the strace line and call it translates).
        public var origin: String?
        /// The cells that differ, specification -> kernel.
        public var stateDifference: [String]

        /// The report of `d`, with its trace line when known; at most
        /// `maxCells` cells of the state difference.
        public init(_ d: Lockstep.Divergence, line: Int? = nil, withOrigin: Bool, maxCells: Int = .max) {
            self.line = line
            call = d.call.description
            spec = d.spec.description
            kernel = d.kernel.description
            recorded = d.recorded?.description
            origin = withOrigin ? d.origin : nil
            stateDifference = Array(d.stateDifference.prefix(maxCells))
        }
    }

    /// A difference between LiteBox's decision and Linux's result.
    public struct Mismatch: Codable, Equatable, Sendable {
        /// The strace file and line.
        public var file: String
        public var line: Int
        /// The call, as `name(...) = result`.
        public var call: String
        /// What LiteBox decided and what Linux returned.
        public var reason: String
    }

    /// One replayed file.
    public struct File: Codable, Equatable, Sendable {
        /// The path.
        public var file: String
        /// `litebox` (a trace) or `strace`.
        public var format: String
        /// The calls in the file (LiteBox traces: replayed up to the first divergence).
        public var calls: Int
        /// LiteBox traces: the first divergence, or nil.
        public var divergence: Divergence?
        // The fields below are those of strace logs.
        /// The syscalls the personality translated.
        public var modeled: Int?
        /// `modeled` in percent of `calls`, to one decimal.
        public var modeledPercent: Double?
        /// Of `modeled`, the path lookups.
        public var pathLookups: Int?
        /// The LiteBox calls issued.
        public var liteboxCalls: Int?
        /// How many times the universe was enlarged.
        public var restarts: Int?
        /// Futex waiters woken out of FIFO order where the log cannot order their arrival.
        public var reorderedWaiters: Int?
        /// Kernel/spec divergences (at most one: the first).
        public var divergences: [Divergence]?
        /// LiteBox/Linux differences.
        public var mismatches: [Mismatch]?
        /// Calls outside the model, by name, with counts.
        public var unmodeled: [String: Int]?
        /// Lines skipped by `--skip-unparsed`, with their errors.
        public var skipped: [String]?
        /// The time spent on the file.
        public var seconds: Double?

        /// The entry of a LiteBox trace.
        public init(trace file: String, calls: Int, divergence: Divergence?) {
            self.file = file; format = "litebox"; self.calls = calls; self.divergence = divergence
        }

        /// The entry of an strace log replayed through the personality.
        public init(strace file: String, report: LinuxReplay.Report, skipped: [String], seconds: Double) {
            self.file = file
            format = "strace"
            calls = report.calls
            modeled = report.modeled
            modeledPercent = (report.modeledPercent * 10).rounded() / 10
            pathLookups = report.pathLookups
            liteboxCalls = report.liteboxCalls
            restarts = report.restarts
            reorderedWaiters = report.reorderedWaiters
            divergences = report.divergences.map { Divergence($0, withOrigin: true, maxCells: 50) }
            mismatches = report.mismatches.map {
                Mismatch(file: $0.location.file, line: $0.location.line, call: $0.call, reason: $0.reason)
            }
            unmodeled = report.unmodeled
            self.skipped = skipped
            self.seconds = seconds
        }
    }

    /// Every file, in the order given.
    public var files: [File]
    /// The calls of all files.
    public var calls: Int
    /// Wall time of the whole run.
    public var seconds: Double
    /// `agree` when no file diverges or differs from Linux, else `diverge`.
    public var verdict: String

    public init(files: [File], calls: Int, seconds: Double, verdict: String) {
        self.files = files; self.calls = calls; self.seconds = seconds; self.verdict = verdict
    }
}
