// The machine-readable report of a proof run (`verify prove --json`): an
// `Encodable` value, written with sorted keys, that tests decode again.

/// What `verify prove --json` prints: the solver, the configuration, and one
/// entry per obligation.
public struct ProofReport: Codable, Equatable, Sendable {
    /// One obligation's result.
    public struct Entry: Codable, Equatable, Sendable {
        /// The obligation's name (`<syscall>_<goal>` or `init_<preset>_<invariant>`).
        public var name: String
        /// `proved`, `refuted` or `unknown`.
        public var result: String
        /// Solver time.
        public var seconds: Double
        /// The declared hypotheses it was proved from, when it has them.
        public var hypotheses: [String]?
        /// A readable counterexample, when refuted.
        public var counterexample: String?
        /// The solver's reason, when unknown.
        public var reason: String?

        /// The entry of `result`.
        public init(_ result: ProofResult) {
            name = result.obligation.name
            self.result = result.verdict.word
            seconds = result.seconds
            hypotheses = result.hypotheses?.map(\.name)
            switch result.verdict {
            case .proved: break
            case .refuted(let cex): counterexample = cex
            case .unknown(let why): reason = why
            }
        }
    }

    /// The solver and its version.
    public var solver: String
    /// The configuration whose table sizes the obligations are about.
    public var configuration: String
    /// The number of obligations.
    public var obligations: Int
    /// How many were proved.
    public var proved: Int
    /// Wall time of the run.
    public var seconds: Double
    /// Every obligation, in order.
    public var results: [Entry]

    /// The report of `results`, checked by `solver` on `configuration` in `seconds`.
    public init(solver: String, configuration: String, results: [ProofResult], seconds: Double) {
        self.solver = solver
        self.configuration = configuration
        self.results = results.map(Entry.init)
        obligations = results.count
        proved = self.results.filter { $0.result == "proved" }.count
        self.seconds = seconds
    }
}
