// The committed trace corpus (Tests/Traces): hand-written scenarios replayed
// through the specification. Every recorded outcome must match, every state
// must satisfy every invariant and every step every transition property.

import LiteBoxABI
import LiteBoxFormats
import Foundation
import Testing
import LiteBoxSpec
import LiteBoxTestSupport

/// The corpus directory, found from this file's path.
let traceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Traces").path

/// The corpus files, sorted.
let corpusFiles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: traceDirectory)) ?? [])
    .filter { $0.hasSuffix(".trace") }.sorted()

@Suite struct TraceCorpusTests {
    @Test func theCorpusIsThere() {
        #expect(corpusFiles.count >= 6)
    }

    @Test(arguments: corpusFiles)
    func corpusTraceReplaysThroughTheSpec(_ name: String) throws {
        let path = traceDirectory + "/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let trace = try Trace(parsing: text, file: path)
        let spec = ConcreteSpec(try trace.loadConfiguration(relativeTo: traceDirectory))
        var s = spec.initialState
        var filled = trace
        for (i, entry) in trace.entries.enumerated() {
            let (next, outcome) = spec.step(s, entry.call)
            let bad = violations(spec, pre: s, call: entry.call, outcome: outcome, post: next)
            #expect(bad.isEmpty, "\(name):\(entry.line): \(entry.call) broke \(bad)")
            if let recorded = entry.outcome {
                #expect(recorded == outcome, "\(name):\(entry.line): \(entry.call): recorded \(recorded), spec gives \(outcome)")
            } else {
                filled.entries[i].outcome = outcome
            }
            s = next
        }
        // Every corpus line records its outcome (LITEBOX_FILL_TRACES=1 fills missing ones from the spec, for review).
        if ProcessInfo.processInfo.environment["LITEBOX_FILL_TRACES"] == "1" {
            try filled.text.write(toFile: path, atomically: true, encoding: .utf8)
        } else {
            #expect(trace.entries.allSatisfy { $0.outcome != nil }, "\(name) has calls without a recorded outcome")
        }
    }
}
