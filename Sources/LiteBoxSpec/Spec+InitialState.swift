// The initial state of a configuration, and the specification's validation
// of a configuration (its structure, then its initial state's invariants).

import LiteBoxABI

extension Configuration {
    /// Checks the structure against the specification's limits
    /// (`validateStructure(limits: .specification)`: sizes, capabilities,
    /// CDT parents, mappings) and that the initial state satisfies `invs`.
    /// Throws the first problem found.
    public func validate() throws(ConfigurationError) {
        try validateStructure(limits: .specification)
        let spec = ConcreteSpec(self)
        let s = spec.initialState
        for inv in Invariant.allCases where !spec.holds(inv, s) {
            throw ConfigurationError(field: "", reason: "the initial state violates invariant \(inv.name): \(inv.statement)")
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
