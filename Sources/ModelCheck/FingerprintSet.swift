// The two fingerprint sets of the breadth-first search: the compact, sorted
// set of every state of earlier levels, and the hash set of the level being
// built.

/// The fingerprints of every state of the levels already finished: one sorted
/// array of `UInt64` plus a directory from the top `bits` bits of a
/// fingerprint to the first array position with that prefix.
///
/// Fingerprints are uniform, so a directory of about one entry per eight
/// fingerprints leaves about eight entries (one cache line) to scan per
/// lookup, at about 8.5 bytes per fingerprint in all. Read-only while a level
/// is expanded (so any number of threads may query it); `absorb` merges a
/// finished level in.
public struct SortedFingerprints: Sendable {
    /// Every fingerprint, ascending, without duplicates.
    public private(set) var sorted: [UInt64] = []
    @usableFromInline var directory: [UInt32] = [0, 0]
    @usableFromInline var bits = 0

    public init() {}

    /// The number of fingerprints.
    public var count: Int { sorted.count }

    /// Bytes held (array and directory).
    public var bytes: Int { sorted.count * 8 + directory.count * 4 }

    /// Whether `fp` is in the set.
    @inlinable @inline(__always)
    public func contains(_ fp: UInt64) -> Bool {
        sorted.withUnsafeBufferPointer { a in
            directory.withUnsafeBufferPointer { d in
                let prefix = bits == 0 ? 0 : Int(truncatingIfNeeded: fp >> UInt64(64 - bits))
                var i = Int(d[prefix])
                let end = Int(d[prefix + 1])
                while i < end {
                    let x = a[i]
                    if x >= fp { return x == fp }
                    i += 1
                }
                return false
            }
        }
    }

    /// Adds the fingerprints of `level` (not already in the set).
    public mutating func absorb(_ level: [UInt64]) {
        let fresh = level.sorted()
        var merged = [UInt64]()
        merged.reserveCapacity(sorted.count + fresh.count)
        var i = 0, j = 0
        while i < sorted.count && j < fresh.count {
            if sorted[i] < fresh[j] { merged.append(sorted[i]); i += 1 } else { merged.append(fresh[j]); j += 1 }
        }
        merged.append(contentsOf: sorted[i...])
        merged.append(contentsOf: fresh[j...])
        sorted = merged
        // About one directory entry per eight fingerprints.
        var b = 0
        while (1 << b) * 8 < sorted.count && b < 32 { b += 1 }
        bits = b
        var dir = [UInt32](repeating: 0, count: (1 << b) + 1)
        var k = 0
        for prefix in 0..<(1 << b) {
            dir[prefix] = UInt32(k)
            while k < sorted.count && (b == 0 ? true : Int(truncatingIfNeeded: sorted[k] >> UInt64(64 - b)) == prefix) { k += 1 }
        }
        dir[1 << b] = UInt32(k)
        directory = dir
    }
}

/// An open-addressing hash set of fingerprints (the level being built, and
/// per-worker duplicate filters). Zero marks an empty cell, so the
/// fingerprint 0 is kept aside in a flag.
public struct FingerprintHashSet {
    @usableFromInline var cells: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline var hasZero = false
    /// The number of fingerprints.
    public var count: Int { stored }
    @usableFromInline var stored = 0

    /// An empty set sized for about `capacity` fingerprints.
    public init(capacity: Int = 16) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        cells = [UInt64](repeating: 0, count: n)
        mask = n - 1
    }

    /// Inserts `fp`; returns whether it was new.
    @inlinable
    public mutating func insert(_ fp: UInt64) -> Bool {
        if fp == 0 {
            if hasZero { return false }
            hasZero = true; stored += 1; return true
        }
        if (stored + 1) * 4 > cells.count * 3 { grow() }
        var i = Int(truncatingIfNeeded: fp) & mask
        while true {
            let x = cells[i]
            if x == 0 { cells[i] = fp; stored += 1; return true }
            if x == fp { return false }
            i = (i + 1) & mask
        }
    }

    @usableFromInline
    mutating func grow() {
        let old = cells
        cells = [UInt64](repeating: 0, count: old.count * 2)
        mask = cells.count - 1
        for x in old where x != 0 {
            var i = Int(truncatingIfNeeded: x) & mask
            while cells[i] != 0 { i = (i + 1) & mask }
            cells[i] = x
        }
    }
}
