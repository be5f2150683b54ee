// `verify mutants`: every deliberately broken variant of the specification
// must be caught by the exhaustive search of the default configuration; the
// prover's verdict on each mutant is reported alongside.

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxFormats
import LiteBoxSpec
import ModelCheck

/// Runs the mutant catalog (`Mutant`) through the checker.
struct MutantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutants",
        abstract: "Check that every mutant of the specification is caught; exit 1 if one survives.")

    @Option(help: "Search depth for each mutant.")
    var depth: Int = 12

    @Option(help: "A preset (tiny, default, large) or a JSON configuration file.")
    var config: String = "default"

    @Option(help: "Worker threads (default: every core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Turn off symmetry reduction.")
    var noSymmetry = false

    @Option(help: "Only the mutants whose name contains this text.")
    var only: String?

    @Flag(help: "Skip the prover (by default each mutant's changed obligations are also checked with Z3).")
    var noProofs = false

    @Option(help: "Show the full report and counterexample for this one mutant instead of the table.")
    var show: String?

    @Option(help: "With --show: where to write the counterexample trace.")
    var counterexample: String = "counterexample.trace"

    func validate() throws {
        try validateSearch(depth: depth, threads: threads)
        if let show, Mutant(rawValue: show) == nil {
            throw ValidationError("unknown mutant \(Trace.quoted(show)) for --show; the mutants: \(Mutant.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard !counterexample.isEmpty else { throw ValidationError("--counterexample must name a file") }
    }

    func run() throws {
        let cfg = try loadConfiguration(config)
        if let show {
            guard let mutant = Mutant(rawValue: show) else {
                throw VerifyFailure(status: 2, message: "error: unknown mutant '\(show)' (see `verify mutants`)")
            }
            print("mutant \(mutant): \(mutant.summary)")
            let model = LiteBoxModel(ConcreteSpec(cfg, mutant: mutant), symmetry: !noSymmetry)
            let r = try runCheck(model, configName: config, depth: depth, threads: threads, json: false,
                                 counterexamplePath: counterexample)
            if r.violation == nil { throw VerifyFailure(status: 1, message: "mutant \(mutant) survived depth \(depth)") }
            return
        }
        let mutants = Mutant.allCases.filter { only == nil || $0.rawValue.contains(only!) }
        guard !mutants.isEmpty else { throw VerifyFailure(status: 2, message: "error: no mutant matches '\(only ?? "")'") }
        print("mutant                      caught by                              depth  states      time")
        var survivors: [Mutant] = []
        var unrefuted: [Mutant] = []
        for mutant in mutants {
            let model = LiteBoxModel(ConcreteSpec(cfg, mutant: mutant), symmetry: !noSymmetry)
            let result = Checker.run(model, CheckOptions(depth: depth, threads: threads))
            let time = String(format: "%.2f s", result.seconds)
            if let v = result.violation {
                print(pad(mutant.rawValue, 28) + pad("\(v.kind.rawValue) \(v.name)", 39) + pad("\(v.trace.count)", 7)
                      + pad("\(result.distinctStates)", 12) + time)
            } else {
                survivors.append(mutant)
                print(pad(mutant.rawValue, 28) + pad("SURVIVED", 39) + pad("-", 7) + pad("\(result.distinctStates)", 12) + time)
            }
            if !noProofs {
                // Only the obligations whose formula the mutant changes are checked.
                let start = Date()
                let prover = Prover(config: cfg, configName: config, mutant: mutant)
                let changed = prover.check(Obligation.all, jobs: threads, onlyChanged: true)
                let refuted = changed.filter { $0.verdict.word == "refuted" }.map(\.obligation.name)
                let unknown = changed.filter { $0.verdict.word == "unknown" }.map(\.obligation.name)
                let time = String(format: "%.2f s", Date().timeIntervalSince(start))
                if refuted.isEmpty { unrefuted.append(mutant) }
                print("    prover: \(changed.count) obligations changed, \(refuted.count) refuted\(refuted.isEmpty ? "" : ": " + refuted.joined(separator: ", "))"
                      + "\(unknown.isEmpty ? "" : "; unknown: " + unknown.joined(separator: ", ")) (\(time))")
            }
        }
        if !survivors.isEmpty {
            throw VerifyFailure(status: 1, message: "\(survivors.count) mutant(s) survived depth \(depth): \(survivors.map(\.rawValue).joined(separator: ", "))")
        }
        print("all \(mutants.count) mutants caught by the checker")
        if !noProofs {
            print(unrefuted.isEmpty ? "the prover refutes an obligation of every mutant"
                  : "the prover refutes no obligation of: \(unrefuted.map(\.rawValue).joined(separator: ", "))")
        }
    }
}
