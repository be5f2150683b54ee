// The JSON configuration file format (Configuration+JSON.swift) and its
// parser (JSON.swift): presets round-trip and match configs/*.json, a
// hand-written file parses, every kind of broken file is reported at the
// exact line, column and field, and random damage never crashes.
//
// To regenerate configs/*.json after changing a preset or the rendering:
//   LITEBOX_REGENERATE_CONFIGS=1 swift test --filter ConfigurationFileTests

import LiteBoxABI
import Foundation
import Testing
@testable import LiteBoxFormats
@testable import LiteBoxSpec
import LiteBoxTestSupport

@Suite("Configuration files")
struct ConfigurationFileTests {

    // MARK: Fixtures

    /// The example of the format's documentation, line by line as in the doc comment.
    static let example = """
    {
      "name": "my-config",
      "sandboxes": 2, "slotsPerSandbox": 3, "pagesPerSandbox": 1,
      "endpoints": 1, "notifications": 1, "frames": 1,
      "threads": [ {"sandbox": 0, "state": "running"}, {"sandbox": 1, "state": "inactive"} ],
      "capabilities": [
        {"sandbox": 0, "slot": 0, "type": "endpoint", "object": 0, "rights": "RWG"},
        {"sandbox": 0, "slot": 1, "type": "frame", "object": 0, "rights": "RW"},
        {"sandbox": 1, "slot": 0, "type": "endpoint", "object": 0, "rights": "W", "badge": 5, "parent": {"sandbox": 0, "slot": 0}}
      ],
      "mappings": [ {"sandbox": 0, "page": 0, "slot": 1, "rights": "R"} ],
      "frameValues": [0]
    }
    """

    static let exampleConfiguration = Configuration(
        name: "my-config", sandboxes: 2, slotsPerSandbox: 3, pagesPerSandbox: 1,
        endpoints: 1, notifications: 1, frames: 1,
        threads: [.init(sandbox: 0, running: true), .init(sandbox: 1, running: false)],
        capabilities: [
            .init(at: .init(sandbox: 0, slot: 0), type: .endpoint, object: 0, rights: .all),
            .init(at: .init(sandbox: 0, slot: 1), type: .frame, object: 0, rights: [.read, .write]),
            .init(at: .init(sandbox: 1, slot: 0), type: .endpoint, object: 0, rights: [.write], badge: 5,
                  parent: .init(sandbox: 0, slot: 0)),
        ],
        mappings: [.init(sandbox: 0, page: 0, slot: 1, rights: [.read])],
        frameValues: [0])

    /// The example with the `occurrence`-th (0-based) `old` replaced by `new`.
    static func example(replacing old: String, with new: String, occurrence: Int = 0) -> String {
        var searchStart = example.startIndex
        var found: Range<String.Index>?
        for _ in 0...occurrence {
            found = example.range(of: old, range: searchStart..<example.endIndex)
            guard let f = found else { fatalError("fixture: \(old) not in the example") }
            searchStart = f.upperBound
        }
        return example.replacingCharacters(in: found!, with: new)
    }

