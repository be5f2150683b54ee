// A small JSON (RFC 8259) parser that remembers where every value and every
// object key starts, so that configuration errors can point at the offending
// text. Foundation's JSONSerialization gives no positions, hence this file.
//
// Design decisions:
// - The input is UTF-8 bytes (a leading byte-order mark is skipped). Invalid
//   UTF-8 inside a string is an error at the offending byte; outside strings
//   every non-ASCII byte is an unexpected character anyway.
// - Positions are 1-based. A line ends at LF, CR LF or a lone CR. Columns
//   count Unicode scalars (a tab is one column), which is what most editors
//   show for text without combining characters.
// - The parser is iterative (an explicit stack, no recursion), so no input
//   can exhaust the call stack; nesting is still capped at `maxDepth` levels
//   to bound the work a hostile file can cause downstream.
// - Numbers are kept as their literal text (validated against the RFC
//   grammar); consumers decide what they accept. `integerValue` converts
//   plain integer literals with overflow detection, so huge numbers never trap.
// - Duplicate keys are kept (in order): RFC 8259 leaves their meaning open,
//   and the configuration decoder reports them with both positions.
// - Lone surrogates (`\uD800` without its pair) are errors: a Swift `String`
//   cannot hold them.

import LiteBoxABI
import LiteBoxSpec

/// A 1-based line and column in a JSON text.
struct JSONPosition: Hashable, Sendable, CustomStringConvertible {
    /// The line, from 1.
    var line: Int
    /// The column, from 1, counting Unicode scalars.
    var column: Int

    var description: String { "\(line):\(column)" }
}

/// A parsed JSON value with the position of its first character.
struct JSONValue: Sendable {
    /// The value itself.
    enum Kind: Sendable {
        /// Members in document order (duplicate keys are kept).
        case object([JSONMember])
        case array([JSONValue])
        case string(String)
        /// The literal as written, e.g. `-12`, `1.5e3`.
        case number(String)
        case bool(Bool)
        case null
    }

    var kind: Kind
    /// Where the value starts (its `{`, `[`, opening quote, first digit or sign, or first letter).
    var position: JSONPosition

