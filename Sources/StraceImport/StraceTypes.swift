// The structured form of `strace` output: values, results, calls, events and
// errors. The parser that produces them is in StraceImporter.swift.

/// One decoded value of strace output: a syscall argument, a struct field, an
/// array element, a signal's siginfo.
///
/// Values that are syntactically balanced but match none of the shapes below
/// (`8192*1024`, `WIFEXITED(s) && WEXITSTATUS(s) == 0`, `@"abstract"`) are kept
/// as ``raw(_:)`` text rather than rejected. A value is at most 256 levels
/// deep (see ``StraceImporter``), so walking it recursively, comparing it and
/// releasing it stay well within any thread's stack.
public indirect enum StraceValue: Equatable, Sendable {
    /// An integer: decimal, negative, hexadecimal (`0x7f...`) or octal (`0644`).
    /// Hexadecimal and decimal values above `Int64.max` (up to `UInt64.max`)
    /// keep their bit pattern (`0xffffffffffffffff` and `18446744073709551615`
    /// are both `-1`, as strace prints unsigned kernel values in either form).
    ///
    /// An integer that fits in no 64-bit integer (above `UInt64.max`, below
    /// `Int64.min`) is never an `int`: in an argument it is ``raw(_:)`` text
    /// (strace prints some byte strings as one long hex number, such as the
    /// `f_handle` of `name_to_handle_at`), and as a result or a pid it makes
    /// the line malformed (``StraceError`` `integer out of range` at its
    /// column; with `skipUnparsed`, the line is skipped and listed in
    /// ``StraceLog/skipped``). Code that needs a number where there is raw
    /// text reports it (the Linux personality does for descriptors).
    case int(Int64)
    /// A string with its C escapes (`\n`, `\"`, `\x41`, `\101`) decoded. The
    /// decoded bytes are read as UTF-8 when they are valid UTF-8, otherwise as
    /// ISO Latin-1 (one character per byte, so no byte is lost). `truncated`
    /// is true when strace cut the string (`"abc"...`, see `-s N`).
    case string(String, truncated: Bool)
    /// A bare identifier: `NULL`, `AT_FDCWD`, `SEEK_SET`, `FUTEX_WAKE_PRIVATE`.
    case symbol(String)
    /// A flag set `A|B|0x80000`; each element is a ``symbol(_:)`` or an ``int(_:)``
    /// (under `-X verbose`, an int ``commented(_:comment:)`` with its names).
    case flags([StraceValue])
    /// A file descriptor decorated by `-y`: `3</etc/passwd>`, `3<pipe:[12345]>`,
    /// `3<socket:[1]>`. `AT_FDCWD</root>` is `fd(-100, path: "/root")`
    /// (`AT_FDCWD` is -100 on Linux).
    case fd(Int64, path: String)
    /// A struct `{a=1, b=2, ...}`; an abbreviation `...` is a field without a
    /// name whose value is ``ellipsis``.
    case structure([StraceField])
    /// An array `[1, 2]`, `[{...}, {...}]`, or a signal set `[CHLD]`,
    /// `[RTMIN RT_1]` (strace separates signal-set members by spaces).
    case array([StraceValue])
    /// A complemented signal set: `~[RTMIN RT_1]` is `complement(.array([...]))`.
    case complement(StraceValue)
    /// A function-call-like value: `makedev(0x1, 0x3)`, `inet_addr("127.0.0.1")`.
    case call(String, [StraceValue])
    /// A named argument, as in clone's `child_stack=NULL, flags=CLONE_VM|...`,
    /// or a named element of an array.
    case named(String, StraceValue)
    /// A value followed by a comment: `0x7ffd... /* 25 vars */`, and `-X verbose`'s
    /// `0x80000 /* O_RDONLY|O_CLOEXEC */`. The comment is the text between
    /// `/*` and `*/`, trimmed.
    case commented(StraceValue, comment: String)
    /// An in/out argument that the call changed: `{...} => {parent_tid=[31347]}`
    /// (clone3), `[16] => [110]` (socket address lengths).
    case updated(StraceValue, after: StraceValue)
    /// An abbreviation `...` (more elements or fields that strace did not print).
    case ellipsis
    /// Balanced text that is none of the above, kept verbatim (trimmed). A
    /// comment standing alone (`/* 5 entries */`) is kept this way too.
    case raw(String)

    /// The integer this value stands for: ``int(_:)`` and ``fd(_:path:)``
    /// directly, `NULL` as 0, a flag set made only of integers (`-X raw` /
    /// `-X verbose`) as their bitwise or, and the inner value of ``named(_:_:)``, ``commented(_:comment:)`` and
    /// (the value before the call) ``updated(_:after:)``. Nil otherwise.
    public var intValue: Int64? {
        switch self {
        case .int(let n), .fd(let n, _): return n
        case .symbol(let s): return s == "NULL" ? 0 : nil
        case .flags(let items):
            var result: Int64 = 0
            for item in items {
                guard let n = item.intValue else { return nil }
                result |= n
            }
            return result
        case .named(_, let v), .commented(let v, _), .updated(let v, _): return v.intValue
        default: return nil
        }
    }

    /// The symbolic names in this value: the name of a ``symbol(_:)``, the
    /// symbolic members of a ``flags(_:)`` set, looking through
    /// ``named(_:_:)`` and ``commented(_:comment:)``. Empty otherwise.
    public var symbols: [String] {
        switch self {
        case .symbol(let s): return [s]
        case .flags(let items): return items.flatMap { $0.symbols }
        case .named(_, let v), .commented(let v, _): return v.symbols
        default: return []
        }
    }

    /// Whether the value names `flag` (see ``symbols``): `O_RDONLY|O_CLOEXEC`
    /// contains `O_CLOEXEC`.
    public func contains(flag: String) -> Bool { symbols.contains(flag) }

    /// The decoded text of a ``string(_:truncated:)`` (looking through
    /// ``named(_:_:)`` and ``commented(_:comment:)``); nil for other values.
    public var stringValue: String? {
        switch self {
        case .string(let s, _): return s
        case .named(_, let v), .commented(let v, _): return v.stringValue
        default: return nil
        }
    }

    /// The `-y` path of an ``fd(_:path:)`` (looking through ``named(_:_:)``
    /// and ``commented(_:comment:)``); nil for other values.
    public var path: String? {
        switch self {
        case .fd(_, let p): return p
        case .named(_, let v), .commented(let v, _): return v.path
        default: return nil
        }
    }

    /// The value of the field or named argument `name` of a
    /// ``structure(_:)`` (or of the named elements of an ``array(_:)`` or
    /// ``call(_:_:)``); the first match, nil when there is none.
    public subscript(field name: String) -> StraceValue? {
        switch self {
        case .structure(let fields): return fields.first { $0.name == name }?.value
        case .array(let items), .call(_, let items):
            for case .named(let n, let v) in items where n == name { return v }
            return nil
        case .commented(let v, _): return v[field: name]
        default: return nil
        }
    }
}

