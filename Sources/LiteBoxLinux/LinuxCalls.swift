// Which Linux system calls the personality models, and how it reads their
// arguments. Everything not listed here is passed through: counted and
// listed by name in the report, never translated.

import LiteBoxABI
import LiteBoxSpec
import StraceImport

/// The Linux calls the personality knows, by kind.
enum LinuxCalls {
    /// What the personality does with a call.
    enum Kind: Equatable {
        /// Passed through: counted, not translated.
        case unmodeled
        /// A path lookup: checked against the directory capability (the
        /// process's, or the `dirfd` argument's). Whether the path exists is
        /// the environment's decision.
        case path
        /// Creates one descriptor (open, socket, eventfd, accept, ...).
        case create
        /// Creates two descriptors reported in an array argument (pipe, socketpair).
        case createPair
        /// dup, dup2, dup3.
        case duplicate
        /// close.
        case close
        /// close_range.
        case closeRange
        /// Uses an open descriptor with the given access.
        case fd(Access)
        /// fcntl: duplicates (`F_DUPFD*`), close-on-exec (`F_SETFD`), otherwise a use.
        case fcntl
        /// mmap, munmap, mprotect, brk, mremap.
        case memory
        /// futex wait and wake.
        case futex
        /// clone, clone3, fork, vfork.
        case clone
        /// execve, execveat.
        case execve
        /// exit (one thread).
        case exit
        /// exit_group (the process).
        case exitGroup
        /// set_tid_address (the futex word woken when the thread exits).
        case setTidAddress
    }

    /// How a call uses a descriptor: the rights it needs.
    enum Access: Equatable {
        /// Reads: needs `R` (`poll` on the capability).
        case read
        /// Writes: needs `W` (`signal` on the capability).
        case write
        /// Input or output of another kind (`lseek`, `ioctl`, `fsync`, ...):
        /// needs `R` or `W`, which an `O_PATH` descriptor lacks (Linux: `EBADF`).
        case io
        /// Needs an open descriptor of any mode, `O_PATH` included (`fstat`,
        /// `fchdir`, a directory for `*at` lookups): a rightless derivation from it.
        case open
    }

    static let paths: Set<String> = [
        "stat", "lstat", "newfstatat", "fstatat64", "statx", "access", "faccessat", "faccessat2", "readlink",
        "readlinkat", "getxattr", "lgetxattr", "listxattr", "llistxattr", "statfs", "chdir", "mkdir", "mkdirat",
        "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2", "symlink", "symlinkat", "link", "linkat",
        "chmod", "fchmodat", "chown", "lchown", "fchownat", "utimensat", "utime", "utimes", "truncate", "mknod",
        "mknodat", "statfs64", "setxattr", "lsetxattr", "removexattr", "lremovexattr", "getcwd",
    ]
    static let creators: Set<String> = [
        "open", "openat", "openat2", "creat", "socket", "eventfd", "eventfd2", "epoll_create", "epoll_create1",
        "memfd_create", "timerfd_create", "signalfd", "signalfd4", "inotify_init", "inotify_init1", "accept",
        "accept4", "pidfd_open", "userfaultfd", "fanotify_init", "perf_event_open", "memfd_secret", "open_tree",
        "fsopen", "pidfd_getfd",
    ]
    static let reads: Set<String> = [
        "read", "readv", "pread64", "preadv", "preadv2", "recvfrom", "recvmsg", "recvmmsg", "getdents",
        "getdents64",
    ]
    static let writes: Set<String> = [
        "write", "writev", "pwrite64", "pwritev", "pwritev2", "sendto", "sendmsg", "sendmmsg", "ftruncate",
        "fallocate",
    ]
    /// Uses of an open descriptor of any mode, `O_PATH` included.
    static let openUses: Set<String> = ["fstat", "fstatfs", "fstatfs64", "fchdir"]
    static let uses: Set<String> = [
        "lseek", "_llseek", "ioctl", "fsync", "fdatasync", "flock", "fchmod",
        "fchown", "fadvise64", "connect", "bind", "listen", "getsockname", "getpeername", "setsockopt",
        "getsockopt", "shutdown", "readahead", "fgetxattr", "flistxattr", "fsetxattr", "fremovexattr", "syncfs",
        "inotify_add_watch", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "sync_file_range",
        "fanotify_mark", "timerfd_settime", "timerfd_gettime",
    ]

