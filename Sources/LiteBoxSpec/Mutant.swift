// Deliberately broken variants of the specification: realistic kernel bugs,
// used to show that the checker (and later the prover) catches them. A
// mutant is switched on only by `Spec(config, mutant:)`, which only
// `verify mutants` and the tests call; normal semantics never see one.

import LiteBoxABI

/// A catalog of realistic kernel bugs, each a small change at one place of
/// the specification (search for the case name to find it).
public enum Mutant: String, CaseIterable, Sendable, CustomStringConvertible {
    case revokeSkipsOtherSandboxes
    case revokeKeepsMappings
    case copyIgnoresRightsMask
    case mintRebadgesBadgedCap
    case moveForgetsMapping
    case deleteLeavesMapping
    case deleteOrphansChildren
    case mapIgnoresCapRights
    case protectIgnoresCapRights
    case unmapClearsWrongPage
    case storeIgnoresWriteRight
    case transferWithoutGrant
    case enqueueAtHead
    case nbsendBlocks
    case callForgetsReplyCap
    case recvForgetsReplyCap
    case replyWakesWrongThread
    case signalLeavesWaiterQueued
    case waitKeepsBits
    case exitLeavesCallerBlocked

    public var description: String { rawValue }

    /// What the bug is, in one line.
    public var summary: String {
        switch self {
        case .revokeSkipsOtherSandboxes: return "cap_revoke deletes only the descendants in the caller's own sandbox"
        case .revokeKeepsMappings: return "cap_revoke deletes descendants but leaves the mappings they back"
        case .copyIgnoresRightsMask: return "cap_copy gives the copy the source's rights, ignoring the mask"
        case .mintRebadgesBadgedCap: return "cap_mint accepts an already badged source and re-badges it"
        case .moveForgetsMapping: return "cap_move leaves the page table pointing at the old slot"
        case .deleteLeavesMapping: return "cap_delete empties the slot but leaves the mapping it backs"
        case .deleteOrphansChildren: return "cap_delete leaves its children pointing at the emptied slot"
        case .mapIgnoresCapRights: return "map does not check the mapping rights against the frame capability's"
        case .protectIgnoresCapRights: return "protect does not check the new rights against the frame capability's"
        case .unmapClearsWrongPage: return "unmap clears the entry of the next page instead of the named one"
        case .storeIgnoresWriteRight: return "store checks the mapping for R instead of W"
        case .transferWithoutGrant: return "send transfers the offered capability even without G on the endpoint capability"
        case .enqueueAtHead: return "a thread that blocks on an endpoint or notification joins its queue at the head (LIFO)"
        case .nbsendBlocks: return "nbsend blocks like send when no receiver waits"
        case .callForgetsReplyCap: return "call delivered to a waiting receiver does not give it the reply capability"
        case .recvForgetsReplyCap: return "recv from a waiting caller does not take the reply capability"
        case .replyWakesWrongThread: return "reply wakes thread number (holder) instead of (holder - 1): an off-by-one"
        case .signalLeavesWaiterQueued: return "signal wakes the first waiter but leaves it in the queue"
        case .waitKeepsBits: return "wait returns the pending bits without clearing them"
        case .exitLeavesCallerBlocked: return "exit drops the reply capability without waking the caller"
        }
    }
}
