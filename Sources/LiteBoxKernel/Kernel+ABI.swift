// The register-level ABI: machine words in, machine words out.
//
// ## Calling convention
//
// `syscall(thread, number, a0, a1, a2, a3, a4) -> (value, error)`, all 64-bit
// words:
//
// - `number` is `Syscall.rawValue`: 0 cap_copy, 1 cap_mint, 2 cap_move,
//   3 cap_delete, 4 cap_revoke, 5 map, 6 unmap, 7 protect, 8 load, 9 store,
//   10 send, 11 nbsend, 12 recv, 13 call, 14 reply, 15 signal, 16 wait,
//   17 poll, 18 spawn, 19 exit.
// - `thread` is the issuing thread's index (on hardware, implied by the CPU's
//   current thread).
// - `a0...a3` are the call's arguments in the order of `Syscall.parameters`,
//   as the specification interprets them (slots and pages as indices,
//   optional slots as 0 for none and `s + 1` for slot `s`, rights as
//   `Rights.rawValue`, words as themselves); arguments the call does not take,
//   and `a4` (no call takes five arguments), must be 0.
//
// ## Results
//
// - A call that decodes is executed: `error` is the outcome code (0 ok,
//   1 ok and now blocked, 2...20 the `SpecError.rawValue`) and `value` is the
//   outcome's value (loaded word, received message, polled or waited bits; 0
//   otherwise).
// - A call whose words do not decode is rejected before execution and
//   changes nothing: `error` is `-errno` as a two's-complement 64-bit word
//   (`ENOSYS` = 38 for an unknown number, `EINVAL` = 22 otherwise; so
//   `error >= 2^63` tells rejection from execution) and `value` is the
//   `ABIError.code` naming the reason.
//
// ## What the decoder rejects (`ABIError`), checked in this order
//
// 1. `number` is not a system call number (`unknownSyscall`, ENOSYS);
// 2. `thread` does not fit 32 bits (`threadTooWide`);
// 3. for each argument word `a0...a4` in turn: a used word that does not fit
//    32 bits (`argumentTooWide`); a rights word with bits outside `RWG`
//    (`unknownRightsBits`); an unused word that is not 0 (`unusedArgumentNotZero`).
//
// Everything else — a thread, slot or page index out of range, a zero badge,
// `G` in mapping rights — is a well-formed call that the specification itself
// rejects, so it is passed to `execute` and kernel and specification agree on
// the error and its precedence.

import LiteBoxABI

/// Why the register-level decoder rejected a system call's words. Closed:
/// these are the only reasons, and no input makes the decoder trap.
public enum ABIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `number` is not a system call number (`Syscall.rawValue`). `ENOSYS`.
    case unknownSyscall(number: UInt64)
    /// The thread word does not fit 32 bits. `EINVAL`.
    case threadTooWide(UInt64)
    /// Argument word `index` (0...3) is used by the call but does not fit 32 bits. `EINVAL`.
    case argumentTooWide(index: Int, value: UInt64)
    /// Argument word `index` is a rights mask with bits outside `RWG`. `EINVAL`.
    case unknownRightsBits(index: Int, value: UInt64)
    /// Argument word `index` (0...4) is not used by the call but is not 0. `EINVAL`.
    case unusedArgumentNotZero(index: Int, value: UInt64)

    /// The Linux errno: `ENOSYS` (38) for an unknown number, `EINVAL` (22) otherwise.
    public var errno: Int32 {
        switch self {
        case .unknownSyscall: return 38
        case .threadTooWide, .argumentTooWide, .unknownRightsBits, .unusedArgumentNotZero: return 22
        }
    }

    /// A small number naming the case (returned in `value` when a call is
    /// rejected): 1 unknownSyscall, 2 threadTooWide, 3 argumentTooWide,
    /// 4 unknownRightsBits, 5 unusedArgumentNotZero.
    public var code: UInt64 {
        switch self {
        case .unknownSyscall: return 1
        case .threadTooWide: return 2
        case .argumentTooWide: return 3
        case .unknownRightsBits: return 4
        case .unusedArgumentNotZero: return 5
        }
    }

    /// The `error` word of a rejected call: `-errno` in two's complement.
    public var errorWord: UInt64 { UInt64(bitPattern: -Int64(errno)) }

    /// A readable reason, e.g. `a2 = 0x8 has unknown rights bits (EINVAL)`.
    public var description: String {
        switch self {
        case .unknownSyscall(let n): return "unknown system call number \(n) (ENOSYS)"
        case .threadTooWide(let v): return "thread word 0x\(String(v, radix: 16)) does not fit 32 bits (EINVAL)"
        case .argumentTooWide(let i, let v): return "a\(i) = 0x\(String(v, radix: 16)) does not fit 32 bits (EINVAL)"
        case .unknownRightsBits(let i, let v): return "a\(i) = 0x\(String(v, radix: 16)) has rights bits outside RWG (EINVAL)"
        case .unusedArgumentNotZero(let i, let v): return "a\(i) = 0x\(String(v, radix: 16)) is unused and must be 0 (EINVAL)"
        }
    }
}

