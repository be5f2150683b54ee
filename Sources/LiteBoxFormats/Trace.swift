// The trace format, version 1: a text file, one system call per line, that
// the checker writes (a counterexample is a trace) and every tool reads.

import LiteBoxABI
import LiteBoxSpec
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A recorded sequence of system calls with their outcomes.
///
/// Format (version 1):
/// ```
/// # Comments run from '#' to the end of the line; blank lines are ignored.
/// litebox-trace 1
/// config default
/// t1 recv ep=0 into=- -> blocked
/// t0 send ep=0 msg=1 grant=1 -> ok
/// t1 load page=0 -> ok 7
/// t0 cap_delete slot=2 -> err emptySlot
/// ```
/// The first non-comment line is the header `litebox-trace 1`; the second
/// is `config` and the configuration: a preset name, or a JSON file path
/// relative to the trace file's directory (the rest of the line, so it may
/// hold spaces but not `#`; a preset name wins over a file of that name, so
/// write `./default` for such a file). Each further line is a call: the
/// thread `t<N>`, the call's name, its arguments as `name=value` in the
/// order of `Syscall.parameters` (slots, pages and words as numbers, rights
/// as letters `RWG` or `-`, optional slots as a number or `-`), and, after
/// `->`, the recorded outcome: `ok`, `ok <value>`, `blocked` or `err <name>`
/// (optional: a line without it records only the call).
///
/// Numbers (the version, threads, arguments, values) are plain decimal:
/// ASCII digits only, no sign, no leading zeros (`0` itself is fine), at
/// most 4294967295. Lines end in LF or CR LF; a leading byte-order mark is
/// ignored. Columns in errors count characters.
public struct Trace: Equatable, Sendable {
    /// One call of a trace.
    public struct Entry: Equatable, Sendable {
        /// The call.
        public var call: Call
        /// The recorded outcome, if the line has one.
        public var outcome: Outcome<UInt32>?
        /// The 1-based line of the call in the file it was read from (0 if built in memory).
        public var line: Int

        public init(call: Call, outcome: Outcome<UInt32>?, line: Int = 0) {
            self.call = call; self.outcome = outcome; self.line = line
        }
        public static func == (a: Entry, b: Entry) -> Bool { a.call == b.call && a.outcome == b.outcome }
    }

    /// The format version this code reads and writes.
    public static let version = 1

    /// The configuration: a preset name or a JSON file path.
    public var config: String
    /// The calls, in order.
    public var entries: [Entry]
    /// Comment lines written before the header (without the `# `).
    public var comments: [String]
    /// The line of the file it was read from where the configuration's name
    /// is (0 if built in memory), for errors about the configuration.
    public var configLine: Int
    /// The column of that line where the configuration's name starts (0 if built in memory).
    public var configColumn: Int

    /// A trace of `entries` on the configuration `config` (a preset name or
    /// a file path, relative to the trace's directory), with `comments` before
    /// the header; `configLine` and `configColumn` locate the name in the
    /// file it was read from, for errors (0 for a trace built in memory).
    public init(config: String, entries: [Entry], comments: [String] = [], configLine: Int = 0, configColumn: Int = 0) {
        self.config = config; self.entries = entries; self.comments = comments
        self.configLine = configLine; self.configColumn = configColumn
    }

    public static func == (a: Trace, b: Trace) -> Bool { a.config == b.config && a.entries == b.entries }

    /// The trace as text.
    public var text: String {
        var out = comments.map { "# " + $0 + "\n" }.joined()
        out += "litebox-trace \(Trace.version)\nconfig \(config)\n"
        for e in entries {
            out += e.call.description
            if let o = e.outcome { out += " -> \(o)" }
            out += "\n"
        }
        return out
    }
}

/// Why a trace could not be read: file, 1-based line and column, reason.
public struct TraceError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String?
    public var line: Int
    public var column: Int
    public var reason: String

    public init(file: String?, line: Int, column: Int, reason: String) {
        self.file = file; self.line = line; self.column = column; self.reason = reason
    }

    /// `file:line:column: reason`.
    public var description: String { (file.map { $0 + ":" } ?? "") + "\(line):\(column): \(reason)" }
}

