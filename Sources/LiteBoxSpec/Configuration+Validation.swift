// Checking a configuration and building its initial state.

/// Why a configuration was rejected: which field, and why. When the
/// configuration came from a file, also the file and the position of the
/// offending value.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, when read from one.
    public var file: String?
    /// 1-based line and column of the offending value, when known.
    public var line: Int?
    public var column: Int?
    /// The field path, e.g. `capabilities[2].rights`.
    public var field: String
    /// What is wrong.
    public var reason: String

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, field: String, reason: String) {
        self.file = file; self.line = line; self.column = column; self.field = field; self.reason = reason
    }

    /// `file:line:column: field: reason`, with the parts that are known.
    public var description: String {
        var s = ""
        if let file { s += file + ":" }
        if let line { s += "\(line):" }
        if let column { s += "\(column):" }
        if !s.isEmpty { s += " " }
        return s + (field.isEmpty ? "" : field + ": ") + reason
    }
}

extension Configuration {
    /// Checks sizes, capabilities, CDT parents and mappings, and that the
    /// initial state satisfies `invs`. Throws the first problem found.
    public func validate() throws(ConfigurationError) {
        func fail(_ field: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: field, reason: reason)
        }
        func range(_ field: String, _ v: Int, _ lo: Int, _ hi: Int) throws(ConfigurationError) {
            if v < lo || v > hi { throw fail(field, "must be between \(lo) and \(hi), got \(v)") }
        }
        try range("sandboxes", sandboxes, 1, Configuration.maxObjects)
        try range("slotsPerSandbox", slotsPerSandbox, 1, Configuration.maxTotalSlots)
        if sandboxes * slotsPerSandbox > Configuration.maxTotalSlots {
            throw fail("slotsPerSandbox", "sandboxes × slotsPerSandbox = \(sandboxes * slotsPerSandbox) exceeds the specification's limit of \(Configuration.maxTotalSlots) slots")
        }
        try range("pagesPerSandbox", pagesPerSandbox, 0, Configuration.maxObjects)
        try range("endpoints", endpoints, 0, Configuration.maxObjects)
        try range("notifications", notifications, 0, Configuration.maxObjects)
        try range("frames", frames, 0, Configuration.maxObjects)
        if threads.isEmpty { throw fail("threads", "at least one thread is needed") }
        if threads.count > Configuration.maxObjects { throw fail("threads", "at most \(Configuration.maxObjects) threads") }
        for (i, th) in threads.enumerated() {
            try range("threads[\(i)].sandbox", th.sandbox, 0, sandboxes - 1)
        }

        var placed: [SlotRef: Int] = [:]
        for (i, cap) in capabilities.enumerated() {
            let f = "capabilities[\(i)]"
            try range(f + ".sandbox", cap.at.sandbox, 0, sandboxes - 1)
            try range(f + ".slot", cap.at.slot, 0, slotsPerSandbox - 1)
            if let j = placed[cap.at] { throw fail(f + ".slot", "slot \(cap.at.slot) of sandbox \(cap.at.sandbox) is already filled by capabilities[\(j)]") }
            if cap.type == .empty { throw fail(f + ".type", "must be endpoint, notification, frame or thread") }
            let n = count(of: cap.type)
            if n == 0 { throw fail(f + ".object", "there are no \(cap.type) objects in this configuration") }
            try range(f + ".object", cap.object, 0, n - 1)
            if !cap.type.validRights.isSuperset(of: cap.rights) {
                throw fail(f + ".rights", "\(cap.rights) is not allowed on a \(cap.type) capability (at most \(cap.type.validRights))")
            }
            if cap.badge != 0 && !cap.type.isBadgeable { throw fail(f + ".badge", "only endpoint and notification capabilities carry badges") }
            if let p = cap.parent {
                guard let j = placed[p] else {
                    throw fail(f + ".parent", "the parent (sandbox \(p.sandbox), slot \(p.slot)) must be a capability listed earlier")
                }
                let parent = capabilities[j]
                if parent.type != cap.type || parent.object != cap.object {
                    throw fail(f + ".parent", "a CDT child must name the same object as its parent (capabilities[\(j)])")
                }
                if !parent.rights.isSuperset(of: cap.rights) {
                    throw fail(f + ".rights", "\(cap.rights) exceeds the parent's rights \(parent.rights)")
                }
                if parent.badge != 0 && parent.badge != cap.badge {
                    throw fail(f + ".badge", "a child of a badged capability carries the parent's badge \(parent.badge)")
                }
            }
            placed[cap.at] = i
        }

