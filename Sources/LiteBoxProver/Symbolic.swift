// The symbolic interpretation of the specification (DESIGN §3): the unchanged
// system calls, invariants and transition properties of `LiteBoxSpec` run on
// Z3 terms and build the transition relation the proofs use.
//
// A value is either a known constant or a Z3 term. Operations on constants
// are computed in Swift (so configuration data, identifiers and the parts of a
// call that do not depend on the state fold away before Z3 sees them); an
// operation with at least one term builds a term in that term's context.
// Words are 32-bit bit-vectors with the concrete interpretation's exact
// semantics: wrapping `&+ &- &*`, unsigned `<`, and `&<<` taking its shift
// amount modulo 32 (as Swift's masking shift does).

import LiteBoxABI
import LiteBoxSpec
import Z3

/// The symbolic interpretation: `SymBool`, `SymWord`, `SymMemory`.
public enum Symbolic: SpecDomain {
    public typealias Bit = SymBool
    public typealias Word = SymWord
    public typealias Memory = SymMemory

    /// A known condition runs one arm only; an unknown one runs both on copies
    /// and merges them cell by cell.
    public static func update(_ c: SymBool, _ m: inout SymMemory,
                              _ a: (inout SymMemory) -> Void, _ b: (inout SymMemory) -> Void) {
        switch c {
        case .constant(true): a(&m)
        case .constant(false): b(&m)
        case .term:
            var x = m, y = m
            a(&x); b(&y)
            m = SymMemory.merge(c, x, y)
        }
    }

    /// One n-ary conjunction (constants folded).
    public static func all(_ n: Int, _ body: (Int) -> SymBool) -> SymBool {
        junction(n, body, absorbing: false) { $0.and($1) }
    }

    /// One n-ary disjunction (constants folded).
    public static func any(_ n: Int, _ body: (Int) -> SymBool) -> SymBool {
        junction(n, body, absorbing: true) { $0.or($1) }
    }

    /// The conjunction (`absorbing` false) or disjunction (`absorbing` true)
    /// of `body(0..<n)`: stops at the first constant `absorbing`, drops
    /// constants `!absorbing`, and joins the remaining terms in one node.
    private static func junction(_ n: Int, _ body: (Int) -> SymBool, absorbing: Bool,
                                 _ join: (Z3Context, [Z3Term]) -> Z3Term) -> SymBool {
        var terms: [Z3Term] = []
        for i in 0..<n {
            switch body(i) {
            case .constant(let b): if b == absorbing { return .constant(absorbing) }
            case .term(let t): terms.append(t)
            }
        }
        guard let first = terms.first else { return .constant(!absorbing) }
        return .term(join(first.context, terms))
    }
}

/// A symbolic boolean: a known truth value or a Z3 boolean term.
public enum SymBool: SpecBool {
    /// A known truth value.
    case constant(Bool)
    /// A Z3 boolean term.
    case term(Z3Term)

    public init(booleanLiteral value: Bool) { self = .constant(value) }

    /// The value as a term of `context`.
    public func term(in context: Z3Context) -> Z3Term {
        switch self {
        case .constant(let b): return context.bool(b)
        case .term(let t): return t
        }
    }

    public static func && (lhs: SymBool, rhs: @autoclosure () throws -> SymBool) rethrows -> SymBool {
        switch lhs {
        case .constant(false): return false
        case .constant(true): return try rhs()
        case .term(let l):
            switch try rhs() {
            case .constant(false): return false
            case .constant(true): return lhs
            case .term(let r): return .term(l.and(r))
            }
        }
    }

    public static func || (lhs: SymBool, rhs: @autoclosure () throws -> SymBool) rethrows -> SymBool {
        switch lhs {
        case .constant(true): return true
        case .constant(false): return try rhs()
        case .term(let l):
            switch try rhs() {
            case .constant(true): return true
            case .constant(false): return lhs
            case .term(let r): return .term(l.or(r))
            }
        }
    }

