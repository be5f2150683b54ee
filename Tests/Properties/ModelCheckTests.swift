// The checker on its own (a second, non-kernel model with known state
// counts) and on the LiteBox specification: pinned state counts, identical
// results for every thread count, symmetry reduction that never changes a
// verdict, mutants caught with replayable counterexamples.

import LiteBoxABI
import LiteBoxFormats
import Testing
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxSpec
import ModelCheck
import LiteBoxTestSupport

/// N bits, all clear at first; action `i` flips bit `i`. The states at
/// distance exactly `k` from the start are the C(N, k) words with `k` bits
/// set, so every count is known in closed form.
struct BitFlips: Model {
    let bits: Int
    /// An invariant that breaks when `breakAt` bits are set (nil: never).
    var breakAt: Int?
    /// A property that breaks when bit 0 is set while bit 1 is set (if on).
    var forbidZeroAfterOne = false

    var initialState: UInt32 { 0 }
    /// Action `i` flips bit `i`.
    var actions: [Int] { Array(0..<bits) }
    func step(_ state: UInt32, _ bit: Int) -> (next: UInt32?, outcome: Void) { (state ^ (1 << UInt32(bit)), ()) }
    var invariants: [NamedInvariant<UInt32>] {
        let limit = breakAt
        return [NamedInvariant("fewBitsSet") { limit == nil || $0.nonzeroBitCount < limit! }]
    }
    var properties: [NamedProperty<UInt32, Int, Void>] {
        let on = forbidZeroAfterOne
        return [NamedProperty("zeroNotAfterOne") { pre, a, _, _ in !(on && a == 0 && pre & 2 != 0) }]
    }
    func canonical(_ state: UInt32) -> UInt32 { state }
    func fingerprint(_ state: UInt32) -> UInt64 {
        [state].withUnsafeBufferPointer { ModelCheck.fingerprint(words: $0) }
    }
    func coverage(_ bit: Int, _ outcome: Void) -> (row: Int, column: Int) { (bit, 0) }
    var coverageRows: [String] { (0..<bits).map { "flip \($0)" } }
    var coverageColumns: [String] { ["ok"] }
}

func binomial(_ n: Int, _ k: Int) -> Int { k < 0 || k > n ? 0 : (0..<k).reduce(1) { $0 * (n - $1) / ($1 + 1) } }

@Suite struct ModelCheckTests {
    @Test(arguments: [1, 2, 3])
    func genericEngineCountsMatchTheClosedForm(threads: Int) {
        let result = Checker.run(BitFlips(bits: 10), CheckOptions(depth: 6, threads: threads))
        #expect(result.violation == nil)
        #expect(result.levels.map(\.newStates) == (0...6).map { binomial(10, $0) })
        #expect(result.distinctStates == (0...6).reduce(0) { $0 + binomial(10, $1) })
        #expect(result.transitions == (0..<6).reduce(0) { $0 + binomial(10, $1) * 10 })
        #expect(result.coverage.map { $0[0] } == Array(repeating: result.transitions / 10, count: 10))
    }

    @Test func genericEngineFindsTheShortestInvariantViolation() throws {
        let result = Checker.run(BitFlips(bits: 8, breakAt: 3), CheckOptions(depth: 8, threads: 2))
        let v = try #require(result.violation)
        #expect(v.kind == .invariant && v.name == "fewBitsSet")
        #expect(v.trace.count == 3)
        #expect(Set(v.trace).count == 3)   // three different bits flipped
    }

    @Test func genericEngineFindsTheShortestPropertyViolation() throws {
        let result = Checker.run(BitFlips(bits: 4, forbidZeroAfterOne: true), CheckOptions(depth: 4, threads: 2))
        let v = try #require(result.violation)
        #expect(v.kind == .property && v.name == "zeroNotAfterOne")
        #expect(v.trace == [1, 0])
    }

