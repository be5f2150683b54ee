// Configuration files: reading a user's own configuration from JSON with
// precise errors, and rendering any configuration (e.g. a preset) as JSON.

import LiteBoxABI
import LiteBoxSpec
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

extension Configuration {
    /// Reads a configuration from JSON text in the LiteBox configuration
    /// format, and validates it.
    ///
    /// # The configuration file format
    ///
    /// A configuration file is one JSON object (RFC 8259, UTF-8). Example:
    ///
    /// ```json
    /// {
    ///   "name": "my-config",
    ///   "sandboxes": 2, "slotsPerSandbox": 3, "pagesPerSandbox": 1,
    ///   "endpoints": 1, "notifications": 1, "frames": 1,
    ///   "threads": [ {"sandbox": 0, "state": "running"}, {"sandbox": 1, "state": "inactive"} ],
    ///   "capabilities": [
    ///     {"sandbox": 0, "slot": 0, "type": "endpoint", "object": 0, "rights": "RWG"},
    ///     {"sandbox": 0, "slot": 1, "type": "frame", "object": 0, "rights": "RW"},
    ///     {"sandbox": 1, "slot": 0, "type": "endpoint", "object": 0, "rights": "W", "badge": 5, "parent": {"sandbox": 0, "slot": 0}}
    ///   ],
    ///   "mappings": [ {"sandbox": 0, "page": 0, "slot": 1, "rights": "R"} ],
    ///   "frameValues": [0]
    /// }
    /// ```
    ///
    /// The presets, exported with `json`, are in `configs/` of the repository
    /// (`tiny.json`, `default.json`, `large.json`) and make good starting points.
    ///
    /// Top-level keys (all required unless marked optional):
    ///
    /// | key | value |
    /// |---|---|
    /// | `name` | string: the configuration's name |
    /// | `sandboxes` | integer, 1...4096 (`Configuration.maxObjects`) |
    /// | `slotsPerSandbox` | integer, 1...8192; `sandboxes × slotsPerSandbox` ≤ 8192 (`Configuration.maxTotalSlots`) |
    /// | `pagesPerSandbox`, `endpoints`, `notifications`, `frames` | integers, 0...4096 |
    /// | `threads` | array of 1...4096 threads; thread `i` is object `i` of thread capabilities |
    /// | `capabilities` | array of capabilities (may be empty) |
    /// | `mappings` | optional array of mappings; default `[]` |
    /// | `frameValues` | optional array of integers 0...4294967295, one per frame; default `[]` (all frames zero) |
    /// | `kernel` | optional object of kernel-only sizes: `slotsPerSandbox` (at least the spec's, at most 2^24) and `pagesPerSandbox` (likewise); the production kernel's universe is that large, the specification ignores them |
    ///
    /// These are the specification's limits. Model checking and the proofs
    /// are practical only for universes of at most 32 slots in all and a
    /// handful of objects (the presets); the larger limits exist for
    /// replaying real programs' traces (a slot's CDT descendant set is
    /// `⌈slots / 32⌉` words, so the state grows with the square of the slots).
    ///
    /// A thread is `{"sandbox": s, "state": st}`: the sandbox whose spaces it
    /// uses, and `"running"` or `"inactive"` (threads cannot start blocked).
    ///
    /// A capability is `{"sandbox", "slot", "type", "object", "rights"}` plus
    /// the optional `"badge"` and `"parent"`:
    /// - `type`: `"endpoint"`, `"notification"`, `"frame"` or `"thread"`;
    ///   `object` is the index of an object of that type.
    /// - `rights`: letters `R`, `W`, `G` in any order, each at most once, or
    ///   `"-"` (or `""`) for none. Endpoints allow `RWG`, notifications and
    ///   frames `RW`, threads `W`.
    /// - `badge`: integer 0...4294967295, default 0; non-zero only on
    ///   endpoints and notifications.
    /// - `parent`: `{"sandbox": s, "slot": n}`, the CDT parent, which must be
    ///   a capability listed earlier naming the same object, with rights
    ///   containing the child's (and, if badged, the same badge). Default: a root.
    ///
    /// A mapping is `{"sandbox", "page", "slot", "rights"}`: page `page` of
    /// the sandbox, backed by the frame capability in `slot` of the same
    /// sandbox (one mapping per frame capability), with rights `R`/`W` within
    /// the capability's.
    ///
    /// # Errors
    ///
    /// Malformed JSON, a missing required key, an unknown key (typos are not
    /// ignored), a duplicate key, a value of the wrong JSON type, a
    /// non-integer or out-of-range number, unknown rights letters, type or
    /// state names, and everything `validate()` rejects all throw a
    /// `ConfigurationError` with `file` (when given), the 1-based `line` and
    /// `column` of the offending value (of the key, for unknown and
    /// duplicate keys; of the enclosing object, for a missing key), the
    /// `field` path in the syntax `validate()` uses (`capabilities[1].rights`),
    /// and the `reason`. Columns count Unicode scalars; a tab is one column.
    /// Problems that `validate()` finds in the initial state as a whole
    /// (field `""`) point at the top-level object.
    ///
    /// - Parameters:
    ///   - json: the JSON text.
    ///   - file: the file name to put into errors, if the text came from one.
    public init(json: String, file: String? = nil) throws(ConfigurationError) {
        try self.init(jsonBytes: Array(json.utf8), file: file)
    }

