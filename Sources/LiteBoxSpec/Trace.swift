// The trace format, version 1: a text file, one system call per line, that
// the checker writes (a counterexample is a trace) and every tool reads.

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
/// names the configuration (a preset name, or a JSON file path relative to
/// the trace file's directory). Each further line is a call: the thread
/// `t<N>`, the call's name, its arguments as `name=value` in the order of
/// `Syscall.parameters` (slots, pages and words as decimal numbers, rights
/// as letters `RWG` or `-`, optional slots as a number or `-`), and, after
/// `->`, the recorded outcome: `ok`, `ok <value>`, `blocked` or `err <name>`
/// (optional: a line without it records only the call).
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

    public init(config: String, entries: [Entry], comments: [String] = []) {
        self.config = config; self.entries = entries; self.comments = comments
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
    /// Whether `text` is a LiteBox trace rather than another format (strace
    /// output): its first line that is neither blank nor a `#` comment starts
    /// with `litebox-trace`.
    public static func isTrace(_ text: String) -> Bool {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            return trimmed.hasPrefix("litebox-trace")
        }
        return false
    }

    /// Parses trace text. `file` is used in error messages only.
    public init(parsing text: String, file: String? = nil) throws(TraceError) {
        var config: String?
        var sawHeader = false
        var entries: [Entry] = []
        var comments: [String] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
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
                guard first.text == "litebox-trace" else { throw fail(first.column, "expected the header 'litebox-trace \(Trace.version)'") }
                guard tokens.count == 2, let v = Int(tokens[1].text) else { throw fail(first.column, "the header is 'litebox-trace <version>'") }
                guard v == Trace.version else { throw fail(tokens[1].column, "unsupported trace version \(v) (this tool reads version \(Trace.version))") }
                sawHeader = true
                continue
            }
            if config == nil {
                guard first.text == "config", tokens.count == 2 else { throw fail(first.column, "expected 'config <preset or file>' after the header") }
                config = tokens[1].text
                continue
            }
            entries.append(try Trace.parseCall(tokens, line: lineNumber, file: file))
        }
        guard sawHeader else { throw TraceError(file: file, line: max(1, lineNumber), column: 1, reason: "missing header 'litebox-trace \(Trace.version)'") }
        guard let config else { throw TraceError(file: file, line: max(1, lineNumber), column: 1, reason: "missing 'config' line") }
        self.init(config: config, entries: entries, comments: comments)
    }

    private static func parseCall(_ tokens: [(text: String, column: Int)], line: Int, file: String?) throws(TraceError) -> Entry {
        func fail(_ col: Int, _ reason: String) -> TraceError { TraceError(file: file, line: line, column: col, reason: reason) }
        let t = tokens[0]
        guard t.text.hasPrefix("t"), let thread = UInt32(t.text.dropFirst()) else {
            throw fail(t.column, "expected a thread 't<number>', got '\(t.text)'")
        }
        guard tokens.count >= 2 else { throw fail(t.column + t.text.count, "expected a system call after the thread") }
        guard let sc = Syscall(name: tokens[1].text) else {
            throw fail(tokens[1].column, "unknown system call '\(tokens[1].text)'")
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
            guard tok.text.hasPrefix(prefix) else { throw fail(tok.column, "expected '\(p.name)=…', got '\(tok.text)'") }
            let value = String(tok.text.dropFirst(prefix.count))
            let col = tok.column + prefix.count
            switch p.kind {
            case .slot, .page, .word:
                guard let v = UInt32(value) else { throw fail(col, "'\(value)' is not a number from 0 to \(UInt32.max)") }
                words[k] = v
            case .optionalSlot:
                if value == "-" { words[k] = 0 } else {
                    guard let v = UInt32(value), v < UInt32.max else { throw fail(col, "'\(value)' is not a slot number or '-'") }
                    words[k] = v + 1
                }
            case .rights:
                guard let r = Rights(letters: value), value != "" else { throw fail(col, "'\(value)' is not a rights set (letters R, W, G, or '-')") }
                words[k] = r.rawValue
            }
            i += 1
        }
        let call = Call(thread: thread, syscall: sc, words[0], words[1], words[2], words[3])
        if i == tokens.count { return Entry(call: call, outcome: nil, line: line) }
        guard tokens[i].text == "->" else { throw fail(tokens[i].column, "unexpected '\(tokens[i].text)' (\(sc.name) takes \(params.count) arguments)") }
        i += 1
        guard i < tokens.count else { throw fail(tokens[i - 1].column + 2, "expected an outcome after '->'") }
        let kind = tokens[i]
        let rest = tokens[(i + 1)...]
        let outcome: Outcome<UInt32>
        switch kind.text {
        case "ok":
            if let v = rest.first {
                guard rest.count == 1, let value = UInt32(v.text) else { throw fail(v.column, "expected 'ok' or 'ok <value>'") }
                outcome = Outcome(code: OutcomeCode.ok, value: value)
            } else { outcome = Outcome(code: OutcomeCode.ok, value: 0) }
        case "blocked":
            if let v = rest.first { throw fail(v.column, "'blocked' takes no value") }
            outcome = Outcome(code: OutcomeCode.blocked, value: 0)
        case "err":
            guard let e = rest.first else { throw fail(kind.column + 3, "expected an error name after 'err'") }
            guard let err = SpecError(name: e.text) else { throw fail(e.column, "unknown error '\(e.text)'") }
            if rest.count > 1 { throw fail(rest[rest.startIndex + 1].column, "unexpected text after the error") }
            outcome = Outcome(code: err.rawValue, value: 0)
        default:
            throw fail(kind.column, "expected 'ok', 'blocked' or 'err', got '\(kind.text)'")
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

extension Trace {
    /// The configuration the trace names: a preset name, or the path of a
    /// JSON configuration file, relative to `directory` (the trace file's
    /// directory) unless it is absolute.
    public func loadConfiguration(relativeTo directory: String?) throws(ConfigurationError) -> Configuration {
        if let preset = Configuration.preset(config) { return preset }
        let path = config.hasPrefix("/") || directory == nil ? config : directory! + "/" + config
        return try Configuration(contentsOfFile: path)
    }
}
