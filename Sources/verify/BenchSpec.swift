// `verify bench spec`: throughput of the concrete specification, the model
// checker's inner loop.

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxFormats
import LiteBoxSpec

/// Measures concrete system calls per second on random call sequences.
///
/// For each configuration, a seeded random sequence is generated first by a
/// run of the specification: each call picks a running thread, a system call
/// uniformly among those `CallAlphabet.standard` has calls of (all 20 on the
/// presets), then its arguments uniformly from the alphabet's choices for it (so many calls still fail on a precondition, as in
/// exhaustive exploration); when no thread runs any more, or every
/// `--restart` calls, the run restarts from the initial state. That sequence
/// is then timed three ways in the same run: `step` (the calls alone),
/// `step+invs` (plus every invariant on every new state) and `step+all` (plus
/// every transition property on every step).
struct BenchSpec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Concrete syscalls per second on random call sequences, per configuration.")

    @Option(help: "Calls per configuration.")
    var calls: Int = 2_000_000

    @Option(help: "Restart from the initial state after this many calls at most.")
    var restart: Int = 200

    @Option(help: "Configurations to measure (presets or JSON files); default: every preset.")
    var config: [String] = []

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard calls > 0, restart > 0 else { throw ValidationError("--calls and --restart must be positive") }
    }

    /// The calls to time; `nil` marks a restart from the initial state.
    /// A system call is drawn among those the alphabet has calls of for the
    /// chosen thread (a universe without pages, say, has no `map` calls).
    /// Fails (exit 2) when no thread runs in the initial state: there is then
    /// nothing to measure.
    func generate(_ spec: ConcreteSpec) throws -> [Call?] {
        let cfg = spec.config
        guard (0..<cfg.threads.count).contains(where: { spec.threadState(spec.initialState, $0) == .running }) else {
            throw VerifyFailure(status: 2, message: "error: \(cfg.name): no thread runs in the initial state, so there are no calls to measure")
        }
        // Per thread, the alphabet's calls grouped by system call, in `Syscall.allCases` order.
        let alphabet = CallAlphabet.standard.calls(for: cfg)
        let byThread: [[[Call]]] = (0..<cfg.threads.count).map { t in
            Syscall.allCases.map { sc in alphabet.filter { $0.thread == UInt32(t) && $0.syscall == sc } }.filter { !$0.isEmpty }
        }
        var rng = Seeded(seed)
        var out: [Call?] = [nil]
        out.reserveCapacity(calls + calls / 10)
        var s = spec.initialState
        var sinceRestart = 0
        while out.count < calls {
            let running = (0..<cfg.threads.count).filter { spec.threadState(s, $0) == .running }
            if running.isEmpty || sinceRestart == restart {
                out.append(nil); s = spec.initialState; sinceRestart = 0; continue
            }
            let t = running[Int(rng.next() % UInt64(running.count))]
            let groups = byThread[t]
            // The alphabet always has calls for a running thread (exit at least).
            let group = groups[Int(rng.next() % UInt64(groups.count))]
            let call = group[Int(rng.next() % UInt64(group.count))]
            out.append(call)
            s = spec.step(s, call).state
            sinceRestart += 1
        }
        return out
    }

    func run() throws {
        let configs = try (config.isEmpty ? Configuration.presetNames : config).map(loadConfiguration)
        print("configuration  cells  calls      ok%    step calls/s  step+invs calls/s  step+all calls/s")
        for cfg in configs {
            let spec = ConcreteSpec(cfg)
            let sequence = try generate(spec)
            let count = sequence.lazy.filter { $0 != nil }.count
            var okCount = 0
            var broken = 0
            let stepRate = measure(count) {
                var s = spec.initialState
                for call in sequence {
                    guard let call else { s = spec.initialState; continue }
                    let (n, o) = spec.step(s, call)
                    if o.succeeded { okCount += 1 }
                    s = n
                }
            }
            let invRate = measure(count) {
                var s = spec.initialState
                for call in sequence {
                    guard let call else { s = spec.initialState; continue }
                    let (n, o) = spec.step(s, call)
                    if o.succeeded && !spec.invs(n) { broken += 1 }
                    s = n
                }
            }
            let allRate = measure(count) {
                var s = spec.initialState
                for call in sequence {
                    guard let call else { s = spec.initialState; continue }
                    let (n, o) = spec.step(s, call)
                    if o.succeeded {
                        if !spec.invs(n) { broken += 1 }
                        for p in TransitionProperty.allCases where !spec.holds(p, pre: s, call: call, outcome: o, post: n) {
                            broken += 1
                        }
                    } else if n != s { broken += 1 }
                    s = n
                }
            }
            if broken != 0 {
                throw VerifyFailure(status: 1, message: "\(cfg.name): \(broken) steps broke an invariant or property during the benchmark")
            }
            let pct = 100.0 * Double(okCount) / Double(count)
            print(pad(cfg.name, 13), pad("\(spec.layout.cellCount)", 6), pad("\(count)", 10),
                  pad(String(format: "%.1f", pct), 6), pad(format(stepRate), 15),
                  pad(format(invRate), 18), format(allRate))
        }
    }
}

/// Runs `body` once and returns `count / seconds`.
func measure(_ count: Int, _ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    let ns = DispatchTime.now().uptimeNanoseconds - start
    return Double(count) / (Double(ns) / 1e9)
}

func format(_ rate: Double) -> String {
    rate >= 1e6 ? String(format: "%.2fM", rate / 1e6) : String(format: "%.0fk", rate / 1e3)
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

/// SplitMix64: a small seeded generator so runs are reproducible.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
