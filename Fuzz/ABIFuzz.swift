// libFuzzer harness on the kernel's register-level ABI (issue 5; built and run
// by Scripts/fuzz-abi.sh).
//
// ## What it checks
//
// Every input is one run: a configuration and a sequence of system calls as
// raw machine words, each passed to `Kernel.syscall(thread:number:_:_:_:_:_:)`
// on a kernel built from that configuration, with the specification
// (`ConcreteSpec`) stepped alongside. After every call:
//
// - `kernel.checkRepresentation()` must be empty (the kernel's own
//   representation invariants);
// - the result words must follow the ABI convention (Kernel+ABI.swift): the
//   words `ABIDecoder.decode` rejects give `(value: ABIError.code,
//   error: ABIError.errorWord)`, with `error >= 2^63`, and must leave
//   `kernel.abstraction()` unchanged; the words it accepts give exactly the
//   specification's outcome (`error` = outcome code, `value` = outcome value),
//   and `kernel.abstraction()` must equal the specification's next state;
// - a decoded call re-encodes (`ABIDecoder.encode`) to the same words.
//
// Any violation calls `fatalError` with a readable report: the configuration,
// every call so far as words with its results, and the decoded calls as a
// trace (`litebox-trace 1`) that `verify replay` accepts. libFuzzer then saves
// the input as a crash artifact. A trap inside the kernel or spec, or an
// AddressSanitizer report, is caught by libFuzzer the same way.
//
// ## Input encoding
//
// Byte 0 picks the configuration: `fuzzConfigs[byte % 3]` (tiny, default,
// large). The rest is a sequence of calls, each starting with a control byte
// `c`; an input that ends in the middle of a call stops before that call.
//
// - Compact call (`c < 0x80`), most calls: the number is `c % 20` (always a
//   known system call). Then one byte for the thread and one byte per
//   parameter of that call (`Syscall.parameters`), each reduced into the
//   parameter's range plus one out-of-range value, so that most calls are
//   well formed and many succeed:
//     thread        byte % (threads + 1)
//     slot          byte % (slotsPerSandbox + 1)
//     optionalSlot  byte % (slotsPerSandbox + 2)      (0 none, s+1 slot s)
//     page          byte % (pagesPerSandbox + 1)
//     rights        byte % 8                         (subsets of RWG)
//     word          byte                              (message, value, badge)
//   Unused argument words (and `a4`) are 0. E.g. `0a 01 00 05 00` on
//   `default` is `t1 send ep=0 msg=5 grant=-`.
// - Raw call (`c >= 0x80`): the next byte is a mask `m`, then the seven words
//   thread, number, a0, a1, a2, a3, a4 in that order; word k is eight bytes
//   (big-endian, any 64-bit value) if bit k of `m` is set, otherwise one byte
//   taken as is (0...255, not reduced). These reach the decoder's rejections:
//   unknown numbers, words wider than 32 bits, unknown rights bits, non-zero
//   unused words.
//
// The seed corpus (Fuzz/corpus/) holds hand-written sequences in this
// encoding; inputs that once failed live in Fuzz/regressions/ and are run
// first by the script.

import LiteBoxABI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LiteBoxFormats
import LiteBoxKernel
import LiteBoxRefinement
import LiteBoxSpec

/// The configurations the first input byte picks from.
let fuzzConfigs: [Configuration] = [.tiny, .default, .large]

/// The specifications of `fuzzConfigs`, built once.
let fuzzSpecs: [ConcreteSpec] = fuzzConfigs.map { ConcreteSpec($0) }

/// One executed call of the current input, for the failure report.
struct FuzzStep {
    var words: (thread: UInt64, number: UInt64, a: [UInt64])
    var value: UInt64
    var error: UInt64
    var decoded: Result<Call, ABIError>
    var specOutcome: Outcome<UInt32>?
}

/// Set `LITEBOX_FUZZ_PRINT=1` to print every input's calls (e.g. to read a
/// corpus file: `.build-fuzz/abi-fuzz FILE`).
let fuzzPrint = getenv("LITEBOX_FUZZ_PRINT") != nil

/// The configuration and the calls so far, as words and as a trace.
func fuzzReport(config: Configuration, history: [FuzzStep]) -> String {
    var lines = ["configuration: \(config.name)", "calls (words -> (value, error)):"]
    for (i, s) in history.enumerated() {
        let w = s.words
        var line = "  #\(i) syscall(thread: \(w.thread), number: \(w.number), "
            + w.a.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
            + ") -> (value: \(s.value), error: 0x\(String(s.error, radix: 16)))"
        switch s.decoded {
        case .success(let call): line += "  [\(call)" + (s.specOutcome.map { "; spec: \($0)" } ?? "") + "]"
        case .failure(let e): line += "  [rejected: \(e)]"
        }
        lines.append(line)
    }
    let entries = history.compactMap { s -> Trace.Entry? in
        guard case .success(let call) = s.decoded else { return nil }
        return Trace.Entry(call: call, outcome: s.specOutcome)
    }
    lines.append("decoded calls as a trace (spec outcomes; replay with `verify replay FILE`):")
    lines.append(Trace(config: config.name, entries: entries).text)
    return lines.joined(separator: "\n")
}

