// The concrete interpretation of the specification: ordinary Swift values.
// This is the model checker's inner loop, the differential tests' oracle and
// the trace replayer's reference, so everything here is inlinable.

import LiteBoxABI

/// The concrete interpretation: `Bool`, `UInt32`, and a flat `[UInt32]` store.
public enum Concrete: SpecDomain {
    /// Whole-word set equations: slots² × ⌈slots/32⌉ word operations rather than slots³ bit tests.
    @inlinable public static var prefersWordEquations: Bool { true }

    public typealias Bit = Bool
    public typealias Word = UInt32
    public typealias Memory = ConcreteMemory

    @inlinable @inline(__always)
    public static func update(_ c: Bool, _ m: inout ConcreteMemory,
                              _ a: (inout ConcreteMemory) -> Void, _ b: (inout ConcreteMemory) -> Void) {
        if c { a(&m) } else { b(&m) }
    }

    @inlinable @inline(__always)
    public static func all(_ n: Int, _ body: (Int) -> Bool) -> Bool {
        for i in 0..<n where !body(i) { return false }
        return true
    }

    @inlinable @inline(__always)
    public static func any(_ n: Int, _ body: (Int) -> Bool) -> Bool {
        for i in 0..<n where body(i) { return true }
        return false
    }
}

extension Bool: SpecBool {}

extension UInt32: SpecWord {
    public typealias Bit = Bool

    @inlinable @inline(__always)
    public init(constant value: Int) { self = UInt32(truncatingIfNeeded: value) }

    @inlinable @inline(__always)
    public static func ite(_ c: Bool, _ a: @autoclosure () -> UInt32, _ b: @autoclosure () -> UInt32) -> UInt32 {
        c ? a() : b()
    }

    @inlinable @inline(__always)
    public static func lookup(_ table: [UInt32], _ index: UInt32) -> UInt32 {
        Int(index) < table.count ? table[Int(index)] : 0
    }
}

/// A concrete kernel state store: one `UInt32` per cell.
///
/// A value type with copy-on-write storage: a system call copies the store once
/// (one allocation) and then writes in place.
public struct ConcreteMemory: SpecMemory, Hashable, Sendable {
    /// The cells, laid out by `Layout`.
    public var cells: [UInt32]

    /// A store of `count` zero cells.
    @inlinable
    public init(count: Int) { cells = Array(repeating: 0, count: count) }

    /// A store holding exactly `cells`.
    @inlinable
    public init(cells: [UInt32]) { self.cells = cells }

    @inlinable
    public subscript(cell: Int) -> UInt32 {
        @inline(__always) get { cells[cell] }
        @inline(__always) set { cells[cell] = newValue }
    }

    @inlinable @inline(__always)
    public func read(_ base: Int, _ count: Int, _ index: UInt32) -> UInt32 {
        Int(index) < count ? cells[base &+ Int(index)] : 0
    }

    @inlinable @inline(__always)
    public mutating func write(_ base: Int, _ count: Int, _ index: UInt32, _ value: UInt32) {
        if Int(index) < count { cells[base &+ Int(index)] = value }
    }

    @inlinable
    public static func merge(_ c: Bool, _ a: ConcreteMemory, _ b: ConcreteMemory) -> ConcreteMemory {
        c ? a : b
    }
}
