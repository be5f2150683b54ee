// The strace importer (Sources/StraceImport) on the committed corpus
// Tests/Traces/strace (real recordings made with Scripts/record-strace-corpus.sh,
// and one malformed file per error the parser reports) and on inline lines.

import LiteBoxABI
import LiteBoxFormats
import Foundation
import Testing
import LiteBoxSpec
import StraceImport

/// The strace corpus directory, found from this file's path.
let straceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Traces").appendingPathComponent("strace").path

/// The corpus's `*.strace` files, sorted.
let straceFiles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: straceDirectory)) ?? [])
    .filter { $0.hasSuffix(".strace") }.sorted()

/// The real recordings (single files).
let straceRecordings = straceFiles.filter { !$0.hasPrefix("malformed-") }

/// The -ff set's directory.
let straceThreadsDirectory = straceDirectory + "/python-threads.ff"

/// Reads a corpus file (bytes as UTF-8, invalid sequences replaced).
func straceText(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
}

/// Parses a corpus file.
func straceLog(_ name: String) throws -> StraceLog {
    let path = straceDirectory + "/" + name
    return try StraceImporter.parse(try straceText(path), file: path)
}

/// The -ff set, as (path, text) pairs.
func straceThreadFiles() throws -> [(path: String, text: String)] {
    let names = try FileManager.default.contentsOfDirectory(atPath: straceThreadsDirectory).sorted()
    return try names.map { (straceThreadsDirectory + "/" + $0, try straceText(straceThreadsDirectory + "/" + $0)) }
}

/// Parses one inline line (or a few) as file "t".
func straceLines(_ text: String) throws -> StraceLog { try StraceImporter.parse(text, file: "t") }

/// The only call of a one-line text.
func straceCall(_ line: String) throws -> StraceCall {
    let calls = try straceLines(line).calls
    try #require(calls.count == 1)
    return calls[0]
}

/// Each malformed corpus file with the error it must raise: line, column, reason substring.
let malformedExpectations: [(file: String, line: Int, column: Int, reason: String)] = [
    ("malformed-unbalanced-quote.strace", 2, 22, "unterminated string"),
    ("malformed-mismatched-bracket.strace", 1, 70, "')' does not match '{'"),
    ("malformed-unclosed-paren.strace", 2, 10, "unclosed '('"),
    ("malformed-missing-result.strace", 2, 13, "missing '= result'"),
    ("malformed-bad-result.strace", 1, 41, "malformed result"),
    ("malformed-orphan-resumed.strace", 2, 5, "without a pending 'read(... <unfinished ...>' of pid 100"),
    ("malformed-resumed-other-pid.strace", 2, 5, "without a pending 'read(... <unfinished ...>' of pid 101"),
    ("malformed-garbage.strace", 2, 1, "not an strace line"),
    ("malformed-missing-paren.strace", 1, 6, "expected '(' after 'hello'"),
    ("malformed-exit-status.strace", 2, 21, "bad exit status"),
    ("malformed-plus-line.strace", 1, 9, "unrecognised '+++' line"),
    ("malformed-signal-line.strace", 1, 55, "must end with ' ---'"),
    ("malformed-unterminated-comment.strace", 1, 50, "unterminated comment"),
    ("malformed-split-unbalanced-quote.strace", 3, 23, "unterminated string"),
    ("malformed-signal-without-name.strace", 2, 9, "a signal line must name a signal"),
    ("malformed-nesting-too-deep.strace", 2, 270, "nesting too deep"),
    ("malformed-integer-out-of-range.strace", 1, 51, "integer out of range"),
]

@Suite struct StraceImportTests {

    // MARK: The corpus

    @Test func theCorpusIsThere() throws {
        #expect(straceRecordings.count >= 7, "\(straceRecordings)")
        #expect(Set(straceFiles.filter { $0.hasPrefix("malformed-") }) == Set(malformedExpectations.map(\.file)))
        #expect(try straceThreadFiles().count >= 4)
    }

