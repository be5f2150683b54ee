// `verify bench checker`: throughput and memory of the model checker.

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxFormats
import LiteBoxSpec
import ModelCheck

/// Explores a configuration to a depth on one thread and on every core, in
/// the same run, and prints distinct states/s, transitions/s, the speed-up,
/// and bytes stored per visited state.
struct BenchChecker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checker",
        abstract: "Model-checker states/s and transitions/s on one thread and on all threads, and bytes per state.")

    @Option(help: "A preset (tiny, default, large) or a JSON configuration file.")
    var config: String = "default"

    @Option(help: "Depth to explore.")
    var depth: Int = 8

    @Option(help: "Threads for the parallel run (default: every core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        try validateSearch(depth: depth, threads: threads)
    }

    func run() throws {
        let cfg = try loadConfiguration(config)
        let model = LiteBoxModel(ConcreteSpec(cfg))
        print("configuration \(cfg.name), depth \(depth), \(model.actions.count) calls per state")
        print("threads  distinct states  transitions   seconds  states/s     transitions/s  bytes/state")
        var first: CheckResult?
        for k in Array(Set([1, threads])).sorted() {
            let r = Checker.run(model, CheckOptions(depth: depth, threads: k))
            if let f = first, f.levels.map(\.newStates) != r.levels.map(\.newStates) {
                throw VerifyFailure(status: 1, message: "error: results differ between 1 and \(k) threads")
            }
            first = first ?? r
            print(pad("\(k)", 9) + pad("\(r.distinctStates)", 17) + pad("\(r.transitions)", 14)
                  + pad(String(format: "%.2f", r.seconds), 9) + pad(format(Double(r.distinctStates) / r.seconds), 13)
                  + pad(format(Double(r.transitions) / r.seconds), 15) + String(format: "%.1f", r.bytesPerState))
        }
    }
}