/// The register-level decoder and encoder (see the calling convention at the
/// top of Kernel+ABI.swift). Pure functions: no kernel state is involved.
public enum ABIDecoder {
    /// The argument kinds of each system call, indexed by number (cached).
    static let parameterKinds: [[ArgumentKind]] = Syscall.allCases.map { $0.parameters.map(\.kind) }

    /// Decodes machine words into a typed call, or the first reason (in the
    /// order documented above) they are malformed. Total: never traps.
    public static func decode(thread: UInt64, number: UInt64, _ a0: UInt64, _ a1: UInt64, _ a2: UInt64,
                              _ a3: UInt64, _ a4: UInt64) -> Result<Call, ABIError> {
        guard number < UInt64(Syscall.allCases.count), let sc = Syscall(rawValue: UInt32(number)) else {
            return .failure(.unknownSyscall(number: number))
        }
        guard thread <= UInt64(UInt32.max) else { return .failure(.threadTooWide(thread)) }
        let kinds = parameterKinds[Int(number)]
        let words = (a0, a1, a2, a3, a4)
        var args: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        for i in 0..<5 {
            let w: UInt64
            switch i {
            case 0: w = words.0
            case 1: w = words.1
            case 2: w = words.2
            case 3: w = words.3
            default: w = words.4
            }
            if i >= kinds.count {
                if w != 0 { return .failure(.unusedArgumentNotZero(index: i, value: w)) }
                continue
            }
            guard w <= UInt64(UInt32.max) else { return .failure(.argumentTooWide(index: i, value: w)) }
            if kinds[i] == .rights && w & ~UInt64(Rights.all.rawValue) != 0 {
                return .failure(.unknownRightsBits(index: i, value: w))
            }
            let v = UInt32(w)
            switch i {
            case 0: args.0 = v
            case 1: args.1 = v
            case 2: args.2 = v
            default: args.3 = v
            }
        }
        return .success(Call(thread: UInt32(thread), syscall: sc, args.0, args.1, args.2, args.3))
    }

    /// The machine words of `call`: thread, number, and `a0...a4` (unused ones 0).
    /// `decode` of these words gives `call` back when every rights argument
    /// is within `RWG` and unused argument words of `call` are 0.
    public static func encode(_ call: Call) -> (thread: UInt64, number: UInt64, arguments: [UInt64]) {
        (UInt64(call.thread), UInt64(call.syscall.rawValue),
         [UInt64(call.a0), UInt64(call.a1), UInt64(call.a2), UInt64(call.a3), 0])
    }
}

extension Kernel {
    /// The register-level entry point: decodes the words (`ABIDecoder.decode`)
    /// and, if they form a call, executes it.
    ///
    /// Returns `(value: outcome value, error: outcome code)` for an executed
    /// call (error 0 ok, 1 blocked, 2...20 a `SpecError`), and
    /// `(value: ABIError.code, error: -errno)` for rejected words, which
    /// change nothing. Never traps, whatever the words.
    public func syscall(thread: UInt64, number: UInt64, _ a0: UInt64, _ a1: UInt64, _ a2: UInt64,
                        _ a3: UInt64, _ a4: UInt64) -> (value: UInt64, error: UInt64) {
        switch ABIDecoder.decode(thread: thread, number: number, a0, a1, a2, a3, a4) {
        case .success(let call):
            let o = execute(call)
            return (UInt64(o.value), UInt64(o.code))
        case .failure(let e):
            return (e.code, e.errorWord)
        }
    }
}