extension Trace {
    /// The lines of `text`, split at LF and with a CR before the LF removed
    /// (so LF and CR LF files read alike; Swift's `Character` view would see
    /// `"\r\n"` as one character and never split it). A final line without
    /// a line end is included; a text ending in a line end has no empty last
    /// line.
    public static func lines(_ text: String) -> [Substring] { Array(lazyLines(text)) }

    /// `lines(text)` one at a time, so a caller that needs only the first
    /// lines of a large file does not split all of it.
    public static func lazyLines(_ text: String) -> UnfoldSequence<Substring, String.UnicodeScalarView.Index> {
        let scalars = text.unicodeScalars
        return sequence(state: scalars.startIndex) { start in
            guard start < scalars.endIndex else { return nil }
            var i = start
            while i < scalars.endIndex && scalars[i] != "\n" { i = scalars.index(after: i) }
            var end = i
            if end > start, scalars[scalars.index(before: end)] == "\r" { end = scalars.index(before: end) }
            let line = Substring(scalars[start..<end])
            start = i < scalars.endIndex ? scalars.index(after: i) : i
            return line
        }
    }

    /// Whether `text` is meant as a LiteBox trace rather than strace output.
    ///
    /// It is when its first line that is not blank
    /// - is a `#` comment (strace never writes one), or
    /// - starts with `litebox` in any case followed by anything but `(`
    ///   (`litebox-trace 1`, and near-misses such as `LiteBox-trace 1` or
    ///   `litebox_trace 1`; no system call is called `litebox`), or
    /// - is a `config` line (a trace missing its header).
    ///
    /// Near-misses are then rejected by the trace parser with its own
    /// header error, at their line and column, instead of with strace
    /// messages. A leading byte-order mark is ignored.
    public static func isTrace(_ text: String) -> Bool {
        for line in lazyLines(text) {
            var trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") { return true }
            trimmed = trimmed.prefix(8)
            let lower = trimmed.lowercased()
            if lower.hasPrefix("litebox") { return !lower.dropFirst(7).hasPrefix("(") }
            if lower.hasPrefix("config") {
                return lower.count == 6 || lower.dropFirst(6).first == " " || lower.dropFirst(6).first == "\t"
            }
            return false
        }
        return false
    }

    /// Parses trace text. `file` is used in error messages only.
    public init(parsing text: String, file: String? = nil) throws(TraceError) {
        var config: String?
        var configLine = 0
        var configColumn = 0
        var sawHeader = false
        var entries: [Entry] = []
        var comments: [String] = []
        var lineNumber = 0
        for rawLine in Trace.lazyLines(text) {
            lineNumber += 1
            var line = rawLine
            if lineNumber == 1, line.unicodeScalars.first == "\u{FEFF}" { line = Substring(line.unicodeScalars.dropFirst()) }
            if let hash = line.firstIndex(of: "#") {
                if !sawHeader && line[..<hash].allSatisfy(\.isWhitespace) {
                    comments.append(String(line[line.index(after: hash)...]).trimmingPrefixSpace())
                }
                line = line[..<hash]
            }
            let tokens = tokenize(line)
            guard let first = tokens.first else { continue }
            func fail(_ col: Int, _ reason: String) -> TraceError {
                TraceError(file: file, line: lineNumber, column: col, reason: reason)
            }
            if !sawHeader {
                guard first.text == "litebox-trace" else {
                    throw fail(first.column, "expected the header 'litebox-trace \(Trace.version)', got \(Trace.quoted(first.text))")
                }
                guard tokens.count == 2 else { throw fail(first.column, "the header is 'litebox-trace <version>'") }
                let v = tokens[1]
                guard Trace.isPlainDecimal(v.text) else {
                    throw fail(v.column, "the version \(Trace.quoted(v.text)) is not a plain decimal number (ASCII digits, no sign or leading zeros); the header is 'litebox-trace \(Trace.version)'")
                }
                guard Int(v.text) == Trace.version else {
                    throw fail(v.column, "unsupported trace version \(Trace.quoted(v.text, quote: false)) (this tool reads version \(Trace.version))")
                }
                sawHeader = true
                continue
            }
            if config == nil {
                guard first.text == "config", tokens.count >= 2 else { throw fail(first.column, "expected 'config <preset or file>' after the header") }
                // The name is the rest of the line (a path may hold spaces).
                var rest = line.drop { $0 == " " || $0 == "\t" }.dropFirst("config".count)
                rest = rest.drop { $0 == " " || $0 == "\t" }
                while let last = rest.last, last == " " || last == "\t" { rest = rest.dropLast() }
                if let control = rest.unicodeScalars.first(where: Trace.isControl) {
                    throw fail(tokens[1].column, "the configuration name \(Trace.quoted(rest)) contains the control character \(Trace.escaped(control))")
                }
                config = String(rest)
                configLine = lineNumber
                configColumn = tokens[1].column
                continue
            }
            entries.append(try Trace.parseCall(tokens, line: lineNumber, file: file))
        }
        guard sawHeader else { throw TraceError(file: file, line: max(1, lineNumber), column: 1, reason: "missing header 'litebox-trace \(Trace.version)'") }
        guard let config else { throw TraceError(file: file, line: max(1, lineNumber), column: 1, reason: "missing 'config' line") }
        self.init(config: config, entries: entries, comments: comments, configLine: configLine, configColumn: configColumn)
    }