    @Test(arguments: straceRecordings)
    func everyRecordingParses(_ name: String) throws {
        let path = straceDirectory + "/" + name
        let text = try straceText(path)
        let log = try StraceImporter.parse(text, file: path)
        #expect(log.skipped.isEmpty)
        #expect(try StraceImporter.parse(text, file: path, skipUnparsed: true).skipped.isEmpty)
        #expect(log.calls.count > 20)
        #expect(!Trace.isTrace(text))
        // Every resumed marker points back at its call, which ends on the marker's line.
        var resumedCount = 0
        for (i, event) in log.events.enumerated() {
            guard case .resumed(let index, let at) = event else { continue }
            resumedCount += 1
            #expect(index < i)
            guard case .call(let call) = log.events[index] else { Issue.record("\(name): resumed points at \(log.events[index])"); continue }
            #expect(call.end == at)
            #expect(call.start.line < at.line)
        }
        #expect(log.calls.filter { $0.end != nil }.count == resumedCount)
        // Every event comes from its own line, in file order.
        let lines = log.events.map(\.location.line)
        #expect(lines == lines.sorted())
        #expect(Set(lines).count == lines.count)
        // The events account for every non-empty line.
        #expect(lines.count == text.split(separator: "\n").filter { !$0.isEmpty }.count)
    }

    @Test func specificLinesOfTheCatRecording() throws {
        let log = try straceLog("cat-hostname.strace")
        // -f -tt -T -y: 31306 05:06:49.984568 openat(AT_FDCWD</work/...>, "/etc/hostname", O_RDONLY) = 3</etc/hostname> <0.000041>
        let open = try #require(log.calls.first { $0.name == "openat" && $0.args.count > 1 && $0.args[1].stringValue == "/etc/hostname" })
        #expect(open.args[0].intValue == -100)
        #expect(open.args[0].path?.hasPrefix("/") == true)
        #expect(open.args[1] == .string("/etc/hostname", truncated: false))
        #expect(open.args[2] == .symbol("O_RDONLY"))
        #expect(open.result == .value(3, decoration: "/etc/hostname"))
        #expect(open.timestamp != nil && open.timestamp! > 0 && open.timestamp! < 86_400)
        #expect(open.duration != nil && open.duration! > 0 && open.duration! < 1)
        #expect(open.pid == log.pids.first)
        // The read of the file uses the fd decorated with its path.
        let read = try #require(log.calls.first { $0.name == "read" && $0.args.first?.path == "/etc/hostname" })
        #expect(read.args[0] == .fd(3, path: "/etc/hostname"))
        // A struct: {st_mode=S_IFREG|0644, st_size=33839, ...}
        let stat = try #require(log.calls.first { $0.name == "newfstatat" })
        guard case .structure(let fields) = stat.args[2] else { Issue.record("not a struct: \(stat.args[2])"); return }
        #expect(fields.first == StraceField(name: "st_mode", value: .flags([.symbol("S_IFREG"), .int(0o644)])))
        #expect(fields.last == StraceField(name: nil, value: .ellipsis))
        #expect(stat.args[2][field: "st_size"]?.intValue ?? 0 > 0)
        #expect(stat.args[3] == .symbol("AT_EMPTY_PATH"))
        // execve's environment pointer with its comment, and the exit.
        let execve = try #require(log.calls.first)
        #expect(execve.name == "execve")
        #expect(execve.args[1] == .array([.string("cat", truncated: false), .string("/etc/hostname", truncated: false)]))
        guard case .commented(.int(let envp), let comment) = execve.args[2] else { Issue.record("\(execve.args[2])"); return }
        #expect(envp > 0 && comment.hasSuffix(" vars"))
        guard case .exited(let pid, 0, _) = try #require(log.events.last) else { Issue.record("last event \(log.events.last!)"); return }
        #expect(pid == open.pid)
    }

