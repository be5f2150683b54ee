// The interface between the checker and a model. The checker knows nothing
// about kernels: it explores any model that can name its initial state,
// apply one of its actions, and judge states and steps by named predicates.

/// A finite-alphabet transition system to explore.
///
/// The alphabet is `actions`; every action is offered in every state, and
/// `step` says what it does there, with a typed `Outcome` (Stateright's
/// `Model` has the same shape). The checker stores an action as its index
/// in `actions` (16 bits), so traces are indices into `actions`.
/// Invariants and transition properties are named values (Stateright /
/// TLA+ style) so that reports and counterexamples can name what broke.
public protocol Model: Sendable {
    /// A state. States are compared by fingerprint only, so equality need not be cheap.
    associatedtype State: Sendable
    /// An action of the alphabet.
    associatedtype Action: Sendable
    /// What a step reports besides its successor: read by the transition
    /// properties and by the coverage table.
    associatedtype Outcome: Sendable

    /// The state exploration starts from.
    var initialState: State { get }

    /// The alphabet, in a fixed order; at most 65,536 actions.
    var actions: [Action] { get }

    /// Applies `action` to `state`: the successor (nil for a stutter — the
    /// action is disabled or changed nothing and needs no further checks) and
    /// the step's outcome.
    func step(_ state: State, _ action: Action) -> (next: State?, outcome: Outcome)

    /// The named invariants, checked on every distinct state.
    var invariants: [NamedInvariant<State>] { get }

    /// The named transition properties, checked on every non-stutter step.
    var properties: [NamedProperty<State, Action, Outcome>] { get }

    /// The representative of `state`'s symmetry class. Must return a state
    /// in the same class (so every invariant and property judges it the same
    /// way) and be a deterministic function; the identity is always sound.
    func canonical(_ state: State) -> State

    /// A 64-bit fingerprint of `state` (equal states, equal fingerprints).
    func fingerprint(_ state: State) -> UInt64

    /// Coverage table: the row and column counting `action` with `outcome`.
    func coverage(_ action: Action, _ outcome: Outcome) -> (row: Int, column: Int)
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
public struct NamedProperty<State, Action, Outcome>: Sendable {
    /// The name reports use.
    public let name: String
    /// Whether the predicate holds of a step.
    public let holds: @Sendable (_ pre: State, _ action: Action, _ outcome: Outcome, _ post: State) -> Bool

    public init(_ name: String, _ holds: @escaping @Sendable (State, Action, Outcome, State) -> Bool) {
        self.name = name; self.holds = holds
    }
}
