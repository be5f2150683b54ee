// Three-way replay of real programs: the committed recordings of
// Tests/Traces/strace (pinned figures, so a change to the personality shows
// up in review), and programs recorded live on the machine the tests run on
// (strace is a Debian package; .ci/run installs it).

import Foundation
import LiteBoxFormats
import Testing
import LiteBoxLinux
import StraceImport

/// Replays a committed recording (a file, or an `-ff` directory).
func replayRecording(_ name: String) throws -> LinuxReplay.Report {
    let path = straceDirectory + "/" + name
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    let log: StraceLog
    if isDirectory.boolValue {
        let members = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        log = try StraceImporter.parse(files: try members.map { ("\(path)/\($0)", try String(contentsOfFile: "\(path)/\($0)", encoding: .utf8)) })
    } else {
        log = try StraceImporter.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
    }
    return try LinuxReplay.run(log)
}

/// A committed recording and its pinned figures.
struct Recording: Sendable, CustomStringConvertible {
    var name: String
    var calls: Int
    var modeled: Int
    var liteboxCalls: Int
    var description: String { name }
}

@Suite struct StraceReplayTests {
    /// The committed recordings (everything in Tests/Traces/strace that is not malformed-*).
    static let recordings: [Recording] = [
        Recording(name: "ls-root.strace", calls: 296, modeled: 291, liteboxCalls: 707),
        Recording(name: "cat-hostname.strace", calls: 119, modeled: 114, liteboxCalls: 388),
        Recording(name: "cat-nonexistent.strace", calls: 118, modeled: 113, liteboxCalls: 377),
        Recording(name: "sh-pipeline.strace", calls: 349, modeled: 313, liteboxCalls: 1243),
        Recording(name: "python-mmap.strace", calls: 1116, modeled: 963, liteboxCalls: 2465),
        Recording(name: "python-threads.ff", calls: 561, modeled: 450, liteboxCalls: 984),
        Recording(name: "raw-true.strace", calls: 30, modeled: 26, liteboxCalls: 121),
        Recording(name: "ttt-s8-head.strace", calls: 118, modeled: 113, liteboxCalls: 381),
    ]

    @Test func everyRecordingIsListed() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: straceDirectory)
            .filter { !$0.hasPrefix("malformed-") }.sorted()
        #expect(names == Self.recordings.map(\.name).sorted())
    }

    @Test(arguments: recordings)
    func recordingReplaysWithoutDivergenceOrMismatch(_ rec: Recording) throws {
        let r = try replayRecording(rec.name)
        #expect(r.divergences.isEmpty, "\(r.divergences.first.map { "\($0.origin): \($0.call)" } ?? "")")
        #expect(r.mismatches.isEmpty, "\(r.mismatches.map { "\($0.location): \($0.reason)" })")
        #expect(r.modeledPercent >= 80)
        #expect(r.calls == rec.calls)
        #expect(r.modeled == rec.modeled)
        #expect(r.liteboxCalls == rec.liteboxCalls)
    }

    // MARK: Live recordings

    /// The system Python (not a pyenv shim, which would add a shell to the recording).
    static var python: String {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3"
            : StraceRecorder.findOnPath("python3") ?? "python3"
    }

    /// Three threads that each open, read and close a file, then join.
    static let threads = """
        import threading
        def work(n):
            for _ in range(3):
                with open("/etc/hostname") as f: f.read()
        ts = [threading.Thread(target=work, args=(k,)) for k in range(3)]
        for t in ts: t.start()
        for t in ts: t.join()
        """

    /// Maps anonymous memory, protects half of it read-only, unmaps it (libc through ctypes).
    static let memory = """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        p = libc.mmap(None, 8192, 3, 0x22, -1, 0)
        ctypes.memset(p, 0x41, 8192)
        assert libc.mprotect(p, 4096, 1) == 0
        assert libc.munmap(p, 8192) == 0
        """

    /// A program the tests record, and the calls its recording must contain.
    struct Program: Sendable, CustomStringConvertible {
        var name: String
        var command: [String]
        var mustContain: [String]
        var description: String { name }
    }

    static let programs: [Program] = [
        Program(name: "ls -la /", command: ["ls", "-la", "/"], mustContain: ["openat", "getdents64", "write"]),
        Program(name: "cat of a file", command: ["cat", "/etc/hostname"], mustContain: ["openat", "read", "close"]),
        Program(name: "a shell pipeline", command: ["sh", "-c", "ls / | wc -l"], mustContain: ["pipe2", "clone", "dup2"]),
        Program(name: "a failing open", command: ["cat", "/nonexistent-litebox-file"], mustContain: ["openat"]),
        Program(name: "python threads", command: [python, "-c", threads], mustContain: ["clone3", "futex"]),
        Program(name: "python mmap", command: [python, "-c", memory], mustContain: ["mmap", "mprotect", "munmap"]),
    ]

    @Test(arguments: programs)
    func liveRecordingReplays(_ program: Program) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("litebox-strace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("recording.strace").path
        try StraceRecorder.record(program.command, to: out)
        let log = try StraceImporter.parse(try String(contentsOfFile: out, encoding: .utf8), file: out)
        let names = Set(log.calls.map(\.name))
        for n in program.mustContain { #expect(names.contains(n), "\(program.name): no \(n) in the recording") }
        let r = try LinuxReplay.run(log)
        #expect(r.divergences.isEmpty, "\(program.name): \(r.divergences.first.map { "\($0.origin): \($0.call)" } ?? "")")
        #expect(r.mismatches.isEmpty, "\(program.name): \(r.mismatches.map { "\($0.location): \($0.call): \($0.reason)" })")
        #expect(r.modeledPercent >= 80, "\(program.name): \(r.modeled) of \(r.calls) modeled; unmodeled \(r.unmodeled)")
    }
}
