// `verify replay FILE...`: runs the production kernel and the specification
// in lockstep on recorded traces (DESIGN §7).

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxKernel
import LiteBoxRefinement
import LiteBoxLinux
import LiteBoxFormats
import LiteBoxSpec
import StraceImport

/// Replays traces through kernel and spec side by side.
///
/// LiteBox traces: after every call both outcomes must agree, the kernel's
/// abstract state must equal the spec's state, and the recorded outcome (when
/// the line has one) must match. The first divergence of a file is reported
/// with its line, the call, both results and the state difference.
///
/// strace output (detected by its content; a directory is an `-ff` set): the
/// Linux personality (`LiteBoxLinux`) translates the calls onto LiteBox
/// objects, kernel and spec run in lockstep, and LiteBox's decisions are
/// compared with Linux's recorded results. The summary gives the calls, the
/// share modeled, kernel-versus-spec divergences, Linux mismatches (each with
/// its line and reason), the calls outside the model by name, and the time.
///
/// Exit status 1 when a file diverges (or, for strace, mismatches Linux); 2
/// when a trace, strace line or configuration cannot be read (file, line,
/// column and reason).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay traces through the kernel and the spec in lockstep; report the first divergence.")

    @Argument(help: "LiteBox traces, strace output files, or directories holding an strace -ff set (NAME.PID files).")
    var files: [String]

    @Flag(help: "Print a machine-readable JSON report on stdout.")
    var json = false

    @Flag(help: "strace input: report lines that cannot be parsed and skip them, instead of stopping at the first.")
    var skipUnparsed = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one trace file") }
    }

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        var reports: [ReplayReport.File] = []
        var total = 0
        var failedFiles = 0
        for file in files {
            let item: (report: ReplayReport.File, failed: Bool)
            if fileKind(file) == .directory {
                item = try replayStrace(file, inputs: try straceSet(file))
            } else {
                let text = try readText(file, what: "a trace or strace log", kind: "the file")
                let meaningful = Trace.lazyLines(text).contains { line in
                    let t = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{FEFF}" }
                    return !t.isEmpty && !t.hasPrefix("#")
                }
                guard meaningful else {
                    throw VerifyFailure(status: 2, message: "error: \(file): empty: neither a LiteBox trace (no 'litebox-trace 1' header) nor strace output")
                }
                if Trace.isTrace(text) {
                    item = try replayTrace(file, text)
                } else {
                    item = try replayStrace(file, inputs: [(file, text)])
                }
            }
            reports.append(item.report)
            total += item.report.calls
            if item.failed { failedFiles += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if json {
            print(jsonText(ReplayReport(files: reports, calls: total, seconds: seconds,
                                            verdict: failedFiles == 0 ? "agree" : "diverge")))
        } else {
            print("replayed \(total) calls from \(files.count) file(s) in \(String(format: "%.3f", seconds)) s: \(failedFiles == 0 ? "no divergence" : "\(failedFiles) file(s) diverge or differ from Linux")")
        }
        if failedFiles > 0 { throw VerifyFailure(status: 1, message: "") }
    }

    /// The files of an `strace -ff -o NAME` set: the `NAME.PID` files of
    /// `directory` (`StraceImporter.setEntry`), in name order. Every entry must
    /// be one, all of the same NAME: anything else in the directory, an
    /// unreadable directory or member, or no member at all is an error
    /// (status 2) naming it.
    func straceSet(_ directory: String) throws -> [(path: String, text: String)] {
        let names = try directoryEntries(directory).sorted()
        var members: [String] = []
        var prefixes: Set<String> = []
        for n in names {
            switch StraceImporter.setEntry(n) {
            case .member(let prefix, _):
                members.append(n)
                prefixes.insert(prefix)
            case .other(let reason):
                throw VerifyFailure(status: 2, message: "error: \((directory as NSString).appendingPathComponent(Trace.quoted(n, quote: false, limit: nil))): not a file of an strace -ff set: \(reason); the directory of an -ff set must hold only its NAME.PID files")
            }
        }
        guard !members.isEmpty else {
            throw VerifyFailure(status: 2, message: "error: \(directory): not an strace -ff set (no NAME.PID files)")
        }
        if prefixes.count > 1 {
            throw VerifyFailure(status: 2, message: "error: \(directory): holds the files of more than one strace -ff set (\(prefixes.sorted().map { Trace.quoted($0 + ".*", limit: nil) }.joined(separator: ", "))); an -ff set's directory must hold one set only")
        }
        return try members.map { m in
            let path = (directory as NSString).appendingPathComponent(m)
            return (path, try readText(path, what: "an strace log", kind: "the strace file"))
        }
    }

    /// Replays one LiteBox trace through kernel and spec.
    func replayTrace(_ file: String, _ text: String) throws -> (report: ReplayReport.File, failed: Bool) {
        let trace: Trace
        let config: Configuration
        do {
            trace = try Trace(parsing: text, file: file)
            config = try trace.loadConfiguration(forTraceAt: file)
        } catch {
            throw VerifyFailure(status: 2, message: "error: \(error)")
        }
        var lockstep = Lockstep(config)
        var line = 0
        for entry in trace.entries {
            lockstep.step(entry.call, recorded: entry.outcome)
            if lockstep.divergence != nil { line = entry.line; break }
        }
        let calls = lockstep.count
        let divergence = lockstep.divergence
        let report = ReplayReport.File(trace: file, calls: calls,
                                       divergence: divergence.map { ReplayReport.Divergence($0, line: line, withOrigin: false) })
        if !json {
            if let d = divergence {
                print("\(file):\(line): divergence at \(d.call)")
                print("  spec:   \(d.spec)")
                print("  kernel: \(d.kernel)")
                if let rec = d.recorded { print("  recorded: \(rec)") }
                if d.stateDifference.isEmpty { print("  states agree") }
                for line in d.stateDifference { print("  state (spec -> kernel) \(line)") }
            } else {
                print("\(file): \(calls) calls, kernel and spec agree")
            }
        }
        return (report, divergence != nil)
    }

    /// Replays strace output (one file, or an `-ff` set) through the Linux
    /// personality: kernel and spec in lockstep, LiteBox's decisions compared
    /// with Linux's results.
    func replayStrace(_ name: String, inputs: [(path: String, text: String)]) throws -> (report: ReplayReport.File, failed: Bool) {
        let started = DispatchTime.now().uptimeNanoseconds
        let log: StraceLog
        do {
            log = inputs.count == 1 && inputs[0].path == name
                ? try StraceImporter.parse(inputs[0].text, file: name, skipUnparsed: skipUnparsed)
                : try StraceImporter.parse(files: inputs, skipUnparsed: skipUnparsed)
        } catch {
            throw VerifyFailure(status: 2, message: "error: \(error)")
        }
        let report: LinuxReplay.Report
        do {
            report = try LinuxReplay.run(log) { stderr("verify: \($0)") }
        } catch let failure as LinuxReplay.Failure {
            // A failure at a call names its file and line; one about the whole log gets the log's name.
            let message = failure.location == nil ? "\(name): \(failure)" : "\(failure)"
            throw VerifyFailure(status: 2, message: "error: \(message)")
        } catch {
            throw VerifyFailure(status: 2, message: "error: \(name): \(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let failed = !report.divergences.isEmpty || !report.mismatches.isEmpty
        let unmodeled = report.unmodeled.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let fileReport = ReplayReport.File(strace: name, report: report, skipped: log.skipped.map(\.description),
                                           seconds: seconds)
        if !json {
            let u = report.configuration.map { c in
                "\(c.sandboxes) sandboxes, \(c.threads.count) threads, \(c.slotsPerSandbox) slots and \(c.pagesPerSandbox) pages per sandbox, \(c.notifications) notifications, \(c.frames) frames"
            } ?? "-"
            print("\(name): strace, \(report.calls) calls, \(report.modeled) modeled (\(String(format: "%.1f", report.modeledPercent))%, of which \(report.pathLookups) path lookups), \(report.liteboxCalls) LiteBox calls")
            print("  universe: \(u)\(report.restarts > 0 ? " (enlarged \(report.restarts) times)" : "")")
            print("  kernel vs spec: \(report.divergences.isEmpty ? "no divergence" : "\(report.divergences.count) divergence(s)")")
            for d in report.divergences {
                print("    at \(d.origin): \(d.call): spec \(d.spec), kernel \(d.kernel)")
                for line in d.stateDifference.prefix(20) { print("      state (spec -> kernel) \(line)") }
            }
            print("  LiteBox vs Linux: \(report.mismatches.isEmpty ? "no mismatch" : "\(report.mismatches.count) mismatch(es)")")
            for m in report.mismatches { print("    \(m.location): \(m.call): \(m.reason)") }
            if report.reorderedWaiters > 0 {
                print("  futex waiters woken out of LiteBox's FIFO order where the log cannot order their arrival: \(report.reorderedWaiters)")
            }
            print("  unmodeled: \(unmodeled.isEmpty ? "none" : unmodeled.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            if !log.skipped.isEmpty {
                print("  skipped \(log.skipped.count) unparsed line(s) (--skip-unparsed):")
                for e in log.skipped { print("    \(e)") }
            }
            print("  time: \(String(format: "%.3f", seconds)) s")
        }
        return (fileReport, failed)
    }
}
