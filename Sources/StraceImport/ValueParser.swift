// The value grammar of strace output: a recursive-descent parser over the
// bytes of one (possibly joined) line. Anything balanced that fits no known
// shape falls back to `.raw`; only unbalanced quotes, brackets and comments
// and empty elements are errors.

/// A parse failure at a byte offset of the parsed buffer.
struct ParseFailure: Error {
    var offset: Int
    var reason: String
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

/// Parses integers as strace prints them: `-12`, `0x7f`, `0644`. Values up to
/// `UInt64.max` keep their bit pattern. Nil when `text` is not one integer.
func parseInteger(_ text: ArraySlice<UInt8>) -> Int64? {
    var digits = text
    var negative = false
    if digits.first == .minus { negative = true; digits = digits.dropFirst() }
    guard let first = digits.first, first.isDigit else { return nil }
    var radix: UInt64 = 10
    if digits.count > 2, first == UInt8(ascii: "0"), digits[digits.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
        radix = 16
        digits = digits.dropFirst(2)
    } else if digits.count > 1, first == UInt8(ascii: "0") {
        radix = 8
        digits = digits.dropFirst()
    }
    var value: UInt64 = 0
    for d in digits {
        let v: UInt64
        switch d {
        case 48...57: v = UInt64(d - 48)
        case 97...102: v = UInt64(d - 87)
        case 65...70: v = UInt64(d - 55)
        default: return nil
        }
        guard v < radix else { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: radix)
        let (a, o2) = m.addingReportingOverflow(v)
        if o1 || o2 { return nil }
        value = a
    }
    if negative {
        guard value <= UInt64(Int64.max) + 1 else { return nil }
        return value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value)
    }
    return Int64(bitPattern: value)
}

/// A cursor over one buffer of bytes.
struct ValueParser {
    let bytes: [UInt8]
    var pos: Int
    let end: Int

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

    // MARK: Lists

    /// Parses elements up to `closer` (consumed; nil: the end of the buffer,
    /// where a trailing comma is allowed). The opener, for error reports, is
    /// at `openerOffset`. `spaceSeparated` allows elements separated by
    /// spaces (signal sets).
    mutating func parseList(closer: UInt8?, openerOffset: Int, spaceSeparated: Bool = false) throws -> [StraceValue] {
        var items: [StraceValue] = []
        skipSpaces()
        if let closer, peek == closer { pos += 1; return items }
        if closer == nil && atEnd { return items }
        while true {
            items.append(try parseElement(closer: closer, spaceSeparated: spaceSeparated))
            let before = pos
            skipSpaces()
            if let c = peek {
                if c == .comma {
                    pos += 1
                    skipSpaces()
                    if closer == nil && atEnd { return items }
                    continue
                }
                if c == closer { pos += 1; return items }
                if spaceSeparated && pos > before { continue }
                throw ParseFailure(offset: pos, reason: "unexpected '\(Character(Unicode.Scalar(c)))'")
            }
            if closer == nil { return items }
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
    /// recognised; throws when it is not balanced.
    mutating func parseElement(closer: UInt8?, spaceSeparated: Bool) throws -> StraceValue {
        skipSpaces()
        let start = pos
        do {
            let value = try parseValue(allowNamed: true)
            let save = pos
            skipSpaces()
            let ok = atEnd || peek == .comma || peek == closer || (spaceSeparated && pos > save)
            pos = save
            if ok { return value }
        } catch is ParseFailure {}
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
            if !value.isEmpty { return .named(name, .raw(value)) }
        }
        return .raw(text)
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
    /// `=> after`). `allowNamed` accepts `name=value`.
    mutating func parseValue(allowNamed: Bool) throws -> StraceValue {
        var value = try parsePrimary(allowNamed: allowNamed)
        while true {
            let save = pos
            skipSpaces()
            if starts(with: "/*") {
                let open = pos
                guard let close = findCommentEnd(from: pos + 2) else { throw ParseFailure(offset: open, reason: "unterminated comment") }
                value = .commented(value, comment: trimmedText(open + 2, close - 2))
                pos = close
                // -X verbose flag sets: `0x1 /* SOCK_STREAM */|0x80800 /* SOCK_CLOEXEC|SOCK_NONBLOCK */`.
                if peek == .bar { value = try parseFlags(first: value) }
            } else if starts(with: "=>") {
                pos += 2
                skipSpaces()
                value = .updated(value, after: try parsePrimary(allowNamed: false))
            } else {
                pos = save
                return value
            }
        }
    }

    mutating func parsePrimary(allowNamed: Bool) throws -> StraceValue {
        skipSpaces()
        guard let c = peek else { throw ParseFailure(offset: pos, reason: "expected a value") }
        switch c {
        case .quote:
            return try parseString()
        case .lbrace:
            let open = pos
            pos += 1
            let items = try parseList(closer: .rbrace, openerOffset: open)
            return .structure(items.map { item in
                if case .named(let n, let v) = item { return StraceField(name: n, value: v) }
                return StraceField(name: nil, value: item)
            })
        case .lbracket:
            let open = pos
            pos += 1
            return .array(try parseList(closer: .rbracket, openerOffset: open, spaceSeparated: true))
        case .tilde where peek(1) == .lbracket:
            pos += 1
            return .complement(try parsePrimary(allowNamed: false))
        case .dot where starts(with: "..."):
            pos += 3
            return .ellipsis
        case .slash where peek(1) == .star:
            let open = pos
            guard let close = findCommentEnd(from: pos + 2) else { throw ParseFailure(offset: open, reason: "unterminated comment") }
            pos = close
            return .raw(text(open, close))
        case _ where c == .minus || c.isDigit:
            let number = try parseNumber()
            if peek == .bar { return try parseFlags(first: number) }
            return number
        case _ where c.isIdentifierStart:
            let name = identifier()!
            switch peek {
            case .lparen:
                let open = pos
                pos += 1
                return .call(name, try parseList(closer: .rparen, openerOffset: open))
            case .equals where allowNamed && peek(1) != .equals:
                pos += 1
                return .named(name, try parseValue(allowNamed: false))
            case .less where name == "AT_FDCWD":
                return .fd(-100, path: try parseDecoration())
            case .bar:
                return try parseFlags(first: .symbol(name))
            default:
                return .symbol(name)
            }
        default:
            throw ParseFailure(offset: pos, reason: "unexpected '\(Character(Unicode.Scalar(c)))'")
        }
    }

    /// An integer, with its `-y` decoration when one follows (`3</etc/passwd>`).
    mutating func parseNumber() throws -> StraceValue {
        let start = pos
        if peek == .minus { pos += 1 }
        while let c = peek, c.isHexDigit || c == UInt8(ascii: "x") || c == UInt8(ascii: "X") { pos += 1 }
        guard let n = parseInteger(bytes[start..<pos]) else {
            throw ParseFailure(offset: start, reason: "bad number '\(text(start, pos))'")
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

    /// A flag set `A|B|0x80000` whose first member is parsed.
    mutating func parseFlags(first: StraceValue) throws -> StraceValue {
        var items = [first]
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
                pos = close
            } else {
                pos = save
            }
        }
        return .flags(items)
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
