// Encodings of the kernel's object kinds, rights and thread states as words.
// The numeric values are part of the state layout, the trace format and the
// proofs: changing one changes every pinned state count.

/// The type of object a capability names. `empty` marks an empty slot.
public enum CapType: UInt32, CaseIterable, Sendable, CustomStringConvertible {
    /// No capability: the slot is empty.
    case empty = 0
    /// A synchronous IPC endpoint.
    case endpoint = 1
    /// A notification (a word of bits plus a queue of waiters).
    case notification = 2
    /// One page of memory.
    case frame = 3
    /// A thread; `W` on it allows `spawn`.
    case thread = 4

    /// The rights a capability of this type may carry. Endpoints carry `RWG`;
    /// notifications and frames `RW`; thread capabilities only `W` (spawn).
    public var validRights: Rights {
        switch self {
        case .empty: return []
        case .endpoint: return [.read, .write, .grant]
        case .notification, .frame: return [.read, .write]
        case .thread: return [.write]
        }
    }

    /// Whether capabilities of this type may carry a non-zero badge.
    public var isBadgeable: Bool { self == .endpoint || self == .notification }

    /// The lower-case name used in configuration files and traces.
    public var description: String {
        switch self {
        case .empty: return "empty"
        case .endpoint: return "endpoint"
        case .notification: return "notification"
        case .frame: return "frame"
        case .thread: return "thread"
        }
    }

    /// The type named `name` (as printed by `description`), if any.
    public init?(name: String) {
        guard let t = CapType.allCases.first(where: { $0.description == name }) else { return nil }
        self = t
    }
}

/// A set of access rights: `R` (read / receive / wait), `W` (write / send /
/// signal / spawn), `G` (grant: may transfer a capability through an endpoint).
public struct Rights: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `R`: read a frame, receive on an endpoint, wait on or poll a notification.
    public static let read = Rights(rawValue: 1)
    /// `W`: write a frame, send on an endpoint, signal a notification, spawn a thread.
    public static let write = Rights(rawValue: 2)
    /// `G`: transfer a capability along with a message sent on this endpoint.
    public static let grant = Rights(rawValue: 4)
    /// Every right.
    public static let all: Rights = [.read, .write, .grant]

    /// The rights as letters in the order `RWG`, `-` for none (e.g. `RW`, `W`, `-`).
    public var description: String {
        if isEmpty { return "-" }
        var s = ""
        if contains(.read) { s += "R" }
        if contains(.write) { s += "W" }
        if contains(.grant) { s += "G" }
        if rawValue & ~Rights.all.rawValue != 0 { s += "?\(rawValue)" }
        return s
    }

    /// Parses `RWG`-style letters (any subset, in any order) or `-` for none.
    public init?(letters: String) {
        if letters == "-" || letters.isEmpty { self = []; return }
        var r: Rights = []
        for c in letters {
            switch c {
            case "R": if r.contains(.read) { return nil }; r.insert(.read)
            case "W": if r.contains(.write) { return nil }; r.insert(.write)
            case "G": if r.contains(.grant) { return nil }; r.insert(.grant)
            default: return nil
            }
        }
        self = r
    }
}

/// The scheduling state of a thread. Blocked states also record the object
/// (endpoint, notification, or server thread) in the thread's `object` register.
public enum ThreadState: UInt32, CaseIterable, Sendable, CustomStringConvertible {
    /// Not started, or exited. Holds no reply capability, waits nowhere, all registers zero.
    case inactive = 0
    /// May issue system calls.
    case running = 1
    /// Blocked in `send` on an endpoint, in its queue.
    case blockedSend = 2
    /// Blocked in the send phase of `call` on an endpoint, in its queue.
    case blockedCall = 3
    /// Blocked in `recv` on an endpoint, in its queue.
    case blockedRecv = 4
    /// Waiting for the server thread holding its reply capability (not in any queue).
    case blockedReply = 5
    /// Blocked in `wait` on a notification, in its queue.
    case blockedNotify = 6

    /// The name used in configuration files and traces.
    public var description: String {
        switch self {
        case .inactive: return "inactive"
        case .running: return "running"
        case .blockedSend: return "blockedSend"
        case .blockedCall: return "blockedCall"
        case .blockedRecv: return "blockedRecv"
        case .blockedReply: return "blockedReply"
        case .blockedNotify: return "blockedNotify"
        }
    }
}

/// The first word of a system call's outcome.
///
/// `0` is success, `1` is success with the calling thread now blocked, and
/// every other value is the `rawValue` of a `SpecError`.
public enum OutcomeCode {
    /// The call completed.
    public static let ok: UInt32 = 0
    /// The call succeeded and the caller is now blocked (send, call, recv, wait).
    public static let blocked: UInt32 = 1
}
