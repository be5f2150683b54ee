// The line grammar of `strace -f` / `strace -ff` output: pid and timestamp
// prefixes, complete calls, `<unfinished ...>` / `<... resumed>` pairs,
// signals and exits, and the merge of an `-ff` set.

import Foundation

/// Parses the text output of `strace` into a ``StraceLog``.
///
/// Accepted input: the output of `strace -f` (or without `-f`), with or
/// without `-t`, `-tt`, `-ttt`, `-T`, `-y`, `-s N`, `-X raw|abbrev|verbose`;
/// lines may carry a pid prefix (`1234  openat(...)` as written by `-o FILE`,
/// or `[pid  1234] ` as written to stderr) or none. A line without a pid
/// prefix in a single file belongs to pid 0 ("the traced process, pid not
/// printed": strace writes no prefix for the first process when it prints
/// `[pid N]` prefixes, and none at all without `-f`).
///
/// A line is one of: a complete call `name(args) = result`, optionally with
/// a trailing `-T` duration ` <0.000123>`; the first half of a split call
/// `name(args <unfinished ...>`; its second half `<... name resumed>rest) = result`
/// of the same pid; a signal `--- SIGCHLD {...} ---`; an exit
/// `+++ exited with N +++` or `+++ killed by SIGKILL [(core dumped)] +++`.
/// Empty lines and strace's own messages (`strace: Process 12 attached`,
/// present when strace wrote to stderr) are ignored. Any other line is an
/// error, and so are: a value nested more than 256 levels deep (brackets,
/// braces, parentheses, `name=`, `~`, flag sets, comments and `=>` each count
/// a level); an integer that fits in no 64-bit integer (`99999999999999999999`:
/// `integer out of range`); a malformed or out-of-range timestamp
/// (`24:00:00`); a pid that does not fit in an `Int`; and a line that has a
/// timestamp when the log's first line has none, or none when it has one, or
/// whose `-t`/`-tt` (time of day) or `-ttt` (epoch) style differs from it.
/// Text quoted from the input in an error is cut after 60 characters and has
/// its control characters escaped. Output captured from stderr (`2> FILE`
/// rather than `-o FILE`) can have strace's messages spliced into the middle
/// of a line; such lines are malformed. In that form the first process's
/// lines carry no pid while strace traces it alone and `[pid N]` once it has
/// children, so a `<... resumed>` line is paired with a pending call of pid 0 (or, when it
/// has no pid, with the only pending call of that name) when its own pid has none.
public enum StraceImporter {

    /// Parses one file of strace output.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the file name used in locations and errors.
    ///   - skipUnparsed: record bad lines in ``StraceLog/skipped`` and go on,
    ///     instead of throwing the first one.
    /// - Throws: ``StraceError`` for the first malformed line (unless
    ///   `skipUnparsed`). A call left `<unfinished ...>` at the end of the
    ///   file (or when its pid exits) is not an error: it is a call with
    ///   result ``StraceResult/none``.
    public static func parse(_ text: String, file: String, skipUnparsed: Bool = false) throws -> StraceLog {
        let parsed = try parseFile(text, file: file, defaultPid: 0, skipUnparsed: skipUnparsed)
        return StraceLog(events: parsed.events, skipped: parsed.skipped, pids: Set(parsed.events.compactMap(pid(of:))).sorted())
    }

