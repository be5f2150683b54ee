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
    /// Where the checker keeps a level's states (default: an array).
    associatedtype Storage: StateStorage = [State] where Storage.Stored == State

    /// An empty storage for states.
    func makeStorage() -> Storage

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

extension Model where Storage == [State] {
    /// An empty array.
    @inlinable
    public func makeStorage() -> [State] { [] }
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

/// A model whose actions are guarded: the alphabet is cut into consecutive
/// groups (LiteBox: the calls of one thread), and in a given state a group
/// is either enabled or every one of its actions is a stutter with a known
/// outcome (LiteBox: a call by a thread that is not running fails with
/// `threadNotRunning` and changes nothing).
///
/// The checker steps only the actions of enabled groups, as TLC and SPIN
/// fire only enabled actions; it still counts the others, each with its
/// `disabledOutcome`, in the transitions and the coverage, so every figure
/// is what stepping them would have given. This is sound exactly when the
/// model's `step` from a state where a group is disabled returns no
/// successor (a stutter) and `disabledOutcome` for each of its actions; a
/// stutter is never checked by a transition property and reaches no state,
/// so skipping it changes no count and no verdict.
public protocol GuardedModel: Model {
    /// The groups, as consecutive ranges of indices into `actions` that
    /// together cover it in order.
    var actionGroups: [Range<Int>] { get }

    /// Whether the actions of group `group` are stepped from `state`.
    func enables(_ group: Int, _ state: State) -> Bool

    /// The outcome of `action` from any state where its group is disabled.
    func disabledOutcome(_ action: Action) -> Outcome
}
