// `verify prove`: checks every proof obligation with Z3 (DESIGN §5) and
// optionally writes them as SMT-LIB files for auditors (`proofs/`).

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxFormats
import LiteBoxSpec
import Z3

/// Proves that every system call preserves every invariant and satisfies
/// every transition property, and that every preset starts in a state
/// satisfying every invariant.
struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Prove every obligation (syscall × invariant, syscall × property, preset × invariant on the initial state) with Z3.",
        discussion: """
        Each obligation is a quantifier-free bit-vector formula (the hypothesis `invs(s)` with the \
        negated claim) over the configuration's state cells, the calling thread and the call's \
        arguments; `unsat` means proved. Exit status: 0 all proved, 1 any refuted or unknown, \
        2 bad usage or input.
        """)

    @Option(help: "Only obligations whose name contains this text (for example cap_revoke or _integrity).")
    var only: String?

    @Option(help: "Parallel Z3 workers (default: every core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Write every checked obligation as DIR/<name>.smt2 and the index DIR/README.md.")
    var emit: String?

    @Option(help: "The configuration whose table sizes the step obligations are about.")
    var config: String = "default"

    @Flag(help: "Print a machine-readable JSON report on stdout.")
    var json = false

    func validate() throws {
        guard (1...maxWorkers).contains(jobs) else { throw ValidationError("--jobs must be between 1 and \(maxWorkers), got \(jobs)") }
        guard emit != "" else { throw ValidationError("--emit must name a directory") }
    }

    func run() throws {
        let cfg = try loadConfiguration(config)
        var obligations = Obligation.all
        if let only { obligations = obligations.filter { $0.name.contains(only) } }
        guard !obligations.isEmpty else {
            throw VerifyFailure(status: 2, message: "error: no obligation name contains '\(only ?? "")'")
        }
        let prover = Prover(config: cfg, configName: config)
        let summary = try runProofs(prover, obligations, jobs: jobs, emit: emit, output: json ? .none : .table)
        if json { print(jsonText(proofReport(prover, summary))) }
        if !summary.allProved { throw VerifyFailure(status: 1, message: "") }
    }
}

/// The outcome of a proof run, for the callers that go on (the default job).
struct ProofSummary {
    var results: [ProofResult]
    var seconds: Double
    var allProved: Bool { results.allSatisfy { if case .proved = $0.verdict { return true } else { return false } } }
    var proved: Int { count("proved") }
    /// The number of results whose verdict is `word`.
    func count(_ word: String) -> Int { results.filter { $0.verdict.word == word }.count }
}

/// How much of a proof run to print on stdout.
enum ProofOutput {
    /// One line per obligation, then failures, the five slowest and a summary.
    case table
    /// Failures, the five slowest and a summary (the default job).
    case summary
    /// Nothing (the caller prints `proofReport`).
    case none
}