    /// Whether `s` is a plain decimal number: ASCII digits only, no sign, no
    /// leading zeros (`0` itself is one).
    public static func isPlainDecimal(_ s: some StringProtocol) -> Bool {
        let u = s.utf8
        guard let first = u.first, u.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        return first != UInt8(ascii: "0") || u.count == 1
    }

    /// The value of a plain decimal number (`isPlainDecimal`) that fits in
    /// `UInt32`, else nil.
    static func plainUInt32(_ s: some StringProtocol) -> UInt32? {
        isPlainDecimal(s) ? UInt32(String(s)) : nil
    }

    /// Whether `c` is a control character (C0, DEL, C1) or a line or
    /// paragraph separator, which messages escape.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (c.value >= 0x7F && c.value < 0xA0) || c.value == 0x2028 || c.value == 0x2029
    }

    /// `c` as an escape: `\t`, `\r`, `\n`, otherwise `\u{HEX}`.
    static func escaped(_ c: Unicode.Scalar) -> String {
        switch c {
        case "\t": return "\\t"
        case "\r": return "\\r"
        case "\n": return "\\n"
        default: return "\\u{" + String(c.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// `s` for a message: in single quotes (unless `quote` is false), control
    /// characters escaped (`\u{0}`, `\t`), bidirectional-text controls
    /// escaped too, and cut to `limit` characters with `…` (nil: not cut,
    /// for paths).
    public static func quoted(_ s: some StringProtocol, quote: Bool = true, limit: Int? = 40) -> String {
        var out = ""
        var count = 0
        for c in s.unicodeScalars {
            if count == limit { out += "…"; break }
            count += 1
            let bidi = (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value)
            if isControl(c) || bidi { out += escaped(c) } else { out.unicodeScalars.append(c) }
        }
        return quote ? "'" + out + "'" : out
    }

    private static func parseCall(_ tokens: [(text: String, column: Int)], line: Int, file: String?) throws(TraceError) -> Entry {
        func fail(_ col: Int, _ reason: String) -> TraceError { TraceError(file: file, line: line, column: col, reason: reason) }
        let q = { (s: String) in Trace.quoted(s) }
        let numberRule = "ASCII digits, no sign or leading zeros"
        let t = tokens[0]
        guard t.text.hasPrefix("t"), let thread = plainUInt32(t.text.dropFirst()) else {
            throw fail(t.column, "expected a thread 't<number>' (\(numberRule)), got \(q(t.text))")
        }
        guard tokens.count >= 2 else { throw fail(t.column + t.text.count, "expected a system call after the thread") }
        guard let sc = Syscall(name: tokens[1].text) else {
            throw fail(tokens[1].column, "unknown system call \(q(tokens[1].text))")
        }
        let params = sc.parameters
        var words: [UInt32] = [0, 0, 0, 0]
        var i = 2
        for (k, p) in params.enumerated() {
            guard i < tokens.count, tokens[i].text != "->" else {
                throw fail(i < tokens.count ? tokens[i].column : (tokens.last!.column + tokens.last!.text.count),
                           "\(sc.name) needs argument '\(p.name)'")
            }
            let tok = tokens[i]
            let prefix = p.name + "="
            guard tok.text.hasPrefix(prefix) else { throw fail(tok.column, "expected '\(p.name)=…', got \(q(tok.text))") }
            let value = String(tok.text.dropFirst(prefix.count))
            let col = tok.column + prefix.count
            switch p.kind {
            case .slot, .page, .word:
                guard let v = plainUInt32(value) else { throw fail(col, "\(q(value)) is not a number from 0 to \(UInt32.max) (\(numberRule))") }
                words[k] = v
            case .optionalSlot:
                if value == "-" { words[k] = 0 } else {
                    guard let v = plainUInt32(value), v < UInt32.max else {
                        throw fail(col, "\(q(value)) is not a slot number from 0 to \(UInt32.max - 1) (\(numberRule)) or '-'")
                    }
                    words[k] = v + 1
                }
            case .rights:
                guard let r = Rights(letters: value), value != "" else { throw fail(col, "\(q(value)) is not a rights set (letters R, W, G, or '-')") }
                words[k] = r.rawValue
            }
            i += 1
        }
        let call = Call(thread: thread, syscall: sc, words[0], words[1], words[2], words[3])
        if i == tokens.count { return Entry(call: call, outcome: nil, line: line) }
        guard tokens[i].text == "->" else { throw fail(tokens[i].column, "unexpected \(q(tokens[i].text)) (\(sc.name) takes \(params.count) arguments)") }
        i += 1
        guard i < tokens.count else { throw fail(tokens[i - 1].column + 2, "expected an outcome after '->'") }
        let kind = tokens[i]
        let rest = tokens[(i + 1)...]
        let outcome: Outcome<UInt32>
        switch kind.text {
        case "ok":
            if let v = rest.first {
                guard rest.count == 1, let value = plainUInt32(v.text) else {
                    throw fail(v.column, "expected 'ok' or 'ok <value>' with a number from 0 to \(UInt32.max) (\(numberRule)), got \(q(v.text))")
                }
                outcome = Outcome(code: OutcomeCode.ok, value: value)
            } else { outcome = Outcome(code: OutcomeCode.ok, value: 0) }
        case "blocked":
            if let v = rest.first { throw fail(v.column, "'blocked' takes no value") }
            outcome = Outcome(code: OutcomeCode.blocked, value: 0)
        case "err":
            guard let e = rest.first else { throw fail(kind.column + 3, "expected an error name after 'err'") }
            guard let err = SpecError(name: e.text) else { throw fail(e.column, "unknown error \(q(e.text))") }
            if rest.count > 1 { throw fail(rest[rest.startIndex + 1].column, "unexpected text after the error") }
            outcome = Outcome(code: err.rawValue, value: 0)
        default:
            throw fail(kind.column, "expected 'ok', 'blocked' or 'err', got \(q(kind.text))")
        }
        return Entry(call: call, outcome: outcome, line: line)
    }
}

/// Splits a line on spaces and tabs, keeping 1-based columns (in characters).
private func tokenize(_ line: Substring) -> [(text: String, column: Int)] {
    var out: [(String, Int)] = []
    var current = ""
    var start = 0
    var col = 0
    for ch in line {
        col += 1
        if ch == " " || ch == "\t" {
            if !current.isEmpty { out.append((current, start)); current = "" }
        } else {
            if current.isEmpty { start = col }
            current.append(ch)
        }
    }
    if !current.isEmpty { out.append((current, start)) }
    return out
}

extension String {
    fileprivate func trimmingPrefixSpace() -> String { hasPrefix(" ") ? String(dropFirst()) : self }
}

// MARK: - The configuration a trace names

extension Trace {
    /// The directory part of a trace file's path, against which its `config`
    /// file is resolved: nil when the path has none (the current directory),
    /// `/` for a file in the root.
    public static func directory(ofTraceAt path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The path of the configuration file `name` of a trace in `directory`:
    /// `name` itself when it is absolute or there is no directory.
    public static func resolve(_ name: String, in directory: String?) -> String {
        guard let directory, !directory.isEmpty, !name.hasPrefix("/") else { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The configuration the trace names: a preset name, or the path of a
    /// JSON configuration file, relative to `directory` (the trace file's
    /// directory; nil or empty for the current directory) unless it is
    /// absolute.
    ///
    /// Errors are reported at the `config` line of `file` (the trace): a name
    /// that is no preset and no readable file says so, with the presets'
    /// names and why the file cannot be read; an invalid file adds the
    /// configuration file's own error (its file, line, column, field and
    /// reason).
    public func loadConfiguration(relativeTo directory: String?, file: String? = nil) throws(TraceError) -> Configuration {
        if let preset = Configuration.preset(config) { return preset }
        func fail(_ reason: String) -> TraceError {
            TraceError(file: file, line: configLine, column: configColumn, reason: reason)
        }
        let path = Trace.resolve(config, in: directory)
        let bytes: [UInt8]
        switch InputFile.contents(path, limit: InputFile.maxConfigurationBytes, what: "a configuration file") {
        case .success(let b): bytes = b
        case .failure(let e):
            var reason = "config \(Trace.quoted(config, limit: nil)) is neither a preset (\(Configuration.presetNames.joined(separator: ", ")))"
            reason += " nor a readable configuration file (\(e))"
            if let guess = Configuration.presetNames.first(where: { $0 == config.lowercased() }) {
                reason += "; did you mean the preset '\(guess)'?"
            }
            throw fail(reason)
        }
        do {
            return try Configuration(jsonBytes: bytes, file: path)
        } catch {
            throw fail("config \(Trace.quoted(config, limit: nil)): the configuration file is invalid: \(error)")
        }
    }

    /// The configuration of the trace file at `path`: `loadConfiguration`
    /// relative to the trace's directory, with errors naming the trace.
    public func loadConfiguration(forTraceAt path: String) throws(TraceError) -> Configuration {
        try loadConfiguration(relativeTo: Trace.directory(ofTraceAt: path), file: path)
    }

    /// How a trace to be written at `tracePath` names the configuration that
    /// was given on the command line as `nameOrPath` (a preset name, or a
    /// file path relative to the current directory), so that the trace
    /// replays from wherever it is read: a preset stays its name; a file
    /// becomes its path relative to the trace's directory when the two share
    /// a directory below `/`, and its absolute path otherwise. Existing
    /// directories and files are resolved through symbolic links first. A
    /// relative path that would read as a preset name gets `./`.
    public static func configReference(_ nameOrPath: String, forTraceAt tracePath: String) -> String {
        if Configuration.preset(nameOrPath) != nil { return nameOrPath }
        let config = canonicalPath(nameOrPath)
        let directory = canonicalPath(Trace.directory(ofTraceAt: tracePath) ?? ".")
        let a = config.split(separator: "/"), b = directory.split(separator: "/")
        var common = 0
        while common < a.count - 1 && common < b.count && a[common] == b[common] { common += 1 }
        if common == 0 { return config }
        let relative = (Array(repeating: "..", count: b.count - common) + a[common...].map(String.init)).joined(separator: "/")
        return Configuration.preset(relative) != nil ? "./" + relative : relative
    }

    /// Whether `name` can be written as a trace's `config` line and read
    /// back as the same name (no `#`, control character, or leading or
    /// trailing space or tab).
    public static func canName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("#") && !name.unicodeScalars.contains(where: isControl)
            && name.first != " " && name.first != "\t" && name.last != " " && name.last != "\t"
    }

    /// `path` made absolute (against the current directory), with symbolic
    /// links resolved where it exists, and `.`, `..` and repeated slashes
    /// removed.
    static func canonicalPath(_ path: String) -> String {
        if !path.utf8.contains(0), let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var absolute = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                absolute = (cwd.hasSuffix("/") ? cwd : cwd + "/") + path
            }
        }
        // The part that exists is resolved through links; the rest lexically.
        var parts: [Substring] = []
        for p in absolute.split(separator: "/") {
            if p == "." { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(p)
        }
        let lexical = "/" + parts.joined(separator: "/")
        if let slash = lexical.lastIndex(of: "/"), slash != lexical.startIndex {
            let parent = String(lexical[..<slash])
            if let resolved = realpath(parent, nil) {
                defer { free(resolved) }
                let dir = String(cString: resolved)
                return (dir == "/" ? "" : dir) + String(lexical[slash...])
            }
        }
        return lexical
    }
}
