// The Linux personality: strace logs replayed onto LiteBox objects with
// kernel and spec in lockstep, LiteBox's decisions compared with Linux's.
// Synthetic logs pin each decision (and show that a difference is caught);
// the committed recordings pin their figures.

import LiteBoxABI
import Foundation
import Testing
import LiteBoxLinux
import LiteBoxSpec
import StraceImport
import LiteBoxTestSupport

/// Replays strace text.
func replayStrace(_ text: String, file: String = "synthetic.strace") throws -> LinuxReplay.Report {
    try LinuxReplay.run(StraceImporter.parse(text, file: file))
}

/// The mismatch reasons of a report, with their lines.
func reasons(_ r: LinuxReplay.Report) -> [String] { r.mismatches.map { "\($0.location.line): \($0.reason)" } }

@Suite struct LinuxPersonalityTests {
    // MARK: File descriptors

    @Test func descriptorsAreAllocatedLowestFirstAndChecked() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
            read(3, "root:x:0:0", 10) = 10
            write(3, "x", 1) = -1 EBADF (Bad file descriptor)
            openat(AT_FDCWD, "/tmp/out", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4
            write(4, "x", 1) = 1
            read(4, "", 1) = -1 EBADF (Bad file descriptor)
            close(3) = 0
            close(3) = -1 EBADF (Bad file descriptor)
            openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)
            dup(4) = 3
            fstat(3, {st_mode=S_IFREG|0644, st_size=0, ...}) = 0
            exit_group(0) = ?
            +++ exited with 0 +++
            """)
        #expect(r.divergences.isEmpty)
        #expect(reasons(r) == [])
        #expect(r.calls == 12 && r.modeled == 12 && r.pathLookups == 0)
        #expect(r.unmodeled.isEmpty)
    }

    @Test func aDifferentDescriptorNumberIsAMismatch() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/a", O_RDONLY) = 4
            openat(AT_FDCWD, "/b", O_RDONLY) = 3
            """)
        #expect(r.divergences.isEmpty)
        #expect(reasons(r) == ["1: LiteBox would allocate fd 3, Linux returned fd 4"])
    }

    @Test func usingAClosedOrWrongModeDescriptorIsAMismatchWhenLinuxAllowsIt() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/a", O_WRONLY) = 3
            read(3, "abc", 3) = 3
            close(3) = 0
            write(3, "x", 1) = 1
            close(9) = 0
            """)
        #expect(reasons(r) == [
            "2: LiteBox refuses fd 3 (insufficientRights) but Linux accepted it",
            "4: LiteBox refuses fd 3 (emptySlot) but Linux accepted it",
            "5: LiteBox refuses fd 9 (emptySlot) but Linux accepted it",
        ])
    }

    @Test func aDescriptorLinuxRefusesButLiteBoxAllowsIsAMismatch() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/a", O_RDWR) = 3
            read(3, "", 1) = -1 EBADF (Bad file descriptor)
            """)
        #expect(reasons(r) == ["2: Linux says EBADF for fd 3 but LiteBox allows it"])
    }

    @Test func dupFamilyAndFcntlShareTheObjectAndCloseOnExecIsHonoured() throws {
        let r = try replayStrace("""
            pipe2([3, 4], O_CLOEXEC) = 0
            dup2(4, 7) = 7
            fcntl(3, F_DUPFD_CLOEXEC, 10) = 10
            dup3(3, 4, O_CLOEXEC) = 4
            read(4, "", 1) = 0
            write(7, "x", 1) = 1
            fcntl(7, F_SETFD, FD_CLOEXEC) = 0
            execve("/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0
            write(7, "x", 1) = -1 EBADF (Bad file descriptor)
            read(10, "", 1) = -1 EBADF (Bad file descriptor)
            write(1, "ok", 2) = 2
            """)
        #expect(r.divergences.isEmpty)
        #expect(reasons(r) == [])
    }

    @Test func callsInFlightTakeEffectInTheOrderTheLogProves() throws {
        let r = try replayStrace("""
            400 clone(child_stack=0x7e00, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 401
            400 openat(AT_FDCWD, "/a", O_RDONLY) = 3
            400 close(3 <unfinished ...>
            401 openat(AT_FDCWD, "/b", O_RDONLY) = 3
            400 <... close resumed>) = 0
            400 close(3 <unfinished ...>
            401 openat(AT_FDCWD, "/c", O_RDONLY) = 4
            400 <... close resumed>) = 0
            401 read(3, "", 1) = -1 EBADF (Bad file descriptor)
            400 openat(AT_FDCWD, "/d", O_RDONLY <unfinished ...>
            401 openat(AT_FDCWD, "/e", O_RDONLY) = 5
            400 <... openat resumed>) = 3
            400 close(4 <unfinished ...>
            401 read(4, "", 1) = -1 EBADF (Bad file descriptor)
            400 <... close resumed>) = 0
            """)
        // Line 4: the close in flight freed 3 first. Line 7: it had not yet.
        // Line 11: the open in flight took 3 first. Line 14: the close of 4 had.
        #expect(reasons(r) == [])
        #expect(r.divergences.isEmpty)
    }

    @Test func pathOnlyDescriptorsOpenButDoNoInputOrOutput() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/f", O_RDONLY|O_PATH) = 3
            fstat(3, {st_mode=S_IFREG|0644, st_size=1, ...}) = 0
            newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=1, ...}, AT_EMPTY_PATH) = 0
            lseek(3, 0, SEEK_SET) = -1 EBADF (Bad file descriptor)
            read(3, "", 1) = -1 EBADF (Bad file descriptor)
            mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) = -1 EBADF (Bad file descriptor)
            openat(AT_FDCWD, "/g", O_WRONLY) = 4
            mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 4, 0) = -1 EACCES (Permission denied)
            close_range(3, ~0U, 0) = 0
            read(4, "", 1) = -1 EBADF (Bad file descriptor)
            """)
        #expect(reasons(r) == [])
        #expect(r.divergences.isEmpty)
    }

    @Test func descriptorsLiteBoxNeverSawAreDifferencesNotGrowth() throws {
        let r = try replayStrace("""
            read(5000, "", 1) = 0
            close(-1) = 0
            """)
        #expect(reasons(r) == [
            "1: LiteBox refuses fd 5000 (invalidSlot) but Linux accepted it",
            "2: LiteBox refuses fd -1 (invalidSlot) but Linux accepted it",
        ])
        #expect(r.restarts == 0)
    }

    /// The replay's input error (`LinuxReplay.Failure`) for `text`, if any.
    func failure(_ text: String) throws -> LinuxReplay.Failure? {
        do { _ = try replayStrace(text, file: "bad.strace") } catch let f as LinuxReplay.Failure { return f }
        return nil
    }

    @Test func impossibleResultsAreInputErrorsAtTheirLine() throws {
        let negative = try #require(try failure("""
            close(3) = -1 EBADF (Bad file descriptor)
            openat(AT_FDCWD, "/f", O_RDONLY) = -7
            """))
        #expect(negative.description == "bad.strace:2: `openat(...) = -7 [pid 0]`: a successful openat cannot return the negative descriptor -7")
        let dup = try #require(try failure("openat(AT_FDCWD, \"/f\", O_RDONLY) = 3\ndup2(3, 4) = -2"))
        #expect(dup.location?.line == 2)
        #expect(dup.reason.hasSuffix("a successful call cannot return the negative descriptor -2"))
        let pipe = try #require(try failure("pipe2([3], 0) = 0"))
        #expect(pipe.description.hasPrefix("bad.strace:1: `pipe2(...) = 0 [pid 0]`: a successful pipe2 returns two descriptors in an array, and the log does not show them"))
        let notANumber = try #require(try failure("close(99999999999999999999999) = 0"))
        #expect(notANumber.description == "bad.strace:1: `close(...) = 0 [pid 0]`: the descriptor argument '99999999999999999999999' is not a number")
        let huge = try #require(try failure("dup2(1, 9223372036854775807) = 9223372036854775807"))
        #expect(huge.description == "bad.strace:1: `dup2(...) = 0x7fffffffffffffff [pid 0]`: descriptor 9223372036854775807 is beyond the specification's limit of 8192 slots in all")
        let clone = try #require(try failure("""
            100 write(1, "x", 1) = 1
            100 clone(child_stack=NULL, flags=SIGCHLD, child_tidptr=0x7f00) = 100
            """))
        #expect(clone.description == "bad.strace:2: `clone(...) = 100 [pid 100]`: a clone cannot return its caller's own id 100 as the new thread's")
    }

    @Test func aUniverseBeyondTheLimitsIsReportedAtTheCallThatNeedsIt() throws {
        // Seen before the replay (the descriptor table is sized from the log).
        let f = try #require(try failure("""
            openat(AT_FDCWD, "/f", O_RDONLY) = 3
            openat(AT_FDCWD, "/g", O_RDONLY) = 5000
            """))
        #expect(f.location?.line == 2)
        // Found by the replay (a pool ran out and grew).
        let g = try #require(try failure("""
            openat(AT_FDCWD, "/f", O_RDONLY) = 3
            fcntl(3, F_DUPFD, 6000) = 6000
            """))
        #expect(g.location?.line == 2)
        #expect(g.reason.hasPrefix("`fcntl(...) = 6000 [pid 0]` needs 6001 file-descriptor slots"))
        #expect(f.reason.hasPrefix("`openat(...) = 5000 [pid 0]` needs 5001 file-descriptor slots, so the universe would be beyond the specification's limits: slotsPerSandbox: sandboxes × slotsPerSandbox = "))
        #expect(f.reason.hasSuffix("exceeds the specification's limit of 8192 slots"))
    }

    @Test func firstEstimatesBeyondTheLimitsAreCutBackToWhatTheLogNeeds() throws {
        // 30 processes live at once, and 120 mappings made and unmapped one at
        // a time: the first estimates (256 frames and object slots per
        // process) would need 32 sandboxes × 297 slots, beyond the 8192 allowed.
        var lines: [String] = []
        for k in 0..<30 {
            lines += ["1 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f00) = \(100 + k)",
                      "\(100 + k) write(1, \"x\", 1) = 1"]
        }
        for k in 0..<120 {
            let addr = "0x7f00000\(String(1000 + k, radix: 16))000"
            lines += ["1 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = \(addr)", "1 munmap(\(addr), 4096) = 0"]
        }
        for k in 0..<30 { lines += ["\(100 + k) exit_group(0) = ?", "\(100 + k) +++ exited with 0 +++"] }
        let r = try replayStrace(lines.joined(separator: "\n"))
        #expect(reasons(r) == [])
        #expect(r.divergences.isEmpty)
        let config = try #require(r.configuration)
        #expect(config.sandboxes == 32)
        #expect(config.sandboxes * config.slotsPerSandbox <= Configuration.maxTotalSlots)
    }

    @Test func theDescriptorTableIsSizedFromTheLogOrGrownOnceToTheNeededSize() throws {
        // dup2's result is seen before the replay: no restart.
        let r = try replayStrace("dup2(1, 1000) = 1000\nread(1000, \"\", 1) = 0\nclose(1000) = 0")
        #expect(reasons(r) == [])
        #expect(r.divergences.isEmpty)
        #expect(r.restarts == 0)
        #expect(try #require(r.configuration).slotsPerSandbox >= 1001 + 3)
        // fcntl(F_DUPFD)'s is not: one restart, straight to the size it needs (not 32 → 64 → ... → 1024).
        var told: [String] = []
        let f = try LinuxReplay.run(StraceImporter.parse("fcntl(1, F_DUPFD, 700) = 700\nwrite(700, \"x\", 1) = 1", file: "s.strace")) {
            told.append($0)
        }
        #expect(reasons(f) == [])
        #expect(f.restarts == 1)
        #expect(told == ["s.strace:1: `fcntl(...) = 700 [pid 0]` ran out of file-descriptor slots (32); replaying again with 701 (1440 slots in all)"])
        #expect(try #require(f.configuration).slotsPerSandbox >= 701 + 3)
    }

    @Test func objectsAndSandboxesAreRecycled() throws {
        var lines: [String] = []
        for _ in 0..<300 { lines += ["1 openat(AT_FDCWD, \"/f\", O_RDONLY) = 3", "1 close(3) = 0"] }
        for k in 0..<100 {
            lines += ["1 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f00) = \(100 + k)",
                      "\(100 + k) write(1, \"x\", 1) = 1", "\(100 + k) exit_group(0) = ?", "\(100 + k) +++ exited with 0 +++"]
        }
        // pid 100 again: Linux reused it for a new process.
        lines += ["1 clone(child_stack=NULL, flags=SIGCHLD) = 100", "100 write(1, \"x\", 1) = 1", "100 exit_group(0) = ?"]
        let r = try replayStrace(lines.joined(separator: "\n"))
        #expect(reasons(r) == [])
        #expect(r.divergences.isEmpty)
        let config = try #require(r.configuration)
        #expect(config.sandboxes == 3 && config.threads.count == 3)
        #expect(config.notifications < 300)
    }

    @Test func aTableTooSmallIsEnlargedAndTheReplayRestarts() throws {
        // 67 descriptors: the table is sized from the log (no restart).
        var lines: [String] = []
        for fd in 3..<70 { lines.append("openat(AT_FDCWD, \"/f\(fd)\", O_RDONLY) = \(fd)") }
        lines.append("read(69, \"\", 1) = 0")
        let r = try replayStrace(lines.joined(separator: "\n"))
        #expect(r.restarts == 0)
        #expect(reasons(r) == [])
        #expect(r.divergences.isEmpty)
        // 200 open files: the first estimate of open file descriptions (at most 128) runs out.
        let opens = (3..<203).map { "openat(AT_FDCWD, \"/f\($0)\", O_RDONLY) = \($0)" }
        let f = try replayStrace(opens.joined(separator: "\n"))
        #expect(f.restarts >= 1)
        #expect(reasons(f) == [])
        #expect(f.divergences.isEmpty)
    }

    // MARK: Memory

    @Test func memoryRightsComeFromTheDescriptorAndTheProtection() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/lib/x.so", O_RDONLY|O_CLOEXEC) = 3
            mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = -1 EACCES (Permission denied)
            mmap(NULL, 8192, PROT_READ, MAP_SHARED, 3, 0) = 0x7f0000000000
            mprotect(0x7f0000000000, 4096, PROT_READ|PROT_WRITE) = -1 EACCES (Permission denied)
            mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE, 3, 0) = 0x7f0000010000
            mprotect(0x7f0000010000, 4096, PROT_READ) = 0
            munmap(0x7f0000010000, 8192) = 0
            mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 9, 0) = -1 EBADF (Bad file descriptor)
            mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000020000
            mprotect(0x7f0000021000, 4096, PROT_NONE) = 0
            munmap(0x7f0000020000, 16384) = 0
            brk(NULL) = 0x555555559000
            brk(0x55555557a000) = 0x55555557a000
            """)
        #expect(r.divergences.isEmpty)
        #expect(reasons(r) == [])
        #expect(r.trace.contains { $0.call.syscall == .protect && $0.outcome?.error == .insufficientRights })
    }

    @Test func aMappingLiteBoxWouldRefuseIsAMismatch() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/f", O_RDONLY) = 3
            mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000
            openat(AT_FDCWD, "/g", O_WRONLY) = 4
            mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 4, 0) = 0x7f0000010000
            """)
        #expect(reasons(r) == [
            "2: LiteBox refuses with EACCES but Linux succeeded",
            "4: LiteBox refuses with EACCES but Linux succeeded",
        ])
    }

    // MARK: Processes, threads, futexes

    @Test func aForkedChildInheritsDescriptorsAndMappings() throws {
        let r = try replayStrace("""
            100 openat(AT_FDCWD, "/f", O_RDONLY) = 3
            100 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000
            100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f00000a10) = 101
            101 read(3, "x", 1) = 1
            101 mprotect(0x7f0000000000, 4096, PROT_READ) = 0
            101 close(3) = 0
            100 read(3, "x", 1) = 1
            101 write(3, "x", 1) = -1 EBADF (Bad file descriptor)
            101 exit_group(0) = ?
            101 +++ exited with 0 +++
            100 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101
            100 close(3) = 0
            100 exit_group(0) = ?
            100 +++ exited with 0 +++
            """)
        #expect(r.divergences.isEmpty)
        #expect(reasons(r) == [])
        #expect(r.configuration?.sandboxes == 3)
        #expect(r.unmodeled == ["wait4": 1])
    }

    @Test func futexWaitersAreWokenByLiteBoxInOrder() throws {
        let r = try replayStrace("""
            200 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_CHILD_CLEARTID, child_tid=0x7f10, parent_tid=0x7f10, exit_signal=0, stack=0x7e00, stack_size=0x100, tls=0x7f00} => {parent_tid=[201]}, 88) = 201
            201 futex(0x5000, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
            200 futex(0x5000, FUTEX_WAKE_PRIVATE, 1) = 1
            201 <... futex resumed>) = 0
            200 futex(0x6000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)
            200 futex(0x7f10, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 201, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
            201 exit(0) = ?
            201 +++ exited with 0 +++
            200 <... futex resumed>) = 0
            200 exit_group(0) = ?
            200 +++ exited with 0 +++
            """)
        #expect(r.divergences.isEmpty)
        #expect(reasons(r) == [])
        // The wake and the exit's clear-tid wake each woke a waiting thread through `signal`.
        #expect(r.trace.filter { $0.call.syscall == .wait && $0.outcome?.blocked == true }.count == 2)
    }

    @Test func aWakeOverlappingTheWaitMeetsItWhereTheWakeReturns() throws {
        // The wake enters before the wait but returns after it: the waiter is queued by then.
        let r = try replayStrace("""
            300 clone(child_stack=0x7e00, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 301
            300 futex(0x5000, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>
            301 futex(0x5000, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>
            300 <... futex resumed>) = 1
            301 <... futex resumed>) = 0
            """)
        #expect(reasons(r) == [])
        #expect(r.divergences.isEmpty)
    }

    @Test func aWakeOrWaiterLiteBoxDisagreesWithIsAMismatch() throws {
        let r = try replayStrace("""
            300 clone(child_stack=0x7e00, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 301
            300 clone(child_stack=0x7f00, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 302
            300 futex(0x6000, FUTEX_WAKE_PRIVATE, 1) = 1
            301 futex(0x5000, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
            302 futex(0x5000, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
            300 futex(0x5000, FUTEX_WAKE_PRIVATE, 1) = 1
            302 <... futex resumed>) = 0
            301 <... futex resumed>) = 0
            """)
        // Line 3: nobody waits on 0x6000. Line 7: Linux woke the second
        // waiter, LiteBox's FIFO queue the first; both waits were in flight,
        // so their arrival order is unknown and the personality follows
        // Linux's. Line 8: Linux woke the first too, with no second wake.
        #expect(reasons(r) == [
            "3: Linux woke 1 waiter(s), LiteBox has 0 waiting",
            "8: Linux woke t2 here; LiteBox has not woken it",
        ])
        #expect(r.reorderedWaiters == 1)
        #expect(r.divergences.isEmpty)
    }

    @Test func callsOutsideTheModelAreCountedByName() throws {
        let r = try replayStrace("""
            clock_gettime(CLOCK_MONOTONIC, {tv_sec=1, tv_nsec=2}) = 0
            ioctl(1, TCGETS, {c_iflag=ICRNL|IXON, ...}) = 0
            rt_sigaction(SIGINT, {sa_handler=0x1, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x2}, NULL, 8) = 0
            futex(0x5000, FUTEX_WAKE_OP_PRIVATE, 1, 1, 0x5004, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 0
            stat("/etc", {st_mode=S_IFDIR|0755, st_size=4096, ...}) = 0
            """)
        #expect(r.calls == 5 && r.modeled == 2 && r.pathLookups == 1)
        #expect(r.unmodeled == ["clock_gettime": 1, "rt_sigaction": 1, "futex(FUTEX_WAKE_OP_PRIVATE)": 1])
        #expect(abs(r.modeledPercent - 40) < 1e-9)
    }

    // MARK: The specification holds along a replay

    @Test func everyInvariantHoldsAfterAReplay() throws {
        let r = try replayStrace("""
            openat(AT_FDCWD, "/f", O_RDONLY) = 3
            mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0000000000
            mprotect(0x7f0000001000, 4096, PROT_READ|PROT_WRITE) = 0
            dup(3) = 4
            close(3) = 0
            """)
        let config = try #require(r.configuration)
        let spec = ConcreteSpec(config)
        var s = spec.initialState
        for e in r.trace {
            let (next, outcome) = spec.step(s, e.call)
            #expect(outcome == e.outcome)
            #expect(violations(spec, pre: s, call: e.call, outcome: outcome, post: next).isEmpty)
            s = next
        }
        #expect(r.trace.count == 18)
    }
}
