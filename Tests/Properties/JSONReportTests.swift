// Every `--json` report decodes as the type that wrote it (issue 12 item 7):
// `verify --json` (CheckReport, with a ProofReport under `proofs`),
// `verify prove --json` (ProofReport), `verify replay --json` (ReplayReport).

import Foundation
import LiteBoxABI
import LiteBoxLinux
import LiteBoxModel
import LiteBoxProver
import LiteBoxSpec
import ModelCheck
import Testing

private let traces = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Traces").path

/// `type` decoded from a run's standard output.
private func decode<T: Decodable>(_ type: T.Type, _ run: VerifyTool.Run) throws -> T {
    try JSONDecoder().decode(type, from: Data(run.stdout.utf8))
}

@Suite("JSON reports") struct JSONReportTests {
    @Test("verify --json: the check's figures, and the proofs under `proofs`")
    func checkReport() throws {
        let plain = try VerifyTool.run(["check", "--config", "tiny", "--depth", "4", "--threads", "1", "--json", "--no-proofs"])
        #expect(plain.status == 0, "\(plain)")
        let report = try decode(CheckReport.self, plain)
        // The same figures as the checker's own result on the same model.
        let model = LiteBoxModel(ConcreteSpec(.tiny))
        let result = Checker.run(model, CheckOptions(depth: 4, threads: 1))
        #expect(report.configuration == "tiny" && report.depth == 4 && report.symmetry)
        #expect(report.distinctStates == result.distinctStates && report.transitions == result.transitions)
        #expect(report.levels.map(\.new) == result.levels.map(\.newStates))
        #expect(report.verdict == "hold" && report.violation == nil)
        let exits = try #require(report.coverage["exit"])
        #expect(exits["ok"] == result.coverage[Int(Syscall.exit.rawValue)][0])
        #expect(!plain.stdout.contains("\"proofs\""))

        struct WithProofs: Decodable { var proofs: ProofReport }
        let proved = try VerifyTool.run(["check", "--config", "tiny", "--depth", "1", "--threads", "2", "--json"])
        #expect(proved.status == 0, "\(proved)")
        let proofs = try decode(WithProofs.self, proved).proofs
        #expect(proofs.configuration == "tiny" && proofs.obligations == Obligation.all.count)
        #expect(proofs.proved == proofs.obligations && proofs.results.allSatisfy { $0.result == "proved" })
    }

    @Test("a violation's report names it and lists the counterexample's calls")
    func violationReport() throws {
        let model = LiteBoxModel(ConcreteSpec(.default, mutant: .enqueueAtHead))
        let result = Checker.run(model, CheckOptions(depth: 8, threads: 2))
        let v = try #require(result.violation)
        var s = model.spec.initialState
        let steps = v.trace.map { a -> (call: Call, outcome: Outcome<UInt32>) in
            let (n, o) = model.spec.step(s, model.actions[a])
            s = n
            return (model.actions[a], o)
        }
        let report = CheckReport(model, result, counterexample: steps, counterexampleFile: "ce.trace")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let decoded = try JSONDecoder().decode(CheckReport.self, from: encoder.encode(report))
        #expect(decoded == report)
        #expect(decoded.verdict == "violation")
        let violation = try #require(decoded.violation)
        #expect(violation.kind == "property" && violation.name == v.name && violation.counterexampleFile == "ce.trace")
        #expect(violation.trace == steps.map { "\($0.call) -> \($0.outcome)" })
    }

    @Test("verify prove --json decodes as ProofReport")
    func proofReport() throws {
        let run = try VerifyTool.run(["prove", "--config", "tiny", "--only", "cap_copy_cdtLinks", "--json"])
        #expect(run.status == 0, "\(run)")
        let report = try decode(ProofReport.self, run)
        #expect(report.configuration == "tiny" && report.obligations == 1 && report.proved == 1)
        let entry = try #require(report.results.first)
        #expect(entry.name == "cap_copy_cdtLinks" && entry.result == "proved")
        #expect(entry.counterexample == nil && entry.reason == nil && entry.hypotheses?.isEmpty == false)
        #expect(report.solver.hasPrefix("Z3"))
    }

    @Test("verify replay --json decodes as ReplayReport, for both formats")
    func replayReport() throws {
        let litebox = traces + "/ipc-call-reply.trace", strace = traces + "/strace/sh-pipeline.strace"
        let run = try VerifyTool.run(["replay", "--json", litebox, strace])
        #expect(run.status == 0, "\(run)")
        let report = try decode(ReplayReport.self, run)
        #expect(report.verdict == "agree" && report.files.map(\.file) == [litebox, strace])
        #expect(report.calls == report.files.reduce(0) { $0 + $1.calls })
        let (trace, log) = (report.files[0], report.files[1])
        #expect(trace.format == "litebox" && trace.divergence == nil && trace.modeled == nil)
        #expect(log.format == "strace" && log.divergences == [] && log.mismatches == [])
        #expect((log.modeled ?? 0) > 0 && (log.liteboxCalls ?? 0) > 0)
    }
}
