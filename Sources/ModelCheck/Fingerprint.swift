// 64-bit fingerprints of word sequences.

/// A 64-bit fingerprint of a sequence of 32-bit words.
///
/// Two words at a time are mixed into the state with a 64×64→128-bit multiply
/// folded to 64 bits (the "mum" step of wyhash-style hashes), then finalized
/// with murmur3's fmix64. Written for the checker's inner loop; not
/// cryptographic. The collision estimate the checker prints assumes
/// fingerprints behave like uniform random 64-bit values.
@inlinable
public func fingerprint(words: UnsafeBufferPointer<UInt32>, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
    @inline(__always) func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }
    var h = seed ^ UInt64(truncatingIfNeeded: words.count)
    var i = 0
    let n = words.count
    while i + 1 < n {
        let x = UInt64(words[i]) | (UInt64(words[i + 1]) << 32)
        h = mum(h ^ x, 0xA076_1D64_78BD_642F) &+ 0xE703_7ED1_A0B4_28DB
        i += 2
    }
    if i < n { h = mum(h ^ UInt64(words[i]), 0x8EBC_6AF0_9C88_C6E3) }
    // fmix64
    h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD
    h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 33
    return h
}