    /// The kind of call `c` (futex only for its wait and wake operations).
    static func kind(of c: StraceCall) -> Kind {
        let k = kind(of: c.name)
        if k == .futex && futexOperation(c) == nil { return .unmodeled }
        return k
    }

    /// The name a call outside the model is listed under: its name, and for
    /// futex the operation (`futex(FUTEX_WAKE_OP_PRIVATE)`).
    static func unmodeledName(_ c: StraceCall) -> String {
        guard c.name == "futex", let op = c.args.dropFirst().first else { return c.name }
        let names = op.symbols.filter { $0.hasPrefix("FUTEX_") && $0 != "FUTEX_CLOCK_REALTIME" }
        return "futex(\(names.first ?? String(numericPart(op) ?? -1)))"
    }

    /// A futex operation the personality models.
    enum FutexOperation { case wait, wake }

    /// The operation of a futex call, if it is a wait or a wake (`FUTEX_WAIT`,
    /// `FUTEX_WAIT_BITSET`, `FUTEX_WAKE`, `FUTEX_WAKE_BITSET`, private or not;
    /// raw operation numbers 0, 9, 1, 10).
    static func futexOperation(_ c: StraceCall) -> FutexOperation? {
        guard let op = c.args.dropFirst().first else { return nil }
        for s in op.symbols {
            switch s {
            case "FUTEX_WAIT", "FUTEX_WAIT_PRIVATE", "FUTEX_WAIT_BITSET", "FUTEX_WAIT_BITSET_PRIVATE": return .wait
            case "FUTEX_WAKE", "FUTEX_WAKE_PRIVATE", "FUTEX_WAKE_BITSET", "FUTEX_WAKE_BITSET_PRIVATE": return .wake
            default: continue
            }
        }
        guard op.symbols.isEmpty, let n = numericPart(op) else { return nil }
        switch n & 0x7F {
        case 0, 9: return .wait
        case 1, 10: return .wake
        default: return nil
        }
    }

    /// The kind of the call named `name`.
    static func kind(of name: String) -> Kind {
        switch name {
        case "close": return .close
        case "close_range": return .closeRange
        case "dup", "dup2", "dup3": return .duplicate
        case "pipe", "pipe2", "socketpair": return .createPair
        case "fcntl", "fcntl64": return .fcntl
        case "mmap", "mmap2", "munmap", "mprotect", "brk", "mremap": return .memory
        case "futex": return .futex
        case "clone", "clone3", "fork", "vfork": return .clone
        case "execve", "execveat": return .execve
        case "exit": return .exit
        case "exit_group": return .exitGroup
        case "set_tid_address": return .setTidAddress
        case "sendfile", "sendfile64", "splice", "copy_file_range", "tee": return .fd(.io)
        default:
            if creators.contains(name) { return .create }
            if reads.contains(name) { return .fd(.read) }
            if writes.contains(name) { return .fd(.write) }
            if openUses.contains(name) { return .fd(.open) }
            if uses.contains(name) { return .fd(.io) }
            if paths.contains(name) { return .path }
            return .unmodeled
        }
    }

    /// Whether `c` closes descriptor `fd` (close, or a close_range covering it
    /// without `CLOSE_RANGE_CLOEXEC`).
    static func closes(_ c: StraceCall, _ fd: Int) -> Bool {
        switch c.name {
        case "close": return descriptor(c.args.first) == fd
        case "close_range":
            guard let first = c.args.first?.intValue, let last = unsignedValue(c.args.dropFirst().first),
                  !has(c.args.dropFirst(2).first, "CLOSE_RANGE_CLOEXEC", bit: 4) else { return false }
            return Int64(fd) >= first && UInt64(fd) <= UInt64(bitPattern: last)
        default: return false
        }
    }

    /// An unsigned argument: its integer, or the all-ones value for strace's
    /// `~0U`-style spelling (`close_range(3, ~0U, 0)`).
    static func unsignedValue(_ v: StraceValue?) -> Int64? {
        guard let v else { return nil }
        if let n = v.intValue { return n }
        if case .raw(let s) = v, s.hasPrefix("~0") { return -1 }
        return nil
    }

    /// The descriptors call `c` created, by Linux's result.
    static func createdDescriptors(_ c: StraceCall) -> [Int] {
        switch kind(of: c.name) {
        case .create, .duplicate:
            return c.returnValue.map { [Int($0)] } ?? []
        case .fcntl:
            guard let cmd = c.args.dropFirst().first, let r = c.returnValue,
                  cmd.contains(flag: "F_DUPFD") || cmd.contains(flag: "F_DUPFD_CLOEXEC") || [0, 1030].contains(numericPart(cmd))
            else { return [] }
            return [Int(r)]
        case .createPair:
            guard c.returnValue == 0,
                  case .array(let items)? = c.name == "socketpair" ? c.args.dropFirst(3).first : c.args.first
            else { return [] }
            return items.compactMap { $0.intValue.map(Int.init) }
        default:
            return []
        }
    }

