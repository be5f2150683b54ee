// Shared helpers for the property tests: decoding random numbers into calls,
// checking one step against every invariant and transition property, and a
// small exhaustive breadth-first explorer over whole states.

import LiteBoxSpec

/// The presets every property test runs on.
let allPresets: [Configuration] = [.tiny, .default, .large, .threeSandboxes]

extension Configuration {
    /// A three-sandbox universe (the first default configuration, before the
    /// default was cut down for depth-12 model checking), kept for the
    /// hand-built corruptions of `InvariantViolationTests`: a client sandbox
    /// and a server sandbox sharing an endpoint and a notification, a third
    /// sandbox reachable only through capability transfer, a frame mapped in
    /// the client, and an inactive thread the client can spawn.
    static let threeSandboxes = Configuration(
        name: "threeSandboxes", sandboxes: 3, slotsPerSandbox: 3, pagesPerSandbox: 1,
        endpoints: 1, notifications: 1, frames: 1,
        threads: [ThreadSpec(sandbox: 0, running: true), ThreadSpec(sandbox: 1, running: true),
                  ThreadSpec(sandbox: 2, running: false)],
        capabilities: [
            CapSpec(at: SlotRef(sandbox: 0, slot: 0), type: .endpoint, object: 0, rights: .all),
            CapSpec(at: SlotRef(sandbox: 0, slot: 1), type: .frame, object: 0, rights: [.read, .write]),
            CapSpec(at: SlotRef(sandbox: 0, slot: 2), type: .thread, object: 2, rights: [.write]),
            CapSpec(at: SlotRef(sandbox: 1, slot: 0), type: .endpoint, object: 0, rights: [.read, .write]),
            CapSpec(at: SlotRef(sandbox: 1, slot: 1), type: .notification, object: 0, rights: [.read, .write]),
            CapSpec(at: SlotRef(sandbox: 2, slot: 0), type: .notification, object: 0, rights: [.write], badge: 1),
        ],
        mappings: [MappingSpec(sandbox: 0, page: 0, slot: 1, rights: [.read])])
}

extension Configuration {
    /// Decodes raw random numbers into a call of this configuration. Argument
    /// ranges reach one past the valid range so that the error paths are
    /// exercised too (thread `T`, slot `C`, page `V`, rights bit 8).
    func decodeCall(syscall: Int, thread: Int, raw: [Int]) -> Call {
        let sc = Syscall.allCases[syscall % Syscall.allCases.count]
        var words: [UInt32] = [0, 0, 0, 0]
        for (i, p) in sc.parameters.enumerated() {
            let r = raw[i]
            switch p.kind {
            case .slot: words[i] = UInt32(r % (slotsPerSandbox + 1))
            case .optionalSlot: words[i] = UInt32(r % (slotsPerSandbox + 2))
            case .page: words[i] = UInt32(r % (pagesPerSandbox + 1))
            case .rights: words[i] = UInt32(r % 9)
            case .word: words[i] = UInt32(r % 4)
            }
        }
        return Call(thread: UInt32(thread % (threads.count + 1)), syscall: sc, words[0], words[1], words[2], words[3])
    }
}

/// What went wrong in one step, if anything: the broken invariants and
/// transition properties, by name.
func violations(_ spec: ConcreteSpec, pre: ConcreteMemory, call: Call,
                outcome: Outcome<UInt32>, post: ConcreteMemory) -> [String] {
    var out: [String] = []
    for inv in Invariant.allCases where !spec.holds(inv, post) { out.append(inv.name) }
    for p in TransitionProperty.allCases
    where !spec.holds(p, pre: pre, call: call, outcome: outcome, post: post) { out.append(p.name) }
    return out
}

/// Runs `calls` from the initial state of `spec`, checking every step. Returns
/// nil if everything held, otherwise a readable report ending in the
/// replayable call sequence up to the failing step.
func runChecked(_ spec: ConcreteSpec, _ calls: [Call]) -> String? {
    var s = spec.initialState
    for (i, call) in calls.enumerated() {
        let (next, outcome) = spec.step(s, call)
        var bad = violations(spec, pre: s, call: call, outcome: outcome, post: next)
        if !outcome.succeeded && next != s { bad.append("failed call changed the state") }
        if !bad.isEmpty {
            let trace = calls[0...i].map { "  \($0)" }.joined(separator: "\n")
            return "\(spec.config.name): step \(i) \(call) -> \(outcome) broke \(bad)\n"
                + spec.difference(s, next).map { "    \($0)" }.joined(separator: "\n")
                + "\ncalls:\n\(trace)"
        }
        s = next
    }
    return nil
}

/// The result of an exhaustive breadth-first exploration.
struct Exploration {
    /// Distinct states reachable in at most `d` calls, for `d = 0...depth`.
    var statesUpTo: [Int]
    /// Transitions taken (calls applied to distinct states at depth < limit).
    var transitions: Int
    /// Successful transitions per syscall.
    var successes: [Syscall: Int]
    /// The first violation found, if any.
    var violation: String?
}

/// Every state reachable from the initial state of `spec` in at most `depth`
/// calls of `alphabet`, with every invariant checked on every state and every
/// transition property on every step. Exact (whole states in a `Set`).
func explore(_ spec: ConcreteSpec, depth: Int, alphabet: CallAlphabet = .standard) -> Exploration {
    let calls = alphabet.calls(for: spec.config)
    let initial = spec.initialState
    var seen: Set<ConcreteMemory> = [initial]
    var frontier = [initial]
    var result = Exploration(statesUpTo: [1], transitions: 0, successes: [:], violation: nil)
    if !spec.invs(initial) { result.violation = "initial state violates invs"; return result }
    for _ in 0..<depth {
        var next: [ConcreteMemory] = []
        for s in frontier {
            for call in calls {
                let (t, outcome) = spec.step(s, call)
                result.transitions += 1
                if outcome.succeeded { result.successes[call.syscall, default: 0] += 1 }
                if !outcome.succeeded {
                    if t != s { result.violation = "\(call) failed but changed the state"; return result }
                    continue
                }
                for p in TransitionProperty.allCases
                where !spec.holds(p, pre: s, call: call, outcome: outcome, post: t) {
                    result.violation = "\(call) -> \(outcome) broke \(p.name) from\n\(spec.render(s))"
                    return result
                }
                if seen.insert(t).inserted {
                    for inv in Invariant.allCases where !spec.holds(inv, t) {
                        result.violation = "\(call) -> \(outcome) broke \(inv.name) from\n\(spec.render(s))"
                        return result
                    }
                    next.append(t)
                }
            }
        }
        frontier = next
        result.statesUpTo.append(seen.count)
    }
    return result
}
