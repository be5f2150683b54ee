// `verify [--depth N] ...`: exhaustive model checking of a configuration (DESIGN §4).

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxFormats
import LiteBoxSpec
import ModelCheck

/// The default subcommand: explores every state reachable in at most N calls.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Explore every state reachable in at most N system calls and check every invariant and transition property.")

    @Option(help: "Explore every state reachable in at most this many system calls.")
    var depth: Int = 12

    @Option(help: "A preset (tiny, default, large) or a JSON configuration file.")
    var config: String = "default"

    @Option(help: "Worker threads (default: every core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Turn off symmetry reduction (slot and page permutations).")
    var noSymmetry = false

    @Flag(help: "Print a machine-readable JSON report on stdout.")
    var json = false

    @Option(help: "Where to write the counterexample trace, if a violation is found (it names a configuration file relative to its own directory).")
    var counterexample: String = "counterexample.trace"

    @Flag(help: "Also check refinement: from every explored state, the production kernel (concretized from the state) must agree with every explored transition.")
    var refinement = false

    @Flag(help: "Skip the Z3 proofs (by default the model check is followed by `verify prove` on the same configuration).")
    var noProofs = false

    @Option(help: "Stop cleanly (exit 2, the levels so far reported) before a level whose estimated peak memory exceeds SIZE (bytes, or with K, M, G, T: binary units).")
    var maxMemory: String?

    func validate() throws {
        try validateSearch(depth: depth, threads: threads)
        guard !counterexample.isEmpty else { throw ValidationError("--counterexample must name a file") }
        if let maxMemory { _ = try memorySize(maxMemory) }
    }

    func run() throws {
        let cfg = try loadConfiguration(config)
        let model = LiteBoxModel(ConcreteSpec(cfg), symmetry: !noSymmetry)
        // The proofs first (a minute), then the model check (minutes); both
        // are reported, and either failing fails the run.
        var proofs: (Prover, ProofSummary)?
        if !noProofs {
            let prover = Prover(config: cfg, configName: config)
            proofs = (prover, try runProofs(prover, Obligation.all, jobs: threads, emit: nil, output: json ? .none : .summary))
        }
        let report = try runCheck(model, configName: config, depth: depth, threads: threads, json: json,
                                  counterexamplePath: counterexample, refinement: refinement,
                                  maxMemory: try maxMemory.map(memorySize),
                                  proofs: proofs.map { proofReport($0.0, $0.1) })
        let proved = proofs?.1.allProved ?? true
        if !json {
            let proofLine = proofs.map { "\($0.1.proved)/\($0.1.results.count) obligations proved" } ?? "proofs skipped (--no-proofs)"
            print("verify: model check \(report.violation == nil ? "holds" : "VIOLATED") to depth \(depth); \(proofLine)")
        }
        if report.violation != nil || !proved { throw VerifyFailure(status: 1, message: "") }
    }
}

/// The range checks of `--depth` and `--threads` shared by the commands
/// that run the checker (ArgumentParser reports them with exit status 2).
func validateSearch(depth: Int, threads: Int) throws {
    guard depth >= 0 else { throw ValidationError("--depth must be at least 0, got \(depth)") }
    guard (1...maxWorkers).contains(threads) else {
        throw ValidationError("--threads must be between 1 and \(maxWorkers), got \(threads)")
    }
}

/// Runs the checker with progress on stderr, prints the report (with
/// `--json`, with `proofs` beside it), writes the counterexample; returns
/// the result.
func runCheck(_ model: LiteBoxModel, configName: String, depth: Int, threads: Int, json: Bool,
              counterexamplePath: String?, refinement: Bool = false, maxMemory: Int? = nil,
              proofs: ProofReport? = nil) throws -> CheckResult {
    let spec = model.spec
    // How the counterexample will name the configuration: so that it
    // resolves from the trace file's own directory (a preset stays a
    // preset). A name a trace cannot hold is said before the search (not
    // after minutes of it); it is an error only if a counterexample is found.
    let reference = counterexamplePath.map { Trace.configReference(configName, forTraceAt: $0) } ?? configName
    let unnameable = counterexamplePath != nil && !Trace.canName(reference)
    let unnameableReason = "a trace's config line cannot name \(Trace.quoted(reference, limit: nil)) (it holds '#', a control character, or leading or trailing spaces), so a counterexample could not be replayed; rename the file"
    if unnameable { stderr("verify: warning: --config \(Trace.quoted(configName, limit: nil)): \(unnameableReason)") }
    let writtenPath = unnameable ? nil : counterexamplePath
    stderr("verify: \(spec.config.name): depth \(depth), \(model.actions.count) calls per state, \(threads) threads, symmetry \(model.symmetry ? "on" : "off")\(refinement ? ", refinement against the kernel" : "")")
    let progress: @Sendable (LevelReport) -> Void = { level in
        let mib = Double(level.residentBytes) / 1_048_576
        let next = level.nextLevelEstimate > 0 ? String(format: "  next ≈ %.0f MiB", Double(level.nextLevelEstimate) / 1_048_576) : ""
        stderr(String(format: "  depth %2d  distinct %11d  new %10d  %7.3fM states/s  %7.2fM steps/s  %7.2fM calls/s  %7.1f MiB",
                      level.depth, level.distinct, level.newStates, level.statesPerSecond / 1e6,
                      level.successorsPerSecond / 1e6, level.evaluatedPerSecond / 1e6, mib) + next)
    }
    let options = CheckOptions(depth: depth, threads: threads, maxMemory: maxMemory, progress: progress)
    let result = refinement ? Checker.run(RefinementModel(model), options) : Checker.run(model, options)
    var trace: Trace?
    if let v = result.violation {
        trace = Trace(config: reference, entries: replay(spec, v.trace.map { model.actions[$0] }),
                      comments: ["counterexample: \(v.kind.rawValue) \(v.name) broken after \(v.trace.count) calls"])
        if let path = writtenPath, let t = trace { try writeText(t.text, to: path) }
    }
    if json {
        let check = CheckReport(model, result, counterexample: trace?.entries.compactMap { e in e.outcome.map { (e.call, $0) } } ?? [],
                                counterexampleFile: trace == nil ? nil : writtenPath)
        print(jsonText(VerifyReport(check: check, proofs: proofs)))
    } else {
        printReport(model, result, trace: trace, counterexamplePath: writtenPath, printRefinement: refinement)
    }
    if let stop = result.memoryStop {
        let mib = { (bytes: Int) in String(format: "%.0f MiB", Double(bytes) / 1_048_576) }
        throw VerifyFailure(status: 2, message: "error: stopped before depth \(stop.depth): its estimated peak memory, \(mib(stop.estimatedBytes)), exceeds --max-memory (\(mib(stop.limitBytes))); every state up to depth \(stop.depth - 1) was checked (reported above)")
    }
    if result.violation != nil && unnameable {
        throw VerifyFailure(status: 2, message: "error: --config \(Trace.quoted(configName, limit: nil)): no counterexample written: \(unnameableReason)")
    }
    return result
}

