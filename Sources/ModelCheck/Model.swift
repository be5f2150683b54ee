// The interface between the checker and a model. The checker knows nothing
// about kernels: it explores any model that can name its initial state, apply
// a numbered action, and judge states and steps by named predicates.

/// A finite-alphabet transition system to explore.
///
/// Actions are numbered `0..<actionCount`; every action is offered in every
/// state, and `step` says what it does there. Invariants and transition
/// properties are named values (Stateright / TLA+ style) so that reports and
/// counterexamples can name what broke.
public protocol Model: Sendable {
    /// A state. States are compared by fingerprint only, so equality need not be cheap.
    associatedtype State: Sendable

    /// The state exploration starts from.
    var initialState: State { get }

    /// The number of actions; at most 65,536 (an action is stored as 16 bits).
    var actionCount: Int { get }

    /// A readable description of action `action`.
    func describe(action: Int) -> String

    /// Applies `action` to `state`: the successor (nil for a stutter — the
    /// action is disabled or changed nothing and needs no further checks) and
    /// an outcome code for coverage (`coverage(action:outcome:)`).
    func step(_ state: State, action: Int) -> (next: State?, outcome: Int)

    /// The named invariants, checked on every distinct state.
    var invariants: [NamedInvariant<State>] { get }

    /// The named transition properties, checked on every non-stutter step.
    var properties: [NamedProperty<State>] { get }

    /// The representative of `state`'s symmetry class. Must return a state
    /// in the same class (so every invariant and property judges it the same
    /// way) and be a deterministic function; the identity is always sound.
    func canonical(_ state: State) -> State

    /// A 64-bit fingerprint of `state` (equal states, equal fingerprints).
    func fingerprint(_ state: State) -> UInt64

    /// Coverage table: the row and column counting `action` with `outcome`.
    func coverage(action: Int, outcome: Int) -> (row: Int, column: Int)
    /// Names of the coverage rows (e.g. system calls).
    var coverageRows: [String] { get }
    /// Names of the coverage columns (e.g. outcomes).
    var coverageColumns: [String] { get }
}

/// A named state predicate.
public struct NamedInvariant<State>: Sendable {
    /// The name reports use.
    public let name: String
    /// Whether the predicate holds in a state.
    public let holds: @Sendable (State) -> Bool

    public init(_ name: String, _ holds: @escaping @Sendable (State) -> Bool) {
        self.name = name; self.holds = holds
    }
}

/// A named predicate on a step: (pre-state, action, outcome, post-state).
public struct NamedProperty<State>: Sendable {
    /// The name reports use.
    public let name: String
    /// Whether the predicate holds of a step.
    public let holds: @Sendable (_ pre: State, _ action: Int, _ outcome: Int, _ post: State) -> Bool

    public init(_ name: String, _ holds: @escaping @Sendable (State, Int, Int, State) -> Bool) {
        self.name = name; self.holds = holds
    }
}