    /// Reads and validates the configuration file at `path`, in the format
    /// documented at `init(json:file:)`.
    ///
    /// An unreadable file throws a `ConfigurationError` naming the file, with
    /// no line or column, an empty field and the reason (`cannot read the
    /// configuration file: ` and the system's reason, or that it is a
    /// directory or a device). A file larger than
    /// `InputFile.maxConfigurationBytes` (64 MiB) is refused with the reason
    /// `larger than 67108864 bytes (64 MiB), the limit for a configuration
    /// file`. Bytes that are not UTF-8 are reported at their position.
    public init(contentsOfFile path: String) throws(ConfigurationError) {
        let bytes: [UInt8]
        switch InputFile.contents(path, limit: InputFile.maxConfigurationBytes, what: "a configuration file") {
        case .success(let b): bytes = b
        case .failure(let e): throw ConfigurationError(inputFile: e)
        }
        try self.init(jsonBytes: bytes, file: path)
    }

    /// Decodes and validates UTF-8 JSON bytes (the common part of the public
    /// initializers; internal so tests can feed arbitrary bytes).
    init(jsonBytes bytes: [UInt8], file: String?) throws(ConfigurationError) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes: bytes)
        } catch {
            throw ConfigurationError(file: file, line: error.position.line, column: error.position.column,
                                     field: error.path, reason: error.reason)
        }
        let config = try ConfigurationDecoder(file: file).decode(root)
        do {
            try config.validate()
        } catch {
            var located = error
            let position = root.position(ofField: error.field)
            located.file = file
            located.line = position.line
            located.column = position.column
            throw located
        }
        self = config
    }

    /// The configuration in the file format documented at
    /// `init(json:file:)`: pretty-printed, one thread, capability or
    /// mapping per line, keys in a fixed order, `badge` and `parent` only
    /// when set, ending in a newline. The rendering is stable (equal
    /// configurations render identically), and for every configuration that
    /// passes `validate()`, `Configuration(json: c.json) == c`.
    public var json: String {
        func list(_ key: String, _ items: [String], last: Bool = false) -> String {
            let end = last ? "\n" : ",\n"
            if items.isEmpty { return "  \"\(key)\": []" + end }
            return "  \"\(key)\": [\n" + items.map { "    " + $0 }.joined(separator: ",\n") + "\n  ]" + end
        }
        func slot(_ r: SlotRef) -> String { "{\"sandbox\": \(r.sandbox), \"slot\": \(r.slot)}" }

        var s = "{\n"
        s += "  \"name\": \(jsonQuoted(name)),\n"
        for (key, value) in [("sandboxes", sandboxes), ("slotsPerSandbox", slotsPerSandbox),
                             ("pagesPerSandbox", pagesPerSandbox), ("endpoints", endpoints),
                             ("notifications", notifications), ("frames", frames)] {
            s += "  \"\(key)\": \(value),\n"
        }
        s += list("threads", threads.map {
            "{\"sandbox\": \($0.sandbox), \"state\": \"\($0.running ? "running" : "inactive")\"}"
        })
        s += list("capabilities", capabilities.map { cap in
            var item = "{\"sandbox\": \(cap.at.sandbox), \"slot\": \(cap.at.slot), \"type\": \(jsonQuoted(cap.type.description)), "
            item += "\"object\": \(cap.object), \"rights\": \(jsonQuoted(cap.rights.description))"
            if cap.badge != 0 { item += ", \"badge\": \(cap.badge)" }
            if let p = cap.parent { item += ", \"parent\": " + slot(p) }
            return item + "}"
        })
        s += list("mappings", mappings.map {
            "{\"sandbox\": \($0.sandbox), \"page\": \($0.page), \"slot\": \($0.slot), \"rights\": \(jsonQuoted($0.rights.description))}"
        })
        if kernelSlotsPerSandbox != nil || kernelPagesPerSandbox != nil {
            var sizes: [String] = []
            if let k = kernelSlotsPerSandbox { sizes.append("\"slotsPerSandbox\": \(k)") }
            if let k = kernelPagesPerSandbox { sizes.append("\"pagesPerSandbox\": \(k)") }
            s += "  \"kernel\": {" + sizes.joined(separator: ", ") + "},\n"
        }
        s += "  \"frameValues\": [" + frameValues.map { String($0) }.joined(separator: ", ") + "]\n"
        return s + "}\n"
    }
}