    /// The repository root, from this file's path.
    static var repositoryRoot: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)   // Tests/Properties/ConfigurationFileTests.swift
        return parts.joined(separator: "/")
    }

    /// Expects `body` to throw a ConfigurationError and returns it.
    static func error(_ body: () throws(ConfigurationError) -> Configuration) -> ConfigurationError? {
        do {
            let c = try body()
            Issue.record("expected an error, got a configuration named \(c.name)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: Presets and the hand-written example

    @Test("every preset round-trips through json exactly", arguments: Configuration.presetNames)
    func presetRoundTrips(name: String) throws {
        let preset = try #require(Configuration.preset(name))
        let text = preset.json
        let parsed = try Configuration(json: text)
        #expect(parsed == preset)
        #expect(parsed.json == text)
        #expect(text.hasSuffix("}\n"))
    }

    @Test("configs/<preset>.json is exactly the preset's rendering", arguments: Configuration.presetNames)
    func presetFilesMatch(name: String) throws {
        let preset = try #require(Configuration.preset(name))
        let path = Self.repositoryRoot + "/configs/\(name).json"
        if ProcessInfo.processInfo.environment["LITEBOX_REGENERATE_CONFIGS"] != nil {
            try FileManager.default.createDirectory(atPath: Self.repositoryRoot + "/configs", withIntermediateDirectories: true)
            try preset.json.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        #expect(onDisk == preset.json, "configs/\(name).json drifted; regenerate it (see the top of this file)")
        #expect(try Configuration(contentsOfFile: path) == preset)
    }

    @Test("the documented example parses to the expected configuration")
    func handWrittenExample() throws {
        let c = try Configuration(json: Self.example, file: "my-config.json")
        #expect(c == Self.exampleConfiguration)
        #expect(try Configuration(json: c.json) == c)
    }

    @Test("the example in the format's doc comment is the one tested here, and it is valid")
    func documentedExampleIsTested() throws {
        let source = try String(contentsOfFile: Self.repositoryRoot + "/Sources/LiteBoxFormats/Configuration+JSON.swift", encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let start = try #require(lines.firstIndex(of: "/// ```json"))
        let end = try #require(lines[(start + 1)...].firstIndex(of: "/// ```"))
        let documented = lines[(start + 1)..<end].map { $0.hasPrefix("/// ") ? String($0.dropFirst(4)) : "" }
        // The doc comment's lines are trimmed; compare with the example's lines trimmed alike.
        let tested = Self.example.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(documented.map { $0.trimmingCharacters(in: .whitespaces) } == tested)
    }

    @Test("the rendering of the example is the documented pretty layout")
    func renderingLayout() {
        #expect(Self.exampleConfiguration.json == """
        {
          "name": "my-config",
          "sandboxes": 2,
          "slotsPerSandbox": 3,
          "pagesPerSandbox": 1,
          "endpoints": 1,
          "notifications": 1,
          "frames": 1,
          "threads": [
            {"sandbox": 0, "state": "running"},
            {"sandbox": 1, "state": "inactive"}
          ],
          "capabilities": [
            {"sandbox": 0, "slot": 0, "type": "endpoint", "object": 0, "rights": "RWG"},
            {"sandbox": 0, "slot": 1, "type": "frame", "object": 0, "rights": "RW"},
            {"sandbox": 1, "slot": 0, "type": "endpoint", "object": 0, "rights": "W", "badge": 5, "parent": {"sandbox": 0, "slot": 0}}
          ],
          "mappings": [
            {"sandbox": 0, "page": 0, "slot": 1, "rights": "R"}
          ],
          "frameValues": [0]
        }

        """)
    }

    @Test("optional keys default; whitespace, key order, CRLF and a BOM do not matter; names with escapes round-trip")
    func optionalKeysAndLayoutFreedom() throws {
        let minimal = """
        {"frames": 0, "notifications": 0, "endpoints": 1, "pagesPerSandbox": 0, "slotsPerSandbox": 1,
         "sandboxes": 1, "name": "min", "threads": [{"state": "running", "sandbox": 0}], "capabilities": []}
        """
        let c = try Configuration(json: minimal)
        #expect(c.mappings.isEmpty && c.frameValues.isEmpty && c.capabilities.isEmpty)
        let crlf = Self.example.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try Configuration(json: crlf) == Self.exampleConfiguration)
        #expect(try Configuration(jsonBytes: [0xEF, 0xBB, 0xBF] + Array(Self.example.utf8), file: nil) == Self.exampleConfiguration)
        var odd = Self.exampleConfiguration
        odd.name = "tab\there \"quoted\" \\ é 😀 \u{1}"
        #expect(try Configuration(json: odd.json) == odd)
        // "-" and "" both mean no rights.
        var none = Self.exampleConfiguration
        none.capabilities[2].rights = []
        #expect(try Configuration(json: Self.example(replacing: "\"rights\": \"W\"", with: "\"rights\": \"-\"")) == none)
        #expect(try Configuration(json: Self.example(replacing: "\"rights\": \"W\"", with: "\"rights\": \"\"")) == none)
    }

    // MARK: Broken files

    /// A broken input and the exact error expected for it.
    struct Broken: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var column: Int
        var field: String
        var reason: String
        var testDescription: String { name }
    }

    static func broken(_ name: String, _ text: String, _ line: Int, _ column: Int, _ field: String, _ reason: String) -> Broken {
        Broken(name: name, text: text, line: line, column: column, field: field, reason: reason)
    }

    static func broken(_ name: String, replacing old: String, with new: String, occurrence: Int = 0,
                       _ line: Int, _ column: Int, _ field: String, _ reason: String) -> Broken {
        broken(name, example(replacing: old, with: new, occurrence: occurrence), line, column, field, reason)
    }

    /// Positions were computed independently (by searching the broken text
    /// for the offending token), not copied from the implementation.
    static let brokenInputs: [Broken] = [
        // Malformed JSON.
        broken("empty input", "", 1, 1, "", "unexpected end of input; expected a value"),
        broken("only whitespace", "  \n  ", 2, 3, "", "unexpected end of input; expected a value"),
        broken("truncated after a capability", String(example.prefix(upTo: example.range(of: "\"RW\"},\n")!.upperBound)),
               9, 1, "capabilities[2]", "unexpected end of input; expected a value"),
        broken("truncated inside a key", String(example.prefix(upTo: example.range(of: "\"endp")!.upperBound)),
               4, 3, "", "unterminated string (the input ends before its closing quote)"),
        broken("missing comma between members", replacing: "\"slot\": 0, \"type\"", with: "\"slot\": 0 \"type\"",
               7, 30, "capabilities[0]", "unexpected '\"'; expected ',' or '}' after an object member"),
        broken("trailing comma in an array", replacing: "[0]", with: "[0,]",
               12, 21, "frameValues", "a trailing comma is not allowed before ']'"),
        broken("string not closed on its line", replacing: "\"my-config\"", with: "\"my-config",
               2, 11, "name", "unterminated string (a string cannot span lines"),
        broken("invalid escape", replacing: "\"my-config\"", with: "\"my\\qconfig\"",
               2, 14, "name", "invalid escape \\q in a string"),
        broken("lone surrogate", replacing: "\"my-config\"", with: "\"my\\uD800config\"",
               2, 14, "name", "unpaired surrogate \\uD800"),
        broken("bad \\u escape", replacing: "\"my-config\"", with: "\"my\\u12G4\"",
               2, 14, "name", "invalid \\u escape: expected 4 hexadecimal digits"),
        broken("raw tab in a string", replacing: "\"my-config\"", with: "\"my\tconfig\"",
               2, 14, "name", "control character U+0009 must be escaped in a string"),
        broken("leading zero", replacing: "\"frames\": 1", with: "\"frames\": 01",
               4, 50, "frames", "a number cannot have leading zeros"),
        broken("number without digits after the point", replacing: "\"frames\": 1", with: "\"frames\": 1.}",
               4, 51, "frames", "unexpected '}'; expected a digit after the decimal point"),
        broken("comment", replacing: "\"name\": \"my-config\",", with: "\"name\": \"my-config\", // mine",
               2, 24, "", "expected a string key in double quotes (JSON has no comments)"),
        broken("single-quoted key", replacing: "\"name\"", with: "'name'",
               2, 3, "", "(JSON strings use double quotes)"),
        broken("unquoted key", replacing: "\"name\"", with: "name",
               2, 3, "", "object keys must be strings in double quotes"),
        broken("missing colon", replacing: "\"name\": ", with: "\"name\" ",
               2, 10, "name", "expected ':' after the key \"name\""),
        broken("invalid literal", replacing: "\"state\": \"running\"", with: "\"state\": True",
               5, 40, "threads[0].state", "invalid literal 'True'"),
        broken("garbage after the object", example + "\n}", 14, 1, "", "unexpected '}' after the end of the JSON value"),
        broken("nesting too deep", String(repeating: "[", count: 300), 1, 257,
               String(repeating: "[0]", count: 256), "nesting deeper than 256 levels"),
        // Structure and JSON types.
        broken("top level is not an object", "[1]", 1, 1, "", "expected the configuration (an object), got an array"),
        broken("missing key in a capability", replacing: ", \"rights\": \"RWG\"", with: "",
               7, 5, "capabilities[0].rights", "missing required key \"rights\""),
        broken("missing top-level key", replacing: ", \"frames\": 1", with: "",
               1, 1, "frames", "missing required key \"frames\""),
        broken("missing key in a parent", replacing: "\"parent\": {\"sandbox\": 0, \"slot\": 0}", with: "\"parent\": {\"sandbox\": 0}",
               9, 101, "capabilities[2].parent.slot", "missing required key \"slot\""),
        broken("unknown key (a typo)", replacing: "\"slot\": 1, \"type\": \"frame\"", with: "\"slots\": 1, \"type\": \"frame\"",
               8, 20, "capabilities[1].slots", "unknown key \"slots\" in a capability (did you mean \"slot\"?)"),
        broken("duplicate key", replacing: "\"rights\": \"RWG\"", with: "\"rights\": \"RWG\", \"rights\": \"R\"",
               7, 81, "capabilities[0].rights", "duplicate key \"rights\" (first at line 7, column 64)"),
        broken("string where an integer belongs", replacing: "\"slot\": 1, \"type\": \"frame\"", with: "\"slot\": \"1\", \"type\": \"frame\"",
               8, 28, "capabilities[1].slot", "expected an integer, got a string"),
        broken("non-integer number", replacing: "\"frames\": 1", with: "\"frames\": 1.5",
               4, 49, "frames", "expected an integer, got the number 1.5"),
        broken("huge number", replacing: "\"sandboxes\": 2", with: "\"sandboxes\": 99999999999999999999",
               3, 16, "sandboxes", "the integer 99999999999999999999 is out of range"),
        broken("negative badge", replacing: "\"badge\": 5", with: "\"badge\": -1",
               9, 88, "capabilities[2].badge", "must be between 0 and 4294967295, got -1"),
        broken("badge above 32 bits", replacing: "\"badge\": 5", with: "\"badge\": 4294967296",
               9, 88, "capabilities[2].badge", "must be between 0 and 4294967295, got 4294967296"),
        broken("negative frame value", replacing: "\"frameValues\": [0]", with: "\"frameValues\": [0, -1]",
               12, 22, "frameValues[1]", "must be between 0 and 4294967295, got -1"),
        broken("threads is an object", replacing: "[ {\"sandbox\": 0, \"state\": \"running\"}, {\"sandbox\": 1, \"state\": \"inactive\"} ]", with: "{}",
               5, 14, "threads", "expected an array, got an object"),
        broken("bad rights letters", replacing: "\"rights\": \"RW\"}", with: "\"rights\": \"RX\"}",
               8, 71, "capabilities[1].rights", "invalid rights \"RX\""),
        broken("unknown capability type", replacing: "\"type\": \"frame\"", with: "\"type\": \"endpoit\"",
               8, 39, "capabilities[1].type", "unknown capability type \"endpoit\""),
        broken("thread starting blocked", replacing: "\"state\": \"running\"", with: "\"state\": \"blockedRecv\"",
               5, 40, "threads[0].state", "threads cannot start blocked"),
        // Rejected by validate(), located in the file.
        broken("out-of-range slot", replacing: "\"slot\": 1, \"type\": \"frame\"", with: "\"slot\": 3, \"type\": \"frame\"",
               8, 28, "capabilities[1].slot", "must be between 0 and 2, got 3"),
        broken("thread in a sandbox that does not exist", replacing: "{\"sandbox\": 1, \"state\": \"inactive\"}", with: "{\"sandbox\": 2, \"state\": \"inactive\"}",
               5, 64, "threads[1].sandbox", "must be between 0 and 1, got 2"),
        broken("rights not allowed on the type", replacing: "\"rights\": \"RW\"}", with: "\"rights\": \"RWG\"}",
               8, 71, "capabilities[1].rights", "RWG is not allowed on a frame capability"),
        broken("mapping on a non-frame capability", replacing: "\"slot\": 1, \"rights\": \"R\"", with: "\"slot\": 0, \"rights\": \"R\"",
               11, 51, "mappings[0].slot", "slot 0 of sandbox 0 must hold a frame capability"),
        broken("parent listed later", replacing: "\"rights\": \"RWG\"}", with: "\"rights\": \"RWG\", \"parent\": {\"sandbox\": 1, \"slot\": 0}}",
               7, 91, "capabilities[0].parent", "must be a capability listed earlier"),
        broken("one frame value per frame", replacing: "\"frameValues\": [0]", with: "\"frameValues\": [0, 0]",
               12, 18, "frameValues", "must list one value per frame (1), got 2"),
        broken("too many slots in all", replacing: "\"slotsPerSandbox\": 3", with: "\"slotsPerSandbox\": 4097",
               3, 38, "slotsPerSandbox", "exceeds the specification's limit of 8192 slots"),
        broken("no threads", replacing: "[ {\"sandbox\": 0, \"state\": \"running\"}, {\"sandbox\": 1, \"state\": \"inactive\"} ]", with: "[]",
               5, 14, "threads", "at least one thread is needed"),
    ]

    @Test("a broken file is reported at the exact line, column and field", arguments: brokenInputs)
    func brokenInput(_ b: Broken) throws {
        let e = try #require(Self.error { () throws(ConfigurationError) in try Configuration(json: b.text, file: "broken.json") })
        #expect(e.file == "broken.json")
        #expect(e.line == b.line)
        #expect(e.column == b.column)
        #expect(e.field == b.field)
        #expect(e.reason.contains(b.reason), "reason: \(e.reason)")
    }

    @Test("errors without a file name carry none, and print as line:column: field: reason")
    func errorDescription() throws {
        let text = Self.example(replacing: "\"rights\": \"RW\"}", with: "\"rights\": \"RX\"}")
        let e = try #require(Self.error { () throws(ConfigurationError) in try Configuration(json: text) })
        #expect(e.file == nil)
        #expect(e.description.hasPrefix("8:71: capabilities[1].rights: invalid rights \"RX\""))
        let f = try #require(Self.error { () throws(ConfigurationError) in try Configuration(json: text, file: "a.json") })
        #expect(f.description.hasPrefix("a.json:8:71: capabilities[1].rights: "))
    }

    @Test("invalid UTF-8 is reported at the offending byte")
    func invalidUTF8() throws {
        var bytes = Array(Self.example.utf8)
        let at = try #require(bytes.firstIndex(of: UInt8(ascii: "-")))   // in "my-config", line 2 column 14
        bytes[at] = 0xFF
        let e = try #require(Self.error { () throws(ConfigurationError) in try Configuration(jsonBytes: bytes, file: nil) })
        #expect(e.line == 2 && e.column == 14 && e.field == "name")
        #expect(e.reason == "invalid UTF-8 byte 0xFF in a string")
        // Outside a string: an unexpected character, still located.
        let f = try #require(Self.error { () throws(ConfigurationError) in try Configuration(jsonBytes: [0x7B, 0x0A, 0x20, 0xC3, 0xA9], file: nil) })
        #expect(f.line == 2 && f.column == 2 && f.field == "")
        #expect(f.reason.contains("U+00E9"))
    }

    @Test("a validation problem of the whole state points at the top-level object; missing paths fall back to the enclosing value")
    func fieldLookup() throws {
        // No configuration that passes validate()'s field checks violates an
        // invariant initially (the field checks are complete for initial
        // states), so the lookup used for such errors is tested directly.
        let root = try JSONParser.parse("\n  " + Self.example)
        #expect(root.position(ofField: "") == JSONPosition(line: 2, column: 3))
        #expect(root.position(ofField: "capabilities[1].rights") == JSONPosition(line: 9, column: 71))
        #expect(root.position(ofField: "capabilities[1].badge") == JSONPosition(line: 9, column: 5))
        #expect(root.position(ofField: "capabilities[7].rights") == JSONPosition(line: 7, column: 19))
        #expect(root.position(ofField: "capabilities[2].parent.slot") == JSONPosition(line: 10, column: 124))
        #expect(root.position(ofField: "nonsense") == JSONPosition(line: 2, column: 3))
    }

    @Test("an unreadable path is an error naming the file")
    func unreadablePath() throws {
        let missing = "/nonexistent/litebox/config.json"
        let e = try #require(Self.error { () throws(ConfigurationError) in try Configuration(contentsOfFile: missing) })
        #expect(e.file == missing && e.line == nil && e.column == nil && e.field == "")
        #expect(e.reason.contains("cannot read the configuration file"))
        #expect(e.reason.contains("No such file or directory"))
        #expect(e.description.hasPrefix(missing + ": cannot read"))

        let directory = NSTemporaryDirectory()
        let d = try #require(Self.error { () throws(ConfigurationError) in try Configuration(contentsOfFile: directory) })
        #expect(d.file == directory && d.line == nil)
        #expect(d.reason.contains("cannot read the configuration file"))
    }

    @Test("a file's errors name the file")
    func fileErrorsNameTheFile() throws {
        let path = NSTemporaryDirectory() + "/litebox-config-\(UUID().uuidString).json"
        try Self.example(replacing: "\"type\": \"frame\"", with: "\"type\": \"endpoit\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = try #require(Self.error { () throws(ConfigurationError) in try Configuration(contentsOfFile: path) })
        #expect(e.file == path && e.line == 8 && e.column == 39 && e.field == "capabilities[1].type")
    }

    // MARK: The JSON parser itself

    @Test("values and keys record 1-based line and column (columns count Unicode scalars)")
    func positions() throws {
        let v = try JSONParser.parse("{\"é\": \"ü\",\n \"k\": [1, true, null, {}]}")
        guard case .object(let members) = v.kind else { Issue.record("not an object"); return }
        #expect(v.position == JSONPosition(line: 1, column: 1))
        #expect(members.map(\.key) == ["é", "k"])
        #expect(members[0].keyPosition == JSONPosition(line: 1, column: 2))
        #expect(members[0].value.position == JSONPosition(line: 1, column: 7))
        #expect(members[1].keyPosition == JSONPosition(line: 2, column: 2))
        let array = try #require(v["k"])
        #expect(array.position == JSONPosition(line: 2, column: 7))
        #expect([0, 1, 2, 3].map { array[$0]!.position.column } == [8, 11, 17, 23])
    }

    @Test("string escapes, including \\u and surrogate pairs, decode")
    func escapes() throws {
        let v = try JSONParser.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\uD83D\uDE00 é""#)
        guard case .string(let s) = v.kind else { Issue.record("not a string"); return }
        #expect(s == "\"\\/\u{8}\u{C}\n\r\tAé😀 é")
    }

    @Test("numbers follow the RFC 8259 grammar", arguments: [
        ("0", true), ("-0", true), ("12", true), ("1.5", true), ("-1.5e-3", true), ("1E+2", true), ("0.0", true),
        ("-", false), ("1.", false), (".5", false), ("1e", false), ("+1", false), ("01", false), ("1x", false),
        ("--1", false), ("0x10", false), ("NaN", false), ("Infinity", false),
    ])
    func numbers(_ literal: String, _ valid: Bool) {
        let parsed = try? JSONParser.parse(literal)
        #expect((parsed != nil) == valid)
        if valid, let parsed, case .number(let text) = parsed.kind { #expect(text == literal) }
    }

    @Test("integer literals convert exactly, and overflow is detected instead of trapping")
    func integers() {
        #expect(JSONValue.integerValue(ofLiteral: "9223372036854775807") == .some(.some(Int.max)))
        #expect(JSONValue.integerValue(ofLiteral: "-9223372036854775808") == .some(.some(Int.min)))
        #expect(JSONValue.integerValue(ofLiteral: "9223372036854775808") == .some(.none))
        #expect(JSONValue.integerValue(ofLiteral: "-9223372036854775809") == .some(.none))
        #expect(JSONValue.integerValue(ofLiteral: String(repeating: "9", count: 5000)) == .some(.none))
        #expect(JSONValue.integerValue(ofLiteral: "1.0") == nil)
        #expect(JSONValue.integerValue(ofLiteral: "1e3") == nil)
    }

    @Test("nesting up to the cap parses; one level more is an error, not a crash")
    func nesting() throws {
        let depth = JSONParser.maxDepth
        _ = try JSONParser.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        _ = try JSONParser.parse(String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth))
        #expect(throws: JSONSyntaxError.self) {
            try JSONParser.parse(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1))
        }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(String(repeating: "[", count: 100_000)) }
    }

    @Test("line endings: LF, CRLF and lone CR each end a line")
    func lineEndings() throws {
        for newline in ["\n", "\r\n", "\r"] {
            let e = try #require(Self.error { () throws(ConfigurationError) in
                try Configuration(json: "{" + newline + newline + "  x")
            })
            #expect(e.line == 3 && e.column == 3, "newline \(newline.unicodeScalars.map(\.value))")
        }
    }

    // MARK: Random damage

    /// SplitMix64: a small seeded generator, so failures replay.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Bytes that make mutations interesting: JSON punctuation, digits,
    /// letters, escapes, whitespace, and non-UTF-8 or multi-byte bytes.
    static let interestingBytes: [UInt8] = Array("{}[],:\"\\-+.0123456789eEtrufalsn u \t\n\r'/#".utf8) + [0x00, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xF0, 0xFF]

    static func mutate(_ original: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !bytes.isEmpty else { break }
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)                 // flip to any byte
            case 1: bytes[i] = interestingBytes.randomElement(using: &rng)!           // flip to a JSON-ish byte
            case 2: bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)             // flip one bit
            case 3: bytes.removeSubrange(i..<min(bytes.count, i + Int.random(in: 1...16, using: &rng)))
            case 4: bytes.removeSubrange(i...)                                        // truncate
            case 5: bytes.insert(interestingBytes.randomElement(using: &rng)!, at: i)
            default:                                                                  // duplicate a chunk
                let j = min(bytes.count, i + Int.random(in: 1...24, using: &rng))
                bytes.insert(contentsOf: bytes[i..<j], at: j)
            }
        }
        return bytes
    }

    @Test("thousands of random mutations of valid files never crash: they parse (and round-trip) or throw a located error")
    func randomMutations() {
        var rng = SeededGenerator(state: 0x11FE_B0C5)
        let sources = [Configuration.tiny.json, Configuration.default.json, Configuration.large.json, Self.example].map { Array($0.utf8) }
        var parsed = 0, rejected = 0
        for round in 0..<6000 {
            let source = sources[round % sources.count]
            let bytes = Self.mutate(source, &rng)
            let lineCount = bytes.count(where: { $0 == 0x0A || $0 == 0x0D }) + 1
            do {
                let c = try Configuration(jsonBytes: bytes, file: "fuzz.json")
                parsed += 1
                let again = try? Configuration(json: c.json)
                #expect(again == c, "round \(round): the rendering of a parsed mutation does not parse back")
            } catch {
                rejected += 1
                let ok = error.file == "fuzz.json" && (error.line ?? 0) >= 1 && (error.line ?? .max) <= lineCount
                    && (error.column ?? 0) >= 1 && !error.reason.isEmpty
                #expect(ok, "round \(round): badly located error \(error)")
            }
        }
        #expect(parsed > 0 && rejected > 0, "parsed \(parsed), rejected \(rejected)")
    }

    @Test("random garbage never crashes the parser")
    func randomGarbage() {
        var rng = SeededGenerator(state: 42)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...64, using: &rng)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &rng) ? Self.interestingBytes.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            do { _ = try JSONParser.parse(bytes: bytes) } catch {
                #expect(error.position.line >= 1 && error.position.column >= 1)
            }
        }
    }
}
