// The Z3 layer and the prover (issue #4): the symbolic word operations mean
// exactly what the concrete ones do, Z3 errors come back as Swift errors (the
// process never exits), obligations are proved, a mutant's are refuted with a
// counterexample the concrete specification confirms, and the emitted
// SMT-LIB is deterministic.

import LiteBoxABI
import Testing
import LiteBoxModel
import LiteBoxProver
import LiteBoxRefinement
import LiteBoxSpec
import ModelCheck
import Z3

@Suite struct ProverTests {
    /// Each `SymWord`/`SymBool` operation on variables, with random values
    /// substituted and simplified by Z3, equals the `UInt32`/`Bool` result
    /// (including shifts by 32 or more and wrapping arithmetic).
    @Test func symbolicOperationsMatchConcreteOnes() throws {
        let ctx = Z3Context()
        let x = ctx.bitVector("x"), y = ctx.bitVector("y")
        let a = SymWord.term(x), b = SymWord.term(y)
        var rng = SystemRandomNumberGenerator()
        let interesting: [UInt32] = [0, 1, 2, 31, 32, 33, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]
        for round in 0..<300 {
            let u = round < 81 ? interesting[round % 9] : rng.next()
            let v = round < 81 ? interesting[round / 9] : (round % 3 == 0 ? UInt32.random(in: 0..<70) : rng.next())
            let words: [(String, SymWord, UInt32)] = [
                ("&", a & b, u & v), ("|", a | b, u | v), ("~", ~a, ~u), ("&+", a &+ b, u &+ v),
                ("&-", a &- b, u &- v), ("&*", a &* b, u &* v), ("&<<", a &<< b, u &<< v),
                ("1 &<<", SymWord.constant(1) &<< b, 1 &<< v),
                ("ite", SymWord.ite(a < b, a, b), u < v ? u : v),
                ("lookup", SymWord.lookup([7, 8, 9], a & 3), (u & 3) < 3 ? [7, 8, 9][Int(u & 3)] : 0),
            ]
            for (name, w, expected) in words {
                let got = try ctx.substituteAndSimplify(w.term(in: ctx), from: [x, y], to: [ctx.numeral(UInt64(u)), ctx.numeral(UInt64(v))])
                #expect(got.numeralValue == UInt64(expected), "\(name) on \(u), \(v)")
            }
            let bits: [(String, SymBool, Bool)] = [
                ("==", a == b, u == v), ("!=", a != b, u != v), ("<", a < b, u < v), ("<=", a <= b, u <= v),
                ("&&", a < b && b != 0, u < v && v != 0), ("||", a == 0 || b == 0, u == 0 || v == 0),
            ]
            for (name, bit, expected) in bits {
                let got = try ctx.substituteAndSimplify(bit.term(in: ctx), from: [x, y], to: [ctx.numeral(UInt64(u)), ctx.numeral(UInt64(v))])
                #expect(got.boolValue == expected, "\(name) on \(u), \(v)")
            }
        }
    }

    /// A Z3 error (here a substitution of a boolean for a bit-vector) is
    /// thrown as `Z3Error`; the process goes on and the context stays usable.
    @Test func z3ErrorsAreThrownNotFatal() throws {
        let ctx = Z3Context()
        let x = ctx.bitVector("x")
        #expect(throws: Z3Error.self) {
            _ = try ctx.substituteAndSimplify(x.add(x), from: [x], to: [ctx.bool(true)])
        }
        let after = try ctx.substituteAndSimplify(x.add(x), from: [x], to: [ctx.numeral(3)])
        #expect(after.numeralValue == 6)
    }

    /// There are 20 × (10 + 6) step obligations and 3 × 10 initial ones,
    /// with unique names of the form `<syscall>_<goal>`.
    @Test func obligationCatalog() {
        #expect(Obligation.all.count == 350)
        #expect(Set(Obligation.all.map(\.name)).count == 350)
        #expect(Obligation.all.contains { $0.name == "cap_revoke_cdtAcyclic" })
        #expect(Obligation.all.contains { $0.name == "init_large_queues" })
        for inv in Invariant.allCases { #expect(inv.hypotheses.contains(inv), "\(inv) assumes itself") }
    }

    /// Every obligation of `tiny` is proved, and every result carries its
    /// declared hypotheses.
    @Test func tinyObligationsAreProved() {
        let results = Prover(config: .tiny, configName: "tiny").check(Obligation.all, jobs: 2)
        #expect(results.count == 350)
        for r in results {
            #expect(r.verdict.word == "proved", "\(r.obligation.name): \(r.verdict)")
            if let s = r.obligation.syscall { _ = s; #expect(r.hypotheses == r.obligation.goal.hypotheses) }
        }
    }

    /// A mutant's changed obligations include refuted ones, and the
    /// counterexample, replayed through the concrete mutant, breaks the goal.
    @Test func mutantIsRefutedWithAConcreteCounterexample() {
        let prover = Prover(config: .default, configName: "default", mutant: .copyIgnoresRightsMask)
        let changed = prover.check(Obligation.all.filter { $0.syscall == .capCopy }, jobs: 2, onlyChanged: true)
        let refuted = changed.filter { $0.verdict.word == "refuted" }
        #expect(refuted.map(\.obligation.name) == ["cap_copy_callContract"])
        guard case .refuted(let cex)? = refuted.first?.verdict else { return }
        #expect(cex.contains("call: t"))
        #expect(cex.contains("callContract is false for this step"))
        // Unchanged obligations (other system calls) are not even checked.
        let others = prover.check(Obligation.all.filter { $0.syscall == .send }, jobs: 1, onlyChanged: true)
        #expect(others.isEmpty)
    }

    /// The emitted SMT-LIB is a complete QF_BV benchmark, identical from run
    /// to run and independent of the number of jobs.
    @Test func emittedFilesAreDeterministic() {
        let some = Obligation.all.filter { $0.syscall == .signal || $0.syscall == .map || $0.name.hasPrefix("init_tiny") }
        let prover = Prover(config: .default, configName: "default")
        let one = prover.check(some, jobs: 1, emit: true).map { $0.smtlib ?? "" }
        let two = prover.check(some, jobs: 2, emit: true).map { $0.smtlib ?? "" }
        #expect(one == two)
        for text in one {
            #expect(text.contains("(set-logic QF_BV)"))
            #expect(text.contains("(check-sat)"))
        }
    }
}