    /// The kind of value with an article, for messages: "an object", "a string", ...
    var typeDescription: String {
        switch kind {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The value of the last member named `key`, when this is an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = kind else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// Element `index`, when this is an array that long.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = kind, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The value of a number literal that is a plain integer (no fraction or
    /// exponent): `.some(.some(n))` if it fits in `Int`, `.some(nil)` if it is
    /// an integer literal out of `Int`'s range, `nil` if it is not an integer
    /// literal at all.
    static func integerValue(ofLiteral literal: String) -> Int?? {
        var utf8 = Substring(literal).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") { negative = true; utf8 = utf8.dropFirst() }
        guard !utf8.isEmpty, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var n = 0
        for digit in utf8 {
            let d = Int(digit - 0x30)
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (r, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o1 || o2 { return .some(nil) }
            n = r
        }
        return .some(n)
    }

    /// The position of the value at `field`, a path in the syntax of
    /// `Configuration.validate()` (`capabilities[2].rights`; `""` is this
    /// value). When part of the path does not exist, the position of the
    /// nearest enclosing value that does.
    func position(ofField field: String) -> JSONPosition {
        var current = self
        var chars = Substring(field)
        while let c = chars.first {
            if c == "." { chars = chars.dropFirst(); continue }
            if c == "[" {
                let rest = chars.dropFirst()
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[..<close]),
                      let next = current[i] else { break }
                current = next
                chars = rest[rest.index(after: close)...]
            } else {
                let end = chars.firstIndex(where: { $0 == "." || $0 == "[" }) ?? chars.endIndex
                guard let next = current[String(chars[..<end])] else { break }
                current = next
                chars = chars[end...]
            }
        }
        return current.position
    }
}

/// An object member: its key, where the key's opening quote is, and its value.
struct JSONMember: Sendable {
    var key: String
    var keyPosition: JSONPosition
    var value: JSONValue
}

/// Malformed JSON: where, in which value, and why.
struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the problem is.
    var position: JSONPosition
    /// The path of the innermost value being read (`threads[1].state`; `""`
    /// for the top level), in the syntax of `Configuration.validate()`.
    var path: String
    /// What is wrong.
    var reason: String

    var description: String { "\(position): \(path.isEmpty ? "" : path + ": ")\(reason)" }
}

/// Renders a field path: `base.key` (or `key` at the top level). Keys that
/// are not identifiers are written `base["key"]` so the path stays readable.
func jsonFieldPath(_ base: String, key: String) -> String {
    let isIdentifier = !key.isEmpty && key.unicodeScalars.allSatisfy {
        ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
    }
    if isIdentifier { return base.isEmpty ? key : base + "." + key }
    return base + "[" + jsonQuoted(key) + "]"
}

/// Renders a field path: `base[index]`.
func jsonFieldPath(_ base: String, index: Int) -> String { base + "[\(index)]" }

/// `s` as a JSON string literal: quotes, backslashes and control characters
/// escaped, everything else (including non-ASCII) written as is.
public func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                let hex = String(u.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// The parser. Use `JSONParser.parse(_:)`.
struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    static let maxDepth = 256

    /// Parses a complete JSON text (one value, optionally surrounded by whitespace).
    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses a complete JSON text given as UTF-8 bytes.
    static func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    // MARK: State

    /// An array or object under construction. Frames are mutated in place
    /// on the stack, so appending an element never copies the elements so far.
    private struct Frame {
        let isObject: Bool
        /// Where the `{` or `[` is.
        let position: JSONPosition
        var members: [JSONMember] = []
        var elements: [JSONValue] = []
        /// For objects: the key whose value is being read, and where it is.
        var key = ""
        var keyPosition = JSONPosition(line: 0, column: 0)
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var stack: [Frame] = []

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var position: JSONPosition { JSONPosition(line: line, column: column) }
    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Steps over one byte, keeping line and column.
    private mutating func advance() {
        let b = bytes[index]
        index += 1
        switch b {
        case 0x0A:
            line += 1; column = 1
        case 0x0D:
            if peek == 0x0A { column += 1 } else { line += 1; column = 1 }
        default:
            if b & 0xC0 != 0x80 { column += 1 }   // count scalars, not continuation bytes
        }
    }

    private mutating func skipWhitespace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { advance() }
    }

    // MARK: Errors

    /// The path of the value being read by the innermost `depth` frames.
    private func path(depth: Int) -> String {
        var path = ""
        for frame in stack.prefix(depth) {
            path = frame.isObject ? jsonFieldPath(path, key: frame.key) : jsonFieldPath(path, index: frame.elements.count)
        }
        return path
    }

    /// The path of the value being read (the next element or member value).
    private var currentPath: String { path(depth: stack.count) }

    /// The path of the innermost container itself.
    private var containerPath: String { path(depth: stack.count - 1) }

    private func error(_ reason: String, at position: JSONPosition? = nil, path: String? = nil) -> JSONSyntaxError {
        JSONSyntaxError(position: position ?? self.position, path: path ?? currentPath, reason: reason)
    }

    /// A readable name for the character at the current index.
    private var describeCurrent: String {
        guard let b = peek else { return "end of input" }
        if b == UInt8(ascii: "'") { return "\"'\"" }
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b < 0x80 { return "character " + scalarName(UInt32(b)) }
        if let (scalar, _) = decodeScalar(at: index) {
            return "character " + scalarName(scalar.value) + " '\(Character(scalar))'"
        }
        return "invalid UTF-8 byte 0x" + hex(UInt32(b), digits: 2)
    }

    private func scalarName(_ v: UInt32) -> String { "U+" + hex(v, digits: 4) }

    private func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// The error for an unexpected character (or end of input) where `expected` was due.
    private func unexpected(expected: String) -> JSONSyntaxError {
        guard let b = peek else { return error("unexpected end of input; expected \(expected)") }
        var hint = ""
        switch b {
        case UInt8(ascii: "'"): hint = " (JSON strings use double quotes)"
        case UInt8(ascii: "/"), UInt8(ascii: "#"): hint = " (JSON has no comments)"
        default: break
        }
        return error("unexpected \(describeCurrent); expected \(expected)\(hint)")
    }

    // MARK: Document and containers

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }   // a BOM is not a column
        var value = try parseValueStart()
        // Each completed value either is the document or goes into the innermost container.
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].isObject {
                let member = JSONMember(key: stack[top].key, keyPosition: stack[top].keyPosition, value: value)
                stack[top].members.append(member)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    advance()
                    skipWhitespace()
                    if peek == UInt8(ascii: "}") { throw error("a trailing comma is not allowed before '}'", path: containerPath) }
                    let (key, keyPosition) = try parseKey(objectPath: containerPath)
                    stack[top].key = key
                    stack[top].keyPosition = keyPosition
                    value = try parseValueStart()
                } else if peek == UInt8(ascii: "}") {
                    advance()
                    let frame = stack.removeLast()
                    value = JSONValue(kind: .object(frame.members), position: frame.position)
                } else {
                    throw error(unexpectedReason(expected: "',' or '}' after an object member"), path: containerPath)
                }
            } else {
                stack[top].elements.append(value)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    advance()
                    skipWhitespace()
                    if peek == UInt8(ascii: "]") { throw error("a trailing comma is not allowed before ']'", path: containerPath) }
                    value = try parseValueStart()
                } else if peek == UInt8(ascii: "]") {
                    advance()
                    let frame = stack.removeLast()
                    value = JSONValue(kind: .array(frame.elements), position: frame.position)
                } else {
                    throw error(unexpectedReason(expected: "',' or ']' after an array element"), path: containerPath)
                }
            }
        }
        skipWhitespace()
        if peek != nil {
            throw error("unexpected \(describeCurrent) after the end of the JSON value", path: "")
        }
        return value
    }

    private func unexpectedReason(expected: String) -> String { unexpected(expected: expected).reason }

    /// Reads the start of a value. Scalars are read completely; `{` and `[`
    /// push a frame (and read the first key), and empty containers are
    /// completed at once. Returns a completed value; when a container was
    /// opened, keeps reading until some value completes.
    private mutating func parseValueStart() throws(JSONSyntaxError) -> JSONValue {
        while true {
            skipWhitespace()
            let start = position
            guard let b = peek else { throw unexpected(expected: "a value") }
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if stack.count >= JSONParser.maxDepth {
                    throw error("nesting deeper than \(JSONParser.maxDepth) levels")
                }
                advance()
                skipWhitespace()
                if b == UInt8(ascii: "{") {
                    if peek == UInt8(ascii: "}") { advance(); return JSONValue(kind: .object([]), position: start) }
                    let (key, keyPosition) = try parseKey(objectPath: currentPath)
                    stack.append(Frame(isObject: true, position: start, key: key, keyPosition: keyPosition))
                } else {
                    if peek == UInt8(ascii: "]") { advance(); return JSONValue(kind: .array([]), position: start) }
                    stack.append(Frame(isObject: false, position: start))
                }
                // Loop: read the first element / member value.
            case UInt8(ascii: "\""):
                return JSONValue(kind: .string(try parseString()), position: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return JSONValue(kind: .number(try parseNumber()), position: start)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return JSONValue(kind: try parseLiteral(), position: start)
            default:
                throw unexpected(expected: "a value")
            }
        }
    }

    /// Reads `"key"` and the `:` after it. `objectPath` is the object's path, for errors.
    private mutating func parseKey(objectPath: String) throws(JSONSyntaxError) -> (String, JSONPosition) {
        skipWhitespace()
        let start = position
        guard peek == UInt8(ascii: "\"") else {
            if let b = peek, (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_") {
                throw error("object keys must be strings in double quotes", path: objectPath)
            }
            throw error(unexpectedReason(expected: "a string key in double quotes"), path: objectPath)
        }
        let key: String
        do { key = try parseString() } catch {
            throw JSONSyntaxError(position: error.position, path: objectPath, reason: error.reason)
        }
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else {
            throw error(unexpectedReason(expected: "':' after the key \(jsonQuoted(key))"),
                        path: jsonFieldPath(objectPath, key: key))
        }
        advance()
        return (key, start)
    }

    // MARK: Scalars

    /// Reads a string literal (at its opening quote) and returns its value.
    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        advance()   // the opening quote
        var out: [UInt8] = []
        while true {
            guard let b = peek else {
                throw error("unterminated string (the input ends before its closing quote)", at: start)
            }
            switch b {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: out, as: UTF8.self)   // validated below, so never repaired
            case UInt8(ascii: "\\"):
                let escapeStart = position
                advance()
                guard let e = peek else {
                    throw error("unterminated string (the input ends before its closing quote)", at: start)
                }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    advance()
                    let unit = try parseHex4(escapeStart: escapeStart)
                    var scalarValue = unit
                    if unit >= 0xD800 && unit <= 0xDBFF {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate \\u\(hex(unit, digits: 4)) (a high surrogate must be followed by a \\u escape of a low surrogate)", at: escapeStart)
                        }
                        let lowStart = position
                        advance(); advance()
                        let low = try parseHex4(escapeStart: lowStart)
                        guard low >= 0xDC00 && low <= 0xDFFF else {
                            throw error("unpaired surrogate \\u\(hex(unit, digits: 4)) (followed by \\u\(hex(low, digits: 4)), not a low surrogate)", at: escapeStart)
                        }
                        scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else if unit >= 0xDC00 && unit <= 0xDFFF {
                        throw error("unpaired surrogate \\u\(hex(unit, digits: 4)) (a low surrogate without a high one before it)", at: escapeStart)
                    }
                    // Every non-surrogate value and every surrogate pair is a valid scalar.
                    if let scalar = Unicode.Scalar(scalarValue) {
                        out.append(contentsOf: String(Character(scalar)).utf8)
                    }
                    continue   // parseHex4 already consumed the digits
                default:
                    let what = e >= 0x21 && e < 0x7F ? "\\" + String(Character(Unicode.Scalar(e))) : "\\ followed by " + describeCurrent
                    throw error("invalid escape \(what) in a string (valid escapes: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at: escapeStart)
                }
                advance()
            case 0x0A, 0x0D:
                throw error("unterminated string (a string cannot span lines; write \\n for a line break)", at: start)
            case 0x00..<0x20:
                throw error("control character \(scalarName(UInt32(b))) must be escaped in a string")
            case 0x20..<0x80:
                out.append(b)
                advance()
            default:
                guard let (_, length) = decodeScalar(at: index) else {
                    throw error("invalid UTF-8 byte 0x\(hex(UInt32(b), digits: 2)) in a string")
                }
                out.append(contentsOf: bytes[index..<index + length])
                for _ in 0..<length { advance() }
            }
        }
    }

    /// Reads the four hex digits of a `\u` escape (the `\u` already read).
    private mutating func parseHex4(escapeStart: JSONPosition) throws(JSONSyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek else {
                throw error("unterminated string (the input ends inside a \\u escape)", at: escapeStart)
            }
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape: expected 4 hexadecimal digits", at: escapeStart)
            }
            v = v << 4 | d
            advance()
        }
        return v
    }

    /// Decodes the well-formed UTF-8 sequence at `i` (no overlong forms, no
    /// surrogates, nothing above U+10FFFF): the scalar and its byte length.
    private func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = bytes[i]
        let length: Int, initial: UInt32, minimum: UInt32
        switch b0 {
        case 0x00..<0x80: return Unicode.Scalar(UInt32(b0)).map { ($0, 1) }
        case 0xC2...0xDF: length = 2; initial = UInt32(b0 & 0x1F); minimum = 0x80
        case 0xE0...0xEF: length = 3; initial = UInt32(b0 & 0x0F); minimum = 0x800
        case 0xF0...0xF4: length = 4; initial = UInt32(b0 & 0x07); minimum = 0x10000
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        var v = initial
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return nil }
            v = v << 6 | UInt32(b & 0x3F)
        }
        guard v >= minimum, v <= 0x10FFFF, let scalar = Unicode.Scalar(v) else { return nil }
        return (scalar, length)
    }

    /// Reads a number literal (RFC 8259 §6) and returns its text.
    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let begin = index
        func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if peek == UInt8(ascii: "-") {
            advance()
            guard isDigit(peek) else { throw unexpected(expected: "a digit after '-'") }
        }
        if peek == UInt8(ascii: "0") {
            advance()
            if isDigit(peek) { throw error("a number cannot have leading zeros") }
        } else {
            while isDigit(peek) { advance() }
        }
        if peek == UInt8(ascii: ".") {
            advance()
            guard isDigit(peek) else { throw unexpected(expected: "a digit after the decimal point") }
            while isDigit(peek) { advance() }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            advance()
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { advance() }
            guard isDigit(peek) else { throw unexpected(expected: "a digit in the exponent") }
            while isDigit(peek) { advance() }
        }
        // A number must end at a delimiter, not run into letters ("12abc").
        if let b = peek, (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_") {
            throw unexpected(expected: "the end of the number")
        }
        return String(decoding: bytes[begin..<index], as: UTF8.self)
    }

    /// Reads `true`, `false` or `null` (at a letter).
    private mutating func parseLiteral() throws(JSONSyntaxError) -> JSONValue.Kind {
        let start = position
        let begin = index
        var end = index
        while end < bytes.count, end - begin < 32 {
            let b = bytes[end]
            guard (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                    || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") else { break }
            end += 1
        }
        let word = String(decoding: bytes[begin..<end], as: UTF8.self)
        let kind: JSONValue.Kind
        switch word {
        case "true": kind = .bool(true)
        case "false": kind = .bool(false)
        case "null": kind = .null
        default:
            throw error("invalid literal '\(word)' (expected a value: a string in double quotes, a number, an object, an array, true, false or null)", at: start)
        }
        while index < end { advance() }
        return kind
    }
}
