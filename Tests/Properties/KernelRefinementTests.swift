// Refinement along the checker, the kernel's trace recording, and a
// property-based kernel/spec differential check whose failures shrink to a
// minimal replayable trace.

import LiteBoxABI
import LiteBoxFormats
import Testing
import PropertyBased
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxKernel
import LiteBoxSpec
import ModelCheck
import LiteBoxTestSupport

/// One random call, as raw numbers decoded by `Configuration.decodeCall`.
private let rawCall = zip(Gen.int(in: 0...19), Gen.int(in: 0...64), Gen.int(in: 0...64),
                          Gen.int(in: 0...64), Gen.int(in: 0...64), Gen.int(in: 0...64))

/// Runs `calls` through kernel and spec in lockstep; nil if they agree at
/// every step, otherwise the replayable trace up to the first divergence.
func lockstepDivergence(_ config: Configuration, _ calls: [Call]) -> String? {
    var lockstep = Lockstep(config, checksRepresentation: true)
    for call in calls {
        lockstep.step(call)
        if let d = lockstep.divergence {
            let entries = calls[0...d.index].map { Trace.Entry(call: $0, outcome: nil) }
            let trace = Trace(config: config.name, entries: entries,
                              comments: ["kernel/spec divergence at call \(d.index + 1): spec \(d.spec), kernel \(d.kernel)"]
                                + d.brokenRepresentation.map { "  representation broken: " + $0 }
                                + d.stateDifference.map { "  " + $0 })
            return trace.text
        }
    }
    return nil
}

@Suite struct KernelRefinementTests {
    @Test(arguments: [Configuration.tiny, .default])
    func theKernelRefinesEveryExploredTransition(_ config: Configuration) {
        let depth = config.name == "tiny" ? 6 : 4
        let r = Checker.run(RefinementModel(LiteBoxModel(ConcreteSpec(config))), CheckOptions(depth: depth, threads: 2))
        #expect(r.violation == nil, "\(String(describing: r.violation))")
        #expect(r.distinctStates > 1_000)
    }

    /// Refinement has teeth: against a mutant of the spec, the (correct)
    /// kernel disagrees on the mutant's counterexample, and the refinement
    /// check reports a violation no deeper than the mutant's own.
    @Test(arguments: [Mutant.waitKeepsBits, .copyIgnoresRightsMask, .enqueueAtHead, .deleteLeavesMapping])
    func refinementCatchesASpecThatTheKernelDoesNotImplement(_ mutant: Mutant) throws {
        let base = LiteBoxModel(ConcreteSpec(.default, mutant: mutant))
        let r = Checker.run(RefinementModel(base), CheckOptions(depth: 8, threads: 2))
        let v = try #require(r.violation)
        let plain = try #require(Checker.run(base, CheckOptions(depth: 8, threads: 2)).violation)
        #expect(v.trace.count <= plain.trace.count)
        let calls = v.trace.map { base.actions[$0] }
        var lockstep = Lockstep(spec: base.spec, kernel: Kernel(.default))
        for c in calls where lockstep.divergence == nil { lockstep.step(c) }
        #expect(lockstep.divergence != nil || v.name != "refinement")
    }

