// The finite set of calls explored from every state.

import LiteBoxABI

/// A finite alphabet of concrete calls for a configuration: every system call,
/// by every thread, with every slot, optional slot and page of the
/// configuration, every rights mask the call accepts, and the word arguments
/// (messages, stored values, badges) drawn from small value sets.
///
/// Exhaustive exploration steps every state with every call of the
/// alphabet, so the alphabet fixes what "every state reachable in N calls"
/// means; the tests pin the resulting state counts.
public struct CallAlphabet: Hashable, Sendable {
    /// Message words offered to `send`, `nbsend`, `call` and `reply`.
    public var messages: [UInt32]
    /// Values offered to `store`.
    public var values: [UInt32]
    /// Badges offered to `cap_mint` (0 is included only to exercise the error).
    public var badges: [UInt32]
    /// Rights masks offered to `cap_copy` and `cap_mint`.
    public var capRights: [Rights]
    /// Rights masks offered to `map` and `protect`.
    public var pageRights: [Rights]

    /// The standard alphabet: one message and one stored value (1), badges 1
    /// and 2, every subset of `RWG` for capability rights and of `RW` for
    /// page rights.
    public static let standard = CallAlphabet(
        messages: [1], values: [1], badges: [2],
        capRights: [[.read, .write]],
        pageRights: [.read, [.read, .write]])

    public init(messages: [UInt32], values: [UInt32], badges: [UInt32], capRights: [Rights], pageRights: [Rights]) {
        self.messages = messages; self.values = values; self.badges = badges
        self.capRights = capRights; self.pageRights = pageRights
    }

    /// Every call of the alphabet for `config`, grouped by thread (all calls
    /// of thread 0 first), in a fixed order.
    public func calls(for config: Configuration) -> [Call] {
        let C = config.slotsPerSandbox, V = config.pagesPerSandbox
        let slots = Array(0..<C)
        let optSlots: [Int?] = [nil] + slots.map { Optional($0) }
        let pages = Array(0..<V)
        var out: [Call] = []
        for t in 0..<config.threads.count {
            for src in slots { for dst in slots { for r in capRights { out.append(.capCopy(t, src: src, dst: dst, rights: r)) } } }
            for src in slots { for dst in slots { for r in capRights { for b in badges {
                out.append(.capMint(t, src: src, dst: dst, rights: r, badge: b)) } } } }
            for src in slots { for dst in slots { out.append(.capMove(t, src: src, dst: dst)) } }
            for s in slots { out.append(.capDelete(t, slot: s)) }
            for s in slots { out.append(.capRevoke(t, slot: s)) }
            for s in slots { for p in pages { for r in pageRights { out.append(.map(t, slot: s, page: p, rights: r)) } } }
            for p in pages { out.append(.unmap(t, page: p)) }
            for p in pages { for r in pageRights { out.append(.protect(t, page: p, rights: r)) } }
            for p in pages { out.append(.load(t, page: p)) }
            for p in pages { for v in values { out.append(.store(t, page: p, value: v)) } }
            for e in slots { for m in messages { for g in optSlots { out.append(.send(t, ep: e, msg: m, grant: g)) } } }
            for e in slots { for m in messages { for g in optSlots { out.append(.nbsend(t, ep: e, msg: m, grant: g)) } } }
            for e in slots { for into in optSlots { out.append(.recv(t, ep: e, into: into)) } }
            for e in slots { for m in messages { for g in optSlots { out.append(.call(t, ep: e, msg: m, grant: g)) } } }
            for m in messages { out.append(.reply(t, msg: m)) }
            for s in slots { out.append(.signal(t, ntfn: s)) }
            for s in slots { out.append(.wait(t, ntfn: s)) }
            for s in slots { out.append(.poll(t, ntfn: s)) }
            for s in slots { out.append(.spawn(t, slot: s)) }
            out.append(.exit(t))
        }
        return out
    }
}