/// Runs `obligations` through `prover` with progress on stderr, prints what
/// `output` asks for, and writes the files when `emit` is set.
func runProofs(_ prover: Prover, _ obligations: [Obligation], jobs: Int, emit: String?,
               output: ProofOutput) throws -> ProofSummary {
    stderr("verify prove: \(obligations.count) obligations (step obligations on \(prover.configName)), \(jobs) jobs, \(Z3Context.version)")
    let start = Date()
    let results = prover.check(obligations, jobs: jobs, emit: emit != nil)
    let seconds = Date().timeIntervalSince(start)
    let summary = ProofSummary(results: results, seconds: seconds)
    if let emit { try writeProofs(results, to: emit, configName: prover.configName, seconds: seconds) }
    if output == .none { return summary }

    if output == .table {
        let width = max(10, results.map(\.obligation.name.count).max() ?? 0)
        for r in results {
            print("\(pad(r.obligation.name, width + 2))\(pad(r.verdict.word, 9))\(String(format: "%8.3f s", r.seconds))")
        }
    }
    for r in results {
        switch r.verdict {
        case .proved: break
        case .refuted(let cex):
            print("REFUTED \(r.obligation.name): \(r.obligation.statement)")
            print(cex.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        case .unknown(let why):
            print("UNKNOWN \(r.obligation.name): \(why)")
        }
    }
    print("slowest obligations:")
    for r in results.sorted(by: { $0.seconds > $1.seconds }).prefix(5) {
        print("  \(pad(r.obligation.name, 40))\(String(format: "%8.3f s", r.seconds))")
    }
    print("proofs: \(summary.proved)/\(results.count) proved (\(summary.count("refuted")) refuted, \(summary.count("unknown")) unknown) in \(String(format: "%.2f", seconds)) s with \(Z3Context.version)")
    return summary
}

/// The proof run as a report (`verify prove --json`, and the `proofs` of `verify --json`).
func proofReport(_ prover: Prover, _ summary: ProofSummary) -> ProofReport {
    ProofReport(solver: Z3Context.version, configuration: prover.configName,
                results: summary.results, seconds: summary.seconds)
}

/// Writes each result's SMT-LIB text as `<dir>/<name>.smt2` and the index
/// `<dir>/README.md`: every obligation in plain words with its result, time
/// and hypotheses, and the solver version. Only the times change from run to
/// run (CI compares the rest byte for byte).
func writeProofs(_ results: [ProofResult], to dir: String, configName: String, seconds: Double) throws {
    try makeDirectories(dir)
    let base = dir.hasSuffix("/") ? dir : dir + "/"
    for r in results {
        guard let text = r.smtlib else { continue }
        try writeText(text, to: "\(base)\(r.obligation.name).smt2")
    }
    try writeText(proofIndex(results, configName: configName, seconds: seconds), to: "\(base)README.md")
}

/// The auditors' index of `proofs/`.
func proofIndex(_ results: [ProofResult], configName: String, seconds: Double) -> String {
    let proved = results.filter { $0.verdict.word == "proved" }.count
    var lines = [
        "# LiteBox proof obligations",
        "",
        "Generated by `verify prove --emit proofs` (do not edit; CI regenerates these files and fails on any",
        "difference other than the times). Each `<name>.smt2` is a standalone SMT-LIB 2 file in the logic",
        "`\(Prover.logic)`: its one assertion is the obligation's hypotheses together with its *negated* claim, so",
        "`(check-sat)` answers `unsat` exactly when the obligation holds. Check one with any solver, e.g.",
        "`z3 cap_copy_cdtLinks.smt2` or `cvc5 cap_copy_cdtLinks.smt2`; `Scripts/check-proofs.sh` checks them all",
        "with both.",
        "",
        "What the files cover: the step obligations (`<syscall>_<goal>`) are about the `\(configName)`",
        "configuration's table sizes, with **every cell of the state, the calling thread and every argument a",
        "free 32-bit variable**: they hold for every state of that shape whatever its contents, not only for",
        "reachable ones, whenever the state satisfies the listed hypotheses (a subset of `invs`, the",
        "conjunction of all invariants; see `Invariant.hypotheses` for why each is needed). The initial-state",
        "obligations (`init_<preset>_<invariant>`) fix the state to the preset's initial state.",
        "",
        "Results: \(proved)/\(results.count) proved by \(Z3Context.version) through its C API in \(String(format: "%.1f", seconds)) s",
        "(wall clock, all obligations, parallel).",
        "",
        "| obligation | result | time | hypotheses | statement |",
        "|---|---|---|---|---|",
    ]
    for r in results {
        let hyps = r.hypotheses.map { $0.isEmpty ? "none" : $0.map(\.name).joined(separator: ", ") } ?? "initial state"
        lines.append("| `\(r.obligation.name)` | \(r.verdict.word) | \(String(format: "%.3f s", r.seconds)) | \(hyps) | \(r.obligation.statement) |")
    }
    return lines.joined(separator: "\n") + "\n"
}
