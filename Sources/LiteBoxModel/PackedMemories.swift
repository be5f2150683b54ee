// The checker's storage for LiteBox states: each state packed as its
// difference from a reference state, a few dozen bytes instead of the
// 288-byte cell array (plus its heap header) on `default`.

import LiteBoxSpec
import ModelCheck

/// States of one configuration, each kept as the cells in which it differs
/// from `reference` (the canonical initial state).
///
/// Encoding of one state of `n` cells: a bitmap of `⌈n/8⌉` bytes, bit `i`
/// set where cell `i` differs from the reference; then, for each differing
/// cell in order, its value as one byte if below 255, else the byte 255 and
/// the four bytes of the value, least significant first. Decoding copies the
/// reference and writes the differing cells back, so it is exact.
public struct PackedMemories: StateStorage, @unchecked Sendable {
    /// The state every encoding is relative to.
    public let reference: [UInt32]
    /// The encodings, one after the other.
    @usableFromInline var data: [UInt8] = []
    /// Where each state's encoding starts in `data`.
    @usableFromInline var starts: [Int] = []

    /// An empty storage of states shaped like `reference`.
    public init(reference: ConcreteMemory) { self.reference = reference.cells }

    public var count: Int { starts.count }
    public var bytes: Int { data.capacity + starts.capacity * MemoryLayout<Int>.stride }

    @inlinable
    public subscript(_ index: Int) -> ConcreteMemory {
        var cells = reference
        let end = index + 1 < starts.count ? starts[index + 1] : data.count
        data.withUnsafeBufferPointer { d in
            var at = starts[index]
            let bitmap = at
            at += (cells.count + 7) / 8
            for i in 0..<cells.count where d[bitmap + i >> 3] & (1 << UInt8(i & 7)) != 0 {
                let b = d[at]
                if b < 255 {
                    cells[i] = UInt32(b); at += 1
                } else {
                    cells[i] = UInt32(d[at + 1]) | UInt32(d[at + 2]) << 8 | UInt32(d[at + 3]) << 16 | UInt32(d[at + 4]) << 24
                    at += 5
                }
            }
            precondition(at == end, "PackedMemories: a corrupt encoding")
        }
        return ConcreteMemory(cells: cells)
    }

    @inlinable
    public mutating func append(_ state: ConcreteMemory) {
        precondition(state.cells.count == reference.count, "PackedMemories: a state of another configuration")
        starts.append(data.count)
        let bitmap = data.count
        data.append(contentsOf: repeatElement(0, count: (reference.count + 7) / 8))
        state.cells.withUnsafeBufferPointer { cells in
            reference.withUnsafeBufferPointer { ref in
                for i in 0..<cells.count where cells[i] != ref[i] {
                    data[bitmap + i >> 3] |= 1 << UInt8(i & 7)
                    let v = cells[i]
                    if v < 255 {
                        data.append(UInt8(v))
                    } else {
                        data.append(255)
                        data.append(UInt8(truncatingIfNeeded: v)); data.append(UInt8(truncatingIfNeeded: v >> 8))
                        data.append(UInt8(truncatingIfNeeded: v >> 16)); data.append(UInt8(truncatingIfNeeded: v >> 24))
                    }
                }
            }
        }
    }

    @inlinable
    public mutating func append(from other: PackedMemories, at index: Int) {
        let end = index + 1 < other.starts.count ? other.starts[index + 1] : other.data.count
        starts.append(data.count)
        data.append(contentsOf: other.data[other.starts[index]..<end])
    }
}