    /// Parses an `strace -ff -o PREFIX` set: one file per process or thread,
    /// named `PREFIX.PID`, whose lines carry no pid (the pid is the file-name
    /// suffix; a pid prefix on a line, if any, wins).
    ///
    /// Merge order: when the lines carry `-t`/`-tt`/`-ttt` timestamps, the
    /// files are merged by timestamp (each file keeps its own order; equal
    /// timestamps go to the lower pid first). When no line of any file
    /// carries one, the files are concatenated in ascending pid order (which
    /// loses the interleaving). A set where some lines carry a timestamp and
    /// others do not, or where `-t`/`-tt` (time of day) and `-ttt` (seconds
    /// since the epoch) timestamps are mixed, is an error at the first line
    /// that differs from the set's first line (files in pid order), as no
    /// merge order would be right. `-tt` timestamps are seconds since
    /// midnight; a timestamp more than 12 hours below its predecessor in the
    /// same file is taken to have crossed midnight. Unfinished/resumed
    /// pairing is per file (per pid). The `callIndex` of ``StraceEvent/resumed(callIndex:at:)``
    /// refers to the merged ``StraceLog/events``.
    ///
    /// - Throws: ``StraceError`` for a malformed line (see
    ///   ``parse(_:file:skipUnparsed:)``; with `skipUnparsed`, such lines,
    ///   including lines whose timestamp disagrees with the set's, are
    ///   collected in ``StraceLog/skipped`` instead), or (line 0) for a file
    ///   name without a numeric `.PID` suffix or two files with the same pid.
    /// What an entry of an `strace -ff -o NAME` directory is.
    public enum SetEntry: Equatable, Sendable {
        /// `NAME.PID`: the file of process `pid`.
        case member(name: String, pid: Int32)
        /// Anything else, and why.
        case other(reason: String)
    }