    @Test func fingerprintSetsAgreeWithASwiftSet() {
        var rng = SplitMix64(seed: 42)
        var sorted = SortedFingerprints()
        var reference = Set<UInt64>()
        for _ in 0..<20 {
            var level: [UInt64] = []
            var hashed = FingerprintHashSet()
            for _ in 0..<500 {
                let x = rng.next() & 0xFFFF_FFFF_FF   // force some duplicates
                if !reference.contains(x) && hashed.insert(x) { level.append(x) }
            }
            sorted.absorb(level)
            reference.formUnion(level)
        }
        #expect(sorted.count == reference.count)
        #expect(sorted.sorted == reference.sorted())
        for x in reference.prefix(2000) { #expect(sorted.contains(x)) }
        var misses = 0
        for _ in 0..<2000 { if sorted.contains(rng.next() | 1 << 63) { misses += 1 } }
        #expect(misses == 0)
    }

    /// Pinned counts of `tiny` (states first reached at each depth), with and
    /// without symmetry reduction. A semantic change moves these numbers.
    static let tinyLevelsSymmetric = [1, 23, 188, 785, 2247, 5089, 9640, 15709]
    static let tinyLevelsPlain = [1, 24, 212, 994, 3232, 8281, 17739, 32832]

    @Test func tinyCountsArePinnedWithAndWithoutSymmetry() {
        let sym = Checker.run(LiteBoxModel(ConcreteSpec(.tiny)), CheckOptions(depth: 7, threads: 2))
        let plain = Checker.run(LiteBoxModel(ConcreteSpec(.tiny), symmetry: false), CheckOptions(depth: 7, threads: 2))
        #expect(sym.violation == nil && plain.violation == nil)
        print("tiny levels (symmetry):", sym.levels.map(\.newStates), "(plain):", plain.levels.map(\.newStates))
        #expect(sym.levels.map(\.newStates) == Self.tinyLevelsSymmetric)
        #expect(plain.levels.map(\.newStates) == Self.tinyLevelsPlain)
        // Without reduction the checker agrees with the exact whole-state search of Support.swift.
        #expect(explore(ConcreteSpec(.tiny), depth: 7).statesUpTo == plain.levels.map(\.distinct))
    }

    @Test func resultsAreIdenticalForEveryThreadCount() {
        let runs = [1, 2, 3, 8].map { Checker.run(LiteBoxModel(ConcreteSpec(.default)), CheckOptions(depth: 6, threads: $0)) }
        // Pinned: states first reached at each depth of `default` with symmetry reduction.
        #expect(runs[0].levels.map(\.newStates) == [1, 37, 518, 3475, 16029, 57640, 173831])
        for r in runs.dropFirst() {
            #expect(r.levels.map(\.newStates) == runs[0].levels.map(\.newStates))
            #expect(r.coverage == runs[0].coverage)
            #expect(r.transitions == runs[0].transitions)
        }
        let mutantRuns = [1, 2, 5].map {
            Checker.run(LiteBoxModel(ConcreteSpec(.default, mutant: .signalLeavesWaiterQueued)), CheckOptions(depth: 12, threads: $0))
        }
        for r in mutantRuns { #expect(r.violation == mutantRuns[0].violation && r.violation != nil) }
    }

    @Test(arguments: Configuration.presetNames)
    func symmetryNeverChangesTheVerdictOnPresets(_ name: String) {
        let config = Configuration.preset(name)!
        let depth = name == "large" ? 3 : 5
        let sym = Checker.run(LiteBoxModel(ConcreteSpec(config)), CheckOptions(depth: depth, threads: 2))
        let plain = Checker.run(LiteBoxModel(ConcreteSpec(config), symmetry: false), CheckOptions(depth: depth, threads: 2))
        #expect(sym.violation == nil && plain.violation == nil)
        #expect(sym.distinctStates <= plain.distinctStates)
        // Symmetry merges states but never transitions: the same calls succeed and fail.
        #expect(sym.coverage.map { $0[0] + $0[1] > 0 } == plain.coverage.map { $0[0] + $0[1] > 0 })
    }

    /// Every mutant is caught in the default configuration within 12 calls,
    /// at the same depth with and without symmetry reduction, and its
    /// counterexample replays: through the trace format and the mutant spec,
    /// it ends in the violation it reports.
    @Test(arguments: Mutant.allCases)
    func everyMutantIsCaughtWithAReplayableCounterexample(_ mutant: Mutant) throws {
        let spec = ConcreteSpec(.default, mutant: mutant)
        let model = LiteBoxModel(spec)
        let result = Checker.run(model, CheckOptions(depth: 12, threads: 2))
        let v = try #require(result.violation, "\(mutant) survived")
        let plain = Checker.run(LiteBoxModel(spec, symmetry: false), CheckOptions(depth: 12, threads: 2))
        #expect(plain.violation?.trace.count == v.trace.count)

        var s = spec.initialState
        var entries: [Trace.Entry] = []
        var last: (pre: ConcreteMemory, call: Call, outcome: Outcome<UInt32>, post: ConcreteMemory)?
        for a in v.trace {
            let call = model.actions[a]
            let (n, o) = spec.step(s, call)
            entries.append(Trace.Entry(call: call, outcome: o))
            last = (s, call, o, n)
            s = n
        }
        let trace = Trace(config: "default", entries: entries, comments: ["counterexample for \(mutant)"])
        let parsed = try Trace(parsing: trace.text, file: "ce.trace")
        #expect(parsed == trace)
        #expect(parsed.entries.map(\.call) == v.trace.map { model.actions[$0] })
        switch v.kind {
        case .invariant:
            let inv = try #require(Invariant(rawValue: v.name))
            #expect(!spec.holds(inv, s))
        case .property:
            let p = try #require(TransitionProperty(rawValue: v.name))
            let step = try #require(last)
            #expect(!spec.holds(p, pre: step.pre, call: step.call, outcome: step.outcome, post: step.post))
        }
        // The unmutated specification runs the same calls without breaking anything.
        #expect(runChecked(ConcreteSpec(.default), parsed.entries.map(\.call)) == nil)
    }

    @Test func collisionProbabilityIsTheBirthdayBound() {
        let r = Checker.run(BitFlips(bits: 12), CheckOptions(depth: 12, threads: 1))
        #expect(r.distinctStates == 4096)
        #expect(abs(r.collisionProbability - 4096.0 * 4095 / 2 / 18_446_744_073_709_551_616.0) < 1e-20)
        #expect(r.bytesPerState > 8 && r.bytesPerState <= 16)
    }
}

@Suite struct TraceFormatTests {
    @Test func errorsNameTheLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("litebox-trace 2\nconfig default\n", 1, 15, "unsupported trace version 2"),
            ("config default\n", 1, 1, "expected the header"),
            ("litebox-trace 1\nconfig default\nt0 cap_copy src=0 dst=1\n", 3, 24, "needs argument 'rights'"),
            ("litebox-trace 1\nconfig default\nt0 frobnicate\n", 3, 4, "unknown system call 'frobnicate'"),
            ("litebox-trace 1\nconfig default\nt0 map slot=0 page=x rights=R\n", 3, 20, "'x' is not a number"),
            ("litebox-trace 1\nconfig default\n# c\nt1 recv ep=0 into=- -> err nope\n", 4, 28, "unknown error 'nope'"),
            ("litebox-trace 1\nconfig default\nt1 load page=0 -> maybe\n", 3, 19, "expected 'ok', 'blocked' or 'err'"),
            ("litebox-trace 1\nconfig default\nx1 exit\n", 3, 1, "expected a thread"),
            ("litebox-trace 1\nconfig default\nt0 protect page=0 rights=RX\n", 3, 26, "not a rights set"),
        ]
        for (text, line, column, reason) in cases {
            do {
                _ = try Trace(parsing: text, file: "x.trace")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.file == "x.trace")
                #expect(error.line == line && error.column == column, "\(error) for \(text)")
                #expect(error.reason.contains(reason), "\(error.reason)")
            }
        }
    }

    @Test func everyCallOfTheAlphabetRoundTrips() throws {
        let calls = CallAlphabet.standard.calls(for: .large)
        let outcomes: [Outcome<UInt32>?] = [nil, Outcome(code: 0, value: 0), Outcome(code: 0, value: 7),
                                            Outcome(code: 1, value: 0), Outcome(code: SpecError.fault.rawValue, value: 0)]
        let trace = Trace(config: "large", entries: calls.enumerated().map {
            Trace.Entry(call: $0.element, outcome: outcomes[$0.offset % outcomes.count])
        })
        let parsed = try Trace(parsing: trace.text)
        #expect(parsed == trace)
        #expect(parsed.text == trace.text)
    }
}
