// The strace importer (Sources/StraceImport) on hostile input: values nested
// deep enough to exhaust the stack, lines too short for their own syntax,
// inconsistent timestamps in -ff sets, huge or binary tokens in error
// messages, integers that fit in no 64-bit integer, and random mutations of
// the committed recordings. Every case must end in a log or a StraceError
// with file, line, column and reason, never in a crash.

import Foundation
import Testing
@testable import StraceImport

/// The error `text` (file "t") raises, or nil when it parses.
private func straceError(_ text: String, skipUnparsed: Bool = false) -> StraceError? {
    do {
        _ = try StraceImporter.parse(text, file: "t", skipUnparsed: skipUnparsed)
        return nil
    } catch let error as StraceError {
        return error
    } catch {
        Issue.record("not a StraceError: \(error)")
        return nil
    }
}

/// The error an -ff set raises, or nil when it parses.
private func setError(_ files: [(String, String)]) -> StraceError? {
    do {
        _ = try StraceImporter.parse(files: files.map { (path: $0.0, text: $0.1) })
        return nil
    } catch let error as StraceError {
        return error
    } catch {
        Issue.record("not a StraceError: \(error)")
        return nil
    }
}

/// Expects `text` to fail at line 1 (or `line`), `column`, with `reason` in
/// its reason, and with skipUnparsed to skip exactly that line.
private func expectFailure(_ text: String, line: Int = 1, column: Int, _ reason: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error = straceError(text) else {
        Issue.record("parsed without an error: \(text.prefix(80))", sourceLocation: sourceLocation)
        return
    }
    #expect(error.file == "t" && error.line == line && error.column == column, "\(error)", sourceLocation: sourceLocation)
    #expect(error.reason.contains(reason), "\(error)", sourceLocation: sourceLocation)
    #expect(error.description == "t:\(line):\(column): \(error.reason)", sourceLocation: sourceLocation)
    do {
        let log = try StraceImporter.parse(text, file: "t", skipUnparsed: true)
        #expect(log.skipped.contains(error), "\(log.skipped)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("skipUnparsed threw \(error)", sourceLocation: sourceLocation)
    }
}

/// The height of a value as a tree (leaves 1), computed without recursion.
private func height(_ root: StraceValue) -> Int {
    var stack: [(StraceValue, Int)] = [(root, 1)]
    var tallest = 0
    while let top = stack.popLast() {
        let (v, h) = top
        tallest = max(tallest, h)
        switch v {
        case .flags(let items), .array(let items), .call(_, let items): stack += items.map { ($0, h + 1) }
        case .structure(let fields): stack += fields.map { ($0.value, h + 1) }
        case .complement(let x), .named(_, let x), .commented(let x, _): stack.append((x, h + 1))
        case .updated(let a, let b): stack += [(a, h + 1), (b, h + 1)]
        default: break
        }
    }
    return tallest
}

@Suite struct StraceImportRobustnessTests {

    // MARK: 1. Nesting

    /// `100 ioctl(1, ` is 13 bytes, so the 257th opener is at column 13 + 257.
    @Test func deepBracesBracketsAndCallsAreAnErrorNotACrash() {
        let n = 17_000
        let prefix = "100 ioctl(1, "
        expectFailure(prefix + String(repeating: "{", count: n) + String(repeating: "}", count: n) + ") = 0",
                      column: 13 + 257, "nesting too deep (a value may nest at most 256 levels)")
        expectFailure(prefix + String(repeating: "[", count: n) + String(repeating: "]", count: n) + ") = 0",
                      column: 13 + 257, "nesting too deep")
        // Unbalanced: no closers at all.
        expectFailure(prefix + String(repeating: "{", count: n) + ") = 0", column: 13 + 257, "nesting too deep")
        expectFailure(prefix + String(repeating: "[", count: n), column: 13 + 257, "nesting too deep")
        // `f(` nests at its parenthesis: the 257th is at offset 13 + 2 * 256 + 1.
        expectFailure(prefix + String(repeating: "f(", count: n) + String(repeating: ")", count: n) + ") = 0",
                      column: 13 + 2 * 256 + 2, "nesting too deep")
        expectFailure(prefix + String(repeating: "~[", count: n), column: 13 + 2 * 256 + 2, "nesting too deep")
        // In a signal's siginfo, and across the two halves of a split call.
        expectFailure("100 --- SIGSEGV " + String(repeating: "{", count: n) + String(repeating: "}", count: n) + " ---",
                      column: 16 + 257, "nesting too deep")
        expectFailure("100 ioctl(1,  <unfinished ...>\n100 <... ioctl resumed>" + String(repeating: "[", count: n) + ") = 0",
                      line: 2, column: 23 + 257, "nesting too deep")
    }

