// Bad input to the command-line tool: every malformed trace, configuration,
// option or file is a clear error naming the file, line and reason, with exit
// status 2, never a crash, a silent skip or lost data. Each test pins one
// defect an adversarial review found.
//
// The library functions are tested directly; the exit statuses and the
// messages of `verify` itself come from running the built binary, which
// `swift build --build-tests` (and `swift test`) puts next to the test
// bundle (`.build*/release/verify`).

import LiteBoxABI
import Foundation
import Testing
import StraceImport
@testable import LiteBoxFormats
@testable import LiteBoxSpec

/// Running the built `verify`.
enum VerifyTool {
    /// `verify`, next to the test bundle that is running.
    static let executable: String? = {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: bundle).deletingLastPathComponent()
        // The test bundle may be a directory (`X.xctest/...`); look upwards a little.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("verify").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// What a run of `verify` did.
    struct Run: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "status \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// Runs `verify ARGUMENTS` in `directory` (default: the current one).
    static func run(_ arguments: [String], in directory: String? = nil) throws -> Run {
        let path = try #require(executable, "the verify executable is not next to the test bundle; build with `swift build --build-tests`")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("litebox-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct Scratch {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("litebox-input-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    /// Writes `text` to `name` (relative to the directory, parents created) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
    /// Makes directory `name` and returns its path.
    @discardableResult
    func directory(_ name: String) throws -> String {
        let dir = path + "/" + name
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
    /// A sparse file of `size` bytes (nothing is written to disk).
    @discardableResult
    func sparse(_ name: String, size: Int) throws -> String {
        let file = path + "/" + name
        #expect(FileManager.default.createFile(atPath: file, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
        return file
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The repository's root, from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// The default preset as a configuration file.
private let defaultConfigurationJSON = Configuration.default.json

/// The parse error of `text` as a trace, if any.
private func traceError(_ text: String, file: String = "x.trace") -> TraceError? {
    do { _ = try Trace(parsing: text, file: file); return nil } catch { return error }
}

@Suite("Command-line input")
struct CommandLineInputTests {

    // MARK: 1. A trace's config file, relative to a trace path without a directory

    @Test("a relative config resolves against the trace's directory, or the current directory when it has none")
    func configRelativeToTraceDirectory() throws {
        #expect(Trace.directory(ofTraceAt: "relcfg.trace") == nil)
        #expect(Trace.directory(ofTraceAt: "./relcfg.trace") == ".")
        #expect(Trace.directory(ofTraceAt: "a/b/relcfg.trace") == "a/b")
        #expect(Trace.directory(ofTraceAt: "/relcfg.trace") == "/")
        #expect(Trace.resolve("cfg.json", in: nil) == "cfg.json")
        #expect(Trace.resolve("cfg.json", in: "") == "cfg.json")
        #expect(Trace.resolve("cfg.json", in: "/") == "/cfg.json")
        #expect(Trace.resolve("cfg.json", in: "a/b") == "a/b/cfg.json")
        #expect(Trace.resolve("/abs/cfg.json", in: "a/b") == "/abs/cfg.json")

        let dir = try Scratch()
        defer { dir.remove() }
        try dir.write("cfg.json", defaultConfigurationJSON)
        let tracePath = try dir.write("relcfg.trace", "litebox-trace 1\nconfig cfg.json\nt0 exit -> ok\n")
        let trace = try Trace(parsing: String(contentsOfFile: tracePath, encoding: .utf8), file: tracePath)
        #expect(try trace.loadConfiguration(forTraceAt: tracePath) == Configuration.default)

        // `cd DIR && verify replay relcfg.trace` (no directory part) and `./relcfg.trace`.
        for name in ["relcfg.trace", "./relcfg.trace"] {
            let run = try VerifyTool.run(["replay", name], in: dir.path)
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("\(name): 1 calls, kernel and spec agree"), "\(run)")
        }
    }

    // MARK: 2. Counterexample traces replay from wherever they are written

    @Test("a counterexample names its configuration file relative to the trace's own directory")
    func counterexampleConfigReference() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try dir.write("c/good.json", defaultConfigurationJSON)
        try dir.directory("out")
        #expect(Trace.configReference("default", forTraceAt: dir.path + "/out/cex.trace") == "default")
        #expect(Trace.configReference("tiny", forTraceAt: "/elsewhere/cex.trace") == "tiny")
        #expect(Trace.configReference(config, forTraceAt: dir.path + "/out/cex.trace") == "../c/good.json")
        #expect(Trace.configReference(config, forTraceAt: dir.path + "/c/cex.trace") == "good.json")
        #expect(Trace.configReference(config, forTraceAt: dir.path + "/c/deeper/cex.trace") == "../good.json")
        #expect(Trace.configReference(dir.path + "/out/../c/./good.json", forTraceAt: dir.path + "/out/cex.trace") == "../c/good.json")
        // Sharing no directory below `/`: the absolute path.
        let canonical = Trace.canonicalPath(config)
        #expect(Trace.configReference(config, forTraceAt: "/nonexistent-litebox-dir/cex.trace") == canonical)
        // A file that would read as a preset name keeps a `./`.
        let fileNamedDefault = try dir.write("out/default", defaultConfigurationJSON)
        #expect(Trace.configReference(fileNamedDefault, forTraceAt: dir.path + "/out/cex.trace") == "./default")
        #expect(Trace.canName("../c/good.json") && Trace.canName("my configs/c.json"))
        #expect(!Trace.canName("a#b.json") && !Trace.canName("a\nb.json") && !Trace.canName(" lead.json") && !Trace.canName(""))

        // The reviewer's reproduction: written to out/, replayed from the
        // current directory, from out/ and from elsewhere.
        let run = try VerifyTool.run(["mutants", "--config", "c/good.json", "--depth", "4", "--no-proofs", "--threads", "1",
                                      "--show", "deleteLeavesMapping", "--counterexample", "out/cex.trace"], in: dir.path)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("counterexample written to out/cex.trace"), "\(run)")
        let written = try String(contentsOfFile: dir.path + "/out/cex.trace", encoding: .utf8)
        #expect(Trace.lines(written).contains("config ../c/good.json"), "\(written)")
        for (cwd, path) in [(dir.path, "out/cex.trace"), (dir.path + "/out", "cex.trace"), ("/", dir.path + "/out/cex.trace")] {
            let replay = try VerifyTool.run(["replay", path], in: cwd)
            #expect(replay.status == 0, "\(replay)")
            #expect(replay.stdout.contains("\(path): 1 calls, kernel and spec agree"), "\(replay)")
        }
        // A path a trace cannot name: said before the search, an error only when a counterexample is found.
        try dir.write("bad#name.json", defaultConfigurationJSON)
        let warning = "verify: warning: --config 'bad#name.json': a trace's config line cannot name 'bad#name.json' (it holds '#'"
        let holds = try VerifyTool.run(["check", "--config", "bad#name.json", "--depth", "2", "--no-proofs"], in: dir.path)
        #expect(holds.status == 0, "\(holds)")
        #expect(holds.stderr.contains(warning), "\(holds)")
        let refused = try VerifyTool.run(["mutants", "--config", "bad#name.json", "--depth", "4", "--no-proofs",
                                          "--show", "deleteLeavesMapping"], in: dir.path)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains(warning), "\(refused)")
        #expect(refused.stderr.contains("error: --config 'bad#name.json': no counterexample written: a trace's config line cannot name"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/counterexample.trace"))
    }

