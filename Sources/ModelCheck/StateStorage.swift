// Where the checker keeps the states of a level between levels: by default
// an array of states; a model whose states are large keeps them packed
// (LiteBox: `PackedMemories`, a few dozen bytes per state instead of a few
// hundred), so that memory grows with the number of frontier states at a few
// bytes each rather than with the full state size.

/// A growable, indexable store of states.
public protocol StateStorage {
    /// The states kept.
    associatedtype Stored

    /// The number of states kept.
    var count: Int { get }
    /// State `index` (in the order appended).
    subscript(_ index: Int) -> Stored { get }
    /// Keeps `state` after the others.
    mutating func append(_ state: Stored)
    /// Keeps state `index` of `other` after the others (without decoding it
    /// where the storage can copy its encoding).
    mutating func append(from other: Self, at index: Int)
    /// Bytes held, for the memory estimate of a level.
    var bytes: Int { get }
}

extension Array: StateStorage {
    public typealias Stored = Element
    @inlinable
    public mutating func append(from other: [Element], at index: Int) { append(other[index]) }
    /// The elements' inline size (not what they point to).
    @inlinable
    public var bytes: Int { capacity * MemoryLayout<Element>.stride }
}