/// One field of a struct: `name=value`, or a value without a name (`...`, or
/// an unnamed member such as wait4's `{WIFEXITED(s) && WEXITSTATUS(s) == 0}`).
public struct StraceField: Equatable, Sendable {
    /// The field name, nil for an unnamed member.
    public var name: String?
    /// The field value.
    public var value: StraceValue

    /// A field `name=value` (or an unnamed member when `name` is nil).
    public init(name: String?, value: StraceValue) {
        self.name = name
        self.value = value
    }
}

/// The result of a syscall, the text after ` = `.
public enum StraceResult: Equatable, Sendable {
    /// A returned value, decimal or hexadecimal (`= 3`, `= 0x7f884b2e6000`),
    /// with its `-y` decoration (`= 3</etc/passwd>` has decoration
    /// `/etc/passwd`). Text after the value (`(flags O_RDONLY)`, `(Timeout)`)
    /// is in ``StraceCall/resultNote``.
    case value(Int64, decoration: String?)
    /// A failure: `= -1 ENOENT (No such file or directory)` is
    /// `error(errno: "ENOENT", code: -1, message: "No such file or directory")`.
    case error(errno: String, code: Int64, message: String)
    /// `= ?`: the call did not return (execve in the old image, exit_group).
    case unknown
    /// `= ? ERESTARTSYS (To be restarted if SA_RESTART is set)` and the other
    /// `ERESTART*` codes: the call was interrupted and will be restarted; the
    /// associated value is the code (`ERESTARTSYS`, `ERESTARTNOHAND`, ...), the
    /// explanation is in ``StraceCall/resultNote``.
    case restart(String)
    /// No result: the call was `<unfinished ...>` and never resumed in the file.
    case none
}

/// A position in an input file: its name and a 1-based line number.
public struct StraceLocation: Equatable, Sendable, CustomStringConvertible {
    /// The file name given to the parser.
    public var file: String
    /// The line number, 1-based.
    public var line: Int

    /// A location.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`.
    public var description: String { "\(file):\(line)" }
}

