// Exhaustive small-scope tests: every state of `tiny` reachable within a few
// calls satisfies every invariant, every step every transition property, and
// the exact numbers of distinct states are pinned so that any change to the
// semantics shows up in review.

import LiteBoxABI
import Testing
import LiteBoxSpec
import LiteBoxTestSupport

@Suite struct ExhaustiveTests {
    /// Pinned distinct-state counts of `tiny` under `CallAlphabet.standard`:
    /// `expected[d]` is the number of states reachable in at most `d` calls.
    /// If a semantic change moves these numbers, the change must say why.
    static let tinyCounts = [1, 25, 237, 1231, 4463, 12744, 30483, 63315, 116602]

    @Test func tinyIsExhaustivelySafeAndCountsArePinned() {
        let spec = ConcreteSpec(.tiny)
        let result = explore(spec, depth: 8)
        #expect(result.violation == nil, "\(result.violation ?? "")")
        print("tiny states up to depth:", result.statesUpTo, "transitions:", result.transitions)
        #expect(result.statesUpTo == Self.tinyCounts)
    }
}

extension ExhaustiveTests {
    /// Pinned distinct-state counts of `default` under `CallAlphabet.standard`.
    static let defaultCounts = [1, 38, 568, 4471, 26523, 129176]

    /// `default` to depth 5: safe, counts pinned, and every system call
    /// succeeds somewhere (a call that never succeeds would be checked only
    /// vacuously).
    @Test func defaultIsExhaustivelySafeToDepthFiveAndEveryCallSucceeds() {
        let result = explore(ConcreteSpec(.default), depth: 5)
        #expect(result.violation == nil, "\(result.violation ?? "")")
        print("default states up to depth:", result.statesUpTo, "transitions:", result.transitions)
        #expect(result.statesUpTo == Self.defaultCounts)
        for sc in Syscall.allCases {
            #expect(result.successes[sc, default: 0] > 0, "\(sc) never succeeds in default within depth 5")
        }
    }
}