    @Test func postfixChainsCountAsNesting() {
        // `1 => ` repeated: the 256th arrow would make the value 257 levels tall.
        let arrows = "100 ioctl(3, " + String(repeating: "1 => ", count: 100_000) + "2) = 0"
        expectFailure(arrows, column: 13 + 5 * 255 + 3, "nesting too deep")
        let comments = "100 ioctl(3, 1" + String(repeating: " /* c */", count: 100_000) + ") = 0"
        expectFailure(comments, column: 14 + 8 * 255 + 2, "nesting too deep")
        let named = "100 ioctl(3, " + String(repeating: "{a=", count: 200) + "1" + String(repeating: "}", count: 200) + ") = 0"
        #expect(straceError(named)?.reason.contains("nesting too deep") == true)
    }

    @Test func nestingUpToTheLimitParses() throws {
        let braces = try straceCall("ioctl(1, " + String(repeating: "{", count: 256) + String(repeating: "}", count: 256) + ") = 0")
        #expect(height(braces.args[1]) == 256)
        let brackets = try straceCall("ioctl(1, " + String(repeating: "[", count: 255) + "7" + String(repeating: "]", count: 255) + ") = 0")
        #expect(height(brackets.args[1]) == 256)
        let arrows = try straceCall("ioctl(3, " + String(repeating: "1 => ", count: 255) + "2) = 0")
        #expect(height(arrows.args[1]) == 256)
        // One more level is too many.
        #expect(straceError("ioctl(1, " + String(repeating: "{", count: 257) + String(repeating: "}", count: 257) + ") = 0")?.column == 10 + 256)
        #expect(straceError("ioctl(3, " + String(repeating: "1 => ", count: 256) + "2) = 0")?.column == 10 + 5 * 255 + 2)
        // Real strace nesting is far below: a netlink message, a sendmsg.
        let msg = try straceCall("sendmsg(3, {msg_name=NULL, msg_iov=[{iov_base=[{nlmsg_len=20, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1, nlmsg_pid=0}, {ifa_family=AF_UNSPEC, ...}], iov_len=20}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 20")
        #expect(height(msg.args[1]) < 16)
    }