    // MARK: 3. CR LF line ends

    @Test("CR LF traces read like LF ones, and a file of blank CR LF lines is empty")
    func crlf() throws {
        let lf = "# a comment\nlitebox-trace 1\nconfig default\nt0 recv ep=0 into=- -> blocked\nt1 exit -> ok\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(Trace.lines(crlf) == Trace.lines(lf))
        #expect(Trace.lines("a\r\nb\nc\r") == ["a", "b", "c"])
        #expect(Trace.lines("a\n\nb") == ["a", "", "b"])
        #expect(Trace.lines("\r\n\r\n") == ["", ""])
        #expect(Trace.lines("") == [])
        let parsed = try Trace(parsing: crlf, file: "crlf.trace")
        #expect(parsed == (try Trace(parsing: lf, file: "lf.trace")))
        #expect(parsed.comments == ["a comment"])
        #expect(parsed.entries.map(\.line) == [4, 5])
        #expect(Trace.isTrace(crlf))
        #expect(Trace.isTrace("\u{FEFF}litebox-trace 1\r\nconfig default\r\n"))
        #expect(try Trace(parsing: "\u{FEFF}litebox-trace 1\r\nconfig default\r\n").config == "default")
        // An error on a CR LF line is at the same column as on an LF line.
        let e = try #require(traceError("litebox-trace 1\r\nconfig default\r\nt0 frobnicate\r\n"))
        #expect(e.line == 3 && e.column == 4 && e.reason == "unknown system call 'frobnicate'")

        let dir = try Scratch()
        defer { dir.remove() }
        let crlfFile = try dir.write("crlf.trace", crlf)
        let run = try VerifyTool.run(["replay", crlfFile])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("crlf.trace: 2 calls, kernel and spec agree"), "\(run)")
        let blank = try dir.write("blank.trace", "\r\n\r\n  \r\n")
        let empty = try VerifyTool.run(["replay", blank])
        #expect(empty.status == 2, "\(empty)")
        #expect(empty.stderr == "error: \(blank): empty: neither a LiteBox trace (no 'litebox-trace 1' header) nor strace output\n")
    }

    // MARK: 4. A trace's bad config is reported at its config line

    @Test("a config that is neither a preset nor a readable file is reported at the trace's config line")
    func configErrorsNameTheTrace() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let tracePath = try dir.write("t.trace", "# c\nlitebox-trace 1\n  config   nosuch\n")
        let trace = try Trace(parsing: String(contentsOfFile: tracePath, encoding: .utf8), file: tracePath)
        #expect(trace.configLine == 3 && trace.configColumn == 12)
        let e = try #require(throws: TraceError.self) { try trace.loadConfiguration(forTraceAt: tracePath) }
        #expect(e.file == tracePath && e.line == 3 && e.column == 12)
        #expect(e.reason == "config 'nosuch' is neither a preset (tiny, default, large) nor a readable configuration file (\(dir.path)/nosuch: No such file or directory)")
        #expect(e.description.hasPrefix("\(tracePath):3:12: config 'nosuch' is neither a preset"))

        // A preset's name in the wrong case gets a hint.
        let upper = try Trace(parsing: "litebox-trace 1\nconfig Default\n", file: "u.trace")
        let u = try #require(throws: TraceError.self) { try upper.loadConfiguration(relativeTo: nil, file: "u.trace") }
        #expect(u.reason.hasSuffix("; did you mean the preset 'default'?"))

        // An invalid file: the trace's line, then the file's own error.
        try dir.write("bad.json", defaultConfigurationJSON.replacingOccurrences(of: "\"sandboxes\": 2", with: "\"sandboxes\": 0"))
        let badTrace = try dir.write("bad.trace", "litebox-trace 1\nconfig bad.json\n")
        let b = try #require(throws: TraceError.self) {
            try Trace(parsing: "litebox-trace 1\nconfig bad.json\n", file: badTrace).loadConfiguration(forTraceAt: badTrace)
        }
        #expect(b.line == 2 && b.column == 8)
        #expect(b.reason.hasPrefix("config 'bad.json': the configuration file is invalid: \(dir.path)/bad.json:3:16: sandboxes: must be between 1 and"), "\(b.reason)")

        // A directory of that name.
        try dir.directory("adir")
        let d = try #require(throws: TraceError.self) {
            try Trace(parsing: "litebox-trace 1\nconfig adir\n").loadConfiguration(relativeTo: dir.path, file: "d.trace")
        }
        #expect(d.reason.hasSuffix("nor a readable configuration file (\(dir.path)/adir: is a directory)"))

        // Paths with spaces are the rest of the line; control characters are refused.
        try dir.write("my configs/c.json", defaultConfigurationJSON)
        let spaced = try Trace(parsing: "litebox-trace 1\nconfig my configs/c.json  \n")
        #expect(spaced.config == "my configs/c.json")
        #expect(try spaced.loadConfiguration(relativeTo: dir.path).sandboxes == Configuration.default.sandboxes)
        let nul = try #require(traceError("litebox-trace 1\nconfig a\u{0}b.json\n"))
        #expect(nul.line == 2 && nul.column == 8 && nul.reason == "the configuration name 'a\\u{0}b.json' contains the control character \\u{0}")

        let run = try VerifyTool.run(["replay", "t.trace"], in: dir.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr == "error: t.trace:3:12: config 'nosuch' is neither a preset (tiny, default, large) nor a readable configuration file (nosuch: No such file or directory)\n")
    }

    // MARK: 5. LiteBox traces with a broken header are not strace output

    @Test("near-misses of the header are detected as traces and get the trace parser's header error")
    func headerNearMisses() throws {
        let nearMisses: [(text: String, line: Int, column: Int, reason: String)] = [
            ("config default\nt0 exit\n", 1, 1, "expected the header 'litebox-trace 1', got 'config'"),
            ("LiteBox-trace 1\nconfig default\n", 1, 1, "expected the header 'litebox-trace 1', got 'LiteBox-trace'"),
            ("litebox_trace 1\nconfig default\n", 1, 1, "expected the header 'litebox-trace 1', got 'litebox_trace'"),
            ("LITEBOX-TRACE 1\nconfig default\n", 1, 1, "expected the header 'litebox-trace 1', got 'LITEBOX-TRACE'"),
            ("  litebox-trce 1\nconfig default\n", 1, 3, "expected the header 'litebox-trace 1', got 'litebox-trce'"),
            ("litebox trace 1\n", 1, 1, "expected the header 'litebox-trace 1', got 'litebox'"),
            ("# a trace whose header is missing\nt0 exit -> ok\n", 2, 1, "expected the header 'litebox-trace 1', got 't0'"),
            ("\r\n# crlf\r\nconfig default\r\n", 3, 1, "expected the header 'litebox-trace 1', got 'config'"),
        ]
        for c in nearMisses {
            #expect(Trace.isTrace(c.text), "\(c.text)")
            let e = try #require(traceError(c.text), "\(c.text)")
            #expect(e.line == c.line && e.column == c.column && e.reason == c.reason, "\(e)")
        }
        // Real strace output stays strace: every committed recording, malformed ones included.
        let straceDir = repositoryRoot + "/Tests/Traces/strace"
        var files = try FileManager.default.contentsOfDirectory(atPath: straceDir).filter { $0.hasSuffix(".strace") }.map { straceDir + "/" + $0 }
        let ff = straceDir + "/python-threads.ff"
        files += try FileManager.default.contentsOfDirectory(atPath: ff).map { ff + "/" + $0 }
        #expect(files.count > 20)
        for f in files {
            #expect(!Trace.isTrace(String(decoding: try Data(contentsOf: URL(fileURLWithPath: f)), as: UTF8.self)), "\(f)")
        }
        for text in ["configure(1) = 0\n", "1234 config(0) = 0\n", "litebox(1, 2) = 0\n", "LiteBox(1) = -1 ENOSYS\n",
                     "[pid 12] execve(\"/bin/true\") = 0\n", "+++ exited with 0 +++\n", "--- SIGCHLD {} ---\n"] {
            #expect(!Trace.isTrace(text), "\(text)")
        }

        let dir = try Scratch()
        defer { dir.remove() }
        for (name, text, message) in [
            ("a.trace", "config default\n", "a.trace:1:1: expected the header 'litebox-trace 1', got 'config'"),
            ("b.trace", "LiteBox-trace 1\nconfig default\n", "b.trace:1:1: expected the header 'litebox-trace 1', got 'LiteBox-trace'"),
        ] {
            try dir.write(name, text)
            let run = try VerifyTool.run(["replay", name], in: dir.path)
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr == "error: \(message)\n", "\(run)")
        }
        // The strace corpus still replays (the malformed files still fail as strace).
        let corpus = try VerifyTool.run(["replay", straceDir + "/cat-hostname.strace", ff])
        #expect(corpus.status == 0, "\(corpus)")
        let malformed = try VerifyTool.run(["replay", straceDir + "/malformed-missing-paren.strace"])
        #expect(malformed.status == 2 && malformed.stderr.contains("malformed-missing-paren.strace:1:"), "\(malformed)")
    }

    // MARK: 6. Option ranges

    @Test("out-of-range --depth, --threads and --jobs are usage errors with exit status 2")
    func optionRanges() throws {
        let cases: [([String], String)] = [
            (["mutants", "--depth=-5", "--no-proofs"], "Error: --depth must be at least 0, got -5"),
            (["mutants", "--threads", "0", "--no-proofs"], "Error: --threads must be between 1 and 4096, got 0"),
            (["mutants", "--threads=-1", "--no-proofs"], "Error: --threads must be between 1 and 4096, got -1"),
            (["mutants", "--threads", "9223372036854775807", "--no-proofs"], "Error: --threads must be between 1 and 4096, got 9223372036854775807"),
            (["mutants", "--counterexample", "", "--no-proofs"], "Error: --counterexample must name a file"),
            (["mutants", "--show", "nosuch", "--no-proofs"],
             "Error: unknown mutant 'nosuch' for --show; the mutants: " + Mutant.allCases.map(\.rawValue).joined(separator: ", ")),
            (["bench", "checker", "--threads", "0"], "Error: --threads must be between 1 and 4096, got 0"),
            (["bench", "checker", "--depth=-1"], "Error: --depth must be at least 0, got -1"),
            (["check", "--depth=-1", "--no-proofs"], "Error: --depth must be at least 0, got -1"),
            (["--threads", "5000", "--no-proofs"], "Error: --threads must be between 1 and 4096, got 5000"),
            (["prove", "--jobs", "0"], "Error: --jobs must be between 1 and 4096, got 0"),
            (["prove", "--emit", ""], "Error: --emit must name a directory"),
            (["record", "--output", "", "--", "true"], "Error: --output must name a file"),
            (["replay"], "Error: Missing expected argument '<files> ...'"),
        ]
        for (arguments, message) in cases {
            let run = try VerifyTool.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run)")
            #expect(run.stderr.hasPrefix(message + "\n"), "\(arguments): \(run)")
            #expect(run.stdout.isEmpty, "\(arguments): \(run)")
        }
        // The lower bounds themselves are accepted.
        let ok = try VerifyTool.run(["bench", "checker", "--config", "tiny", "--depth", "0", "--threads", "1"])
        #expect(ok.status == 0, "\(ok)")
    }

    // MARK: 7. Size limits and clear file errors

    @Test("input files are read up to a limit, and devices and directories are refused with the path and reason")
    func inputFileLimits() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        #expect(InputFile.maxConfigurationBytes == 64 << 20 && InputFile.maxTraceBytes == 1 << 30)
        let small = try dir.write("small", "0123456789")
        #expect(try InputFile.contents(small, limit: 10, what: "x").get() == Array("0123456789".utf8))
        #expect(InputFile.contents(small, limit: 9, what: "a test file")
                == .failure(InputFileError(path: small, reason: "larger than 9 bytes, the limit for a test file", tooLarge: true)))
        #expect(InputFile.contents("/dev/zero", limit: 10, what: "x")
                == .failure(InputFileError(path: "/dev/zero", reason: "not a regular file or a pipe (a character device)")))
        #expect(InputFile.contents(dir.path, limit: 10, what: "x") == .failure(InputFileError(path: dir.path, reason: "is a directory")))
        #expect(InputFile.contents(dir.path + "/none", limit: 10, what: "x")
                == .failure(InputFileError(path: dir.path + "/none", reason: "No such file or directory")))
        #expect(InputFile.contents("", limit: 10, what: "x") == .failure(InputFileError(path: "", reason: "an empty path")))
        #expect(InputFile.contents("a\u{0}b", limit: 10, what: "x") == .failure(InputFileError(path: "a\u{0}b", reason: "the path contains a NUL character")))

        // A pipe is read, up to the limit.
        let fifo = dir.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "head -c 5000 /dev/zero > '\(fifo)'"]
        try writer.run()
        let piped = InputFile.contents(fifo, limit: 1000, what: "a pipe test")
        writer.waitUntilExit()
        #expect(piped == .failure(InputFileError(path: fifo, reason: "larger than 1000 bytes, the limit for a pipe test", tooLarge: true)))

        // Configurations: 64 MiB; the size alone decides (a sparse file).
        let bigConfig = try dir.sparse("big.json", size: InputFile.maxConfigurationBytes + 1)
        let c = try #require(throws: ConfigurationError.self) { try Configuration(contentsOfFile: bigConfig) }
        #expect(c.description == "\(bigConfig): larger than 67108864 bytes (64 MiB), the limit for a configuration file")
        let z = try #require(throws: ConfigurationError.self) { try Configuration(contentsOfFile: "/dev/zero") }
        #expect(z.description == "/dev/zero: cannot read the configuration file: not a regular file or a pipe (a character device)")

        let bigTrace = try dir.sparse("big.trace", size: InputFile.maxTraceBytes + 1)
        let runs: [([String], String)] = [
            (["config", "/dev/zero"], "error: /dev/zero: cannot read the configuration file: not a regular file or a pipe (a character device)\n"),
            (["config", bigConfig], "error: \(bigConfig): larger than 67108864 bytes (64 MiB), the limit for a configuration file\n"),
            (["replay", "/dev/zero"], "error: /dev/zero: cannot read the file: not a regular file or a pipe (a character device)\n"),
            (["replay", bigTrace], "error: \(bigTrace): larger than 1073741824 bytes (1 GiB), the limit for a trace or strace log\n"),
            (["replay", dir.path + "/none.trace"], "error: \(dir.path)/none.trace: cannot read the file: No such file or directory\n"),
        ]
        for (arguments, message) in runs {
            let run = try VerifyTool.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run)")
            #expect(run.stderr == message, "\(arguments): \(run)")
        }

        // Writing: the path and the system's reason, not NSCocoaErrorDomain.
        let plainFile = try dir.write("plain", "x")
        let emit = try VerifyTool.run(["prove", "--only", "init_tiny_cdtAcyclic", "--emit", plainFile + "/x"])
        #expect(emit.status == 2, "\(emit)")
        #expect(emit.stderr.hasSuffix("error: cannot create the directory \(plainFile)/x: Not a directory\n"), "\(emit)")
        let emitted = try VerifyTool.run(["prove", "--only", "init_tiny_cdtAcyclic", "--emit", dir.path + "/new/proofs"])
        #expect(emitted.status == 0, "\(emitted)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/new/proofs/init_tiny_cdtAcyclic.smt2"))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/new/proofs/README.md"))
        let cex = try VerifyTool.run(["mutants", "--config", "tiny", "--depth", "3", "--no-proofs", "--threads", "1",
                                      "--show", "deleteLeavesMapping", "--counterexample", dir.path + "/missing/cex.trace"])
        #expect(cex.status == 2, "\(cex)")
        #expect(cex.stderr.hasSuffix("error: cannot write \(dir.path)/missing/cex.trace: No such file or directory\n"), "\(cex)")
        #expect(!cex.stderr.contains("NSCocoaErrorDomain") && !emit.stderr.contains("NSCocoaErrorDomain"))
    }

    // MARK: 8. strace -ff sets

    @Test("an -ff directory's entries must be NAME.PID files of one set with ASCII PIDs that fit pid_t")
    func straceSetMembers() throws {
        #expect(StraceImporter.setEntry("python.31323") == .member(name: "python", pid: 31323))
        #expect(StraceImporter.setEntry("a.b.7") == .member(name: "a.b", pid: 7))
        #expect(StraceImporter.setEntry("x.2147483647") == .member(name: "x", pid: 2147483647))
        #expect(StraceImporter.setEntry("12345") == .other(reason: "the name does not end in .PID"))
        #expect(StraceImporter.setEntry("x.") == .other(reason: "the name does not end in .PID"))
        #expect(StraceImporter.setEntry(".123") == .other(reason: "there is no NAME before the .PID"))
        #expect(StraceImporter.setEntry("x.\u{663}") == .other(reason: "'\u{663}' is not a process id (ASCII digits)"))
        #expect(StraceImporter.setEntry("x.+5") == .other(reason: "'+5' is not a process id (ASCII digits)"))
        #expect(StraceImporter.setEntry("x.99999999999999999999") == .other(reason: "'99999999999999999999' is not a process id (from 1 to 2147483647, no leading zeros)"))
        #expect(StraceImporter.setEntry("x.2147483648") == .other(reason: "'2147483648' is not a process id (from 1 to 2147483647, no leading zeros)"))
        #expect(StraceImporter.setEntry("x.0") == .other(reason: "'0' is not a process id (from 1 to 2147483647, no leading zeros)"))
        #expect(StraceImporter.setEntry("x.012") == .other(reason: "'012' is not a process id (from 1 to 2147483647, no leading zeros)"))

        let dir = try Scratch()
        defer { dir.remove() }
        let source = repositoryRoot + "/Tests/Traces/strace/python-threads.ff"
        let ff = dir.path + "/set"
        try FileManager.default.copyItem(atPath: source, toPath: ff)
        let good = try VerifyTool.run(["replay", ff])
        #expect(good.status == 0, "\(good)")
        for (name, reason) in [
            ("12345", "the name does not end in .PID"),
            ("x.\u{663}", "'\u{663}' is not a process id (ASCII digits)"),
            ("python.99999999999999999999", "'99999999999999999999' is not a process id (from 1 to 2147483647, no leading zeros)"),
            ("notes.txt", "'txt' is not a process id (ASCII digits)"),
        ] {
            let extra = try dir.write("set/" + name, "")
            defer { try? FileManager.default.removeItem(atPath: extra) }
            let run = try VerifyTool.run(["replay", ff])
            #expect(run.status == 2, "\(name): \(run)")
            #expect(run.stderr == "error: \(extra): not a file of an strace -ff set: \(reason); the directory of an -ff set must hold only its NAME.PID files\n", "\(run)")
        }
        // Two sets in one directory would be merged as one.
        let other = try dir.write("set/other.5", "")
        let mixed = try VerifyTool.run(["replay", ff])
        try FileManager.default.removeItem(atPath: other)
        #expect(mixed.status == 2 && mixed.stderr == "error: \(ff): holds the files of more than one strace -ff set ('other.*', 'python.*'); an -ff set's directory must hold one set only\n", "\(mixed)")
        // A NAME.PID that is a directory.
        let sub = try dir.directory("set/python.7")
        let nested = try VerifyTool.run(["replay", ff])
        try FileManager.default.removeItem(atPath: sub)
        #expect(nested.status == 2 && nested.stderr == "error: \(sub): cannot read the strace file: is a directory\n", "\(nested)")
        // No member at all.
        let empty = try dir.directory("empty")
        let none = try VerifyTool.run(["replay", empty])
        #expect(none.status == 2 && none.stderr == "error: \(empty): not an strace -ff set (no NAME.PID files)\n", "\(none)")
    }

    /// Whether `opendir` and `readdir` list the directory `path` without an
    /// error (FileManager hides `readdir`'s errors).
    static func canList(_ path: String) -> Bool {
        guard let dir = opendir(path) else { return false }
        defer { closedir(dir) }
        while true {
            errno = 0
            if readdir(dir) == nil { return errno == 0 }
        }
    }

    /// A directory this process cannot list: a `chmod 000` one (not for root),
    /// else `/proc/1/map_files`, which even root may not read.
    static func unreadableDirectory() -> (path: String, cleanup: () -> Void)? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("litebox-unreadable-\(UUID().uuidString)").path
        if (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil,
           chmod(path, 0) == 0 {
            if !canList(path) {
                return (path, { chmod(path, 0o700); try? FileManager.default.removeItem(atPath: path) })
            }
            chmod(path, 0o700)
        }
        try? FileManager.default.removeItem(atPath: path)
        let proc = "/proc/1/map_files"
        if fileKindIsDirectory(proc), !canList(proc) { return (proc, {}) }
        return nil
    }

    static func fileKindIsDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    @Test("an unreadable -ff directory is an error naming it", .enabled(if: CommandLineInputTests.unreadableDirectory().map { $0.cleanup(); return true } ?? false))
    func unreadableStraceSet() throws {
        let (path, cleanup) = try #require(Self.unreadableDirectory())
        defer { cleanup() }
        let run = try VerifyTool.run(["replay", path])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr == "error: \(path): cannot read the directory: Permission denied\n", "\(run)")
    }

    // MARK: 9. Plain decimal numbers, and escaped quotes in messages

    @Test("trace numbers are plain ASCII decimal; quoted text in errors is escaped and cut")
    func plainNumbers() throws {
        let header = "litebox-trace 1\nconfig default\n"
        let cases: [(String, Int, Int, String)] = [
            ("litebox-trace +1\nconfig default\n", 1, 15, "the version '+1' is not a plain decimal number (ASCII digits, no sign or leading zeros); the header is 'litebox-trace 1'"),
            ("litebox-trace 01\nconfig default\n", 1, 15, "the version '01' is not a plain decimal number (ASCII digits, no sign or leading zeros); the header is 'litebox-trace 1'"),
            ("litebox-trace \u{661}\nconfig default\n", 1, 15, "the version '\u{661}' is not a plain decimal number (ASCII digits, no sign or leading zeros); the header is 'litebox-trace 1'"),
            ("litebox-trace 99999999999999999999\nconfig default\n", 1, 15, "unsupported trace version 99999999999999999999 (this tool reads version 1)"),
            (header + "t+0 exit\n", 3, 1, "expected a thread 't<number>' (ASCII digits, no sign or leading zeros), got 't+0'"),
            (header + "t01 exit\n", 3, 1, "expected a thread 't<number>' (ASCII digits, no sign or leading zeros), got 't01'"),
            (header + "t0 cap_delete slot=+1\n", 3, 20, "'+1' is not a number from 0 to 4294967295 (ASCII digits, no sign or leading zeros)"),
            (header + "t0 cap_delete slot=01\n", 3, 20, "'01' is not a number from 0 to 4294967295 (ASCII digits, no sign or leading zeros)"),
            (header + "t0 cap_delete slot=-0\n", 3, 20, "'-0' is not a number from 0 to 4294967295 (ASCII digits, no sign or leading zeros)"),
            (header + "t0 cap_delete slot=4294967296\n", 3, 20, "'4294967296' is not a number from 0 to 4294967295 (ASCII digits, no sign or leading zeros)"),
            (header + "t1 recv ep=0 into=+0\n", 3, 19, "'+0' is not a slot number from 0 to 4294967294 (ASCII digits, no sign or leading zeros) or '-'"),
            (header + "t0 load page=0 -> ok +7\n", 3, 22, "expected 'ok' or 'ok <value>' with a number from 0 to 4294967295 (ASCII digits, no sign or leading zeros), got '+7'"),
            (header + "\u{0} t0\n", 3, 1, "expected a thread 't<number>' (ASCII digits, no sign or leading zeros), got '\\u{0}'"),
            (header + "t0 exit \u{1B}[31m\n", 3, 9, "unexpected '\\u{1B}[31m' (exit takes 0 arguments)"),
            (header + "t0 \u{202E}exit\n", 3, 4, "unknown system call '\\u{202E}exit'"),
            (header + "t0 " + String(repeating: "x", count: 100) + "\n", 3, 4, "unknown system call '" + String(repeating: "x", count: 40) + "…'"),
        ]
        for (text, line, column, reason) in cases {
            let e = try #require(traceError(text), "accepted: \(text)")
            #expect(e.line == line && e.column == column && e.reason == reason, "\(e)")
        }
        // Zero and the largest values are fine.
        let t = try Trace(parsing: header + "t0 cap_delete slot=0\nt4294967295 load page=4294967295 -> ok 4294967295\n")
        #expect(t.entries.map(\.call.thread) == [0, 4294967295])
        #expect(Trace.isPlainDecimal("0") && Trace.isPlainDecimal("10") && !Trace.isPlainDecimal("") && !Trace.isPlainDecimal("00"))
        #expect(Trace.quoted("a\tb\r\n\u{7F}\u{85}\u{2028}") == "'a\\tb\\r\\n\\u{7F}\\u{85}\\u{2028}'")
    }

    // MARK: 10. The configuration format's documented limits

    @Test("the configuration format's documentation states the limits the code enforces")
    func documentedLimits() throws {
        let source = try String(contentsOfFile: repositoryRoot + "/Sources/LiteBoxFormats/Configuration+JSON.swift", encoding: .utf8)
        #expect(source.contains("| `sandboxes` | integer, 1...\(Configuration.maxObjects) (`Configuration.maxObjects`) |"))
        #expect(source.contains("| `slotsPerSandbox` | integer, 1...\(Configuration.maxTotalSlots); `sandboxes × slotsPerSandbox` ≤ \(Configuration.maxTotalSlots) (`Configuration.maxTotalSlots`) |"))
        #expect(source.contains("| `pagesPerSandbox`, `endpoints`, `notifications`, `frames` | integers, 0...\(Configuration.maxObjects) |"))
        #expect(source.contains("| `threads` | array of 1...\(Configuration.maxObjects) threads;"))
        #expect(!source.contains("1...32") && !source.contains("0...32") && !source.contains("≤ 32"))
        // And the code agrees: one more than the documented limits is rejected.
        var c = Configuration.tiny
        c.sandboxes = 2; c.slotsPerSandbox = Configuration.maxTotalSlots / 2 + 1
        let slots = try #require(throws: ConfigurationError.self) { try c.validate() }
        #expect(slots.field == "slotsPerSandbox" && slots.reason.contains("exceeds the specification's limit of 8192 slots"))
        c = Configuration.tiny
        c.sandboxes = Configuration.maxObjects + 1
        let sandboxes = try #require(throws: ConfigurationError.self) { try c.validate() }
        #expect(sandboxes.field == "sandboxes" && sandboxes.reason == "must be between 1 and 4096, got 4097")
        let decisions = try String(contentsOfFile: repositoryRoot + "/docs/design-decisions.md", encoding: .utf8)
        #expect(decisions.contains("At most 8192 capability slots in all") && decisions.contains("at\nmost 4096 objects of every other kind"))
    }
}
