// Property-based tests: random call sequences from every preset keep `invs`
// and every transition property, and a failed call leaves the state identical.

import LiteBoxABI
import Testing
import PropertyBased
import LiteBoxSpec
import LiteBoxTestSupport

/// One random call, as raw numbers decoded by `Configuration.decodeCall`.
private let rawCall = zip(Gen.int(in: 0...19), Gen.int(in: 0...64), Gen.int(in: 0...64),
                          Gen.int(in: 0...64), Gen.int(in: 0...64), Gen.int(in: 0...64))

@Suite struct RandomSequenceTests {
    @Test(arguments: allPresets)
    func randomSequencesKeepEveryInvariantAndProperty(_ config: Configuration) async {
        let spec = ConcreteSpec(config)
        await propertyCheck(count: 300, input: rawCall.array(of: 1...80)) { raws in
            let calls = raws.map { config.decodeCall(syscall: $0.0, thread: $0.1, raw: [$0.2, $0.3, $0.4, $0.5]) }
            let report = runChecked(spec, calls)
            #expect(report == nil, "\(report ?? "")")
        }
    }

    /// Longer runs than the property check shrinks comfortably: 20,000 calls
    /// per preset from a fixed-seed generator. Each call is issued by a
    /// running thread (restarting from the initial state when none is left,
    /// and every 400 calls), with the system call drawn uniformly and its
    /// arguments from the exploration alphabet, so that many calls succeed.
    @Test(arguments: allPresets)
    func longSeededRunsKeepEveryInvariantAndProperty(_ config: Configuration) {
        let spec = ConcreteSpec(config)
        let bySyscall = Dictionary(grouping: CallAlphabet.standard.calls(for: config), by: \.syscall)
        var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(config.name.count))
        var s = spec.initialState
        var history: [Call] = []
        var succeeded = 0
        for _ in 0..<20_000 {
            let running = (0..<config.threads.count).filter { spec.threadState(s, $0) == .running }
            if running.isEmpty || history.count == 400 { s = spec.initialState; history = []; continue }
            let t = UInt32(running[Int(rng.next() % UInt64(running.count))])
            let sc = Syscall.allCases[Int(rng.next() % UInt64(Syscall.allCases.count))]
            let choices = bySyscall[sc]!.filter { $0.thread == t }
            let call = choices[Int(rng.next() % UInt64(choices.count))]
            let (next, outcome) = spec.step(s, call)
            history.append(call)
            let bad = violations(spec, pre: s, call: call, outcome: outcome, post: next)
            #expect(bad.isEmpty, "\(config.name): \(call) -> \(outcome) broke \(bad) after \(history.map(\.description))")
            if !bad.isEmpty { return }
            if outcome.succeeded { succeeded += 1 } else { #expect(next == s) }
            s = next
        }
        // The run must not be vacuous: thousands of calls actually did something.
        #expect(succeeded > 2_000)
    }
}

/// A small deterministic generator (SplitMix64) for reproducible long runs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