/// The bytes `text` names: digits with an optional binary unit K, M, G or T
/// (`KiB`, `KB` and `K` alike), e.g. `2G`, `512MiB`, `1048576`.
func memorySize(_ text: String) throws -> Int {
    var digits = Substring(text.trimmingCharacters(in: .whitespaces)), shift = 0
    for suffix in ["iB", "B"] where digits.hasSuffix(suffix) { digits = digits.dropLast(suffix.count); break }
    if let unit = digits.last, let power = ["K": 10, "M": 20, "G": 30, "T": 40][unit.uppercased()] {
        shift = power; digits = digits.dropLast()
    }
    guard let n = Int(digits), n > 0, n <= Int.max >> shift else {
        throw ValidationError("--max-memory must be a positive size such as 2G, 512M or 1048576, got '\(text)'")
    }
    return n << shift
}

/// The calls of a trace with their outcomes, replayed through the spec.
func replay(_ spec: ConcreteSpec, _ calls: [Call]) -> [Trace.Entry] {
    var s = spec.initialState
    return calls.map { c in
        let (n, o) = spec.step(s, c)
        s = n
        return Trace.Entry(call: c, outcome: o)
    }
}

func stderr(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

func printReport(_ model: LiteBoxModel, _ r: CheckResult, trace: Trace?, counterexamplePath: String?,
                 printRefinement: Bool = false) {
    let spec = model.spec
    print("configuration \(spec.config.name): \(r.distinctStates) distinct states, \(r.transitions) transitions, depth \(r.levels.count - 1), \(String(format: "%.2f", r.seconds)) s")
    print("transitions: \(r.evaluated) calls stepped (\(r.successors) changed the state), \(r.transitions - r.evaluated) counted without stepping (their thread is not running)")
    print("states per level: " + r.levels.map { "\($0.newStates)" }.joined(separator: " "))
    print(String(format: "fingerprint collision probability ≤ %.3g; %.1f bytes stored per state", r.collisionProbability, r.bytesPerState))
    print("coverage (transitions per call: ok / blocked / errors):")
    for (i, row) in r.coverage.enumerated() {
        let ok = row[0], blocked = row[1]
        let errors = row.enumerated().dropFirst(2).filter { $0.element > 0 }
            .map { "\(model.coverageColumns[$0.offset]) \($0.element)" }.joined(separator: ", ")
        let flag = ok + blocked == 0 ? "   <- never succeeds" : ""
        print("  \(pad(model.coverageRows[i], 11)) ok \(pad("\(ok)", 10)) blocked \(pad("\(blocked)", 10)) \(errors)\(flag)")
    }
    guard let v = r.violation, let trace else {
        let stopped = r.memoryStop.map { " up to depth \($0.depth - 1) (stopped before depth \($0.depth): not enough memory)" } ?? ""
        print("verdict: all \(Invariant.allCases.count) invariants and \(TransitionProperty.allCases.count) transition properties hold\(stopped)\(printRefinement ? "; the kernel refines every explored transition" : "")")
        return
    }
    print("verdict: VIOLATION of \(v.kind.rawValue) \(v.name) after \(v.trace.count) calls")
    var s = spec.initialState
    print("initial state:\n" + spec.render(s).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
    for (i, e) in trace.entries.enumerated() {
        let (n, o) = spec.step(s, e.call)
        print("  \(i + 1). \(e.call) -> \(o)")
        for d in spec.difference(s, n) { print("       \(d)") }
        s = n
    }
    let broken = Invariant.allCases.filter { !spec.holds($0, s) }.map(\.name)
    if !broken.isEmpty { print("  final state breaks: \(broken.joined(separator: ", "))") }
    if let path = counterexamplePath { print("counterexample written to \(path)") }
}

/// What `verify --json` prints: the check's fields (`CheckReport`) and,
/// when the proofs ran, their report under `proofs`.
struct VerifyReport: Encodable {
    var check: CheckReport
    var proofs: ProofReport?

    private enum CodingKeys: String, CodingKey { case proofs }

    func encode(to encoder: any Encoder) throws {
        try check.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(proofs, forKey: .proofs)
    }
}
