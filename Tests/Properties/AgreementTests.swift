// The symbolic interpretation agrees with the concrete one (DESIGN §3, issue
// #4): on states the checker reaches in `tiny` and `default`, the symbolic
// transition of every system call, with the state and call plugged in and
// simplified by Z3, gives exactly the concrete next state and outcome, and
// every symbolic invariant and property evaluates to the concrete verdict.

import LiteBoxABI
import Testing
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxSpec
import LiteBoxTestSupport

@Suite struct AgreementTests {
    /// Every reached state (up to `limit`, spread evenly over the list) ×
    /// every system call, with that call's alphabet entries taken in turn
    /// (plus an out-of-range thread and slot now and then, so failing paths
    /// are compared too). Returns the number of (state, call) pairs checked.
    static func agree(_ config: Configuration, depth: Int, limit: Int) throws -> Int {
        let spec = ConcreteSpec(config)
        let states = try reachableStates(spec, depth: depth)
        let stride = max(1, states.count / limit)
        let sample = Swift.stride(from: 0, to: states.count, by: stride).prefix(limit).map { states[$0] }
        let bySyscall = Dictionary(grouping: CallAlphabet.standard.calls(for: config), by: \.syscall)
        var checked = 0
        for sc in Syscall.allCases {
            let transition = SymbolicTransition(config, sc)
            var calls = bySyscall[sc] ?? []
            // Failing shapes: a thread that does not exist, registers out of range.
            calls.append(Call(thread: UInt32(config.threads.count), syscall: sc, 0, 0, 0, 0))
            calls.append(Call(thread: 0, syscall: sc, 99, 7, 0xFFFF_FFFF, 3))
            for (i, s) in sample.enumerated() {
                let call = calls[i % calls.count]
                let problem = try transition.disagreement(state: s, call: call)
                #expect(problem == nil, "\(problem ?? "")")
                if problem != nil { return checked }
                checked += 1
            }
        }
        return checked
    }

    @Test func tinyAgrees() throws {
        let n = try Self.agree(.tiny, depth: 8, limit: 1000)
        #expect(n == 20 * 1000)
    }

    @Test func defaultAgrees() throws {
        let n = try Self.agree(.default, depth: 5, limit: 1000)
        #expect(n == 20 * 1000)
    }
}
