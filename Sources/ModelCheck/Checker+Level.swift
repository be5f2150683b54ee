// Building the next level from the expanded chunks, and checking every
// invariant on its states.

import Dispatch

extension Checker {
    /// The states first reached at one level, in merge order, with what
    /// `Search` keeps of each: fingerprint, parent index, action index.
    @usableFromInline
    struct Level<State> {
        @usableFromInline var states: [State] = []
        @usableFromInline var fingerprints: [UInt64] = []
        @usableFromInline var parents: [UInt32] = []
        @usableFromInline var actions: [UInt16] = []
        @inlinable init() {}
    }

    /// Merges the chunks in frontier order, keeping the first occurrence of
    /// each fingerprint; releases the chunks' states as it goes.
    @inlinable
    static func merge<State>(_ chunks: [ChunkResult<State>]) -> Level<State> {
        var levelSet = FingerprintHashSet(capacity: chunks.reduce(0) { $0 + $1.fingerprints.count })
        var level = Level<State>()
        for r in chunks {
            for i in 0..<r.fingerprints.count where levelSet.insert(r.fingerprints[i]) {
                level.states.append(r.states[i])
                level.fingerprints.append(r.fingerprints[i])
                level.parents.append(r.parents[i])
                level.actions.append(r.actions[i])
            }
            r.states = []
        }
        return level
    }

    /// The first state of `states` (by index) that breaks an invariant, and
    /// the first invariant it breaks, checked in parallel over up to
    /// `threads × 8` contiguous chunks.
    @inlinable
    static func firstBroken<State>(_ invariants: [NamedInvariant<State>], in states: [State],
                                   threads: Int) -> (index: Int, name: String)? {
        let chunkCount = max(1, min(states.count, threads * 8))
        // One box per chunk, each written by the one thread that checks the chunk.
        let firstBroken = (0..<chunkCount).map { _ in Box<(index: Int, name: String)?>(nil) }
        let toCheck = Box(states)
        let boxes = Box(firstBroken)
        let checkers = min(threads, chunkCount)
        DispatchQueue.concurrentPerform(iterations: checkers) { w in
            let states = toCheck.value
            let firstBroken = boxes.value
            for c in stride(from: w, to: chunkCount, by: checkers) {
                let lo = states.count * c / chunkCount, hi = states.count * (c + 1) / chunkCount
                for i in lo..<hi {
                    if let inv = invariants.first(where: { !$0.holds(states[i]) }) {
                        firstBroken[c].value = (i, inv.name)
                        break
                    }
                }
            }
        }
        return firstBroken.lazy.compactMap({ $0.value }).first
    }
}