    /// Whether the file name `fileName` is a member of an `strace -ff -o
    /// NAME` set: `NAME.PID` with a non-empty NAME and a PID of ASCII digits
    /// without leading zeros, from 1 to 2147483647 (`Int32.max`, Linux's
    /// `pid_t`), as strace writes them. The one rule for `parse(files:)` and
    /// for tools choosing a directory's files.
    public static func setEntry(_ fileName: String) -> SetEntry {
        guard let dot = fileName.lastIndex(of: ".") else { return .other(reason: "the name does not end in .PID") }
        let name = fileName[..<dot], pid = fileName[fileName.index(after: dot)...]
        if pid.isEmpty { return .other(reason: "the name does not end in .PID") }
        if name.isEmpty { return .other(reason: "there is no NAME before the .PID") }
        guard pid.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .other(reason: "'\(excerpt(String(pid)))' is not a process id (ASCII digits)")
        }
        guard pid.first != "0", let n = Int32(pid), n > 0 else {
            return .other(reason: "'\(excerpt(String(pid)))' is not a process id (from 1 to \(Int32.max), no leading zeros)")
        }
        return .member(name: String(name), pid: n)
    }

    public static func parse(files: [(path: String, text: String)], skipUnparsed: Bool = false) throws -> StraceLog {
        var members: [(pid: Int, path: String, text: String)] = []
        for f in files {
            let pid: Int
            switch setEntry((f.path as NSString).lastPathComponent) {
            case .member(_, let n): pid = Int(n)
            case .other(let reason):
                throw StraceError(file: f.path, line: 0, column: 0, reason: "not a file of an strace -ff set: \(reason)")
            }
            if members.contains(where: { $0.pid == pid }) {
                throw StraceError(file: f.path, line: 0, column: 0, reason: "a second file for pid \(pid)")
            }
            members.append((pid, f.path, f.text))
        }
        members.sort { $0.pid < $1.pid }
        // The files are parsed in pid order, all against the clock of the first line.
        var clock: Clock?
        var parts: [(pid: Int, parsed: FileParse)] = []
        var skipped: [StraceError] = []
        for m in members {
            let parsed = try parseFile(m.text, file: m.path, defaultPid: m.pid, skipUnparsed: skipUnparsed, clock: &clock)
            parts.append((m.pid, parsed))
        }
        for p in parts { skipped += p.parsed.skipped }
        // Every event has a timestamp or none has (see `checkClock`).
        let timed = parts.allSatisfy { $0.parsed.timestamps.allSatisfy { $0 != nil } }
        // The merged order as (file, index in file).
        var order: [(Int, Int)] = []
        if timed {
            var next = Array(repeating: 0, count: parts.count)
            while true {
                var best: Int?
                for k in parts.indices where next[k] < parts[k].parsed.events.count {
                    if let b = best {
                        if parts[k].parsed.timestamps[next[k]]! < parts[b].parsed.timestamps[next[b]]! { best = k }
                    } else {
                        best = k
                    }
                }
                guard let b = best else { break }
                order.append((b, next[b]))
                next[b] += 1
            }
        } else {
            for k in parts.indices { for i in parts[k].parsed.events.indices { order.append((k, i)) } }
        }
        var globalIndex: [[Int]] = parts.map { Array(repeating: 0, count: $0.parsed.events.count) }
        for (g, (k, i)) in order.enumerated() { globalIndex[k][i] = g }
        let events: [StraceEvent] = order.map { k, i in
            let e = parts[k].parsed.events[i]
            if case .resumed(let local, let at) = e { return .resumed(callIndex: globalIndex[k][local], at: at) }
            return e
        }
        return StraceLog(events: events, skipped: skipped, pids: Set(events.compactMap(pid(of:))).sorted())
    }

    // MARK: - One file

    /// One parsed file, with the timestamp of each event's line.
    struct FileParse {
        var events: [StraceEvent] = []
        var timestamps: [Double?] = []
        var skipped: [StraceError] = []
    }

    /// A call waiting for its `<... resumed>` line.
    struct Pending {
        var eventIndex: Int
        var name: String
        var line: [UInt8]
        var lineNumber: Int
        var argStart: Int
        var argEnd: Int
    }

    /// The pid of an event (nil for a resumed marker, whose call has it).
    static func pid(of event: StraceEvent) -> Int? {
        switch event {
        case .call(let c): return c.pid
        case .resumed: return nil
        case .signal(let p, _, _, _), .exited(let p, _, _), .killed(let p, _, _, _): return p
        }
    }

    /// How the timestamps of a log look, as its first event line has them:
    /// every other event line must agree.
    struct Clock {
        /// Whether that line has a timestamp.
        var timed: Bool
        /// Its style (nil without a timestamp).
        var style: TimestampStyle?
        /// That line.
        var location: StraceLocation
    }

    /// The clock of a timestamp.
    enum TimestampStyle: Equatable {
        /// `-t`/`-tt`: `12:34:56[.123456]`, seconds since midnight.
        case timeOfDay
        /// `-ttt`: `1700000000.123456`, seconds since the epoch.
        case epoch

        var name: String { self == .timeOfDay ? "a -t/-tt timestamp (time of day)" : "a -ttt timestamp (seconds since the epoch)" }
    }

    /// A line's prefix: its pid, and its timestamp with its style and offset.
    struct Prefix {
        var pid: Int?
        var timestamp: Double?
        var style: TimestampStyle?
        /// The offset of the timestamp, or where it would be.
        var stampOffset: Int
    }

    static func parseFile(_ text: String, file: String, defaultPid: Int, skipUnparsed: Bool) throws -> FileParse {
        var clock: Clock?
        return try parseFile(text, file: file, defaultPid: defaultPid, skipUnparsed: skipUnparsed, clock: &clock)
    }

    static func parseFile(_ text: String, file: String, defaultPid: Int, skipUnparsed: Bool, clock: inout Clock?) throws -> FileParse {
        var out = FileParse()
        var pending: [Int: Pending] = [:]
        var lastTimestamp: Double?
        var dayOffset = 0.0
        let all = Array(text.utf8)
        var lineStart = 0
        var lineNumber = 0
        while lineStart < all.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < all.count, all[lineEnd] != 10 { lineEnd += 1 }
            var line = Array(all[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            if line.last == 13 { line.removeLast() }
            if line.allSatisfy(\.isSpace) { continue }
            do {
                try parseLine(line, number: lineNumber, file: file, defaultPid: defaultPid, into: &out,
                              pending: &pending, clock: &clock, lastTimestamp: &lastTimestamp, dayOffset: &dayOffset)
            } catch let error as StraceError {
                if !skipUnparsed { throw error }
                out.skipped.append(error)
            }
        }
        // Calls still pending stay as calls without a result (StraceResult.none).
        return out
    }

    /// Parses an optional pid prefix (`1234 ` or `[pid  1234] `) and an
    /// optional timestamp (`12:34:56`, `12:34:56.123456`, `1700000000.123456`);
    /// leaves the cursor at the start of the line's body.
    ///
    /// A token of digits, dots and colons before the body is a timestamp: one
    /// with a colon must be `HH:MM:SS[.fraction]` with hours below 24, minutes
    /// below 60 and seconds below 61 (a leap second); one with a dot must be
    /// `SECONDS.fraction`. Anything else there is an error, as is a pid that
    /// does not fit in an `Int`.
    static func parsePrefix(_ p: inout ValueParser) throws -> Prefix {
        var pid: Int?
        p.skipSpaces()
        if p.starts(with: "[pid") {
            var q = p
            q.pos += 4
            q.skipSpaces()
            let s = q.pos
            while let c = q.peek, c.isDigit { q.pos += 1 }
            if q.pos > s, q.peek == .rbracket {
                guard let n = Int(q.text(s, q.pos)) else {
                    throw ParseFailure(offset: s, reason: "pid out of range: \(quoted(q.text(s, q.pos)))")
                }
                pid = n
                q.pos += 1
                p = q
            }
        } else {
            var q = p
            let s = q.pos
            while let c = q.peek, c.isDigit { q.pos += 1 }
            if q.pos > s, let c = q.peek, c.isSpace {
                guard let n = Int(q.text(s, q.pos)) else {
                    throw ParseFailure(offset: s, reason: "pid out of range: \(quoted(q.text(s, q.pos)))")
                }
                pid = n
                p = q
            }
        }
        p.skipSpaces()
        var q = p
        let s = q.pos
        var colons = 0, dots = 0
        while let c = q.peek, c.isDigit || c == .dot || c == UInt8(ascii: ":") {
            if c == .dot { dots += 1 } else if !c.isDigit { colons += 1 }
            q.pos += 1
        }
        guard q.pos > s, let c = q.peek, c.isSpace, colons + dots > 0 else {
            return Prefix(pid: pid, timestamp: nil, style: nil, stampOffset: s)
        }
        let stamp = Array(q.bytes[s..<q.pos])
        /// The value of a run of digits.
        func digits(_ from: Int, _ to: Int) -> Double? {
            guard from < to, stamp[from..<to].allSatisfy(\.isDigit) else { return nil }
            return Double(String(decoding: stamp[from..<to], as: UTF8.self))
        }
        /// Whether the stamp goes on from `from` with `.digits` to its end, or ends there.
        func fraction(_ from: Int) -> Bool {
            from == stamp.count || (stamp[from] == .dot && from + 1 < stamp.count && stamp[(from + 1)...].allSatisfy(\.isDigit))
        }
        /// The stamp from `from` on, as a number.
        func number(_ from: Int) -> Double? { Double(String(decoding: stamp[from...], as: UTF8.self)) }
        func malformed() -> ParseFailure {
            ParseFailure(offset: s, reason: "malformed timestamp \(quoted(q.text(s, q.pos))) (expected HH:MM:SS[.ffffff] or SECONDS.ffffff)")
        }
        let seconds: Double
        let style: TimestampStyle
        if colons > 0 {
            // -t / -tt: HH:MM:SS[.ffffff]
            guard colons == 2, stamp.count >= 8, stamp[2] == UInt8(ascii: ":"), stamp[5] == UInt8(ascii: ":"),
                  let h = digits(0, 2), let m = digits(3, 5), digits(6, 8) != nil, fraction(8), let sec = number(6) else { throw malformed() }
            guard h < 24 else { throw ParseFailure(offset: s, reason: "timestamp out of range: hour \(Int(h)) (00 to 23)") }
            guard m < 60 else { throw ParseFailure(offset: s + 3, reason: "timestamp out of range: minute \(Int(m)) (00 to 59)") }
            guard sec < 61 else { throw ParseFailure(offset: s + 6, reason: "timestamp out of range: second \(Int(sec)) (00 to 60)") }
            seconds = h * 3600 + m * 60 + sec
            style = .timeOfDay
        } else {
            // -ttt: SECONDS.ffffff
            guard dots == 1, let dot = stamp.firstIndex(of: .dot), digits(0, dot) != nil, fraction(dot), let t = number(0) else { throw malformed() }
            seconds = t
            style = .epoch
        }
        p = q
        p.skipSpaces()
        return Prefix(pid: pid, timestamp: seconds, style: style, stampOffset: s)
    }

    /// Checks a line's timestamp against the log's clock (set by its first
    /// event line when `clock` is nil): a log is timestamped on every line or
    /// on none, and with one style.
    static func checkClock(_ prefix: Prefix, at here: StraceLocation, clock: inout Clock?) throws {
        guard let c = clock else {
            clock = Clock(timed: prefix.timestamp != nil, style: prefix.style, location: here)
            return
        }
        switch (c.timed, prefix.style) {
        case (true, nil):
            throw ParseFailure(offset: prefix.stampOffset,
                               reason: "no timestamp, but \(c.location) has one (the lines of a log, and of every file of an -ff set, are all timestamped or none is)")
        case (false, _?):
            throw ParseFailure(offset: prefix.stampOffset,
                               reason: "a timestamp, but \(c.location) has none (the lines of a log, and of every file of an -ff set, are all timestamped or none is)")
        case (true, let style?) where style != c.style:
            throw ParseFailure(offset: prefix.stampOffset,
                               reason: "\(style.name), but \(c.location) has \(c.style!.name): the two clocks cannot be compared")
        default:
            return
        }
    }

    /// The end of a line without its `-T` duration, and the duration.
    static func stripDuration(_ line: [UInt8], from start: Int) -> (end: Int, duration: Double?) {
        var end = line.count
        while end > start, line[end - 1].isSpace { end -= 1 }
        guard end > start, line[end - 1] == .greater else { return (end, nil) }
        var open = end - 2
        while open >= start, line[open] != .less, line[open] != .greater { open -= 1 }
        guard open > start, line[open] == .less, line[open - 1].isSpace else { return (end, nil) }
        let inner = decodeBytes(line[(open + 1)..<(end - 1)])
        var cut = open
        while cut > start, line[cut - 1].isSpace { cut -= 1 }
        if inner == "unavailable" { return (cut, nil) }
        if inner.contains("."), inner.allSatisfy({ $0.isNumber || $0 == "." }), let d = Double(inner) { return (cut, d) }
        return (end, nil)
    }

    static func parseLine(_ line: [UInt8], number: Int, file: String, defaultPid: Int, into out: inout FileParse,
                          pending: inout [Int: Pending], clock: inout Clock?, lastTimestamp: inout Double?, dayOffset: inout Double) throws {
        func fail(_ offset: Int, _ reason: String) -> StraceError {
            StraceError(file: file, line: number, column: offset + 1, reason: reason)
        }
        let here = StraceLocation(file: file, line: number)
        var p = ValueParser(line)
        let prefix: Prefix
        do { prefix = try parsePrefix(&p) } catch let f as ParseFailure { throw fail(f.offset, f.reason) }
        let pid = prefix.pid ?? defaultPid
        let body = p.pos
        // strace's own messages (`strace: Process 12 attached`), as written to stderr.
        if prefix.pid == nil && prefix.timestamp == nil && p.starts(with: "strace: ") { return }
        // A line of a known kind must agree with the log's clock (a line of
        // no known kind is reported as such below).
        let known = p.starts(with: "--- ") || p.starts(with: "+++ ") || p.starts(with: "<... ") || {
            var q = p
            return q.identifier() != nil && q.peek == .lparen
        }()
        if known {
            do { try checkClock(prefix, at: here, clock: &clock) } catch let f as ParseFailure { throw fail(f.offset, f.reason) }
        }
        var timestamp = prefix.timestamp
        if var t = timestamp {
            if prefix.style == .timeOfDay {
                t += dayOffset
                if let last = lastTimestamp, t < last - 43_200 { dayOffset += 86_400; t += 86_400 }
            }
            lastTimestamp = t
            timestamp = t
        }
        let (end, duration) = stripDuration(line, from: body)
        func append(_ e: StraceEvent) {
            out.events.append(e)
            out.timestamps.append(timestamp)
        }

        if p.starts(with: "--- ") {
            // `--- ---` is the shortest line that ends in ` ---`: the two dashes overlap at its space.
            guard end - body >= 7, p.starts(with: " ---", at: end - 4) else {
                throw fail(end, "a signal line must end with ' ---'")
            }
            let close = max(end - 4, body + 4)
            var q = ValueParser(line, from: body + 4, to: close)
            q.skipSpaces()
            let nameStart = q.pos
            if q.starts(with: "SIG"), let name = q.identifier() {
                q.skipSpaces()
                var info: StraceValue?
                if !q.atEnd {
                    do { info = try q.parseElement(closer: nil, spaceSeparated: false).value } catch let f as ParseFailure { throw fail(f.offset, f.reason) }
                    q.skipSpaces()
                    if !q.atEnd { throw fail(q.pos, "unexpected text after the siginfo") }
                }
                append(.signal(pid: pid, name: name, info: info, at: here))
            } else {
                // `--- stopped by SIGSTOP ---` and similar: the signal named in the text.
                let text = q.trimmedText(nameStart, close)
                guard let sig = text.split(separator: " ").first(where: { $0.hasPrefix("SIG") }) else {
                    throw fail(nameStart, "a signal line must name a signal")
                }
                append(.signal(pid: pid, name: String(sig), info: nil, at: here))
            }
            return
        }

        if p.starts(with: "+++ ") {
            guard end - body >= 7, p.starts(with: " +++", at: end - 4) else { throw fail(end, "an exit line must end with ' +++'") }
            let text = p.text(body + 4, max(end - 4, body + 4))
            if text.hasPrefix("exited with ") {
                guard let status = Int(text.dropFirst(12)) else { throw fail(body + 16, "bad exit status \(quoted(String(text.dropFirst(12))))") }
                append(.exited(pid: pid, status: status, at: here))
            } else if text.hasPrefix("killed by ") {
                var sig = String(text.dropFirst(10))
                let core = sig.hasSuffix(" (core dumped)")
                if core { sig = String(sig.dropLast(14)) }
                guard sig.hasPrefix("SIG"), sig.utf8.allSatisfy(\.isIdentifierBody) else { throw fail(body + 14, "bad signal name \(quoted(sig))") }
                append(.killed(pid: pid, signal: sig, coreDumped: core, at: here))
            } else {
                throw fail(body + 4, "unrecognised '+++' line")
            }
            // Calls of this pid still unfinished never complete.
            pending[pid] = nil
            return
        }

        if p.starts(with: "<... ") {
            var q = p
            q.pos += 5
            guard let name = q.identifier(), q.starts(with: " resumed>") else {
                throw fail(body, "malformed '<... NAME resumed>'")
            }
            q.pos += 9
            // Written to stderr, strace prefixes `[pid N]` only while it traces
            // several processes, so the two halves of one call can disagree on
            // whether they carry a pid: pair them when that is unambiguous.
            var key = pid
            if pending[pid]?.name != name {
                if pid != 0, pending[0]?.name == name {
                    key = 0
                } else if pid == 0 || prefix.pid == nil {
                    let candidates = pending.filter { $0.value.name == name }
                    if candidates.count == 1 { key = candidates.first!.key }
                }
            }
            guard let pend = pending[key], pend.name == name else {
                let shown = excerpt(name)
                throw fail(body, "'<... \(shown) resumed>' without a pending '\(shown)(... <unfinished ...>' of pid \(pid)")
            }
            pending[key] = nil
            // Join the halves and parse them as one call.
            let first = Array(pend.line[pend.argStart..<pend.argEnd])
            let joined = first + Array(line[q.pos..<end])
            let boundary = first.count
            let restStart = q.pos
            func failJoined(_ offset: Int, _ reason: String) -> StraceError {
                if offset < boundary {
                    return StraceError(file: file, line: pend.lineNumber, column: pend.argStart + offset + 1, reason: reason)
                }
                return StraceError(file: file, line: number, column: restStart + offset - boundary + 1, reason: reason)
            }
            let tail: (args: [StraceValue], result: StraceResult, note: String?)
            do {
                var jp = ValueParser(joined)
                tail = try parseTail(&jp, openerOffset: -1)
            } catch let f as ParseFailure {
                throw failJoined(f.offset, f.reason)
            }
            guard case .call(var call) = out.events[pend.eventIndex] else { preconditionFailure("pending call index") }
            call.args = tail.args
            call.result = tail.result
            call.resultNote = tail.note
            call.end = here
            call.duration = duration
            out.events[pend.eventIndex] = .call(call)
            append(.resumed(callIndex: pend.eventIndex, at: here))
            return
        }

        guard let name = p.identifier() else { throw fail(body, "not an strace line") }
        guard p.peek == .lparen else { throw fail(p.pos, "expected '(' after \(quoted(name))") }
        let open = p.pos
        p.pos += 1
        // `name(args <unfinished ...>`
        let marker = Array(" <unfinished ...>".utf8)
        var m = end
        if m - open > marker.count - 1, line[(m - marker.count + 1)..<m].elementsEqual(marker.dropFirst()) {
            m -= marker.count - 1
            while m > open + 1, line[m - 1].isSpace { m -= 1 }
            var q = ValueParser(line, from: open + 1, to: m)
            let args: [StraceValue]
            do { args = try q.parseList(closer: nil, openerOffset: open).items } catch let f as ParseFailure { throw fail(f.offset, f.reason) }
            let call = StraceCall(name: name, args: args, result: .none, pid: pid, start: here, timestamp: timestamp, duration: nil)
            pending[pid] = Pending(eventIndex: out.events.count, name: name, line: line, lineNumber: number, argStart: open + 1, argEnd: m)
            append(.call(call))
            return
        }
        var q = ValueParser(line, from: p.pos, to: end)
        let tail: (args: [StraceValue], result: StraceResult, note: String?)
        do { tail = try parseTail(&q, openerOffset: open) } catch let f as ParseFailure { throw fail(f.offset, f.reason) }
        append(.call(StraceCall(name: name, args: tail.args, result: tail.result, resultNote: tail.note, pid: pid,
                                start: here, timestamp: timestamp, duration: duration)))
    }

    /// Parses `args) = result [note]` from the cursor (just after the `(`).
    static func parseTail(_ p: inout ValueParser, openerOffset: Int) throws -> (args: [StraceValue], result: StraceResult, note: String?) {
        let args = try p.parseList(closer: .rparen, openerOffset: openerOffset).items
        p.skipSpaces()
        guard p.peek == .equals else {
            throw ParseFailure(offset: p.pos, reason: p.atEnd ? "missing '= result' after the arguments" : "expected '= result' after the arguments")
        }
        p.pos += 1
        p.skipSpaces()
        guard let c = p.peek else { throw ParseFailure(offset: p.pos, reason: "missing result after '='") }
        func rest() -> String? {
            let t = p.trimmedText(p.pos, p.end)
            return t.isEmpty ? nil : t
        }
        if c == UInt8(ascii: "?") {
            p.pos += 1
            guard p.atEnd || p.peek!.isSpace else { throw ParseFailure(offset: p.pos, reason: "malformed result") }
            p.skipSpaces()
            let save = p.pos
            if let code = p.identifier(), code.hasPrefix("ERESTART") {
                return (args, .restart(code), rest())
            }
            p.pos = save
            return (args, .unknown, rest())
        }
        guard c.isDigit || c == .minus else { throw ParseFailure(offset: p.pos, reason: "malformed result") }
        let start = p.pos
        if c == .minus { p.pos += 1 }
        while let d = p.peek, d.isHexDigit || d == UInt8(ascii: "x") || d == UInt8(ascii: "X") { p.pos += 1 }
        let value: Int64
        switch scanInteger(p.bytes[start..<p.pos]) {
        case .value(let n): value = n
        case .outOfRange: throw integerOutOfRange(p.text(start, p.pos), at: start)
        case .invalid: throw ParseFailure(offset: start, reason: "malformed result")
        }
        var decoration: String?
        if p.peek == .less { decoration = try p.parseDecoration() }
        guard p.atEnd || p.peek!.isSpace else { throw ParseFailure(offset: p.pos, reason: "malformed result") }
        p.skipSpaces()
        let save = p.pos
        if let errno = p.identifier(), errno.count > 1, errno.hasPrefix("E"),
           errno.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || $0.isDigit || $0 == 95 }) {
            p.skipSpaces()
            var message = ""
            if p.peek == .lparen {
                var close = p.end
                while close > p.pos, p.bytes[close - 1].isSpace { close -= 1 }
                guard p.bytes[close - 1] == .rparen, close - 1 > p.pos else {
                    throw ParseFailure(offset: p.pos, reason: "unclosed '(' in the error message")
                }
                message = p.text(p.pos + 1, close - 1)
                p.pos = close
            }
            p.skipSpaces()
            guard p.atEnd else { throw ParseFailure(offset: p.pos, reason: "unexpected text after the error") }
            return (args, .error(errno: errno, code: value, message: message), nil)
        }
        p.pos = save
        return (args, .value(value, decoration: decoration), rest())
    }
}