    /// Values of the maximal depth of recursion and of the maximal height
    /// parse, compare and are freed on a thread with a 512 KiB stack (the
    /// recursion is bounded, not just rare), and one level more is an error there.
    @Test func maximalNestingFitsASmallStack() async throws {
        func r(_ s: String, _ n: Int) -> String { String(repeating: s, count: n) }
        // Each at the limit, then one level more.
        let texts = [
            "ioctl(1, " + r("{", 256) + r("}", 256) + ") = 0", "ioctl(1, " + r("{", 257) + r("}", 257) + ") = 0",
            "ioctl(1, " + r("[", 256) + r("]", 256) + ") = 0", "ioctl(1, " + r("[", 257) + r("]", 257) + ") = 0",
            "ioctl(1, " + r("f(", 256) + r(")", 256) + ") = 0", "ioctl(1, " + r("f(", 257) + r(")", 257) + ") = 0",
            "ioctl(1, " + r("[a=", 126) + "1 => 2 /* c */" + r("]", 126) + ") = 0",
            "ioctl(1, " + r("[a=", 126) + "1 => 2 /* c */ /* d */ /* e */" + r("]", 126) + ") = 0",
            "ioctl(3, " + r("1 => ", 255) + "2) = 0", "ioctl(3, " + r("1 => ", 256) + "2) = 0",
        ]
        let heights: [Int] = await withCheckedContinuation { continuation in
            let thread = Thread {
                var heights: [Int] = []
                for text in texts {
                    guard let log = try? StraceImporter.parse(text, file: "t"), let call = log.calls.first,
                          log == (try? StraceImporter.parse(text, file: "t")) else { heights.append(-1); continue }
                    heights.append(height(call.args[1]))
                }
                continuation.resume(returning: heights)
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        #expect(heights == [256, -1, 256, -1, 256, -1, 255, -1, 256, -1])
    }

    // MARK: 2. Short and odd lines

    @Test func aSignalLineWithoutASignal() {
        // `--- ---`: the closing ` ---` overlaps the opening `--- `.
        expectFailure("100 --- ---", column: 9, "a signal line must name a signal")
        expectFailure("100 ---  ---", column: 9, "a signal line must name a signal")
        expectFailure("100 --- x ---", column: 9, "a signal line must name a signal")
        expectFailure("--- ---", column: 5, "a signal line must name a signal")
        expectFailure("100 --- ", column: 8, "a signal line must end with ' ---'")
        expectFailure("100 --- --", column: 11, "a signal line must end with ' ---'")
        expectFailure("100 --- SIGINT", column: 15, "a signal line must end with ' ---'")
    }

    @Test func otherShortLines() {
        expectFailure("100 +++ +++", column: 9, "unrecognised '+++' line")
        expectFailure("100 +++  +++", column: 9, "unrecognised '+++' line")
        expectFailure("100 +++ ", column: 8, "an exit line must end with ' +++'")
        expectFailure("100 +++ exited with +++", column: 9, "unrecognised '+++' line")
        expectFailure("100 +++ exited with  +++", column: 21, "bad exit status ''")
        expectFailure("100 +++ killed by  +++", column: 19, "bad signal name ''")
        expectFailure("100 <... ", column: 5, "malformed '<... NAME resumed>'")
        expectFailure("100 <... read resumed>", column: 5, "without a pending 'read(... <unfinished ...>' of pid 100")
        expectFailure("100 read(0,  <unfinished ...>\n100 <... read resumed>", line: 2, column: 23, "expected a value")
        expectFailure("100 read(0,  <unfinished ...>\n100 <... read resumed>\"\", 1)", line: 2, column: 29, "missing '= result'")
        expectFailure("100 read( <unfinished ...>\n100 <... read resumed>) =", line: 2, column: 26, "missing result after '='")
        expectFailure("100 f(", column: 7, "expected a value")
        expectFailure("100 f(1", column: 6, "unclosed '('")
        expectFailure("100 f(1 <0.1>", column: 6, "unclosed '('")
        expectFailure("100 f() = -1 EX (", column: 17, "unclosed '(' in the error message")
        expectFailure("100 f() = 1<", column: 12, "unclosed '<'")
        expectFailure("100 f(\"\\", column: 7, "unterminated string")
        expectFailure("100 f(/*/) = 0", column: 7, "unterminated comment")
        expectFailure("100 <unfinished ...>", column: 5, "not an strace line")
        #expect(throws: Never.self) { try StraceImporter.parse("100 f( <unfinished ...>\n100 f(<unfinished ...>\n", file: "t") }
    }

    /// Random mutations of the committed recordings' lines (deleted,
    /// duplicated, inserted and replaced bytes and tokens, cut lines): the
    /// importer returns a log or a StraceError whose line and column lie in
    /// the input, and whose reason is short and printable. A crash fails the
    /// whole test run. `LITEBOX_STRACE_FUZZ=N` runs N mutations instead of
    /// the default.
    @Test func randomMutationsOfTheCorpusNeverCrash() throws {
        var lines: [String] = []
        for name in straceRecordings {
            lines += try straceText(straceDirectory + "/" + name).split(separator: "\n").map(String.init)
        }
        for (_, text) in try straceThreadFiles() { lines += text.split(separator: "\n").map(String.init) }
        try #require(lines.count > 1000)
        let tokens = ["--- ", " ---", "--- ---", "+++ ", " +++", "<... ", " resumed>", " <unfinished ...>", "/*", "*/", "=>", "...",
                      "0x", "99999999999999999999999", "18446744073709551615", "-9223372036854775809", "[pid 5] ", "[pid ",
                      "12:00:00.1 ", "99:99:99.9 ", "1700000000.5 ", "1.2.3 ", " <0.000001>", " <", "SIG", "= ", " = ?", "-1 E",
                      "{", "}", "[", "]", "(", ")", "<", ">", "\"", "\\", ",", "|", "~[", "=", "f(", "\0", "\r", "\u{1B}", "\u{85}",
                      "é", "\u{202E}", "\t", "exited with ", "killed by ", " (core dumped)", "strace: "]
        let bytes: [UInt8] = Array("()[]{}<>\"\\,=|/*.-: \t09xX~?+E".utf8) + [0, 13, 0x80, 0xFF]
        let iterations = ProcessInfo.processInfo.environment["LITEBOX_STRACE_FUZZ"].flatMap { Int($0) } ?? 4_000
        var rng = SplitMix64(seed: 0x5_7ACE)
        var errors = 0
        for _ in 0..<iterations {
            let k = Int.random(in: 0..<lines.count, using: &rng)
            // The line with the one before it, so that `<... resumed>` can pair;
            // one time in four, a short line made of tokens alone.
            var mutated = Array(lines[k].utf8)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                mutated = Int.random(in: 0..<2, using: &rng) == 0 ? Array("100 ".utf8) : []
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    mutated += Int.random(in: 0..<3, using: &rng) == 0 ? [bytes.randomElement(using: &rng)!]
                        : Array(tokens.randomElement(using: &rng)!.utf8)
                }
            }
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = mutated.isEmpty ? 0 : Int.random(in: 0...mutated.count, using: &rng)
                let to = at == mutated.count ? at : Int.random(in: at...min(mutated.count, at + 40), using: &rng)
                switch Int.random(in: 0..<7, using: &rng) {
                case 0: mutated.removeSubrange(at..<to)
                case 1: mutated.insert(contentsOf: mutated[at..<to], at: at)
                case 2: mutated.insert(bytes.randomElement(using: &rng)!, at: at)
                case 3: mutated.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: at)
                case 4: mutated.removeSubrange(at...)
                case 5: if at < mutated.count { mutated[at] = bytes.randomElement(using: &rng)! }
                default: mutated.replaceSubrange(at..<to, with: Array(tokens.randomElement(using: &rng)!.utf8))
                }
            }
            let text = (k > 0 ? lines[k - 1] + "\n" : "") + String(decoding: mutated, as: UTF8.self) + "\n"
            let textLines = text.utf8.split(separator: 10, omittingEmptySubsequences: false)
            func check(_ e: StraceError) {
                #expect(e.file == "t" && e.line >= 1 && e.line <= textLines.count, "\(e)")
                guard e.line >= 1 && e.line <= textLines.count else { return }
                #expect(e.column >= 1 && e.column <= textLines[e.line - 1].count + 1, "\(e): \(text)")
                #expect(e.reason.count < 300, "\(e.reason.prefix(300))")
                #expect(!e.reason.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(e)")
            }
            for skip in [false, true] {
                do {
                    let log = try StraceImporter.parse(text, file: "t", skipUnparsed: skip)
                    for e in log.skipped { check(e) }
                } catch let error as StraceError {
                    errors += 1
                    check(error)
                }
            }
        }
        #expect(errors > iterations / 4)
    }

    /// The same on the -ff set: one file mutated at a time, merged with the others.
    @Test func randomMutationsOfTheThreadSetNeverCrash() throws {
        let files = try straceThreadFiles()
        var rng = SplitMix64(seed: 0xFF5E7)
        let iterations = (ProcessInfo.processInfo.environment["LITEBOX_STRACE_FUZZ"].flatMap { Int($0) } ?? 4_000) / 20
        for _ in 0..<iterations {
            var set = files
            let f = Int.random(in: 0..<set.count, using: &rng)
            var lines = set[f].text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
            let l = Int.random(in: 0..<lines.count, using: &rng)
            let at = Int.random(in: 0...lines[l].count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: lines[l].removeSubrange(at...)
            case 1: lines[l].removeSubrange(0..<min(at, 16))       // a timestamp cut or removed
            case 2: lines[l].insert(contentsOf: Array("99:99:99.9 ".utf8), at: 0)
            default: lines[l].insert(contentsOf: Array("{[(<\"".utf8).shuffled(using: &rng).prefix(2), at: at)
            }
            set[f].text = lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
            for skip in [false, true] {
                do {
                    let log = try StraceImporter.parse(files: set, skipUnparsed: skip)
                    for e in log.skipped { #expect(e.line >= 1 && e.column >= 1, "\(e)") }
                } catch let error as StraceError {
                    #expect(set.contains { $0.path == error.file } && error.line >= 1 && error.column >= 1, "\(error)")
                }
            }
        }
    }

    // MARK: 3. Timestamps in -ff sets

    static let timedSet = [("d/p.7", "00:00:01.000000 getpid() = 7\n00:00:03.000000 getppid() = 1\n"),
                           ("d/p.12", "00:00:02.000000 gettid() = 12\n00:00:04.000000 gettid() = 12\n")]

    @Test func aSetIsTimestampedOnEveryLineOrOnNone() throws {
        let merged = try StraceImporter.parse(files: Self.timedSet.map { (path: $0.0, text: $0.1) })
        #expect(merged.events.map(\.location.file) == ["d/p.7", "d/p.12", "d/p.7", "d/p.12"])
        // One line of one file without its timestamp: not a silent switch to concatenation.
        var set = Self.timedSet
        set[1].1 = "00:00:02.000000 gettid() = 12\ngettid() = 12\n"
        let missing = try #require(setError(set))
        #expect(missing.file == "d/p.12" && missing.line == 2 && missing.column == 1, "\(missing)")
        #expect(missing.reason.hasPrefix("no timestamp, but d/p.7:1 has one"), "\(missing)")
        // With a pid prefix, the column is where the timestamp would be.
        set[1].1 = "00:00:02.000000 gettid() = 12\n12   gettid() = 12\n"
        #expect(setError(set).map { "\($0)" }?.hasPrefix("d/p.12:2:6: no timestamp, but d/p.7:1 has one") == true)
        // The lowest pid's first line sets the clock: here it has no timestamp.
        set = Self.timedSet
        set[0].1 = "getpid() = 7\n00:00:03.000000 getppid() = 1\n"
        let extra = try #require(setError(set))
        #expect("\(extra)".hasPrefix("d/p.7:2:1: a timestamp, but d/p.7:1 has none"), "\(extra)")
        set[0].1 = "getpid() = 7\ngetppid() = 1\n"
        #expect("\(try #require(setError(set)))".hasPrefix("d/p.12:1:1: a timestamp, but d/p.7:1 has none"))
        // In a single file too, and with --skip-unparsed the line is reported and skipped.
        expectFailure("00:00:01.5 getpid() = 7\ngetppid() = 1\n", line: 2, column: 1, "no timestamp, but t:1 has one")
        let skipped = try StraceImporter.parse(files: [(path: "d/p.7", text: "00:00:01.0 getpid() = 7\ngetppid() = 1\n")], skipUnparsed: true)
        #expect(skipped.calls.map(\.name) == ["getpid"] && skipped.skipped.map(\.line) == [2])
        // A set with no timestamp at all is concatenated in pid order, as documented.
        let untimed = try StraceImporter.parse(files: [(path: "d/p.12", text: "gettid() = 12\n"), (path: "d/p.7", text: "getpid() = 7\n")])
        #expect(untimed.events.map(\.location.file) == ["d/p.7", "d/p.12"])
        // strace's own messages carry no timestamp and are not held against the clock.
        #expect(try StraceImporter.parse("00:00:01.5 getpid() = 7\nstrace: Process 8 attached\n00:00:01.6 getpid() = 7\n", file: "t").calls.count == 2)
    }

    @Test func timestampsOutOfRangeOrMalformed() throws {
        expectFailure("99:99:99.9 getpid() = 1", column: 1, "timestamp out of range: hour 99 (00 to 23)")
        expectFailure("100 24:00:00 getpid() = 1", column: 5, "timestamp out of range: hour 24")
        expectFailure("100 23:60:00.000001 getpid() = 1", column: 8, "timestamp out of range: minute 60 (00 to 59)")
        expectFailure("[pid 100] 23:59:61.0 getpid() = 1", column: 17, "timestamp out of range: second 61 (00 to 60)")
        expectFailure("1:02:03 getpid() = 1", column: 1, "malformed timestamp '1:02:03'")
        expectFailure("100 12:00:00. getpid() = 1", column: 5, "malformed timestamp '12:00:00.'")
        expectFailure("100 12:00:00.1.2 getpid() = 1", column: 5, "malformed timestamp")
        expectFailure("100 1.2.3 getpid() = 1", column: 5, "malformed timestamp '1.2.3'")
        expectFailure("100 .5 getpid() = 1", column: 5, "malformed timestamp")
        expectFailure("100 12::00:00 getpid() = 1", column: 5, "malformed timestamp")
        // A leap second, -t without a fraction, and -ttt are fine.
        #expect(try straceCall("100 23:59:60.5 getpid() = 1").timestamp == 86_400.5)
        #expect(try straceCall("100 23:59:59 getpid() = 1").timestamp == 86_399)
        #expect(try straceCall("100 1700000000.25 getpid() = 1").timestamp == 1_700_000_000.25)
    }

    @Test func timeOfDayAndEpochTimestampsDoNotMix() throws {
        // In one file.
        expectFailure("100 00:00:01.000000 getpid() = 1\n100 1700000000.000002 getpid() = 1\n", line: 2, column: 5,
                      "a -ttt timestamp (seconds since the epoch), but t:1 has a -t/-tt timestamp (time of day): the two clocks cannot be compared")
        // In one set.
        let set = [("d/p.7", "00:00:01.000000 getpid() = 7\n"), ("d/p.12", "1700000000.000001 gettid() = 12\n")]
        let error = try #require(setError(set))
        #expect("\(error)" == "d/p.12:1:1: a -ttt timestamp (seconds since the epoch), but d/p.7:1 has a -t/-tt timestamp (time of day): the two clocks cannot be compared")
        // -t and -tt are the same clock.
        let mixed = try StraceImporter.parse(files: [(path: "d/p.7", text: "00:00:01 getpid() = 7\n"), (path: "d/p.12", text: "00:00:00.5 gettid() = 12\n")])
        #expect(mixed.calls.map(\.pid) == [12, 7])
    }

    // MARK: 4. Quoted input

    @Test func errorsQuoteAShortEscapedExcerpt() throws {
        let huge = String(repeating: "a", count: 10_000_000)
        let name = try #require(straceError(huge + " = 0"))
        #expect(name.column == 10_000_001)
        #expect(name.reason == "expected '(' after '" + String(repeating: "a", count: 60) + "…'")
        let status = try #require(straceError("1 +++ exited with " + huge + " +++"))
        #expect(status.reason.count < 100 && status.reason.hasPrefix("bad exit status 'aaa") && status.reason.hasSuffix("…'"))
        let resumed = try #require(straceError("1 <... " + huge + " resumed>) = 0"))
        #expect(resumed.reason.count < 250 && resumed.reason.hasPrefix("'<... aaa"), "\(resumed.reason.prefix(200))")
        let digits = try #require(straceError("close(3) = " + String(repeating: "9", count: 10_000_000)))
        #expect(digits.reason.count < 150 && digits.column == 12)
        // Control characters are escaped, not copied.
        let control = try #require(straceError("1 +++ exited with \u{1B}[31m\r\0\u{202E}x' +++"))
        #expect(control.reason == #"bad exit status '\u{1B}[31m\r\0\u{202E}x\''"#)
        let signal = try #require(straceError("1 +++ killed by SIG\u{7}\t +++"))
        #expect(signal.reason == #"bad signal name 'SIG\u{7}\t'"#)
    }

    @Test func theExcerptHelper() {
        #expect(excerpt("abc") == "abc")
        #expect(excerpt(String(repeating: "x", count: 60)) == String(repeating: "x", count: 60))
        #expect(excerpt(String(repeating: "x", count: 61)) == String(repeating: "x", count: 60) + "…")
        #expect(excerpt("a\0b\r\n\t\\'\u{7F}\u{85}\u{2028}é") == #"a\0b\r\n\t\\\'\u{7F}\u{85}\u{2028}é"#)
        // An escape is not cut in half.
        #expect(excerpt(String(repeating: "x", count: 58) + "\0\0") == String(repeating: "x", count: 58) + "\\0…")
        // A grapheme of many scalars counts each scalar.
        #expect(excerpt("e" + String(repeating: "\u{301}", count: 1000)).unicodeScalars.count == 61)
        #expect(quotedByte(UInt8(ascii: "x")) == "'x'" && quotedByte(0) == #"'\x00'"# && quotedByte(0xC3) == #"'\xC3'"#)
    }

    // MARK: 5. Integers beyond 64 bits

    @Test func integersThatFitInNo64BitIntegerAreRawArgumentsAndBadResults() throws {
        // In an argument such a token is raw text: strace prints some byte strings as one long hex number.
        #expect(try straceCall("close(99999999999999999999999) = 0").args == [.raw("99999999999999999999999")])
        #expect(try straceCall("mmap(0x1ffffffffffffffff, 1) = 0").args.first == .raw("0x1ffffffffffffffff"))
        let handle = try straceCall("name_to_handle_at(AT_FDCWD, \"/tmp\", {handle_bytes=12, handle_type=FILEID_INO32_GEN, "
                                    + "f_handle=0x0100000000000000cafebabe}, [3], 0) = 0")
        #expect(handle.args[2][field: "f_handle"] == .raw("0x0100000000000000cafebabe"))
        #expect(try straceCall("f({a=1, b=99999999999999999999}) = 0").args[0][field: "b"] == .raw("99999999999999999999"))
        #expect(try straceCall("open(\"f\", 01777777777777777777777) = 0").args[1] == .int(-1))
        // A result or a pid that fits in no 64-bit integer is malformed.
        expectFailure("f() = 99999999999999999999", column: 7, "integer out of range")
        expectFailure("f() = -99999999999999999999 ENOENT (x)", column: 7, "integer out of range")
        expectFailure("read(0,  <unfinished ...>\n<... read resumed>\"\", 1) = 99999999999999999999", line: 2, column: 28, "integer out of range")
        expectFailure("99999999999999999999 getpid() = 1", column: 1, "pid out of range: '99999999999999999999'")
        expectFailure("[pid 99999999999999999999] getpid() = 1", column: 6, "pid out of range")
        // 64-bit values keep their bit pattern, in decimal as in hexadecimal.
        #expect(try straceCall("close(18446744073709551615) = 0").args == [.int(-1)])
        #expect(try straceCall("close(0xffffffffffffffff) = 0").args == [.int(-1)])
        #expect(try straceCall("close(-9223372036854775808) = 0").args == [.int(Int64.min)])
        #expect(try straceCall("close(9223372036854775807) = 18446744073709551615").result == .value(-1, decoration: nil))
        // Malformed digits (not an integer at all) stay raw text, as before.
        #expect(try straceCall("close(09) = 0").args == [.raw("09")])
        #expect(try straceCall("f(8192*99999999999999999999) = 0").args == [.raw("8192*99999999999999999999")])
        #expect(scanInteger(Array("99999999999999999999".utf8)[...]) == .outOfRange)
        #expect(scanInteger(Array("9999999999999999999z".utf8)[...]) == .invalid)
        #expect(scanInteger(Array("0x10000000000000000".utf8)[...]) == .outOfRange)
        #expect(scanInteger(Array("-0x8000000000000000".utf8)[...]) == .value(Int64.min))
    }
}