    @Test func errnoResultsAndUnknownResults() throws {
        let log = try straceLog("cat-nonexistent.strace")
        let open = try #require(log.calls.first { $0.name == "openat" && $0.args[1].stringValue == "/nonexistent" })
        #expect(open.args == [.symbol("AT_FDCWD"), .string("/nonexistent", truncated: false), .symbol("O_RDONLY")])
        #expect(open.result == .error(errno: "ENOENT", code: -1, message: "No such file or directory"))
        #expect(open.errno == "ENOENT")
        let exit = try #require(log.calls.last)
        #expect(exit.name == "exit_group" && exit.args == [.int(1)] && exit.result == .unknown)
        guard case .exited(_, 1, _) = try #require(log.events.last) else { Issue.record("\(log.events.last!)"); return }
        // Hexadecimal results.
        let brk = try #require(log.calls.first { $0.name == "brk" })
        #expect(brk.args == [.symbol("NULL")])
        #expect((brk.returnValue ?? 0) > 0x10000)
        let ls = try straceLog("ls-root.strace")
        #expect(ls.calls.last?.result == .unknown)
        #expect(ls.calls.contains { $0.name == "mmap" && ($0.returnValue ?? 0) > 0x7f00_0000_0000 })
        let getdents = try #require(ls.calls.first { $0.name == "getdents64" })
        guard case .commented(.int, let entries) = getdents.args[1] else { Issue.record("\(getdents.args[1])"); return }
        #expect(entries.hasSuffix(" entries"))
    }

    @Test func unfinishedAndResumedAcrossPids() throws {
        let log = try straceLog("sh-pipeline.strace")
        #expect(log.pids.count == 3)
        // 31310 wait4(-1,  <unfinished ...>  ...  31310 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 31311
        let index = try #require(log.events.firstIndex { if case .call(let c) = $0 { return c.name == "wait4" } else { return false } })
        guard case .call(let wait) = log.events[index] else { return }
        let end = try #require(wait.end)
        #expect(end.line > wait.start.line && end.file == wait.start.file)
        #expect(wait.args.count == 4)
        #expect(wait.args[0] == .int(-1))
        #expect(wait.args[1] == .array([.structure([StraceField(name: nil, value: .raw("WIFEXITED(s) && WEXITSTATUS(s) == 0"))])]))
        #expect(wait.args[2] == .int(0) && wait.args[3] == .symbol("NULL"))
        let child = try #require(wait.returnValue)
        #expect(log.pids.contains(Int(child)))
        let marker = try #require(log.events.firstIndex { $0 == .resumed(callIndex: index, at: end) })
        #expect(marker > index)
        // The child exits between the two halves.
        #expect(log.events[index..<marker].contains { if case .exited(Int(child), 0, _) = $0 { return true } else { return false } })
        // Other pids' calls interleave between the halves.
        #expect(log.events[index..<marker].contains { if case .call(let c) = $0 { return c.pid != wait.pid } else { return false } })
        // The SIGCHLD after it.
        guard case .signal(let pid, let name, let info?, _) = log.events[marker + 1] else { Issue.record("\(log.events[marker + 1])"); return }
        #expect(pid == wait.pid && name == "SIGCHLD")
        #expect(info[field: "si_signo"] == .symbol("SIGCHLD"))
        #expect(info[field: "si_code"] == .symbol("CLD_EXITED"))
        #expect(info[field: "si_pid"]?.intValue == child)
        // clone with named arguments.
        let clone = try #require(log.calls.first { $0.name == "clone" })
        #expect(clone.args[0] == .named("child_stack", .symbol("NULL")))
        #expect(clone.argument(named: "flags")?.contains(flag: "SIGCHLD") == true)
        #expect(clone.argument(named: "flags")?.symbols == ["CLONE_CHILD_CLEARTID", "CLONE_CHILD_SETTID", "SIGCHLD"])
        // sa_mask=~[RTMIN RT_1]
        let sigaction = try #require(log.calls.first { $0.name == "rt_sigaction" && $0.args[0] == .symbol("SIGCHLD") })
        #expect(sigaction.args[1][field: "sa_mask"] == .complement(.array([.symbol("RTMIN"), .symbol("RT_1")])))
        #expect(sigaction.args[1][field: "sa_handler"]?.intValue ?? 0 > 0)
        #expect(sigaction.args[1][field: "sa_flags"] == .symbol("SA_RESTORER"))
    }

