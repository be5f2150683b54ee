// The Swift layer over Z3's C API (module `CZ3`): contexts, terms, models and
// one-shot satisfiability checks. Generic: it knows bit-vectors and booleans,
// not kernels.
//
// Memory rule: every AST is `Z3_inc_ref`'d the moment it is created and
// `Z3_dec_ref`'d when its Swift owner (`Z3Term`) goes away; contexts are
// created with `Z3_mk_context_rc`. Z3 contexts are not thread-safe, so each
// thread that builds or checks terms makes its own `Z3Context` and never
// shares it (neither type is `Sendable`).

import CZ3

/// What went wrong inside Z3 (an API misuse or a solver exception), with
/// Z3's own message. Z3 is configured never to exit the process: its error
/// handler only records the error code, and every wrapper call checks it.
public struct Z3Error: Error, CustomStringConvertible {
    /// Z3's error message.
    public let message: String
    public var description: String { "Z3: \(message)" }
}

/// Z3's error handler: do nothing, so that control returns to the caller,
/// which reads the error code (`Z3_get_error_code`). The default handler
/// would print and call `exit`.
private func recordOnly(_ c: Z3_context?, _ e: Z3_error_code) {}

/// One Z3 context with reference-counted ASTs. Owned by one thread.
public final class Z3Context {
    /// The raw context.
    public let raw: Z3_context

    /// A fresh context. `Z3Context` is cheap enough to make one per task,
    /// which also makes printed formulas independent of what else was built.
    public init() {
        let cfg = Z3_mk_config()!
        Z3_set_param_value(cfg, "model", "true")
        raw = Z3_mk_context_rc(cfg)!
        Z3_del_config(cfg)
        Z3_set_error_handler(raw, recordOnly)
    }

    deinit { Z3_del_context(raw) }

    /// The solver's version, e.g. `Z3 4.8.12.0`.
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, build: UInt32 = 0, revision: UInt32 = 0
        Z3_get_version(&major, &minor, &build, &revision)
        return "Z3 \(major).\(minor).\(build)"
    }

    /// Throws the pending Z3 error, if any, and clears it.
    public func checkError() throws {
        let code = Z3_get_error_code(raw)
        guard code != Z3_OK else { return }
        let message = String(cString: Z3_get_error_msg(raw, code))
        Z3_set_error(raw, Z3_OK)
        throw Z3Error(message: message)
    }

    /// Wraps a freshly created AST; a nil AST (Z3 reported an error while
    /// building) is a programming error in the caller (for example a sort
    /// mismatch), reported with Z3's message.
    @inline(__always)
    func own(_ ast: Z3_ast?) -> Z3Term {
        guard let ast else {
            let code = Z3_get_error_code(raw)
            fatalError("Z3 rejected a term: \(String(cString: Z3_get_error_msg(raw, code)))")
        }
        return Z3Term(self, ast)
    }

    // MARK: Sorts and constants

    /// The bit-vector sort of `width` bits.
    func bitVectorSort(_ width: UInt32) -> Z3_sort { Z3_mk_bv_sort(raw, width)! }

    /// A free bit-vector constant named `name`.
    public func bitVector(_ name: String, width: UInt32 = 32) -> Z3Term {
        own(Z3_mk_const(raw, Z3_mk_string_symbol(raw, name), bitVectorSort(width)))
    }

    /// The bit-vector numeral `value` of `width` bits.
    public func numeral(_ value: UInt64, width: UInt32 = 32) -> Z3Term {
        own(Z3_mk_unsigned_int64(raw, value, bitVectorSort(width)))
    }

    /// The boolean constant `value`.
    public func bool(_ value: Bool) -> Z3Term { own(value ? Z3_mk_true(raw) : Z3_mk_false(raw)) }

    /// The conjunction of `terms` (`true` when empty).
    public func and(_ terms: [Z3Term]) -> Z3Term {
        if terms.isEmpty { return bool(true) }
        if terms.count == 1 { return terms[0] }
        let asts: [Z3_ast?] = terms.map { $0.ast }
        return withExtendedLifetime(terms) { own(Z3_mk_and(raw, UInt32(asts.count), asts)) }
    }

    /// The disjunction of `terms` (`false` when empty).
    public func or(_ terms: [Z3Term]) -> Z3Term {
        if terms.isEmpty { return bool(false) }
        if terms.count == 1 { return terms[0] }
        let asts: [Z3_ast?] = terms.map { $0.ast }
        return withExtendedLifetime(terms) { own(Z3_mk_or(raw, UInt32(asts.count), asts)) }
    }

    // MARK: Simplification and substitution

    /// `t` with every occurrence of `from[i]` replaced by `to[i]`, then
    /// simplified by Z3's rewriter. On a ground bit-vector or boolean term the
    /// result is a numeral or `true`/`false`.
    public func substituteAndSimplify(_ t: Z3Term, from: [Z3Term], to: [Z3Term]) throws -> Z3Term {
        precondition(from.count == to.count)
        let f: [Z3_ast?] = from.map { $0.ast }, g: [Z3_ast?] = to.map { $0.ast }
        let substituted = withExtendedLifetime((from, to)) { Z3_substitute(raw, t.ast, UInt32(f.count), f, g) }
        try checkError()
        let s = own(substituted)
        let simplified = Z3_simplify(raw, s.ast)
        try checkError()
        return own(simplified)
    }

    // MARK: Printing

    /// `formula` as a standalone SMT-LIB 2 benchmark in `logic`: the
    /// declarations of its free constants, one `assert`, and `(check-sat)`.
    /// `comment` lines are prepended as `;` comments.
    public func smtlib(_ formula: Z3Term, logic: String, comment: [String]) throws -> String {
        let text = Z3_benchmark_to_smtlib_string(raw, "", logic, "unknown", "", 0, nil, formula.ast)
        try checkError()
        let header = comment.map { "; \($0)\n" }.joined()
        return header + String(cString: text!)
    }
}