    public static prefix func ! (operand: SymBool) -> SymBool {
        switch operand {
        case .constant(let b): return .constant(!b)
        case .term(let t): return .term(t.not())
        }
    }
}

/// A symbolic 32-bit word: a known value or a Z3 bit-vector term.
public enum SymWord: SpecWord {
    public typealias Bit = SymBool

    /// A known value.
    case constant(UInt32)
    /// A Z3 32-bit bit-vector term.
    case term(Z3Term)

    public init(integerLiteral value: UInt32) { self = .constant(value) }
    public init(constant value: Int) { self = .constant(UInt32(truncatingIfNeeded: value)) }

    /// The value as a term of `context`.
    public func term(in context: Z3Context) -> Z3Term {
        switch self {
        case .constant(let v): return context.numeral(UInt64(v))
        case .term(let t): return t
        }
    }

    /// The constant value, if known.
    public var constantValue: UInt32? {
        if case .constant(let v) = self { return v }
        return nil
    }

    /// Whether the two words are certainly the same (equal constants or the
    /// same hash-consed term).
    @inline(__always)
    func isSame(_ o: SymWord) -> Bool {
        switch (self, o) {
        case (.constant(let a), .constant(let b)): return a == b
        case (.term(let a), .term(let b)): return a.isSame(b)
        default: return false
        }
    }

    /// The context of whichever operand is a term.
    @inline(__always)
    private static func context(_ a: SymWord, _ b: SymWord) -> Z3Context? {
        if case .term(let t) = a { return t.context }
        if case .term(let t) = b { return t.context }
        return nil
    }

    /// `op` on constants, `build` on terms.
    @inline(__always)
    private static func lift(_ a: SymWord, _ b: SymWord, _ op: (UInt32, UInt32) -> UInt32,
                             _ build: (Z3Term, Z3Term) -> Z3Term) -> SymWord {
        guard let ctx = context(a, b) else { return .constant(op(a.constantValue!, b.constantValue!)) }
        return .term(build(a.term(in: ctx), b.term(in: ctx)))
    }

    @inline(__always)
    private static func compare(_ a: SymWord, _ b: SymWord, _ op: (UInt32, UInt32) -> Bool,
                                _ build: (Z3Term, Z3Term) -> Z3Term) -> SymBool {
        guard let ctx = context(a, b) else { return .constant(op(a.constantValue!, b.constantValue!)) }
        return .term(build(a.term(in: ctx), b.term(in: ctx)))
    }

    public static func == (lhs: SymWord, rhs: SymWord) -> SymBool {
        if lhs.isSame(rhs) { return true }
        return compare(lhs, rhs, ==) { $0.eq($1) }
    }
    public static func != (lhs: SymWord, rhs: SymWord) -> SymBool { !(lhs == rhs) }
    public static func < (lhs: SymWord, rhs: SymWord) -> SymBool {
        if case .constant(0) = rhs { return false }
        return compare(lhs, rhs, <) { $0.ult($1) }
    }
    public static func <= (lhs: SymWord, rhs: SymWord) -> SymBool {
        if case .constant(0) = lhs { return true }
        return compare(lhs, rhs, <=) { $0.ule($1) }
    }
    public static func & (lhs: SymWord, rhs: SymWord) -> SymWord {
        if case .constant(0) = lhs { return 0 }
        if case .constant(0) = rhs { return 0 }
        return lift(lhs, rhs, &) { $0.bvand($1) }
    }
    public static func | (lhs: SymWord, rhs: SymWord) -> SymWord {
        if case .constant(0) = lhs { return rhs }
        if case .constant(0) = rhs { return lhs }
        return lift(lhs, rhs, |) { $0.bvor($1) }
    }
    public static prefix func ~ (operand: SymWord) -> SymWord {
        switch operand {
        case .constant(let v): return .constant(~v)
        case .term(let t): return .term(t.bvnot())
        }
    }
    public static func &+ (lhs: SymWord, rhs: SymWord) -> SymWord {
        if case .constant(0) = lhs { return rhs }
        if case .constant(0) = rhs { return lhs }
        return lift(lhs, rhs, &+) { $0.add($1) }
    }
    public static func &- (lhs: SymWord, rhs: SymWord) -> SymWord {
        if case .constant(0) = rhs { return lhs }
        return lift(lhs, rhs, &-) { $0.sub($1) }
    }
    public static func &* (lhs: SymWord, rhs: SymWord) -> SymWord {
        if case .constant(0) = lhs { return 0 }
        if case .constant(0) = rhs { return 0 }
        if case .constant(1) = lhs { return rhs }
        if case .constant(1) = rhs { return lhs }
        return lift(lhs, rhs, &*) { $0.mul($1) }
    }
    /// Shift left by `rhs mod 32`, exactly as `UInt32.&<<`.
    public static func &<< (lhs: SymWord, rhs: SymWord) -> SymWord {
        if case .constant(0) = lhs { return 0 }
        let amount = rhs & 31
        return lift(lhs, amount, &<<) { $0.shl($1) }
    }