    /// The clone flags of a clone, clone3, fork or vfork call, as symbols
    /// (raw numbers, as printed with `-X raw`, are decoded).
    static func cloneFlags(_ c: StraceCall) -> Set<String> {
        switch c.name {
        case "fork": return ["SIGCHLD"]
        case "vfork": return ["CLONE_VM", "CLONE_VFORK", "SIGCHLD"]
        default:
            guard let v = c.argument(named: "flags") ?? (c.name == "clone" ? c.args.dropFirst().first : nil) else { return [] }
            var s = Set(v.symbols)
            if let raw = numericPart(v) {
                for (bit, name) in cloneFlagNames where raw & bit != 0 { s.insert(name) }
            }
            return s
        }
    }

    static let cloneFlagNames: [(Int64, String)] = [
        (0x100, "CLONE_VM"), (0x200, "CLONE_FS"), (0x400, "CLONE_FILES"), (0x800, "CLONE_SIGHAND"),
        (0x4000, "CLONE_VFORK"), (0x10000, "CLONE_THREAD"), (0x200000, "CLONE_CHILD_CLEARTID"),
        (0x1000000, "CLONE_CHILD_SETTID"),
    ]

    /// The bitwise or of the numeric members of a flag value (`O_RDONLY|0x80000` gives 0x80000).
    static func numericPart(_ v: StraceValue) -> Int64? {
        switch v {
        case .int(let n): return n
        case .flags(let items):
            let ns = items.compactMap { if case .int(let n) = $0 { return n } else { return nil } }
            return ns.isEmpty ? nil : ns.reduce(0, |)
        case .named(_, let x), .commented(let x, _): return numericPart(x)
        default: return nil
        }
    }

    /// Whether a flag value has `name` set, symbolically or as the raw bit `bit`.
    static func has(_ v: StraceValue?, _ name: String, bit: Int64) -> Bool {
        guard let v else { return false }
        if v.contains(flag: name) { return true }
        if let n = numericPart(v), bit != 0, n & bit != 0 { return true }
        return false
    }

    /// The rights an open mode gives: `O_RDONLY` R, `O_WRONLY` W, `O_RDWR` RW,
    /// `O_PATH` none (symbolic or raw flags).
    static func openRights(_ flags: StraceValue?) -> Rights {
        guard let flags else { return .read }
        if has(flags, "O_PATH", bit: 0o10000000) { return [] }
        if flags.contains(flag: "O_RDWR") { return [.read, .write] }
        if flags.contains(flag: "O_WRONLY") { return .write }
        if flags.contains(flag: "O_RDONLY") { return .read }
        switch (numericPart(flags) ?? 0) & 3 {
        case 1: return .write
        case 2: return [.read, .write]
        default: return .read
        }
    }

    /// The rights a protection gives: `PROT_READ` R, `PROT_WRITE` W
    /// (`PROT_EXEC` has no LiteBox right and is ignored).
    static func protRights(_ prot: StraceValue?) -> Rights {
        var r: Rights = []
        if has(prot, "PROT_READ", bit: 1) { r.insert(.read) }
        if has(prot, "PROT_WRITE", bit: 2) { r.insert(.write) }
        return r
    }

    /// A file descriptor argument: its number, or nil for `AT_FDCWD` (and
    /// anything that is not a number).
    static func descriptor(_ v: StraceValue?) -> Int? {
        guard let v else { return nil }
        if v.contains(flag: "AT_FDCWD") { return nil }
        guard let n = v.intValue, n != -100 else { return nil }
        return Int(n)
    }

    /// `name(...) = result`, for reports.
    static func render(_ c: StraceCall) -> String {
        let result: String
        switch c.result {
        case .value(let n, _): result = n > 0xFFFF ? "0x" + String(UInt64(bitPattern: n), radix: 16) : "\(n)"
        case .error(let e, let code, _): result = "\(code) \(e)"
        case .unknown: result = "?"
        case .restart(let r): result = "? \(r)"
        case .none: result = "<unfinished>"
        }
        return "\(c.name)(...) = \(result) [pid \(c.pid)]"
    }
}