/// Stops the fuzzer with `reason`, the configuration and the calls so far.
func fuzzFailure(_ reason: String, config: Configuration, history: [FuzzStep]) -> Never {
    fatalError("LiteBox ABI fuzz failure: \(reason)\n" + fuzzReport(config: config, history: history))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzABI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var i = 0
    func byte() -> UInt8? {
        guard i < size else { return nil }
        defer { i += 1 }
        return data[i]
    }
    func rawWord() -> UInt64? {
        var w: UInt64 = 0
        for _ in 0..<8 {
            guard let b = byte() else { return nil }
            w = w << 8 | UInt64(b)
        }
        return w
    }

    guard let pick = byte() else { return 0 }
    let which = Int(pick) % fuzzConfigs.count
    let config = fuzzConfigs[which]
    let spec = fuzzSpecs[which]
    var lockstep = Lockstep(spec: spec, kernel: Kernel(config), entry: .registers, checksRepresentation: true)
    let kernel = lockstep.kernel
    var history: [FuzzStep] = []
    defer { if fuzzPrint { print(fuzzReport(config: config, history: history)) } }

    if !lockstep.stateDifference.isEmpty {
        fuzzFailure("initial state differs: \(lockstep.stateDifference)", config: config, history: history)
    }

    let slots = UInt64(config.slotsPerSandbox), pages = UInt64(config.pagesPerSandbox)
    let threads = UInt64(config.threads.count)

    while let c = byte() {
        var thread: UInt64 = 0, number: UInt64 = 0
        var a: [UInt64] = [0, 0, 0, 0, 0]
        if c < 0x80 {
            number = UInt64(c % 20)
            guard let t = byte() else { return 0 }
            thread = UInt64(t) % (threads + 1)
            let params = Syscall(rawValue: UInt32(number))!.parameters
            for (k, p) in params.enumerated() {
                guard let b = byte().map(UInt64.init) else { return 0 }
                switch p.kind {
                case .slot: a[k] = b % (slots + 1)
                case .optionalSlot: a[k] = b % (slots + 2)
                case .page: a[k] = b % (pages + 1)
                case .rights: a[k] = b % 8
                case .word: a[k] = b
                }
            }
        } else {
            guard let mask = byte() else { return 0 }
            var w: [UInt64] = []
            for k in 0..<7 {
                if mask & (1 << UInt8(k)) != 0 {
                    guard let x = rawWord() else { return 0 }
                    w.append(x)
                } else {
                    guard let x = byte() else { return 0 }
                    w.append(UInt64(x))
                }
            }
            thread = w[0]; number = w[1]; a = Array(w[2...])
        }

        let decoded = ABIDecoder.decode(thread: thread, number: number, a[0], a[1], a[2], a[3], a[4])
        switch decoded {
        case .failure(let e):
            // Rejected words are no call: the decoder's rule is that they
            // return -errno and change nothing.
            let (value, error) = kernel.syscall(thread: thread, number: number, a[0], a[1], a[2], a[3], a[4])
            history.append(FuzzStep(words: (thread, number, a), value: value, error: error, decoded: decoded, specOutcome: nil))
            if value != e.code || error != e.errorWord || error < 1 << 63 {
                fuzzFailure("rejected call (\(e)) returned (value: \(value), error: 0x\(String(error, radix: 16))), "
                            + "expected (value: \(e.code), error: 0x\(String(e.errorWord, radix: 16)))",
                            config: config, history: history)
            }
            let broken = kernel.checkRepresentation()
            if !broken.isEmpty {
                fuzzFailure("representation invariants broken:\n  " + broken.joined(separator: "\n  "), config: config, history: history)
            }
            if !lockstep.stateDifference.isEmpty {
                fuzzFailure("rejected call (\(e)) changed the state: \(lockstep.stateDifference)",
                            config: config, history: history)
            }
        case .success(let call):
            // Accepted words are exactly the call's encoding, so the
            // lockstep (which enters the kernel with that encoding) runs
            // these very words.
            let enc = ABIDecoder.encode(call)
            if enc.thread != thread || enc.number != number || enc.arguments != a {
                history.append(FuzzStep(words: (thread, number, a), value: 0, error: 0, decoded: decoded, specOutcome: nil))
                fuzzFailure("decoded call \(call) re-encodes to different words \(enc)", config: config, history: history)
            }
            let outcome = lockstep.step(call)
            history.append(FuzzStep(words: (thread, number, a), value: UInt64(outcome.value), error: UInt64(outcome.code),
                                    decoded: decoded, specOutcome: outcome))
            if let d = lockstep.divergence {
                history[history.count - 1].value = UInt64(d.kernel.value)
                history[history.count - 1].error = UInt64(d.kernel.code)
                fuzzFailure("\(d)", config: config, history: history)
            }
        }
    }
    return 0
}
