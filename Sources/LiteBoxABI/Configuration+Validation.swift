// Checking a configuration's structure against the specification's or the
// kernel's limits. (The specification adds that the initial state satisfies
// every invariant: `Configuration.validate()` in LiteBoxSpec.)

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

/// The largest sizes a universe may have: the specification's (its state
/// grows with the square of the slots, `Configuration.maxTotalSlots`) or the
/// production kernel's (its MDB links are 32-bit). One structural
/// validation, `Configuration.validateStructure(limits:)`, serves both.
public struct UniverseLimits: Hashable, Sendable {
    /// Whose limits these are, for messages ("the specification's", "the kernel's").
    public var owner: String
    /// The largest number of sandboxes.
    public var maxSandboxes: Int
    /// The largest number of slots per sandbox.
    public var maxSlotsPerSandbox: Int
    /// The largest number of slots in all (`sandboxes × slotsPerSandbox`).
    public var maxTotalSlots: Int
    /// The largest number of pages per sandbox.
    public var maxPagesPerSandbox: Int
    /// The largest number of threads, endpoints, notifications or frames.
    public var maxObjects: Int

    /// The specification's limits: `Configuration.maxTotalSlots` slots in
    /// all, `Configuration.maxObjects` of every other kind.
    public static let specification = UniverseLimits(
        owner: "the specification's", maxSandboxes: Configuration.maxObjects, maxSlotsPerSandbox: Configuration.maxTotalSlots,
        maxTotalSlots: Configuration.maxTotalSlots, maxPagesPerSandbox: Configuration.maxObjects, maxObjects: Configuration.maxObjects)

    /// The production kernel's limits: 2^20 sandboxes, 2^24 slots and pages
    /// per sandbox (`Configuration.maxKernelSize`), 2^31 - 1 slots in all
    /// (MDB links are 32-bit), 2^24 objects of every other kind.
    public static let kernel = UniverseLimits(
        owner: "the kernel's", maxSandboxes: 1 << 20, maxSlotsPerSandbox: Configuration.maxKernelSize,
        maxTotalSlots: Int(Int32.max), maxPagesPerSandbox: Configuration.maxKernelSize, maxObjects: 1 << 24)

    /// Checks every size against these limits: at least one sandbox, one
    /// slot and one thread. Throws the first size out of range.
    public func validateSizes(sandboxes: Int, slotsPerSandbox: Int, pagesPerSandbox: Int, endpoints: Int,
                              notifications: Int, frames: Int, threads: Int) throws(ConfigurationError) {
        func range(_ field: String, _ v: Int, _ lo: Int, _ hi: Int) throws(ConfigurationError) {
            if v < lo || v > hi { throw ConfigurationError(field: field, reason: "must be between \(lo) and \(hi), got \(v)") }
        }
        try range("sandboxes", sandboxes, 1, maxSandboxes)
        try range("slotsPerSandbox", slotsPerSandbox, 1, maxSlotsPerSandbox)
        if sandboxes * slotsPerSandbox > maxTotalSlots {
            throw ConfigurationError(field: "slotsPerSandbox", reason: "sandboxes × slotsPerSandbox = \(sandboxes * slotsPerSandbox) exceeds \(owner) limit of \(maxTotalSlots) slots")
        }
        try range("pagesPerSandbox", pagesPerSandbox, 0, maxPagesPerSandbox)
        try range("endpoints", endpoints, 0, maxObjects)
        try range("notifications", notifications, 0, maxObjects)
        try range("frames", frames, 0, maxObjects)
        if threads < 1 { throw ConfigurationError(field: "threads", reason: "at least one thread is needed") }
        if threads > maxObjects { throw ConfigurationError(field: "threads", reason: "at most \(maxObjects) threads") }
    }
}

extension Configuration {
    /// Checks the structure of the configuration against `limits`: sizes,
    /// threads' sandboxes, capabilities (in range, one per slot, typed, with
    /// rights and badge valid for their type; a CDT parent listed earlier,
    /// naming the same object, with at least the child's rights, a badged
    /// parent's children carrying its badge), mappings (each backed by a
    /// frame capability of the same sandbox, at most one per capability,
    /// rights within `RW` and the capability's), kernel-only sizes and frame
    /// values. Throws the first problem found. The specification's
    /// `validate()` adds that the initial state satisfies every invariant;
    /// the kernel validates its kernel-sized universes with `.kernel`.
    public func validateStructure(limits: UniverseLimits = .specification) throws(ConfigurationError) {
        func fail(_ field: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: field, reason: reason)
        }
        func range(_ field: String, _ v: Int, _ lo: Int, _ hi: Int) throws(ConfigurationError) {
            if v < lo || v > hi { throw fail(field, "must be between \(lo) and \(hi), got \(v)") }
        }
        try limits.validateSizes(sandboxes: sandboxes, slotsPerSandbox: slotsPerSandbox, pagesPerSandbox: pagesPerSandbox,
                                 endpoints: endpoints, notifications: notifications, frames: frames, threads: threads.count)
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
    }
}
