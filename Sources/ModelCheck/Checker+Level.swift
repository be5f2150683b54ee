// Building the next level from the expanded chunks.

extension Checker {
    /// The states first reached at one level, in merge order, with what
    /// `Search` keeps of each: fingerprint, parent index, action index; the
    /// states themselves unless the level is the last.
    @usableFromInline
    struct Level<M: Model> {
        @usableFromInline var states: M.Storage
        @usableFromInline var fingerprints: [UInt64] = []
        @usableFromInline var parents: [UInt32] = []
        @usableFromInline var actions: [UInt16] = []
        @inlinable init(_ model: M) { states = model.makeStorage() }
    }

    /// Merges the chunks in frontier order, keeping the first occurrence of
    /// each fingerprint; releases the chunks' states as it goes.
    ///
    /// The first chunk (in order) with a new successor that breaks an
    /// invariant holds the first such state of the merged level: a
    /// duplicate of a state of an earlier chunk would have been found broken
    /// there. So `ChunkResult.brokenInvariant` of that chunk is the
    /// violation, with the same parent and action as the merged state.
    @inlinable
    static func merge<M: Model>(_ model: M, _ chunks: [ChunkResult<M>]) -> Level<M> {
        var levelSet = FingerprintHashSet(capacity: chunks.reduce(0) { $0 + $1.fingerprints.count })
        var level = Level(model)
        for r in chunks {
            let keep = r.states.count == r.fingerprints.count
            for i in 0..<r.fingerprints.count where levelSet.insert(r.fingerprints[i]) {
                if keep { level.states.append(from: r.states, at: i) }
                level.fingerprints.append(r.fingerprints[i])
                level.parents.append(r.parents[i])
                level.actions.append(r.actions[i])
            }
            r.states = model.makeStorage()
        }
        return level
    }
}