    @Test func truncatedStringsAndEpochTimestamps() throws {
        let log = try straceLog("ttt-s8-head.strace")
        let execve = try #require(log.calls.first)
        #expect(execve.args[1] == .array([.string("head", truncated: false), .string("-c", truncated: false),
                                          .string("16", truncated: false), .string("/etc/pas", truncated: true)]))
        #expect((execve.timestamp ?? 0) > 1_000_000_000)
        #expect(execve.duration == nil)
        let stamps = log.calls.compactMap(\.timestamp)
        #expect(stamps.count == log.calls.count && stamps == stamps.sorted())
        let read = try #require(log.calls.first { $0.name == "read" && $0.args[0] == .int(3) })
        guard case .string(let s, truncated: true) = read.args[1] else { Issue.record("\(read.args[1])"); return }
        #expect(s.utf8.count == 8)
    }

    @Test func rawNumbers() throws {
        // -X raw: openat(-100, "/etc/ld.so.cache", 0x80000) = 3
        let log = try straceLog("raw-true.strace")
        let open = try #require(log.calls.first { $0.name == "openat" })
        #expect(open.args == [.int(-100), .string("/etc/ld.so.cache", truncated: false), .int(0x80000)])
        #expect(open.result == .value(3, decoration: nil))
        let stat = try #require(log.calls.first { $0.name == "newfstatat" })
        #expect(stat.args[2][field: "st_mode"] == .int(0o100644))
        let read = try #require(log.calls.first { $0.name == "read" })
        guard case .string(let elf, truncated: true) = read.args[1] else { Issue.record("\(read.args[1])"); return }
        #expect(Array(elf.unicodeScalars.prefix(4)) == ["\u{7F}", "E", "L", "F"])
    }

    @Test func anonymousMemoryFromCtypes() throws {
        let log = try straceLog("python-mmap.strace")
        let calls = log.calls
        // mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = A; mprotect(A, 4096, PROT_READ) = 0; munmap(A, 8192) = 0
        let p = try #require(calls.lastIndex { $0.name == "mprotect" && $0.args[1] == .int(4096) && $0.args[2] == .symbol("PROT_READ") })
        let address = try #require(calls[p].args[0].intValue)
        let m = try #require(calls[..<p].lastIndex { $0.name == "mmap" && $0.returnValue == address })
        #expect(calls[m].args == [.symbol("NULL"), .int(8192), .flags([.symbol("PROT_READ"), .symbol("PROT_WRITE")]),
                                  .flags([.symbol("MAP_PRIVATE"), .symbol("MAP_ANONYMOUS")]), .int(-1), .int(0)])
        #expect(calls[m].args[3].contains(flag: "MAP_ANONYMOUS"))
        #expect(calls[p].result == .value(0, decoration: nil))
        #expect(calls[(p + 1)...].contains { $0.name == "munmap" && $0.args == [.int(address), .int(8192)] && $0.returnValue == 0 })
        // vfork( <unfinished ...> ... <... vfork resumed>) = PID
        let vfork = try #require(calls.first { $0.name == "vfork" })
        #expect(vfork.args.isEmpty && vfork.end != nil)
        #expect(log.pids.contains(Int(vfork.returnValue ?? -1)))
    }

    // MARK: The -ff set

    @Test func theThreadSetMergesByTimestamp() throws {
        let files = try straceThreadFiles()
        let log = try StraceImporter.parse(files: files)
        #expect(log.skipped.isEmpty)
        let pids = files.map { Int(($0.path as NSString).pathExtension)! }.sorted()
        #expect(log.pids == pids)
        // Calls are in timestamp order, and each file's events keep their order.
        let stamps = log.calls.map(\.timestamp)
        #expect(stamps.allSatisfy { $0 != nil })
        #expect(stamps.map { $0! } == stamps.map { $0! }.sorted())
        for f in files {
            let own = log.events.filter { $0.location.file == f.path }.map(\.location.line)
            #expect(own == own.sorted() && !own.isEmpty)
        }
        #expect(log.events.count == files.reduce(0) { $0 + (try! StraceImporter.parse($1.text, file: $1.path)).events.count })
        // The main thread starts three threads with clone3, each of which runs after its clone3.
        let main = pids[0]
        let clones = log.calls.filter { $0.name == "clone3" && $0.pid == main }
        #expect(clones.count == 3)
        for clone in clones {
            let flags = try #require(clone.argument(named: "flags"))
            #expect(flags.contains(flag: "CLONE_THREAD") && flags.contains(flag: "CLONE_VM"))
            #expect(clone.argument(named: "stack")?.intValue ?? 0 > 0)
            guard case .updated(_, let after) = clone.args[0] else { Issue.record("\(clone.args[0])"); continue }
            let child = try #require(clone.returnValue)
            #expect(after[field: "parent_tid"] == .array([.int(child)]))
            let cloneAt = try #require(log.events.firstIndex(of: .call(clone)))
            let firstOfChild = try #require(log.events.firstIndex { if case .call(let c) = $0 { return c.pid == Int(child) } else { return false } })
            #expect(cloneAt < firstOfChild)
            #expect(log.events.contains { if case .exited(Int(child), 0, _) = $0 { return true } else { return false } })
        }
        // futex with a flag set and a NULL timeout.
        let wait = try #require(log.calls.first { $0.name == "futex" && $0.args[1].contains(flag: "FUTEX_CLOCK_REALTIME") })
        #expect(wait.args[1] == .flags([.symbol("FUTEX_WAIT_BITSET_PRIVATE"), .symbol("FUTEX_CLOCK_REALTIME")]))
        #expect(wait.args[3] == .symbol("NULL") && wait.args[4] == .symbol("FUTEX_BITSET_MATCH_ANY"))
        #expect(log.calls.contains { $0.name == "futex" && $0.args[1] == .symbol("FUTEX_WAKE_PRIVATE") && $0.pid != main })
    }

    @Test func anUntimedSetIsConcatenatedInPidOrder() throws {
        let files = [("d/p.30", "getpid() = 30\n+++ exited with 0 +++\n"),
                     ("d/p.7", "read(0,  <unfinished ...>\ngetppid() = 1\n<... read resumed>\"x\", 1) = 1\n"),
                     ("d/p.12", "gettid() = 12\n")]
        let log = try StraceImporter.parse(files: files.map { (path: $0.0, text: $0.1) })
        #expect(log.pids == [7, 12, 30])
        #expect(log.events.map(\.location.file) == ["d/p.7", "d/p.7", "d/p.7", "d/p.12", "d/p.30", "d/p.30"])
        #expect(log.events[2] == .resumed(callIndex: 0, at: StraceLocation(file: "d/p.7", line: 3)))
        #expect(log.calls[0].args == [.int(0), .string("x", truncated: false), .int(1)] && log.calls[0].pid == 7)
        // Timed files interleave; the resumed marker's index follows the merge.
        let timed = [(path: "q.2", text: "00:00:01.000000 read(0,  <unfinished ...>\n00:00:03.000000 <... read resumed>\"\", 1) = 0\n"),
                     (path: "q.1", text: "00:00:02.000000 getpid() = 1\n")]
        let merged = try StraceImporter.parse(files: timed)
        #expect(merged.events.map(\.location.file) == ["q.2", "q.1", "q.2"])
        #expect(merged.events[2] == .resumed(callIndex: 0, at: StraceLocation(file: "q.2", line: 2)))
        // A file name without a pid suffix.
        #expect(throws: StraceError(file: "q", line: 0, column: 0, reason: "not a file of an strace -ff set: the name does not end in .PID")) {
            try StraceImporter.parse(files: [(path: "q", text: "")])
        }
        // The same rule as tools use to pick a directory's files: pid 0 is not one.
        #expect(throws: StraceError(file: "d/q.0", line: 0, column: 0,
                                    reason: "not a file of an strace -ff set: '0' is not a process id (from 1 to 2147483647, no leading zeros)")) {
            try StraceImporter.parse(files: [(path: "d/q.0", text: "")])
        }
    }

    // MARK: Inline lines

    @Test func resultVariants() throws {
        let restart = try straceCall("[pid  4242] 12:00:00.000001 read(0,  <unfinished ...>\n[pid  4242] 12:00:00.500000 <... read resumed>0x7ffc5d8a8e47, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.499000>\n")
        #expect(restart.pid == 4242 && restart.result == .restart("ERESTARTSYS"))
        #expect(restart.resultNote == "(To be restarted if SA_RESTART is set)")
        #expect(restart.duration == 0.499 && abs(restart.timestamp! - 43_200.000001) < 1e-9)
        #expect(restart.start.line == 1 && restart.end?.line == 2)
        #expect(try straceCall("pause() = ? ERESTARTNOHAND (To be restarted if no handler)").result == .restart("ERESTARTNOHAND"))
        let fcntl = try straceCall("fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)")
        #expect(fcntl.result == .value(0x8002, decoration: nil) && fcntl.resultNote == "(flags O_RDWR|O_LARGEFILE)")
        let poll = try straceCall("poll([{fd=3, events=POLLIN}], 1, 0) = 0 (Timeout)")
        #expect(poll.returnValue == 0 && poll.resultNote == "(Timeout)")
        #expect(poll.args[0] == .array([.structure([StraceField(name: "fd", value: .int(3)), StraceField(name: "events", value: .symbol("POLLIN"))])]))
        let socket = try straceCall("socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3<socket:[12345]>")
        #expect(socket.result == .value(3, decoration: "socket:[12345]"))
        #expect(try straceCall("execve(\"/x\", [\"x\"], 0x1 /* 1 var */) = ?").result == .unknown)
        #expect(try straceCall("mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) = 0xffffffffffffffff").returnValue == -1)
        #expect(try straceCall("getrandom(\"\\x01\", 1, GRND_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)").result
                == .error(errno: "EAGAIN", code: -1, message: "Resource temporarily unavailable"))
        // A -y result inside -T: the duration is the last <...>.
        let open = try straceCall("1 00:00:00.1 openat(AT_FDCWD</root>, \"a b\", O_RDONLY|0x80000) = 4</root/a b> <0.000010>")
        #expect(open.args[0] == .fd(-100, path: "/root") && open.args[2] == .flags([.symbol("O_RDONLY"), .int(0x80000)]))
        #expect(open.result == .value(4, decoration: "/root/a b") && open.duration == 0.00001)
    }

    @Test func argumentVariants() throws {
        let write = try straceCall(#"write(1, "a\x41\101\n\t\"b\\\0"..., 9) = 9"#)
        #expect(write.args[1] == .string("aAA\n\t\"b\\\u{0}", truncated: true))
        #expect(try straceCall(#"write(1, "\303\251\377", 3) = 3"#).args[1] == .string("\u{C3}\u{A9}\u{FF}", truncated: false))
        #expect(try straceCall(#"write(1, "\303\251", 2) = 2"#).args[1] == .string("é", truncated: false))
        let pipe = try straceCall("dup2(3<pipe:[12345]>, 1</dev/pts/0>) = 1</dev/pts/0>")
        #expect(pipe.args == [.fd(3, path: "pipe:[12345]"), .fd(1, path: "/dev/pts/0")])
        let stat = try straceCall("newfstatat(AT_FDCWD, \"/dev/null\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, 0) = 0")
        #expect(stat.args[2][field: "st_rdev"] == .call("makedev", [.int(1), .int(3)]))
        #expect(stat.args[2][field: "st_mode"]?.symbols == ["S_IFCHR"])
        let lseek = try straceCall("lseek(3, -42, SEEK_SET) = 0")
        #expect(lseek.args == [.int(3), .int(-42), .symbol("SEEK_SET")])
        let mask = try straceCall("rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0")
        #expect(mask.args[1] == .array([.symbol("CHLD")]) && mask.args[2] == .array([]))
        let verbose = try straceCall("openat(0xffffff9c /* AT_FDCWD */, \"/etc/passwd\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3")
        #expect(verbose.args[0] == .commented(.int(0xffff_ff9c), comment: "AT_FDCWD"))
        #expect(verbose.args[2].intValue == 0x80000)
        let prlimit = try straceCall("prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0")
        #expect(prlimit.args[3][field: "rlim_cur"] == .raw("8192*1024"))
        #expect(prlimit.args[3][field: "rlim_max"] == .symbol("RLIM64_INFINITY"))
        let nested = try straceCall("sendmsg(3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"ab\", iov_len=2}, {iov_base=\"\", iov_len=0}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 2")
        guard case .array(let iov) = try #require(nested.args[1][field: "msg_iov"]) else { Issue.record("msg_iov"); return }
        #expect(iov.count == 2 && iov[0][field: "iov_len"] == .int(2) && iov[1][field: "iov_base"] == .string("", truncated: false))
        let connect = try straceCall("connect(3, {sa_family=AF_UNIX, sun_path=@\"/tmp/.X11-unix/X0\"}, 20) = 0")
        #expect(connect.args[1] == .structure([StraceField(name: "sa_family", value: .symbol("AF_UNIX")),
                                               StraceField(name: "sun_path", value: .raw("@\"/tmp/.X11-unix/X0\""))]))
        let octal = try straceCall("openat(AT_FDCWD, \"f\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3")
        #expect(octal.args[3] == .int(0o644))
        let dirents = try straceCall("getdents64(3, [/* 5 entries */], 32768) = 120")
        #expect(dirents.args[1] == .array([.raw("/* 5 entries */")]))
        let accept = try straceCall("accept4(4<TCP:[127.0.0.1:33032]>, NULL, NULL, SOCK_CLOEXEC) = 5<TCP:[127.0.0.1:33032->127.0.0.1:43405]>")
        #expect(accept.args[0] == .fd(4, path: "TCP:[127.0.0.1:33032]"))
        #expect(accept.result == .value(5, decoration: "TCP:[127.0.0.1:33032->127.0.0.1:43405]"))
        let socket = try straceCall("socket(0x2 /* AF_INET */, 0x1 /* SOCK_STREAM */|0x80800 /* SOCK_CLOEXEC|SOCK_NONBLOCK */, 0) = 3")
        #expect(socket.args[1] == .flags([.commented(.int(1), comment: "SOCK_STREAM"), .commented(.int(0x80800), comment: "SOCK_CLOEXEC|SOCK_NONBLOCK")]))
        #expect(socket.args[1].intValue == 0x80801)
        let restart = try straceCall("restart_syscall(<... resuming interrupted read ...>) = 0")
        #expect(restart.args == [.raw("<... resuming interrupted read ...>")])
    }

    @Test func eventsAndUnfinishedCallsThatNeverResume() throws {
        let log = try straceLines("""
        7 futex(0x5555, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
        8 --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---
        8 +++ killed by SIGSEGV (core dumped) +++
        9 --- stopped by SIGSTOP ---
        9 +++ killed by SIGKILL +++
        7 exit_group(0 <unfinished ...>
        """)
        #expect(log.pids == [7, 8, 9])
        #expect(log.calls.count == 2)
        #expect(log.calls[0].args == [.int(0x5555), .symbol("FUTEX_WAIT_PRIVATE"), .int(0), .symbol("NULL")])
        #expect(log.calls.allSatisfy { $0.result == .none && $0.end == nil })
        #expect(log.calls[1].args == [.int(0)])
        guard case .signal(8, "SIGSEGV", let info?, let at) = log.events[1] else { Issue.record("\(log.events[1])"); return }
        #expect(at == StraceLocation(file: "t", line: 2) && info[field: "si_addr"] == .symbol("NULL"))
        #expect(log.events[2] == .killed(pid: 8, signal: "SIGSEGV", coreDumped: true, at: StraceLocation(file: "t", line: 3)))
        #expect(log.events[3] == .signal(pid: 9, name: "SIGSTOP", info: nil, at: StraceLocation(file: "t", line: 4)))
        #expect(log.events[4] == .killed(pid: 9, signal: "SIGKILL", coreDumped: false, at: StraceLocation(file: "t", line: 5)))
        // Unprefixed lines belong to pid 0; a pid's exit drops its pending call.
        let bare = try straceLines("read(0,  <unfinished ...>\n+++ exited with 0 +++\n")
        #expect(bare.pids == [0] && bare.calls[0].result == .none)
        #expect(throws: StraceError.self) { try straceLines("read(0,  <unfinished ...>\n+++ exited with 0 +++\n<... read resumed>\"\", 1) = 0\n") }
    }

    @Test func theStderrFormWithItsMessagesAndPidlessLeader() throws {
        // strace -f 2> FILE: the leader has no prefix until it has children; strace's messages are mixed in.
        let log = try straceLines("""
        wait4(-1,  <unfinished ...>
        strace: Process 12 attached
        [pid    12] exit_group(0)               = ?
        [pid    12] +++ exited with 0 +++
        <... wait4 resumed>NULL, 0, NULL) = 12
        clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>
        [pid    11] <... clone resumed>, child_tidptr=0x1) = 13
        """)
        #expect(log.pids == [0, 12])
        #expect(log.calls.map(\.name) == ["wait4", "exit_group", "clone"])
        #expect(log.calls[0].result == .value(12, decoration: nil) && log.calls[0].end?.line == 5)
        #expect(log.calls[2].argument(named: "child_tidptr") == .int(1) && log.calls[2].returnValue == 13)
    }

    // MARK: Malformed input

    @Test(arguments: malformedExpectations.map(\.file))
    func malformedFileFailsWhereExpected(_ name: String) throws {
        let expected = try #require(malformedExpectations.first { $0.file == name })
        let path = straceDirectory + "/" + name
        let text = try straceText(path)
        do {
            _ = try StraceImporter.parse(text, file: path)
            Issue.record("\(name) parsed without an error")
        } catch let error as StraceError {
            #expect(error.file == path)
            #expect(error.line == expected.line, "\(error)")
            #expect(error.column == expected.column, "\(error)")
            #expect(error.reason.contains(expected.reason), "\(error)")
            #expect(error.description == "\(path):\(expected.line):\(expected.column): \(error.reason)")
            // With skipUnparsed the same error is collected and the other lines parse.
            let log = try StraceImporter.parse(text, file: path, skipUnparsed: true)
            #expect(log.skipped == [error])
            let good = text.split(separator: "\n").count - 1
            #expect(log.events.filter { if case .resumed = $0 { return false } else { return true } }.count == good)
        }
    }

    @Test func skipUnparsedCollectsEveryBadLine() throws {
        let text = """
        1 getpid() = 1
        1 close(3
        garbage here
        1 <... read resumed>) = 0
        1 getppid() = 0
        """
        let log = try StraceImporter.parse(text, file: "t", skipUnparsed: true)
        #expect(log.skipped.map(\.line) == [2, 3, 4])
        #expect(log.calls.map(\.name) == ["getpid", "getppid"])
        #expect(throws: StraceError(file: "t", line: 2, column: 8, reason: "unclosed '('")) {
            try StraceImporter.parse(text, file: "t")
        }
    }

    // MARK: Detection

    /// `verify replay` reads a file as a LiteBox trace when `Trace.isTrace`
    /// says so, and as strace output otherwise.
    @Test func theFormatsAreToldApart() throws {
        let traces = try FileManager.default.contentsOfDirectory(atPath: traceDirectory).filter { $0.hasSuffix(".trace") }
        #expect(!traces.isEmpty)
        for name in traces {
            #expect(Trace.isTrace(try straceText(traceDirectory + "/" + name)), "\(name)")
        }
        for (_, text) in try straceThreadFiles() { #expect(!Trace.isTrace(text)) }
        #expect(!Trace.isTrace("[pid  12] --- SIGCHLD {si_signo=SIGCHLD} ---\n"))
        #expect(Trace.isTrace("# a comment\n\n  litebox-trace 1\nconfig default\n"))
        #expect(!Trace.isTrace("hello world\n"))
        #expect(!Trace.isTrace(""))
    }
}