/// One syscall, complete or joined from its `<unfinished ...>` and
/// `<... resumed>` halves.
public struct StraceCall: Equatable, Sendable {
    /// The syscall name (`openat`, `clone3`, `futex`).
    public var name: String
    /// The arguments, in order. For a split call the two halves are joined
    /// before parsing; for a call that never resumed, the arguments printed
    /// before `<unfinished ...>`.
    public var args: [StraceValue]
    /// The result.
    public var result: StraceResult
    /// Text printed after the result, trimmed: `(flags O_RDONLY)`, `(Timeout)`,
    /// ERESTART*'s `(To be restarted if SA_RESTART is set)`. Nil when none.
    public var resultNote: String?
    /// The process or thread id: the line's pid prefix, the `.PID` suffix of an
    /// `-ff` file, or 0 for a line without a pid prefix in a single file.
    public var pid: Int
    /// Where the call starts (its only line, or its `<unfinished ...>` line).
    public var start: StraceLocation
    /// The `<... resumed>` line of a split call; nil for a one-line call or a
    /// call that never resumed.
    public var end: StraceLocation?
    /// The `-tt` (seconds since midnight) or `-ttt` (seconds since the epoch)
    /// timestamp of the start line; nil without timestamps.
    public var timestamp: Double?
    /// The `-T` time spent in the call, in seconds; nil without `-T`.
    public var duration: Double?

    /// A call.
    public init(name: String, args: [StraceValue], result: StraceResult, resultNote: String? = nil, pid: Int,
                start: StraceLocation, end: StraceLocation? = nil, timestamp: Double? = nil, duration: Double? = nil) {
        self.name = name
        self.args = args
        self.result = result
        self.resultNote = resultNote
        self.pid = pid
        self.start = start
        self.end = end
        self.timestamp = timestamp
        self.duration = duration
    }

    /// The returned value when the call succeeded with a number (``StraceResult/value(_:decoration:)``).
    public var returnValue: Int64? {
        if case .value(let n, _) = result { return n }
        return nil
    }

    /// The errno name when the call failed (``StraceResult/error(errno:code:message:)``).
    public var errno: String? {
        if case .error(let e, _, _) = result { return e }
        return nil
    }

    /// The value of the named argument `name` (clone's `flags=...`), or of the
    /// field `name` of a struct argument (clone3's `{flags=..., ...}`); nil when absent.
    public func argument(named name: String) -> StraceValue? {
        for arg in args {
            if case .named(let n, let v) = arg, n == name { return v }
        }
        for arg in args {
            var v = arg
            if case .updated(let before, _) = v { v = before }
            if let found = v[field: name] { return found }
        }
        return nil
    }
}

/// One event of a log, in file (or merged) order.
public enum StraceEvent: Equatable, Sendable {
    /// A syscall, at the position of its line (of its `<unfinished ...>` line
    /// for a split call, which carries the joined arguments and the result).
    case call(StraceCall)
    /// Where a split call completed (its `<... resumed>` line); `callIndex` is
    /// the index in ``StraceLog/events`` of its ``call(_:)`` event.
    case resumed(callIndex: Int, at: StraceLocation)
    /// A signal delivery `--- SIGCHLD {si_signo=SIGCHLD, ...} ---`; `info` is
    /// the siginfo struct when printed (`--- stopped by SIGSTOP ---` has none).
    case signal(pid: Int, name: String, info: StraceValue?, at: StraceLocation)
    /// `+++ exited with N +++`.
    case exited(pid: Int, status: Int, at: StraceLocation)
    /// `+++ killed by SIGKILL +++`, `+++ killed by SIGSEGV (core dumped) +++`.
    case killed(pid: Int, signal: String, coreDumped: Bool, at: StraceLocation)

    /// The location of the event's line.
    public var location: StraceLocation {
        switch self {
        case .call(let c): return c.start
        case .resumed(_, let at), .signal(_, _, _, let at), .exited(_, _, let at), .killed(_, _, _, let at): return at
        }
    }
}

/// A parsed strace log.
public struct StraceLog: Equatable, Sendable {
    /// The events, in file order (for an `-ff` set: merged, see
    /// ``StraceImporter/parse(files:skipUnparsed:)``).
    public var events: [StraceEvent]
    /// The lines skipped as unparseable (only with `skipUnparsed`).
    public var skipped: [StraceError]
    /// The pids seen, ascending.
    public var pids: [Int]

    /// A log.
    public init(events: [StraceEvent], skipped: [StraceError], pids: [Int]) {
        self.events = events
        self.skipped = skipped
        self.pids = pids
    }

    /// The calls, in event order.
    public var calls: [StraceCall] {
        events.compactMap { if case .call(let c) = $0 { return c } else { return nil } }
    }
}

/// A line that cannot be parsed: where, and why.
public struct StraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file name given to the parser.
    public var file: String
    /// The line, 1-based (0 for a problem with the whole file, such as an
    /// `-ff` file name without a `.PID` suffix).
    public var line: Int
    /// The column of the offending character, 1-based, counted in bytes (0
    /// with line 0).
    public var column: Int
    /// What is wrong. Input it quotes is cut after 60 characters (with `…`)
    /// and has its control characters escaped (`\0`, `\r`, `\u{1B}`).
    public var reason: String

    /// An error.
    public init(file: String, line: Int, column: Int, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `file:line:column: reason`.
    public var description: String { "\(file):\(line):\(column): \(reason)" }
}
