// The value grammar of strace output: a recursive-descent parser over the
// bytes of one (possibly joined) line. Anything balanced that fits no known
// shape falls back to `.raw`; only unbalanced quotes, brackets and comments,
// empty elements, values nested deeper than `maxNesting` and integers that
// fit in no 64-bit integer are errors.

/// The deepest a value may nest: its height as a tree of ``StraceValue``s,
/// where each bracket, brace or parenthesis, each `name=`, `~`, flag set,
/// `/* comment */` and `=> after` wraps the values inside it in one more
/// level. strace prints a few dozen levels at most; the limit keeps both the
/// recursive-descent parser and the (recursive) release of a value within
/// the stack. The project's JSON parser has the same limit.
let maxNesting = 256

/// A parse failure at a byte offset of the parsed buffer.
struct ParseFailure: Error {
    var offset: Int
    var reason: String
    /// A failure that the raw-text fallback of ``ValueParser/parseElement(closer:spaceSeparated:)``
    /// must not absorb: the text is not merely of an unknown shape but
    /// malformed (nested too deep, an integer out of range).
    var fatal = false
}

extension UInt8 {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), space = UInt8(ascii: " ")
    static let lparen = UInt8(ascii: "("), rparen = UInt8(ascii: ")"), lbracket = UInt8(ascii: "["), rbracket = UInt8(ascii: "]")
    static let lbrace = UInt8(ascii: "{"), rbrace = UInt8(ascii: "}"), less = UInt8(ascii: "<"), greater = UInt8(ascii: ">")
    static let equals = UInt8(ascii: "="), bar = UInt8(ascii: "|"), dot = UInt8(ascii: "."), minus = UInt8(ascii: "-")
    static let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), tilde = UInt8(ascii: "~"), tab = UInt8(ascii: "\t")

    var isDigit: Bool { self >= 48 && self <= 57 }
    var isHexDigit: Bool { isDigit || (self >= 97 && self <= 102) || (self >= 65 && self <= 70) }
    var isIdentifierStart: Bool { (self >= 97 && self <= 122) || (self >= 65 && self <= 90) || self == 95 }
    var isIdentifierBody: Bool { isIdentifierStart || isDigit }
    var isSpace: Bool { self == .space || self == .tab }
}

/// Decodes bytes as UTF-8 when valid, else as ISO Latin-1 (lossless).
func decodeBytes<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
}

// MARK: Quoting input in error messages

/// The longest excerpt of the input an error message quotes, in Unicode
/// scalars after escaping; longer text is cut and ends in `…`.
let excerptLimit = 60

/// `text` made safe to print inside an error message: control and format
/// characters (NUL, CR, ESC, U+202E, ...), backslashes and single quotes
/// escaped (`\0`, `\r`, `\\`, `\'`, `\u{1B}`), and cut after ``excerptLimit``
/// scalars with `…`, so that a huge or binary token neither floods stderr nor
/// drives the terminal.
func excerpt(_ text: String, limit: Int = excerptLimit) -> String {
    var out = ""
    var length = 0
    for scalar in text.unicodeScalars {
        let piece: String
        switch scalar {
        case "\0": piece = "\\0"
        case "\t": piece = "\\t"
        case "\n": piece = "\\n"
        case "\r": piece = "\\r"
        case "\\": piece = "\\\\"
        case "'": piece = "\\'"
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                piece = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                piece = String(scalar)
            }
        }
        let n = piece.unicodeScalars.count
        if length + n > limit { return out + "…" }
        out += piece
        length += n
    }
    return out
}

/// `text` as an excerpt (see ``excerpt(_:limit:)``) in single quotes.
func quoted(_ text: String) -> String { "'" + excerpt(text) + "'" }

/// One byte of input in single quotes: itself when printable ASCII, else `\xHH`
/// (a byte of a multi-byte UTF-8 character is shown as a byte).
func quotedByte(_ c: UInt8) -> String {
    if c >= 0x20 && c < 0x7F { return quoted(String(Character(Unicode.Scalar(c)))) }
    let hex = String(c, radix: 16, uppercase: true)
    return "'\\x" + (hex.count < 2 ? "0" : "") + hex + "'"
}

// MARK: Integers

/// An integer token, as strace prints it: its value, or why it has none.
enum IntegerScan: Equatable {
    /// A value: decimal, negative, hexadecimal or octal; up to `UInt64.max`
    /// it keeps its bit pattern.
    case value(Int64)
    /// Well-formed digits whose value fits in no 64-bit integer: above
    /// `UInt64.max`, or below `Int64.min`.
    case outOfRange
    /// Not one integer (`0x`, `09`, `12ab`).
    case invalid
}