/// A Z3 term (boolean or bit-vector) owned by Swift: one reference on the AST
/// for the lifetime of this object.
public final class Z3Term {
    /// The context the term lives in (kept alive by the term).
    public let context: Z3Context
    /// The raw AST. Z3 hash-conses ASTs, so two terms are structurally equal
    /// exactly when their ASTs are the same pointer.
    public let ast: Z3_ast

    init(_ context: Z3Context, _ ast: Z3_ast) {
        self.context = context
        self.ast = ast
        Z3_inc_ref(context.raw, ast)
    }

    deinit { Z3_dec_ref(context.raw, ast) }

    /// Whether `self` and `other` are the same term.
    @inline(__always)
    public func isSame(_ other: Z3Term) -> Bool { ast == other.ast }

    private var c: Z3_context { context.raw }

    /// The value of a numeral term, if it is one.
    public var numeralValue: UInt64? {
        var v: UInt64 = 0
        guard Z3_get_ast_kind(c, ast) == Z3_NUMERAL_AST, Z3_get_numeral_uint64(c, ast, &v) else { return nil }
        return v
    }

    /// The value of a `true`/`false` term, if it is one.
    public var boolValue: Bool? {
        switch Z3_get_bool_value(c, ast) {
        case Z3_L_TRUE: return true
        case Z3_L_FALSE: return false
        default: return nil
        }
    }

    /// The term in SMT-LIB syntax.
    public var smtlib: String { String(cString: Z3_ast_to_string(c, ast)) }

    @inline(__always)
    private func binary(_ f: (Z3_context?, Z3_ast?, Z3_ast?) -> Z3_ast?, _ o: Z3Term) -> Z3Term {
        withExtendedLifetime(o) { context.own(f(c, ast, o.ast)) }
    }

    /// `self ∧ o`.
    public func and(_ o: Z3Term) -> Z3Term { context.and([self, o]) }
    /// `self ∨ o`.
    public func or(_ o: Z3Term) -> Z3Term { context.or([self, o]) }
    /// `¬self`.
    public func not() -> Z3Term { context.own(Z3_mk_not(c, ast)) }
    /// `self ? a : b` (`self` is boolean; `a` and `b` of one sort).
    public func ite(_ a: Z3Term, _ b: Z3Term) -> Z3Term {
        withExtendedLifetime((a, b)) { context.own(Z3_mk_ite(c, ast, a.ast, b.ast)) }
    }

    /// `self = o` (any sort).
    public func eq(_ o: Z3Term) -> Z3Term { binary(Z3_mk_eq, o) }
    /// Unsigned `self < o`.
    public func ult(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvult, o) }
    /// Unsigned `self ≤ o`.
    public func ule(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvule, o) }

    /// Bitwise and.
    public func bvand(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvand, o) }
    /// Bitwise or.
    public func bvor(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvor, o) }
    /// Bitwise complement.
    public func bvnot() -> Z3Term { context.own(Z3_mk_bvnot(c, ast)) }
    /// Wrapping addition.
    public func add(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvadd, o) }
    /// Wrapping subtraction.
    public func sub(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvsub, o) }
    /// Wrapping multiplication.
    public func mul(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvmul, o) }
    /// Logical shift left; a shift by the width or more gives 0 (SMT-LIB `bvshl`).
    public func shl(_ o: Z3Term) -> Z3Term { binary(Z3_mk_bvshl, o) }
}

/// A satisfying assignment found by `Z3Context.check`.
public final class Z3Model {
    let context: Z3Context
    let raw: Z3_model

    init(_ context: Z3Context, _ raw: Z3_model) {
        self.context = context
        self.raw = raw
        Z3_model_inc_ref(context.raw, raw)
    }

    deinit { Z3_model_dec_ref(context.raw, raw) }

    /// The value of bit-vector term `t` in this model (unconstrained constants
    /// take 0).
    public func value(_ t: Z3Term) -> UInt64 {
        var out: Z3_ast? = nil
        guard Z3_model_eval(context.raw, raw, t.ast, true, &out), let out else { return 0 }
        let v = context.own(out)
        return v.numeralValue ?? 0
    }
}

/// The verdict of a satisfiability check.
public enum Z3Result {
    /// The formula is unsatisfiable.
    case unsat
    /// The formula has a model.
    case sat(Z3Model)
    /// Z3 gave up; the reason it gave.
    case unknown(String)
}

extension Z3Context {
    /// Checks `formula` for satisfiability with a fresh solver for `logic`
    /// (Z3's non-incremental tactic pipeline for that logic).
    public func check(_ formula: Z3Term, logic: String) -> Z3Result {
        let solver = Z3_mk_solver_for_logic(raw, Z3_mk_string_symbol(raw, logic))!
        Z3_solver_inc_ref(raw, solver)
        defer { Z3_solver_dec_ref(raw, solver) }
        Z3_solver_assert(raw, solver, formula.ast)
        let r = Z3_solver_check(raw, solver)
        do { try checkError() } catch { return .unknown("\(error)") }
        switch r {
        case Z3_L_FALSE: return .unsat
        case Z3_L_TRUE:
            guard let m = Z3_solver_get_model(raw, solver) else { return .unknown("no model") }
            return .sat(Z3Model(self, m))
        default:
            return .unknown(String(cString: Z3_solver_get_reason_unknown(raw, solver)))
        }
    }
}