extension ConfigurationError {
    /// The error for a configuration file that could not be read.
    init(inputFile e: InputFileError) {
        self.init(file: e.path, field: "", reason: e.tooLarge ? e.reason : "cannot read the configuration file: \(e.reason)")
    }
}

// MARK: - Decoding

/// Turns a parsed JSON tree into a `Configuration`, checking keys and JSON
/// types; the semantic checks are `validate()`'s. Reports the first problem
/// in document order.
private struct ConfigurationDecoder {
    let file: String?

    static let topKeys = ["name", "sandboxes", "slotsPerSandbox", "pagesPerSandbox", "endpoints", "notifications",
                          "frames", "threads", "capabilities", "mappings", "frameValues", "kernel"]
    static let kernelKeys = ["slotsPerSandbox", "pagesPerSandbox"]
    static let threadKeys = ["sandbox", "state"]
    static let capabilityKeys = ["sandbox", "slot", "type", "object", "rights", "badge", "parent"]
    static let slotKeys = ["sandbox", "slot"]
    static let mappingKeys = ["sandbox", "page", "slot", "rights"]

    func fail(_ position: JSONPosition, _ field: String, _ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, line: position.line, column: position.column, field: field, reason: reason)
    }

    func decode(_ root: JSONValue) throws(ConfigurationError) -> Configuration {
        var name: String?
        var sizes: [String: Int] = [:]
        var threads: [Configuration.ThreadSpec]?
        var capabilities: [Configuration.CapSpec]?
        var mappings: [Configuration.MappingSpec] = []
        var frameValues: [UInt32] = []
        var kernelSizes: [String: Int] = [:]
        try members(of: root, "", what: "the configuration", keys: Self.topKeys) { key, value, path throws(ConfigurationError) in
            switch key {
            case "kernel":
                try members(of: value, path, what: "the kernel sizes", keys: Self.kernelKeys) { k, v, p throws(ConfigurationError) in
                    kernelSizes[k] = try int(v, p)
                }
            case "name": name = try string(value, path)
            case "threads":
                var list: [Configuration.ThreadSpec] = []
                for (i, v) in try array(value, path).enumerated() {
                    list.append(try thread(v, jsonFieldPath(path, index: i)))
                }
                threads = list
            case "capabilities":
                var list: [Configuration.CapSpec] = []
                for (i, v) in try array(value, path).enumerated() {
                    list.append(try capability(v, jsonFieldPath(path, index: i)))
                }
                capabilities = list
            case "mappings":
                for (i, v) in try array(value, path).enumerated() {
                    mappings.append(try mapping(v, jsonFieldPath(path, index: i)))
                }
            case "frameValues":
                for (i, v) in try array(value, path).enumerated() {
                    frameValues.append(try uint32(v, jsonFieldPath(path, index: i)))
                }
            default: sizes[key] = try int(value, path)
            }
        }
        func size(_ key: String) throws(ConfigurationError) -> Int { try required(sizes[key], key, in: root, "") }
        return Configuration(
            name: try required(name, "name", in: root, ""),
            sandboxes: try size("sandboxes"), slotsPerSandbox: try size("slotsPerSandbox"),
            pagesPerSandbox: try size("pagesPerSandbox"), endpoints: try size("endpoints"),
            notifications: try size("notifications"), frames: try size("frames"),
            threads: try required(threads, "threads", in: root, ""),
            capabilities: try required(capabilities, "capabilities", in: root, ""),
            mappings: mappings, frameValues: frameValues,
            kernelSlotsPerSandbox: kernelSizes["slotsPerSandbox"], kernelPagesPerSandbox: kernelSizes["pagesPerSandbox"])
    }

    func thread(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Configuration.ThreadSpec {
        var sandbox: Int?
        var running: Bool?
        try members(of: v, path, what: "a thread", keys: Self.threadKeys) { key, value, path throws(ConfigurationError) in
            switch key {
            case "sandbox": sandbox = try int(value, path)
            default:
                let state = try string(value, path)
                switch state {
                case "running": running = true
                case "inactive": running = false
                default:
                    if ThreadState.allCases.contains(where: { $0.description == state }) {
                        throw fail(value.position, path, "threads cannot start blocked; expected \"running\" or \"inactive\", got \(abbreviated(state))")
                    }
                    throw fail(value.position, path, "unknown thread state \(abbreviated(state)); expected \"running\" or \"inactive\"")
                }
            }
        }
        return Configuration.ThreadSpec(sandbox: try required(sandbox, "sandbox", in: v, path),
                                        running: try required(running, "state", in: v, path))
    }

    func capability(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Configuration.CapSpec {
        var ints: [String: Int] = [:]
        var type: CapType?
        var rights: Rights?
        var badge: UInt32 = 0
        var parent: Configuration.SlotRef?
        try members(of: v, path, what: "a capability", keys: Self.capabilityKeys) { key, value, path throws(ConfigurationError) in
            switch key {
            case "type":
                let name = try string(value, path)
                guard let t = CapType(name: name), t != .empty else {
                    throw fail(value.position, path, "unknown capability type \(abbreviated(name)); expected \"endpoint\", \"notification\", \"frame\" or \"thread\"")
                }
                type = t
            case "rights": rights = try self.rights(value, path)
            case "badge": badge = try uint32(value, path)
            case "parent": parent = try slotRef(value, path)
            default: ints[key] = try int(value, path)
            }
        }
        let sandbox = try required(ints["sandbox"], "sandbox", in: v, path)
        let slot = try required(ints["slot"], "slot", in: v, path)
        let t = try required(type, "type", in: v, path)
        let object = try required(ints["object"], "object", in: v, path)
        return Configuration.CapSpec(at: Configuration.SlotRef(sandbox: sandbox, slot: slot), type: t, object: object,
                                     rights: try required(rights, "rights", in: v, path), badge: badge, parent: parent)
    }

    func slotRef(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Configuration.SlotRef {
        var ints: [String: Int] = [:]
        try members(of: v, path, what: "a parent slot", keys: Self.slotKeys) { key, value, path throws(ConfigurationError) in
            ints[key] = try int(value, path)
        }
        return Configuration.SlotRef(sandbox: try required(ints["sandbox"], "sandbox", in: v, path),
                                     slot: try required(ints["slot"], "slot", in: v, path))
    }

    func mapping(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Configuration.MappingSpec {
        var ints: [String: Int] = [:]
        var rights: Rights?
        try members(of: v, path, what: "a mapping", keys: Self.mappingKeys) { key, value, path throws(ConfigurationError) in
            if key == "rights" { rights = try self.rights(value, path) } else { ints[key] = try int(value, path) }
        }
        return Configuration.MappingSpec(sandbox: try required(ints["sandbox"], "sandbox", in: v, path),
                                         page: try required(ints["page"], "page", in: v, path),
                                         slot: try required(ints["slot"], "slot", in: v, path),
                                         rights: try required(rights, "rights", in: v, path))
    }

    // MARK: Objects and keys

    /// Calls `body` with each member of the object `v` in document order,
    /// after checking that its key is one of `keys` and not a duplicate.
    func members(of v: JSONValue, _ path: String, what: String, keys: [String],
                 _ body: (String, JSONValue, String) throws(ConfigurationError) -> Void) throws(ConfigurationError) {
        guard case .object(let members) = v.kind else {
            throw fail(v.position, path, "expected \(what) (an object), got \(v.typeDescription)")
        }
        var seen: [String: JSONPosition] = [:]
        for m in members {
            let field = jsonFieldPath(path, key: m.key)
            guard keys.contains(m.key) else {
                var reason = "unknown key \(abbreviated(m.key)) in \(what)"
                if let guess = suggestion(for: m.key, among: keys) { reason += " (did you mean \"\(guess)\"?)" }
                reason += "; allowed keys: " + keys.joined(separator: ", ")
                throw fail(m.keyPosition, field, reason)
            }
            if let first = seen[m.key] {
                throw fail(m.keyPosition, field, "duplicate key \"\(m.key)\" (first at line \(first.line), column \(first.column))")
            }
            seen[m.key] = m.keyPosition
            try body(m.key, m.value, field)
        }
    }

    /// `value`, or the error for the missing required `key` of the object `v`
    /// (reported at the object).
    func required<T>(_ value: T?, _ key: String, in v: JSONValue, _ path: String) throws(ConfigurationError) -> T {
        guard let value else { throw fail(v.position, jsonFieldPath(path, key: key), "missing required key \"\(key)\"") }
        return value
    }

    /// The key in `keys` that `key` is most likely a typo of: equal ignoring
    /// case, or within edit distance 2 (and closer than any other).
    func suggestion(for key: String, among keys: [String]) -> String? {
        if let k = keys.first(where: { $0.lowercased() == key.lowercased() }) { return k }
        guard key.count <= 64 else { return nil }
        let scored = keys.map { ($0, editDistance(Array(key), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2, best.1 < key.count else { return nil }
        return best.0
    }

    /// The Levenshtein distance between `a` and `b`.
    func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in stride(from: 1, through: a.count, by: 1) {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: Scalars

    func string(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> String {
        guard case .string(let s) = v.kind else { throw fail(v.position, path, "expected a string, got \(v.typeDescription)") }
        return s
    }

    func array(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> [JSONValue] {
        guard case .array(let a) = v.kind else { throw fail(v.position, path, "expected an array, got \(v.typeDescription)") }
        return a
    }

    func int(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Int {
        guard case .number(let literal) = v.kind else {
            throw fail(v.position, path, "expected an integer, got \(v.typeDescription)")
        }
        switch JSONValue.integerValue(ofLiteral: literal) {
        case .some(.some(let n)): return n
        case .some(.none): throw fail(v.position, path, "the integer \(abbreviated(literal, quoted: false)) is out of range")
        case .none:
            throw fail(v.position, path, "expected an integer, got the number \(abbreviated(literal, quoted: false)) (write integers without a fraction or exponent)")
        }
    }

    func uint32(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> UInt32 {
        func outOfRange(_ got: String) -> ConfigurationError {
            fail(v.position, path, "must be between 0 and \(UInt32.max), got \(got)")
        }
        let n: Int
        do { n = try int(v, path) } catch {
            if case .number(let literal) = v.kind, JSONValue.integerValue(ofLiteral: literal) != nil {
                throw outOfRange(abbreviated(literal, quoted: false))
            }
            throw error
        }
        guard let u = UInt32(exactly: n) else { throw outOfRange(String(n)) }
        return u
    }

    func rights(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Rights {
        let letters = try string(v, path)
        guard let r = Rights(letters: letters) else {
            throw fail(v.position, path, "invalid rights \(abbreviated(letters)); use the letters R, W and G, each at most once, or \"-\" for none")
        }
        return r
    }

    /// `s` for a message: JSON-quoted (unless `quoted` is false) and cut to a readable length.
    func abbreviated(_ s: String, quoted: Bool = true) -> String {
        let short = s.unicodeScalars.count > 40 ? String(String.UnicodeScalarView(s.unicodeScalars.prefix(32))) + "…" : s
        return quoted ? jsonQuoted(short) : short
    }
}

// MARK: - Reading files

/// Reading the tools' input files (configurations, LiteBox traces, strace
/// logs) whole, with a size limit and a clear reason when they cannot be read.
///
/// Regular files and pipes are read; a directory or a device is refused
/// before anything is read (`/dev/zero` would never end). A regular file
/// larger than the limit is refused from its size alone, and a pipe once it
/// has delivered more than the limit.
public enum InputFile {
    /// The largest configuration file read: 64 MiB. (A configuration at the
    /// specification's limits, 8192 capabilities, is about 1 MB.)
    public static let maxConfigurationBytes = 64 << 20
    /// The largest LiteBox trace or strace log read: 1 GiB.
    public static let maxTraceBytes = 1 << 30

    /// The bytes of the file at `path`, at most `limit` of them, or why not.
    /// `what` names the kind of file in the size error ("a configuration file").
    public static func contents(_ path: String, limit: Int, what: String) -> Result<[UInt8], InputFileError> {
        func failure(_ reason: String, tooLarge: Bool = false) -> Result<[UInt8], InputFileError> {
            .failure(InputFileError(path: path, reason: reason, tooLarge: tooLarge))
        }
        func systemReason(_ code: Int32) -> String {
            if let s = strerror(code) { return String(cString: s) }
            return "error \(code)"
        }
        func tooLarge() -> Result<[UInt8], InputFileError> {
            failure("larger than \(byteCount(limit)), the limit for \(what)", tooLarge: true)
        }
        if path.isEmpty { return failure("an empty path") }
        if path.utf8.contains(0) { return failure("the path contains a NUL character") }
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { return failure(systemReason(errno)) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { return failure(systemReason(errno)) }
        var expected = 0
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if Int(info.st_size) > limit { return tooLarge() }
            expected = Int(info.st_size)
        case S_IFIFO, S_IFSOCK: break
        case S_IFDIR: return failure("is a directory")
        case S_IFCHR: return failure("not a regular file or a pipe (a character device)")
        case S_IFBLK: return failure("not a regular file or a pipe (a block device)")
        default: return failure("not a regular file or a pipe")
        }
        var contents: [UInt8] = []
        contents.reserveCapacity(expected)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return failure(systemReason(errno))
            }
            if n == 0 { return .success(contents) }
            if contents.count + n > limit { return tooLarge() }
            contents.append(contentsOf: buffer[0..<n])
        }
    }

    /// `n` bytes, and in the largest binary unit that divides it:
    /// "67108864 bytes (64 MiB)", "1000 bytes".
    static func byteCount(_ n: Int) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where n >= 1 << shift && n % (1 << shift) == 0 {
            return "\(n) bytes (\(n >> shift) \(unit))"
        }
        return "\(n) bytes"
    }
}

/// Why an input file could not be read: the path, and the reason.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    /// What is wrong, without the path: the system's reason (`No such file
    /// or directory`, `Permission denied`), `is a directory`, `not a regular
    /// file or a pipe (a character device)`, or `larger than N bytes (...),
    /// the limit for ...`.
    public var reason: String
    /// Whether the file exceeds the size limit (the file itself could be read).
    public var tooLarge: Bool

    /// The error `reason` about the file `path` (`tooLarge` when it exceeds the size limit).
    public init(path: String, reason: String, tooLarge: Bool = false) {
        self.path = path; self.reason = reason; self.tooLarge = tooLarge
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