/// Scans an integer as strace prints it: `-12`, `0x7f`, `0644`.
func scanInteger(_ text: ArraySlice<UInt8>) -> IntegerScan {
    var digits = text
    var negative = false
    if digits.first == .minus { negative = true; digits = digits.dropFirst() }
    guard let first = digits.first, first.isDigit else { return .invalid }
    var radix: UInt64 = 10
    if digits.count > 2, first == UInt8(ascii: "0"), digits[digits.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
        radix = 16
        digits = digits.dropFirst(2)
    } else if digits.count > 1, first == UInt8(ascii: "0") {
        radix = 8
        digits = digits.dropFirst()
    }
    var value: UInt64 = 0
    var overflow = false
    for d in digits {
        let v: UInt64
        switch d {
        case 48...57: v = UInt64(d - 48)
        case 97...102: v = UInt64(d - 87)
        case 65...70: v = UInt64(d - 55)
        default: return .invalid
        }
        guard v < radix else { return .invalid }
        if overflow { continue } // the digits must still all be valid
        let (m, o1) = value.multipliedReportingOverflow(by: radix)
        let (a, o2) = m.addingReportingOverflow(v)
        if o1 || o2 { overflow = true; continue }
        value = a
    }
    if overflow { return .outOfRange }
    if negative {
        guard value <= UInt64(Int64.max) + 1 else { return .outOfRange }
        return .value(value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value))
    }
    return .value(Int64(bitPattern: value))
}

/// Parses integers as strace prints them: `-12`, `0x7f`, `0644`. Values up to
/// `UInt64.max` keep their bit pattern. Nil when `text` is not one integer
/// that fits in 64 bits (see ``scanInteger(_:)`` for which of the two).
func parseInteger(_ text: ArraySlice<UInt8>) -> Int64? {
    if case .value(let n) = scanInteger(text) { return n }
    return nil
}

/// The failure for an integer token that fits in no 64-bit integer.
func integerOutOfRange(_ token: String, at offset: Int) -> ParseFailure {
    ParseFailure(offset: offset, reason: "integer out of range (fits in no 64-bit integer): \(quoted(token))", fatal: true)
}

