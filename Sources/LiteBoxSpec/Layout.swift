// Where each table of the kernel state lives in the flat store.

import LiteBoxABI

/// A table of the kernel state: `count` consecutive cells from `base`.
public struct Field: Hashable, Sendable {
    /// The address of entry 0.
    public let base: Int
    /// The number of entries.
    public let count: Int

    /// The table of `count` cells from `base`.
    @inlinable @inline(__always)
    public init(base: Int, count: Int) { self.base = base; self.count = count }
}

/// The carving of a configuration's kernel state into tables.
///
/// Identifiers: a *global slot* is `sandbox * slotsPerSandbox + slot`; a
/// *global page* is `sandbox * pagesPerSandbox + page`; a *queue* is an
/// endpoint index `e`, or `endpoints + n` for notification `n`. "Optional"
/// cells hold 0 for none and `x + 1` for `x`.
///
/// | table | per | meaning |
/// |---|---|---|
/// | `capType`, `capObject`, `capRights`, `capBadge` | global slot | the capability (`CapType`, object index, `Rights`, badge) |
/// | `cdtParent` | global slot | optional global slot of the CDT parent |
/// | `cdtDescendants` | word × global slot | ghost: bit `d % 32` of word `d / 32` set iff global slot `d` is a proper CDT descendant |
/// | `capMapping` | global slot | optional page (of the same sandbox) this frame cap backs |
/// | `pteSlot`, `pteFrame`, `pteRights` | global page | optional backing slot (same sandbox), optional frame, mapping rights |
/// | `frameValue` | frame | the page's contents |
/// | `threadState`, `threadObject` | thread | `ThreadState`; the endpoint, notification or server thread it waits for |
/// | `threadMessage`, `threadBadge`, `threadStatus` | thread | message register, badge register, last blocking call's outcome code |
/// | `threadRecvSlot`, `threadGrant`, `threadReply` | thread | optional receive slot; optional slot to transfer while blocked sending (only with `G`); optional caller it owes a reply |
/// | `queueLength`, `queueEntry` | queue; queue × thread | FIFO of optional threads, head at entry 0 |
/// | `notificationBits` | notification | pending bits |
public struct Layout: Hashable, Sendable {
    /// Sizes.
    public let sandboxes, slotsPerSandbox, pagesPerSandbox, threads, endpoints, notifications, frames: Int
    /// Derived sizes: all slots, all pages, all queues.
    public let slots, pages, queues: Int
    /// The number of 32-bit words in a descendant set: `⌈slots / 32⌉`. It is
    /// 1 for every configuration the checker and the prover are practical
    /// for (at most 32 slots), where a descendant set is one word; larger
    /// universes (trace replay of real programs) store word `w` of every
    /// slot's set in the table `descendantWord(w)`.
    public let descendantWords: Int
    /// The sandbox of each thread (constant configuration data).
    public let threadSandbox: [UInt32]

    public let capType, capObject, capRights, capBadge, cdtParent, cdtDescendants, capMapping: Field
    public let pteSlot, pteFrame, pteRights: Field
    public let frameValue: Field
    public let threadState, threadObject, threadMessage, threadBadge, threadStatus: Field
    public let threadRecvSlot, threadGrant, threadReply: Field
    public let queueLength, queueEntry: Field
    public let notificationBits: Field
    /// The total number of cells of a state.
    public let cellCount: Int

    /// The `j`-th per-slot table (`capType`, `capObject`, `capRights`,
    /// `capBadge`, `cdtParent`, the `descendantWords` words of
    /// `cdtDescendants`, `capMapping` for `j` in `0..<slotTableCount`): the
    /// tables are laid out consecutively, so iterating over them needs no
    /// array.
    @inlinable @inline(__always)
    public func slotTable(_ j: Int) -> Field { Field(base: capType.base + j * slots, count: slots) }
    /// The number of per-slot tables: 6 plus the descendant words.
    @inlinable public var slotTableCount: Int { 6 + descendantWords }

    /// Word `w` of every slot's descendant set: bit `b` of entry `g` is set
    /// iff global slot `32 * w + b` is a proper CDT descendant of `g`.
    @inlinable @inline(__always)
    public func descendantWord(_ w: Int) -> Field { Field(base: cdtDescendants.base + w * slots, count: slots) }

    /// The `j`-th per-page table (`pteSlot`, `pteFrame`, `pteRights`).
    @inlinable @inline(__always)
    public func pageTable(_ j: Int) -> Field { Field(base: pteSlot.base + j * pages, count: pages) }
    /// The number of per-page tables.
    public static let pageTableCount = 3

    /// The `j`-th per-thread table (`threadState`, `threadObject`,
    /// `threadMessage`, `threadBadge`, `threadStatus`, `threadRecvSlot`,
    /// `threadGrant`, `threadReply`).
    @inlinable @inline(__always)
    public func threadTable(_ j: Int) -> Field { Field(base: threadState.base + j * threads, count: threads) }
    /// The number of per-thread tables.
    public static let threadTableCount = 8

    /// Every table with its name, in layout order (for printing and diffs).
    public var tables: [(name: String, field: Field)] {
        [("capType", capType), ("capObject", capObject), ("capRights", capRights), ("capBadge", capBadge),
         ("cdtParent", cdtParent), ("cdtDescendants", cdtDescendants), ("capMapping", capMapping),
         ("pteSlot", pteSlot), ("pteFrame", pteFrame), ("pteRights", pteRights), ("frameValue", frameValue),
         ("threadState", threadState), ("threadObject", threadObject), ("threadMessage", threadMessage),
         ("threadBadge", threadBadge), ("threadStatus", threadStatus), ("threadRecvSlot", threadRecvSlot),
         ("threadGrant", threadGrant), ("threadReply", threadReply), ("queueLength", queueLength),
         ("queueEntry", queueEntry), ("notificationBits", notificationBits)]
    }

    /// The layout of `config`'s state. `config` must already be validated.
    public init(_ config: Configuration) {
        sandboxes = config.sandboxes
        slotsPerSandbox = config.slotsPerSandbox
        pagesPerSandbox = config.pagesPerSandbox
        threads = config.threads.count
        endpoints = config.endpoints
        notifications = config.notifications
        frames = config.frames
        slots = sandboxes * slotsPerSandbox
        pages = sandboxes * pagesPerSandbox
        queues = endpoints + notifications
        descendantWords = max(1, (slots + 31) / 32)
        threadSandbox = config.threads.map { UInt32($0.sandbox) }

        var next = 0
        func table(_ n: Int) -> Field { defer { next += n }; return Field(base: next, count: n) }
        capType = table(slots); capObject = table(slots); capRights = table(slots); capBadge = table(slots)
        cdtParent = table(slots); cdtDescendants = table(slots * descendantWords); capMapping = table(slots)
        pteSlot = table(pages); pteFrame = table(pages); pteRights = table(pages)
        frameValue = table(frames)
        threadState = table(threads); threadObject = table(threads); threadMessage = table(threads)
        threadBadge = table(threads); threadStatus = table(threads); threadRecvSlot = table(threads)
        threadGrant = table(threads); threadReply = table(threads)
        queueLength = table(queues); queueEntry = table(queues * threads)
        notificationBits = table(notifications)
        cellCount = next
        // slotTable/pageTable/threadTable rely on these tables being consecutive.
        precondition(capMapping.base == capType.base + (slotTableCount - 1) * slots && pteRights.base == pteSlot.base + 2 * pages
                     && threadReply.base == threadState.base + 7 * threads)
    }
}
