// Expanding one level: every action from every frontier state, in parallel
// over contiguous chunks of the frontier.

import Dispatch

extension Checker {
    /// What one chunk of the frontier produced: its new successors in
    /// generation order (fingerprint, canonical state, parent index, action
    /// index), the transitions taken, the coverage counts, and the first
    /// broken property.
    @usableFromInline
    final class ChunkResult<State> {
        @usableFromInline var fingerprints: [UInt64] = []
        @usableFromInline var states: [State] = []
        @usableFromInline var parents: [UInt32] = []
        @usableFromInline var actions: [UInt16] = []
        @usableFromInline var transitions = 0
        @usableFromInline var coverage: [Int]
        /// The first broken property in this chunk: (parent index, action index, name).
        @usableFromInline var broken: (parent: Int, action: Int, name: String)?
        @usableFromInline init(cells: Int) { coverage = [Int](repeating: 0, count: cells) }
    }

    /// Applies every action of `model` to every state of `frontier`.
    ///
    /// The frontier is cut into up to `threads × 8` contiguous chunks; worker
    /// `w` of `threads` expands chunks `w`, `w + threads`, …. A successor
    /// already in `visited`, or already produced earlier in its own chunk, is
    /// dropped (duplicates across chunks are dropped by `merge`). A chunk
    /// stops at the first step that breaks a transition property; the
    /// transitions and coverage of the state that broke it still count.
    @inlinable
    static func expand<M: Model>(_ model: M, _ frontier: [M.State], visited: SortedFingerprints,
                                 threads: Int) -> [ChunkResult<M.State>] {
        let cols = model.coverageColumns.count
        let cells = model.coverageRows.count * cols
        let chunkCount = max(1, min(frontier.count, threads * 8))
        let results = (0..<chunkCount).map { _ in ChunkResult<M.State>(cells: cells) }
        let shared = Box((model, frontier, visited, results))
        let workers = min(threads, chunkCount)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for c in stride(from: w, to: chunkCount, by: workers) {
                let (model, frontier, visited, results) = shared.value
                let lo = frontier.count * c / chunkCount, hi = frontier.count * (c + 1) / chunkCount
                expandChunk(model, frontier, lo..<hi, visited: visited, cols: cols, into: results[c])
            }
        }
        return results
    }

    /// Expands `frontier[range]` into `out` (see `expand`).
    @inlinable
    static func expandChunk<M: Model>(_ model: M, _ frontier: [M.State], _ range: Range<Int>, visited: SortedFingerprints,
                                      cols: Int, into out: ChunkResult<M.State>) {
        let actions = model.actions
        let properties = model.properties
        var local = FingerprintHashSet(capacity: 1024)
        var cover = [Int](repeating: 0, count: out.coverage.count)
        var fingerprints: [UInt64] = [], states: [M.State] = []
        var parentsOut: [UInt32] = [], actionsOut: [UInt16] = []
        var broken: (parent: Int, action: Int, name: String)?
        for p in range {
            let s = frontier[p]
            for a in 0..<actions.count {
                let action = actions[a]
                let (next, outcome) = model.step(s, action)
                let cell = model.coverage(action, outcome)
                cover[cell.row &* cols &+ cell.column] &+= 1
                guard let n = next else { continue }
                for prop in properties where !prop.holds(s, action, outcome, n) {
                    broken = (p, a, prop.name)
                    break
                }
                if broken != nil { break }
                let canon = model.canonical(n)
                let fp = model.fingerprint(canon)
                if visited.contains(fp) || !local.insert(fp) { continue }
                fingerprints.append(fp)
                states.append(canon)
                parentsOut.append(UInt32(p))
                actionsOut.append(UInt16(a))
            }
            out.transitions += actions.count
            if broken != nil { break }
        }
        out.fingerprints = fingerprints; out.states = states
        out.parents = parentsOut; out.actions = actionsOut
        out.coverage = cover; out.broken = broken
    }
}
