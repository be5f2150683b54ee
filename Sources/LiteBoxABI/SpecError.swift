// The closed set of errors a LiteBox system call can return.

/// Why a system call failed. A call that fails changes nothing.
///
/// Raw values start at 2 because outcome codes 0 and 1 mean "ok" and
/// "ok, now blocked" (`OutcomeCode`). Every case has the Linux `errno` a
/// Linux personality reports for it; several cases share an errno where Linux
/// has no finer distinction.
public enum SpecError: UInt32, CaseIterable, Error, Sendable, CustomStringConvertible {
    /// The calling (or spawned) thread index is out of range. `ESRCH`.
    case invalidThread = 2
    /// The calling thread is not `running` (it is blocked or inactive). `ESRCH`.
    case threadNotRunning = 3
    /// A slot index is outside the caller's capability space. `EBADF`.
    case invalidSlot = 4
    /// A virtual page is outside the caller's address space. `EINVAL`.
    case invalidPage = 5
    /// An argument is out of its domain: unknown rights bits, a zero badge to
    /// `cap_mint`, mapping rights other than `R`/`W`. `EINVAL`.
    case invalidArgument = 6
    /// The slot named as a source holds no capability. `ENOENT`.
    case emptySlot = 7
    /// The destination slot already holds a capability. `EEXIST`.
    case slotOccupied = 8
    /// The capability names an object of the wrong type for this call. `EBADFD`.
    case wrongType = 9
    /// The capability lacks a right the call needs (or a requested right
    /// exceeds the capability's). `EACCES`.
    case insufficientRights = 10
    /// `cap_mint` on a capability that already carries a badge. `EINVAL`.
    case alreadyBadged = 11
    /// The virtual page has no mapping (`unmap`, `protect`). `ENOMEM`.
    case notMapped = 12
    /// The virtual page is already mapped (`map`). `EEXIST`.
    case alreadyMapped = 13
    /// The frame capability already backs a mapping (`map`). `EBUSY`.
    case frameInUse = 14
    /// A memory access without the needed right, or to an unmapped page
    /// (`load`, `store`). `EFAULT`.
    case fault = 15
    /// `nbsend` found no waiting receiver. `EAGAIN`.
    case wouldBlock = 16
    /// `reply` by a thread that holds no reply capability. `EPROTO`.
    case noReplyCapability = 17
    /// `recv` by a thread that still owes a reply (it must answer first). `EBUSY`.
    case replyPending = 18
    /// `spawn` of a thread that is not inactive. `EBUSY`.
    case threadActive = 19
    /// Delivered to a caller (as its status) when the server holding its reply
    /// capability exits. `ECONNRESET`.
    case peerExited = 20

    /// The Linux errno number.
    public var errno: Int32 {
        switch self {
        case .invalidThread, .threadNotRunning: return 3        // ESRCH
        case .invalidSlot: return 9                              // EBADF
        case .invalidPage, .invalidArgument, .alreadyBadged: return 22 // EINVAL
        case .emptySlot: return 2                                // ENOENT
        case .slotOccupied, .alreadyMapped: return 17            // EEXIST
        case .wrongType: return 77                               // EBADFD
        case .insufficientRights: return 13                      // EACCES
        case .notMapped: return 12                               // ENOMEM
        case .frameInUse, .replyPending, .threadActive: return 16 // EBUSY
        case .fault: return 14                                   // EFAULT
        case .wouldBlock: return 11                              // EAGAIN
        case .noReplyCapability: return 71                       // EPROTO
        case .peerExited: return 104                             // ECONNRESET
        }
    }

    /// The symbolic name of `errno` (e.g. `EBADF`).
    public var errnoName: String {
        switch errno {
        case 2: return "ENOENT"
        case 3: return "ESRCH"
        case 9: return "EBADF"
        case 11: return "EAGAIN"
        case 12: return "ENOMEM"
        case 13: return "EACCES"
        case 14: return "EFAULT"
        case 16: return "EBUSY"
        case 17: return "EEXIST"
        case 22: return "EINVAL"
        case 71: return "EPROTO"
        case 77: return "EBADFD"
        case 104: return "ECONNRESET"
        default: return "E\(errno)"
        }
    }

    /// The case name, as used in traces (e.g. `emptySlot`).
    public var description: String { "\(self.name)" }

    /// The case name.
    public var name: String {
        switch self {
        case .invalidThread: return "invalidThread"
        case .threadNotRunning: return "threadNotRunning"
        case .invalidSlot: return "invalidSlot"
        case .invalidPage: return "invalidPage"
        case .invalidArgument: return "invalidArgument"
        case .emptySlot: return "emptySlot"
        case .slotOccupied: return "slotOccupied"
        case .wrongType: return "wrongType"
        case .insufficientRights: return "insufficientRights"
        case .alreadyBadged: return "alreadyBadged"
        case .notMapped: return "notMapped"
        case .alreadyMapped: return "alreadyMapped"
        case .frameInUse: return "frameInUse"
        case .fault: return "fault"
        case .wouldBlock: return "wouldBlock"
        case .noReplyCapability: return "noReplyCapability"
        case .replyPending: return "replyPending"
        case .threadActive: return "threadActive"
        case .peerExited: return "peerExited"
        }
    }

    /// The error with case name `name`, if any.
    public init?(name: String) {
        guard let e = SpecError.allCases.first(where: { $0.name == name }) else { return nil }
        self = e
    }
}
