// The value domain the specification is written against (DESIGN §3).
//
// Every system call and every invariant in this module is written once, generic
// over a `SpecDomain`: booleans (`Bit`), small machine words (`Word`) and the
// fixed-size store that holds the whole kernel state (`Memory`). The concrete
// interpretation (`Concrete`) runs the code on `Bool`, `UInt32` and a flat
// `[UInt32]`; a symbolic interpretation runs the same code on solver terms.
//
// Finite-interface rules that keep the symbolic side tractable:
// - every table has a fixed size fixed by the configuration (`Layout`);
// - a table is read or written at a computed `Word` index only through
//   `SpecMemory.read`/`write`, which are total (an out-of-range read gives 0,
//   an out-of-range write changes nothing);
// - loops run over concrete table indices only (whole-table maps), never over
//   a computed value, so there is no unbounded loop or recursion in a call;
// - control flow that depends on the state goes through `SpecDomain.update`
//   or `SpecWord.ite`, never through a Swift `if` on a computed value.

import LiteBoxABI

/// The boolean sort of an interpretation.
///
/// `Bool` is the concrete conformer. The right operand of `&&` and `||` is an
/// autoclosure so that the concrete interpretation short-circuits; a symbolic
/// interpretation evaluates it and builds a conjunction.
public protocol SpecBool: ExpressibleByBooleanLiteral {
    static func && (lhs: Self, rhs: @autoclosure () throws -> Self) rethrows -> Self
    static func || (lhs: Self, rhs: @autoclosure () throws -> Self) rethrows -> Self
    static prefix func ! (operand: Self) -> Self
}

/// The word sort of an interpretation: an unsigned machine word of at least
/// 32 bits of which the specification uses only small values (identifiers,
/// rights masks, badges, messages).
///
/// Arithmetic is wrapping (`&+`, `&-`, `&*`), as on bit-vectors. Comparisons
/// return the interpretation's `Bit`.
public protocol SpecWord: ExpressibleByIntegerLiteral {
    /// The boolean sort comparisons produce.
    associatedtype Bit: SpecBool

    /// The word holding the constant `value` (which must be non-negative).
    init(constant value: Int)

    static func == (lhs: Self, rhs: Self) -> Bit
    static func != (lhs: Self, rhs: Self) -> Bit
    static func < (lhs: Self, rhs: Self) -> Bit
    static func <= (lhs: Self, rhs: Self) -> Bit
    static func & (lhs: Self, rhs: Self) -> Self
    static func | (lhs: Self, rhs: Self) -> Self
    static prefix func ~ (operand: Self) -> Self
    static func &+ (lhs: Self, rhs: Self) -> Self
    static func &- (lhs: Self, rhs: Self) -> Self
    static func &* (lhs: Self, rhs: Self) -> Self
    /// Logical shift left by `rhs` modulo the word width.
    static func &<< (lhs: Self, rhs: Self) -> Self

    /// `c ? a : b`. The concrete interpretation evaluates only the chosen arm.
    static func ite(_ c: Bit, _ a: @autoclosure () -> Self, _ b: @autoclosure () -> Self) -> Self

    /// `table[index]` for a constant table (configuration data such as the
    /// sandbox a thread belongs to); 0 when `index` is out of range.
    static func lookup(_ table: [UInt32], _ index: Self) -> Self
}

/// The fixed-size store holding one kernel state: a flat sequence of words,
/// carved into tables by `Layout`.
public protocol SpecMemory {
    /// The word sort of the cells.
    associatedtype Word: SpecWord

    /// The cell at a concrete address.
    subscript(cell: Int) -> Word { get set }

    /// The cell `base + index` if `index < count`, else 0. `index` is computed.
    func read(_ base: Int, _ count: Int, _ index: Word) -> Word

    /// Sets the cell `base + index` to `value` if `index < count`; otherwise
    /// changes nothing. `index` is computed.
    mutating func write(_ base: Int, _ count: Int, _ index: Word, _ value: Word)

    /// The cell-wise `c ? a : b` of two stores of the same size.
    static func merge(_ c: Word.Bit, _ a: Self, _ b: Self) -> Self
}

/// An interpretation of the specification: its sorts and how it branches.
public protocol SpecDomain {
    associatedtype Bit: SpecBool
    associatedtype Word: SpecWord where Word.Bit == Bit
    associatedtype Memory: SpecMemory where Memory.Word == Word

    /// Updates `m` by `a` if `c` holds, else by `b`. The concrete
    /// interpretation updates in place; a symbolic one runs both on copies and
    /// merges them cell by cell.
    static func update(_ c: Bit, _ m: inout Memory, _ a: (inout Memory) -> Void, _ b: (inout Memory) -> Void)

    /// The conjunction of `body(i)` for `i` in `0..<n` (a bounded quantifier
    /// over a table's concrete indices). The concrete interpretation stops at
    /// the first false.
    static func all(_ n: Int, _ body: (Int) -> Bit) -> Bit

    /// The disjunction of `body(i)` for `i` in `0..<n`.
    static func any(_ n: Int, _ body: (Int) -> Bit) -> Bit

    /// Whether a condition on sets of slots should be stated on whole words
    /// rather than bit by bit. Both statements mean the same; a concrete run
    /// evaluates the word form fastest, an SMT solver decides the bit form
    /// fastest (see `Spec.cdtAcyclic`). Default: false.
    static var prefersWordEquations: Bool { get }
}

extension SpecDomain {
    /// Default: run both arms on copies and merge.
    @inlinable
    public static func update(_ c: Bit, _ m: inout Memory, _ a: (inout Memory) -> Void, _ b: (inout Memory) -> Void) {
        var x = m, y = m
        a(&x); b(&y)
        m = Memory.merge(c, x, y)
    }

    /// Default: bit by bit.
    @inlinable public static var prefersWordEquations: Bool { false }

    /// Default: a left fold with `&&`.
    @inlinable
    public static func all(_ n: Int, _ body: (Int) -> Bit) -> Bit {
        var acc: Bit = true
        for i in 0..<n { acc = acc && body(i) }
        return acc
    }

    /// Default: a left fold with `||`.
    @inlinable
    public static func any(_ n: Int, _ body: (Int) -> Bit) -> Bit {
        var acc: Bit = false
        for i in 0..<n { acc = acc || body(i) }
        return acc
    }
}

extension SpecWord {
    /// The constant word for a concrete index or count.
    @inlinable @inline(__always)
    public static func k(_ value: Int) -> Self { Self(constant: value) }
}

extension SpecBool {
    /// `c ? a : b` on booleans.
    @inlinable @inline(__always)
    public static func ite(_ c: Self, _ a: @autoclosure () -> Self, _ b: @autoclosure () -> Self) -> Self {
        (c && a()) || (!c && b())
    }
}