    public static func ite(_ c: SymBool, _ a: @autoclosure () -> SymWord, _ b: @autoclosure () -> SymWord) -> SymWord {
        switch c {
        case .constant(true): return a()
        case .constant(false): return b()
        case .term(let t):
            let x = a(), y = b()
            if x.isSame(y) { return x }
            return .term(t.ite(x.term(in: t.context), y.term(in: t.context)))
        }
    }

    /// A constant table at a computed index: the table entry when the index
    /// is known, else a chain `index == 0 ? t0 : index == 1 ? t1 : ... : 0`.
    public static func lookup(_ table: [UInt32], _ index: SymWord) -> SymWord {
        switch index {
        case .constant(let i): return Int(i) < table.count ? .constant(table[Int(i)]) : 0
        case .term:
            var r: SymWord = 0
            for i in table.indices.reversed() { r = ite(index == .k(i), .constant(table[i]), r) }
            return r
        }
    }
}

/// A symbolic kernel state: one `SymWord` per cell of the layout.
public struct SymMemory: SpecMemory {
    /// The cells, laid out by `Layout`.
    public var cells: [SymWord]

    /// A store holding exactly `cells`.
    public init(cells: [SymWord]) { self.cells = cells }

    public subscript(cell: Int) -> SymWord {
        get { cells[cell] }
        set { cells[cell] = newValue }
    }

    /// A known index reads its cell; a computed one builds the chain
    /// `index == 0 ? cell0 : ... : 0` over the table's `count` cells.
    public func read(_ base: Int, _ count: Int, _ index: SymWord) -> SymWord {
        switch index {
        case .constant(let i): return Int(i) < count ? cells[base + Int(i)] : 0
        case .term:
            var r: SymWord = 0
            for i in (0..<count).reversed() { r = SymWord.ite(index == .k(i), cells[base + i], r) }
            return r
        }
    }

    /// A known index writes its cell; a computed one rewrites every cell `i`
    /// of the table to `index == i ? value : cell`.
    public mutating func write(_ base: Int, _ count: Int, _ index: SymWord, _ value: SymWord) {
        switch index {
        case .constant(let i): if Int(i) < count { cells[base + Int(i)] = value }
        case .term:
            for i in 0..<count { cells[base + i] = SymWord.ite(index == .k(i), value, cells[base + i]) }
        }
    }

    public static func merge(_ c: SymBool, _ a: SymMemory, _ b: SymMemory) -> SymMemory {
        switch c {
        case .constant(true): return a
        case .constant(false): return b
        case .term:
            var m = b
            for i in a.cells.indices where !a.cells[i].isSame(b.cells[i]) {
                m.cells[i] = SymWord.ite(c, a.cells[i], b.cells[i])
            }
            return m
        }
    }
}