    @Test func theKernelRecordsATraceThatReplaysThroughTheSpec() throws {
        let config = Configuration.large
        let kernel = Kernel(config)
        kernel.recording = []
        var rng = SplitMix64(seed: 99)
        let alphabet = CallAlphabet.standard.calls(for: config)
        for _ in 0..<2_000 { _ = kernel.execute(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
        let recorded = try #require(kernel.recording)
        #expect(recorded.count == 2_000)
        let trace = Trace(config: "large", entries: recorded.map { Trace.Entry(call: $0.call, outcome: $0.outcome) })
        let parsed = try Trace(parsing: trace.text)
        #expect(parsed == trace)
        let spec = ConcreteSpec(config)
        var s = spec.initialState
        for e in parsed.entries {
            let (n, o) = spec.step(s, e.call)
            #expect(o == e.outcome)
            s = n
        }
        #expect(kernel.abstraction() == s)
        kernel.recording = nil
        _ = kernel.execute(.exit(0))
        #expect(kernel.recording == nil)
    }

    /// Property-based differential testing: random call sequences on every
    /// configuration; a divergence shrinks to a minimal sequence and is
    /// printed as a replayable trace (`verify replay`).
    @Test(arguments: allPresets)
    func randomSequencesAgreeOnKernelAndSpec(_ config: Configuration) async {
        await propertyCheck(count: 200, input: rawCall.array(of: 1...100)) { raws in
            let calls = raws.map { config.decodeCall(syscall: $0.0, thread: $0.1, raw: [$0.2, $0.3, $0.4, $0.5]) }
            let divergence = lockstepDivergence(config, calls)
            #expect(divergence == nil, "\(divergence ?? "")")
        }
    }
}

/// Kernel-only sizes in the configuration file format.
@Suite struct KernelSizesInFilesTests {
    static let text = """
    {
      "name": "wide",
      "sandboxes": 2, "slotsPerSandbox": 3, "pagesPerSandbox": 1,
      "endpoints": 1, "notifications": 1, "frames": 1,
      "threads": [{"sandbox": 0, "state": "running"}, {"sandbox": 1, "state": "running"}],
      "capabilities": [
        {"sandbox": 0, "slot": 0, "type": "endpoint", "object": 0, "rights": "RWG"},
        {"sandbox": 0, "slot": 1, "type": "frame", "object": 0, "rights": "RW"},
        {"sandbox": 1, "slot": 0, "type": "endpoint", "object": 0, "rights": "RW", "parent": {"sandbox": 0, "slot": 0}}
      ],
      "kernel": {"slotsPerSandbox": 4096, "pagesPerSandbox": 1048576}
    }
    """

    @Test func kernelSizesParseRoundTripAndSizeTheKernel() throws {
        let config = try Configuration(json: Self.text, file: "wide.json")
        #expect(config.kernelSlotsPerSandbox == 4096 && config.kernelPagesPerSandbox == 1 << 20)
        #expect(try Configuration(json: config.json) == config)
        let kernel = Kernel(config)
        #expect(kernel.sizes.slotsPerSandbox == 4096 && kernel.sizes.pagesPerSandbox == 1 << 20)
        // Within the spec's sizes, kernel and spec still agree step by step.
        #expect(lockstepDivergence(config, CallAlphabet.standard.calls(for: config)) == nil)
        // Beyond them only the kernel has room: slot 4095 and page 2^20 - 1.
        let k = Kernel(config)
        #expect(k.execute(.capCopy(0, src: 1, dst: 4095, rights: .all)).succeeded)
        #expect(k.execute(.map(0, slot: 4095, page: (1 << 20) - 1, rights: [.read])).succeeded)
        #expect(k.checkRepresentation().isEmpty)
    }

    @Test func kernelSizesSmallerThanTheSpecsAreRejectedWithTheirPosition() {
        let bad = Self.text.replacingOccurrences(of: "\"slotsPerSandbox\": 4096", with: "\"slotsPerSandbox\": 2")
        #expect(throws: ConfigurationError.self) { try Configuration(json: bad, file: "wide.json") }
        do {
            _ = try Configuration(json: bad, file: "wide.json")
        } catch {
            #expect(error.field == "kernel.slotsPerSandbox")
            #expect(error.line == 11)
            #expect(error.reason.contains("between 3 and"))
        }
        let unknown = Self.text.replacingOccurrences(of: "\"pagesPerSandbox\": 1048576", with: "\"pages\": 1048576")
        do {
            _ = try Configuration(json: unknown, file: "wide.json")
            Issue.record("an unknown kernel key was accepted")
        } catch {
            #expect(error.line == 11 && error.field.hasPrefix("kernel"))
        }
    }
}