        var mappedPages: [Int: Int] = [:]   // global page -> mapping index
        var backing: [SlotRef: Int] = [:]   // slot -> mapping index
        for (i, mp) in mappings.enumerated() {
            let f = "mappings[\(i)]"
            try range(f + ".sandbox", mp.sandbox, 0, sandboxes - 1)
            try range(f + ".page", mp.page, 0, pagesPerSandbox - 1)
            try range(f + ".slot", mp.slot, 0, slotsPerSandbox - 1)
            let pg = mp.sandbox * pagesPerSandbox + mp.page
            if let j = mappedPages[pg] { throw fail(f + ".page", "page \(mp.page) of sandbox \(mp.sandbox) is already mapped by mappings[\(j)]") }
            let ref = SlotRef(sandbox: mp.sandbox, slot: mp.slot)
            guard let c = placed[ref], capabilities[c].type == .frame else {
                throw fail(f + ".slot", "slot \(mp.slot) of sandbox \(mp.sandbox) must hold a frame capability")
            }
            if let j = backing[ref] { throw fail(f + ".slot", "a frame capability backs at most one mapping (already backs mappings[\(j)])") }
            if !Rights([.read, .write]).isSuperset(of: mp.rights) { throw fail(f + ".rights", "mapping rights are R and W only") }
            if !capabilities[c].rights.isSuperset(of: mp.rights) {
                throw fail(f + ".rights", "\(mp.rights) exceeds the backing capability's rights \(capabilities[c].rights)")
            }
            mappedPages[pg] = i
            backing[ref] = i
        }
        if let k = kernelSlotsPerSandbox {
            try range("kernel.slotsPerSandbox", k, slotsPerSandbox, Configuration.maxKernelSize)
        }
        if let k = kernelPagesPerSandbox {
            try range("kernel.pagesPerSandbox", k, pagesPerSandbox, Configuration.maxKernelSize)
        }
        if !frameValues.isEmpty && frameValues.count != frames {
            throw fail("frameValues", "must list one value per frame (\(frames)), got \(frameValues.count)")
        }

        let spec = ConcreteSpec(self)
        let s = spec.initialState
        for inv in Invariant.allCases where !spec.holds(inv, s) {
            throw fail("", "the initial state violates invariant \(inv.name): \(inv.statement)")
        }
    }
}

extension Spec where D == Concrete {
    /// The initial state of the configuration: its capabilities (with CDT
    /// links and descendant sets), mappings, frame values and threads, all
    /// queues empty, all registers zero.
    public var initialState: ConcreteMemory {
        let L = layout
        let cfg = config
        var m = ConcreteMemory(count: L.cellCount)
        func g(_ r: Configuration.SlotRef) -> Int { r.sandbox * L.slotsPerSandbox + r.slot }
        for cap in cfg.capabilities {
            let i = g(cap.at)
            m[L.capType.base + i] = cap.type.rawValue
            m[L.capObject.base + i] = UInt32(cap.object)
            m[L.capRights.base + i] = cap.rights.rawValue
            m[L.capBadge.base + i] = cap.badge
            m[L.cdtParent.base + i] = cap.parent.map { UInt32(g($0) + 1) } ?? 0
        }
        // Descendant sets: walk each slot's ancestor chain (parents are listed
        // earlier, so chains are finite; bounded by the slot count regardless).
        for c in 0..<L.slots {
            var p = Int(m[L.cdtParent.base + c])
            var steps = 0
            while p != 0 && steps < L.slots {
                m[L.descendantWord(c / 32).base + p - 1] |= 1 << UInt32(c % 32)
                p = Int(m[L.cdtParent.base + p - 1])
                steps += 1
            }
        }
        for mp in cfg.mappings {
            let pg = mp.sandbox * L.pagesPerSandbox + mp.page
            let slot = g(Configuration.SlotRef(sandbox: mp.sandbox, slot: mp.slot))
            m[L.pteSlot.base + pg] = UInt32(mp.slot + 1)
            m[L.pteFrame.base + pg] = m[L.capObject.base + slot] + 1
            m[L.pteRights.base + pg] = mp.rights.rawValue
            m[L.capMapping.base + slot] = UInt32(mp.page + 1)
        }
        for (f, v) in cfg.frameValues.enumerated() { m[L.frameValue.base + f] = v }
        for (t, th) in cfg.threads.enumerated() {
            m[L.threadState.base + t] = (th.running ? ThreadState.running : .inactive).rawValue
        }
        return m
    }
}