/// A cursor over one buffer of bytes.
///
/// The value-producing functions return each value with its height (see
/// ``maxNesting``): a leaf is 1, a value wrapping others one more than the
/// tallest of them.
struct ValueParser {
    let bytes: [UInt8]
    var pos: Int
    let end: Int
    /// How many brackets, braces and parentheses the cursor is inside: the
    /// depth of the recursion, checked on the way down (an unclosed `{{{...`
    /// never comes back up).
    var depth = 0

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.pos = start
        self.end = end ?? bytes.count
    }

    var atEnd: Bool { pos >= end }
    var peek: UInt8? { pos < end ? bytes[pos] : nil }
    func peek(_ k: Int) -> UInt8? { pos + k < end ? bytes[pos + k] : nil }

    mutating func skipSpaces() {
        while pos < end, bytes[pos].isSpace { pos += 1 }
    }

    func starts(with s: String, at p: Int? = nil) -> Bool {
        var i = p ?? pos
        for b in s.utf8 {
            guard i < end, bytes[i] == b else { return false }
            i += 1
        }
        return true
    }

    func text(_ from: Int, _ to: Int) -> String { decodeBytes(bytes[from..<to]) }

    func trimmedText(_ from: Int, _ to: Int) -> String {
        var a = from, b = to
        while a < b, bytes[a].isSpace { a += 1 }
        while b > a, bytes[b - 1].isSpace { b -= 1 }
        return text(a, b)
    }

    /// An identifier at the cursor (consumed), or nil.
    mutating func identifier() -> String? {
        guard let c = peek, c.isIdentifierStart else { return nil }
        let start = pos
        while let c = peek, c.isIdentifierBody { pos += 1 }
        return text(start, pos)
    }

    // MARK: Nesting

    /// The failure for a value nested deeper than ``maxNesting``, at `offset`.
    static func tooDeep(_ offset: Int) -> ParseFailure {
        ParseFailure(offset: offset, reason: "nesting too deep (a value may nest at most \(maxNesting) levels)", fatal: true)
    }

    /// The height of a value wrapping children of height `height` (the
    /// wrapper's text starting at `offset`).
    static func wrap(_ height: Int, at offset: Int) throws -> Int {
        guard height < maxNesting else { throw tooDeep(offset) }
        return height + 1
    }

    /// Runs `body` one bracket level deeper (the opener at `offset`).
    mutating func nested<T>(at offset: Int, _ body: (inout ValueParser) throws -> T) throws -> T {
        guard depth < maxNesting else { throw Self.tooDeep(offset) }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    // MARK: Lists

    /// Parses elements up to `closer` (consumed; nil: the end of the buffer,
    /// where a trailing comma is allowed). The opener, for error reports, is
    /// at `openerOffset`. `spaceSeparated` allows elements separated by
    /// spaces (signal sets). Returns the elements and the height of the
    /// tallest (0 when there is none).
    mutating func parseList(closer: UInt8?, openerOffset: Int, spaceSeparated: Bool = false) throws -> (items: [StraceValue], height: Int) {
        var items: [StraceValue] = []
        var height = 0
        skipSpaces()
        if let closer, peek == closer { pos += 1; return (items, height) }
        if closer == nil && atEnd { return (items, height) }
        while true {
            let (item, h) = try parseElement(closer: closer, spaceSeparated: spaceSeparated)
            items.append(item)
            height = max(height, h)
            let before = pos
            skipSpaces()
            if let c = peek {
                if c == .comma {
                    pos += 1
                    skipSpaces()
                    if closer == nil && atEnd { return (items, height) }
                    continue
                }
                if c == closer { pos += 1; return (items, height) }
                if spaceSeparated && pos > before { continue }
                throw ParseFailure(offset: pos, reason: "unexpected \(quotedByte(c))")
            }
            if closer == nil { return (items, height) }
            throw ParseFailure(offset: openerOffset, reason: "unclosed '\(Character(Unicode.Scalar(opener(of: closer!))))'")
        }
    }

    private func opener(of closer: UInt8) -> UInt8 {
        switch closer {
        case .rparen: return .lparen
        case .rbracket: return .lbracket
        default: return .lbrace
        }
    }

    /// One element of a list: a value (possibly `name=value`) followed by a
    /// delimiter (`,`, the closer, the end, or a space in a signal set).
    /// Falls back to `.raw` text when the element is balanced but not
    /// recognised; throws when it is not balanced, or on a fatal failure
    /// (nesting too deep, an integer out of range).
    mutating func parseElement(closer: UInt8?, spaceSeparated: Bool) throws -> (value: StraceValue, height: Int) {
        skipSpaces()
        let start = pos
        do {
            let parsed = try parseValue(allowNamed: true)
            let save = pos
            skipSpaces()
            let ok = atEnd || peek == .comma || peek == closer || (spaceSeparated && pos > save)
            pos = save
            if ok { return parsed }
        } catch let failure as ParseFailure where !failure.fatal {}
        pos = start
        let rawEnd = try rawScan(closer: closer, spaceSeparated: spaceSeparated)
        let text = trimmedText(start, rawEnd)
        if text.isEmpty {
            throw ParseFailure(offset: start, reason: "expected a value")
        }
        pos = rawEnd
        // `name=unrecognised` keeps its name: `rlim_cur=8192*1024`, `sun_path=@"..."`.
        var q = ValueParser(bytes, from: start, to: rawEnd)
        if let name = q.identifier(), q.peek == .equals, q.peek(1) != .equals {
            let value = q.trimmedText(q.pos + 1, rawEnd)
            if !value.isEmpty { return (.named(name, .raw(value)), 2) }
        }
        return (.raw(text), 1)
    }

    /// Scans balanced text from the cursor up to a top-level `,`, `closer`
    /// (or space, in a signal set) and returns its end (not consumed).
    /// Throws at an unterminated string or comment, an unclosed opener or a
    /// closer that matches nothing.
    func rawScan(closer: UInt8?, spaceSeparated: Bool) throws -> Int {
        var stack: [(UInt8, Int)] = []
        var i = pos
        while i < end {
            let c = bytes[i]
            switch c {
            case .quote:
                let q = i
                i += 1
                while i < end, bytes[i] != .quote { i += bytes[i] == .backslash ? 2 : 1 }
                if i >= end { throw ParseFailure(offset: q, reason: "unterminated string") }
            case .slash where i + 1 < end && bytes[i + 1] == .star:
                guard let close = findCommentEnd(from: i + 2) else { throw ParseFailure(offset: i, reason: "unterminated comment") }
                i = close - 1
            case .lparen: stack.append((.rparen, i))
            case .lbracket: stack.append((.rbracket, i))
            case .lbrace: stack.append((.rbrace, i))
            case .rparen, .rbracket, .rbrace:
                if let top = stack.last {
                    guard top.0 == c else {
                        throw ParseFailure(offset: i, reason: "'\(Character(Unicode.Scalar(c)))' does not match '\(Character(Unicode.Scalar(opener(of: top.0))))'")
                    }
                    stack.removeLast()
                } else if c == closer {
                    return i
                } else {
                    throw ParseFailure(offset: i, reason: "unbalanced '\(Character(Unicode.Scalar(c)))'")
                }
            case .comma where stack.isEmpty:
                return i
            case .space where stack.isEmpty && spaceSeparated:
                return i
            default: break
            }
            i += 1
        }
        if let top = stack.last {
            throw ParseFailure(offset: top.1, reason: "unclosed '\(Character(Unicode.Scalar(opener(of: top.0))))'")
        }
        return end
    }

    /// The offset just after the `*/` that ends a comment whose text starts at `from`.
    func findCommentEnd(from: Int) -> Int? {
        var i = from
        while i + 1 < end {
            if bytes[i] == .star && bytes[i + 1] == .slash { return i + 2 }
            i += 1
        }
        return nil
    }

    // MARK: Values

    /// A value with its postfixes (`...` after a string, a `/* comment */`,
    /// `=> after`). `allowNamed` accepts `name=value`. Each postfix wraps the
    /// value in one more level, so a chain of them counts towards ``maxNesting``.
    mutating func parseValue(allowNamed: Bool) throws -> (value: StraceValue, height: Int) {
        var (value, height) = try parsePrimary(allowNamed: allowNamed)
        while true {
            let save = pos
            skipSpaces()
            if starts(with: "/*") {
                let open = pos
                guard let close = findCommentEnd(from: pos + 2) else { throw ParseFailure(offset: open, reason: "unterminated comment") }
                height = try Self.wrap(height, at: open)
                value = .commented(value, comment: trimmedText(open + 2, close - 2))
                pos = close
                // -X verbose flag sets: `0x1 /* SOCK_STREAM */|0x80800 /* SOCK_CLOEXEC|SOCK_NONBLOCK */`.
                if peek == .bar { (value, height) = try parseFlags(first: value, height: height) }
            } else if starts(with: "=>") {
                let arrow = pos
                pos += 2
                skipSpaces()
                let (after, afterHeight) = try parsePrimary(allowNamed: false)
                height = try Self.wrap(max(height, afterHeight), at: arrow)
                value = .updated(value, after: after)
            } else {
                pos = save
                return (value, height)
            }
        }
    }

    mutating func parsePrimary(allowNamed: Bool) throws -> (value: StraceValue, height: Int) {
        skipSpaces()
        guard let c = peek else { throw ParseFailure(offset: pos, reason: "expected a value") }
        switch c {
        case .quote:
            return (try parseString(), 1)
        case .lbrace:
            let open = pos
            pos += 1
            let (items, height) = try nested(at: open) { try $0.parseList(closer: .rbrace, openerOffset: open) }
            return (.structure(items.map { item in
                if case .named(let n, let v) = item { return StraceField(name: n, value: v) }
                return StraceField(name: nil, value: item)
            }), try Self.wrap(height, at: open))
        case .lbracket:
            let open = pos
            pos += 1
            let (items, height) = try nested(at: open) { try $0.parseList(closer: .rbracket, openerOffset: open, spaceSeparated: true) }
            return (.array(items), try Self.wrap(height, at: open))
        case .tilde where peek(1) == .lbracket:
            let open = pos
            pos += 1
            let (set, height) = try parsePrimary(allowNamed: false)
            return (.complement(set), try Self.wrap(height, at: open))
        case .dot where starts(with: "..."):
            pos += 3
            return (.ellipsis, 1)
        case .slash where peek(1) == .star:
            let open = pos
            guard let close = findCommentEnd(from: pos + 2) else { throw ParseFailure(offset: open, reason: "unterminated comment") }
            pos = close
            return (.raw(text(open, close)), 1)
        case _ where c == .minus || c.isDigit:
            let number = try parseNumber()
            if peek == .bar { return try parseFlags(first: number, height: 1) }
            return (number, 1)
        case _ where c.isIdentifierStart:
            let start = pos
            let name = identifier()!
            switch peek {
            case .lparen:
                let open = pos
                pos += 1
                let (items, height) = try nested(at: open) { try $0.parseList(closer: .rparen, openerOffset: open) }
                return (.call(name, items), try Self.wrap(height, at: start))
            case .equals where allowNamed && peek(1) != .equals:
                pos += 1
                let (value, height) = try parseValue(allowNamed: false)
                return (.named(name, value), try Self.wrap(height, at: start))
            case .less where name == "AT_FDCWD":
                return (.fd(-100, path: try parseDecoration()), 1)
            case .bar:
                return try parseFlags(first: .symbol(name), height: 1)
            default:
                return (.symbol(name), 1)
            }
        default:
            throw ParseFailure(offset: pos, reason: "unexpected \(quotedByte(c))")
        }
    }

    /// An integer, with its `-y` decoration when one follows (`3</etc/passwd>`).
    /// An integer that fits in no 64-bit integer is kept as ``StraceValue/raw(_:)``
    /// text: strace prints some byte strings as one long hex number
    /// (`f_handle=0x…` of `name_to_handle_at`), so it is not malformed; what
    /// uses the value decides (a descriptor that is not a number is an error there).
    mutating func parseNumber() throws -> StraceValue {
        let start = pos
        if peek == .minus { pos += 1 }
        while let c = peek, c.isHexDigit || c == UInt8(ascii: "x") || c == UInt8(ascii: "X") { pos += 1 }
        let n: Int64
        switch scanInteger(bytes[start..<pos]) {
        case .value(let v): n = v
        case .outOfRange: return .raw(text(start, pos))
        case .invalid: throw ParseFailure(offset: start, reason: "bad number \(quoted(text(start, pos)))")
        }
        if peek == .less { return .fd(n, path: try parseDecoration()) }
        return .int(n)
    }

    /// A `-y` decoration `<...>` at the cursor; returns the text inside.
    mutating func parseDecoration() throws -> String {
        let open = pos
        var depth = 0
        var i = pos
        while i < end {
            if bytes[i] == .less { depth += 1 }
            // `->` inside a decoration is an arrow (-yy: `5<TCP:[1.2.3.4:5->6.7.8.9:10]>`), not the end.
            if bytes[i] == .greater && !(i > open + 1 && bytes[i - 1] == .minus) {
                depth -= 1
                if depth == 0 {
                    pos = i + 1
                    return text(open + 1, i)
                }
            }
            i += 1
        }
        throw ParseFailure(offset: open, reason: "unclosed '<'")
    }

    /// A flag set `A|B|0x80000` whose first member (of height `height`) is
    /// parsed; the cursor is at the first `|`.
    mutating func parseFlags(first: StraceValue, height: Int) throws -> (value: StraceValue, height: Int) {
        let start = pos
        var items = [first]
        var tallest = height
        while peek == .bar {
            pos += 1
            if let c = peek, c.isDigit || c == .minus {
                let n = try parseNumber()
                guard case .int = n else { throw ParseFailure(offset: pos, reason: "decorated flag") }
                items.append(n)
            } else if let name = identifier() {
                items.append(.symbol(name))
            } else {
                throw ParseFailure(offset: pos, reason: "expected a flag after '|'")
            }
            let save = pos
            skipSpaces()
            if starts(with: "/*"), let close = findCommentEnd(from: pos + 2) {
                items[items.count - 1] = .commented(items[items.count - 1], comment: trimmedText(pos + 2, close - 2))
                tallest = max(tallest, 2)
                pos = close
            } else {
                pos = save
            }
        }
        return (.flags(items), try Self.wrap(tallest, at: start))
    }

    /// A quoted string with C escapes, and `...` when truncated.
    mutating func parseString() throws -> StraceValue {
        let open = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw ParseFailure(offset: open, reason: "unterminated string") }
            pos += 1
            if c == .quote { break }
            guard c == .backslash else { out.append(c); continue }
            guard let e = peek else { throw ParseFailure(offset: open, reason: "unterminated string") }
            pos += 1
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "a"): out.append(7)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "e"): out.append(27)
            case UInt8(ascii: "x"):
                var v: UInt32 = 0, k = 0
                while k < 2, let h = peek, h.isHexDigit {
                    v = v * 16 + UInt32(parseInteger([UInt8(ascii: "0"), UInt8(ascii: "x"), h][...])!)
                    pos += 1
                    k += 1
                }
                guard k > 0 else { throw ParseFailure(offset: pos - 2, reason: "'\\x' without hex digits") }
                out.append(UInt8(v))
            case 48...55:
                var v = UInt32(e - 48), k = 1
                while k < 3, let o = peek, o >= 48 && o <= 55 {
                    v = v * 8 + UInt32(o - 48)
                    pos += 1
                    k += 1
                }
                guard v <= 255 else { throw ParseFailure(offset: pos - k - 1, reason: "octal escape above \\377") }
                out.append(UInt8(v))
            default:
                out.append(e) // \" \\ \' \? and anything else: the character itself
            }
        }
        var truncated = false
        if starts(with: "...") {
            truncated = true
            pos += 3
        }
        return .string(decodeBytes(out), truncated: truncated)
    }
}
