// Reading a concrete state: named views for tests and reports, and the
// difference between two states in words.

import LiteBoxABI

extension Spec where D == Concrete {
    /// The capability in `slot` of `sandbox`: type, object, rights, badge.
    public func capability(_ s: ConcreteMemory, sandbox: Int, slot: Int) -> (type: CapType, object: Int, rights: Rights, badge: UInt32) {
        let L = layout, g = sandbox * L.slotsPerSandbox + slot
        return (CapType(rawValue: s[L.capType.base + g]) ?? .empty, Int(s[L.capObject.base + g]),
                Rights(rawValue: s[L.capRights.base + g]), s[L.capBadge.base + g])
    }

    /// The CDT parent of `slot` of `sandbox`, as (sandbox, slot).
    public func parent(_ s: ConcreteMemory, sandbox: Int, slot: Int) -> Configuration.SlotRef? {
        let L = layout, g = sandbox * L.slotsPerSandbox + slot
        let p = Int(s[L.cdtParent.base + g])
        return p == 0 ? nil : Configuration.SlotRef(sandbox: (p - 1) / L.slotsPerSandbox, slot: (p - 1) % L.slotsPerSandbox)
    }

    /// The mapping at `page` of `sandbox`: backing slot, frame, rights.
    public func mapping(_ s: ConcreteMemory, sandbox: Int, page: Int) -> (slot: Int, frame: Int, rights: Rights)? {
        let L = layout, pg = sandbox * L.pagesPerSandbox + page
        let slot = Int(s[L.pteSlot.base + pg])
        if slot == 0 { return nil }
        return (slot - 1, Int(s[L.pteFrame.base + pg]) - 1, Rights(rawValue: s[L.pteRights.base + pg]))
    }

    /// The state of thread `t`.
    public func threadState(_ s: ConcreteMemory, _ t: Int) -> ThreadState {
        ThreadState(rawValue: s[layout.threadState.base + t]) ?? .inactive
    }

    /// The threads in queue `q` (endpoint `e` is queue `e`; notification `n` is
    /// queue `endpoints + n`), head first.
    public func queue(_ s: ConcreteMemory, _ q: Int) -> [Int] {
        let L = layout
        let len = Int(s[L.queueLength.base + q])
        return (0..<min(len, L.threads)).map { Int(s[L.queueEntry.base + q * L.threads + $0]) - 1 }
    }

    /// Names cell `i`: its table and the entry's meaning, e.g. `capRights[s1.2]`.
    public func cellName(_ i: Int) -> String {
        let L = layout
        for (name, f) in L.tables where i >= f.base && i < f.base + f.count {
            let e = i - f.base
            switch name {
            case "cdtDescendants" where L.descendantWords > 1:
                let slot = e % L.slots
                return "cdtDescendants[sandbox \(slot / L.slotsPerSandbox) slot \(slot % L.slotsPerSandbox) word \(e / L.slots)]"
            case _ where name.hasPrefix("cap") || name.hasPrefix("cdt"):
                return "\(name)[sandbox \(e / L.slotsPerSandbox) slot \(e % L.slotsPerSandbox)]"
            case _ where name.hasPrefix("pte"):
                return "\(name)[sandbox \(e / max(L.pagesPerSandbox, 1)) page \(e % max(L.pagesPerSandbox, 1))]"
            case "queueEntry":
                return "queueEntry[queue \(e / L.threads) position \(e % L.threads)]"
            case _ where name.hasPrefix("thread"):
                return "\(name)[t\(e)]"
            default:
                return "\(name)[\(e)]"
            }
        }
        return "cell \(i)"
    }

    /// Every cell that differs between `a` and `b`, as `name: old -> new` lines.
    public func difference(_ a: ConcreteMemory, _ b: ConcreteMemory) -> [String] {
        (0..<layout.cellCount).compactMap { i in
            a[i] == b[i] ? nil : "\(cellName(i)): \(a[i]) -> \(b[i])"
        }
    }

    /// A readable multi-line rendering of a state (non-default entries only).
    public func render(_ s: ConcreteMemory) -> String {
        let L = layout
        var lines: [String] = []
        for sb in 0..<L.sandboxes {
            var caps: [String] = []
            for slot in 0..<L.slotsPerSandbox {
                let c = capability(s, sandbox: sb, slot: slot)
                guard c.type != .empty else { continue }
                var d = "\(slot)=\(c.type)#\(c.object) \(c.rights)"
                if c.badge != 0 { d += " badge \(c.badge)" }
                if let p = parent(s, sandbox: sb, slot: slot) { d += " <- s\(p.sandbox).\(p.slot)" }
                caps.append(d)
            }
            var pages: [String] = []
            for page in 0..<L.pagesPerSandbox {
                if let m = mapping(s, sandbox: sb, page: page) { pages.append("\(page)->frame#\(m.frame) \(m.rights) via \(m.slot)") }
            }
            lines.append("sandbox \(sb): caps [\(caps.joined(separator: ", "))] pages [\(pages.joined(separator: ", "))]")
        }
        for t in 0..<L.threads {
            let st = threadState(s, t)
            var d = "t\(t) (sandbox \(L.threadSandbox[t])): \(st)"
            let obj = s[L.threadObject.base + t]
            if st != .running && st != .inactive { d += "(\(obj))" }
            let regs = [("msg", L.threadMessage), ("badge", L.threadBadge), ("status", L.threadStatus),
                        ("recvSlot", L.threadRecvSlot), ("grant", L.threadGrant), ("reply", L.threadReply)]
            for (n, f) in regs where s[f.base + t] != 0 { d += " \(n)=\(s[f.base + t])" }
            lines.append(d)
        }
        for q in 0..<L.queues where s[L.queueLength.base + q] != 0 {
            let what = q < L.endpoints ? "endpoint \(q)" : "notification \(q - L.endpoints)"
            lines.append("\(what) queue: \(queue(s, q).map { "t\($0)" }.joined(separator: " "))")
        }
        for n in 0..<L.notifications where s[L.notificationBits.base + n] != 0 {
            lines.append("notification \(n) bits: \(s[L.notificationBits.base + n])")
        }
        for f in 0..<L.frames where s[L.frameValue.base + f] != 0 {
            lines.append("frame \(f) = \(s[L.frameValue.base + f])")
        }
        return lines.joined(separator: "\n")
    }
}
