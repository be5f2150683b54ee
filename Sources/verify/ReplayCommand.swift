// `verify replay FILE...`: runs the production kernel and the specification
// in lockstep on recorded traces (DESIGN §7).

import ArgumentParser
import Foundation
import LiteBoxKernel
import LiteBoxSpec

/// Replays traces through kernel and spec side by side.
///
/// After every call both outcomes must agree, the kernel's abstract state
/// must equal the spec's state, and the recorded outcome (when the line has
/// one) must match. The first divergence of a file is reported with its line,
/// the call, both results and the state difference; the exit status is then 1.
/// A trace or configuration that cannot be read is reported with its file,
/// line and reason, exit status 2.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay traces through the kernel and the spec in lockstep; report the first divergence.")

    @Argument(help: "Trace files.")
    var files: [String]

    @Flag(help: "Print a machine-readable JSON report on stdout.")
    var json = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one trace file") }
    }

    /// The first divergence in one file.
    struct Divergence {
        var line: Int
        var call: Call
        var spec: Outcome<UInt32>
        var kernel: Outcome<UInt32>
        var recorded: Outcome<UInt32>?
        var stateDifference: [String]
    }

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        var results: [(file: String, calls: Int, divergence: Divergence?)] = []
        for file in files {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw VerifyFailure(status: 2, message: "error: \(file): cannot read the trace: \(error.localizedDescription)")
            }
            let trace: Trace
            let config: Configuration
            do {
                trace = try Trace(parsing: text, file: file)
                config = try trace.loadConfiguration(relativeTo: (file as NSString).deletingLastPathComponent)
            } catch {
                throw VerifyFailure(status: 2, message: "error: \(error)")
            }
            let spec = ConcreteSpec(config)
            let kernel = Kernel(config)
            var s = spec.initialState
            var divergence: Divergence?
            var calls = 0
            for entry in trace.entries {
                let (next, expected) = spec.step(s, entry.call)
                let got = kernel.execute(entry.call)
                calls += 1
                let abstract = kernel.abstraction()
                if got != expected || abstract != next || (entry.outcome != nil && entry.outcome != expected) {
                    divergence = Divergence(line: entry.line, call: entry.call, spec: expected, kernel: got,
                                            recorded: entry.outcome, stateDifference: spec.difference(next, abstract))
                    break
                }
                s = next
            }
            results.append((file, calls, divergence))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let total = results.reduce(0) { $0 + $1.calls }
        let diverged = results.filter { $0.divergence != nil }
        if json {
            let q = jsonQuoted
            let items = results.map { r -> String in
                var f = "{\"file\": \(q(r.file)), \"calls\": \(r.calls)"
                if let d = r.divergence {
                    f += ", \"divergence\": {\"line\": \(d.line), \"call\": \(q(d.call.description)), \"spec\": \(q(d.spec.description)), \"kernel\": \(q(d.kernel.description)), \"recorded\": \(d.recorded.map { q($0.description) } ?? "null"), \"stateDifference\": [\(d.stateDifference.map(q).joined(separator: ", "))]}"
                } else {
                    f += ", \"divergence\": null"
                }
                return f + "}"
            }
            print("{\"files\": [\(items.joined(separator: ", "))], \"calls\": \(total), \"seconds\": \(String(format: "%.3f", seconds)), \"verdict\": \(q(diverged.isEmpty ? "agree" : "diverge"))}")
        } else {
            for r in results {
                guard let d = r.divergence else { print("\(r.file): \(r.calls) calls, kernel and spec agree"); continue }
                print("\(r.file):\(d.line): divergence at \(d.call)")
                print("  spec:   \(d.spec)")
                print("  kernel: \(d.kernel)")
                if let rec = d.recorded { print("  recorded: \(rec)") }
                if d.stateDifference.isEmpty { print("  states agree") }
                for line in d.stateDifference { print("  state (spec -> kernel) \(line)") }
            }
            print("replayed \(total) calls from \(results.count) file(s) in \(String(format: "%.3f", seconds)) s: \(diverged.isEmpty ? "no divergence" : "\(diverged.count) file(s) diverge")")
        }
        if !diverged.isEmpty { throw VerifyFailure(status: 1, message: "") }
    }
}
