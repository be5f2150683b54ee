// The ghost descendant sets of the CDT as sets of global slots.
//
// A descendant set is `Layout.descendantWords` words: word `w` holds the
// slots `32 * w ..< 32 * w + 32`, one bit each. Every configuration the
// checker and the prover run on has at most 32 slots, so there the set is one
// word and every operation below is exactly the single-word operation the
// proofs were written with (`d & (1 << g) != 0`, `d | (1 << g)`, ...); the
// extra words exist so that real programs' traces, which need hundreds of
// slots, replay through the same specification.

import LiteBoxABI

/// A set of global slots, one bit per slot, in `Layout.descendantWords` words.
///
/// The first word is stored inline and the others only when there are any,
/// so the single-word sets of the checker's configurations neither allocate
/// nor touch a reference count.
public struct SlotSet<Word: SpecWord> {
    /// Word 0 (slots `0..<32`).
    @usableFromInline var first: Word
    /// Words 1 and up; nil when the set is one word.
    @usableFromInline var rest: [Word]?

    /// The set whose word `w` is `word(w)`, for `w` in `0..<words`.
    @inlinable @inline(__always)
    init(words: Int, _ word: (Int) -> Word) {
        first = word(0)
        rest = words == 1 ? nil : (1..<words).map(word)
    }

    /// The one-word set `first`.
    @inlinable @inline(__always)
    init(first: Word) {
        self.first = first
        rest = nil
    }

    /// The number of words.
    @inlinable var words: Int { (rest?.count ?? 0) + 1 }

    /// Word `w`.
    @inlinable
    subscript(w: Int) -> Word { w == 0 ? first : rest![w - 1] }

    /// The word-wise combination of `self` and `other`.
    @inlinable @inline(__always)
    func zip(_ other: SlotSet, _ f: (Word, Word) -> Word) -> SlotSet {
        if rest == nil { return SlotSet(first: f(first, other.first)) }
        return SlotSet(words: words) { f(self[$0], other[$0]) }
    }
}

extension Spec {
    /// The empty set.
    @inlinable @inline(__always)
    func emptySet() -> SlotSet<Word> {
        layout.descendantWords == 1 ? SlotSet(first: 0) : SlotSet(words: layout.descendantWords) { _ in 0 }
    }

    /// The set `{g}` for a computed global slot `g` (empty when `g` is out of range).
    @inlinable
    func singleton(_ g: Word) -> SlotSet<Word> {
        let W = layout.descendantWords
        if W == 1 { return SlotSet(first: bit(g)) }
        return SlotSet(words: W) { w in
            Word.ite(k(32 * w) <= g && g < k(32 * w + 32), (1 as Word) &<< (g &- k(32 * w)), 0)
        }
    }

    /// The descendant set of the global slot at computed index `g`.
    @inlinable @inline(__always)
    func descendants(_ m: Memory, _ g: Word) -> SlotSet<Word> {
        if layout.descendantWords == 1 { return SlotSet(first: get(m, layout.cdtDescendants, g)) }
        return SlotSet(words: layout.descendantWords) { get(m, layout.descendantWord($0), g) }
    }

    /// The descendant set of global slot `a`.
    @inlinable @inline(__always)
    func descendants(_ m: Memory, at a: Int) -> SlotSet<Word> {
        if layout.descendantWords == 1 { return SlotSet(first: get(m, layout.cdtDescendants, at: a)) }
        return SlotSet(words: layout.descendantWords) { get(m, layout.descendantWord($0), at: a) }
    }

    /// Sets the descendant set of the global slot at computed index `g`.
    @inlinable @inline(__always)
    func setDescendants(_ m: inout Memory, _ g: Word, _ d: SlotSet<Word>) {
        if d.rest == nil { set(&m, layout.cdtDescendants, g, d.first); return }
        for w in 0..<layout.descendantWords { set(&m, layout.descendantWord(w), g, d[w]) }
    }

    /// Sets the descendant set of global slot `a`.
    @inlinable @inline(__always)
    func setDescendants(_ m: inout Memory, at a: Int, _ d: SlotSet<Word>) {
        if d.rest == nil { set(&m, layout.cdtDescendants, at: a, d.first); return }
        for w in 0..<layout.descendantWords { set(&m, layout.descendantWord(w), at: a, d[w]) }
    }

    /// Whether `d` contains global slot `c`.
    @inlinable @inline(__always)
    func contains(_ d: SlotSet<Word>, slot c: Int) -> Bit {
        d[c / 32] & k(UInt32(1) << UInt32(c % 32)) != 0
    }

    /// Whether `d` contains the computed global slot `g`.
    @inlinable
    func contains(_ d: SlotSet<Word>, _ g: Word) -> Bit { intersects(d, singleton(g)) }

    /// Whether `a` and `b` share a slot.
    @inlinable @inline(__always)
    func intersects(_ a: SlotSet<Word>, _ b: SlotSet<Word>) -> Bit {
        if a.rest == nil { return a.first & b.first != 0 }
        return D.any(layout.descendantWords) { a[$0] & b[$0] != 0 }
    }

    /// Whether `d` is empty.
    @inlinable @inline(__always)
    func isEmpty(_ d: SlotSet<Word>) -> Bit {
        if d.rest == nil { return d.first == 0 }
        return D.all(layout.descendantWords) { d[$0] == 0 }
    }

    /// `c ? a : b`, word by word.
    @inlinable @inline(__always)
    func ite(_ c: Bit, _ a: SlotSet<Word>, _ b: SlotSet<Word>) -> SlotSet<Word> {
        if a.rest == nil { return SlotSet(first: Word.ite(c, a.first, b.first)) }
        return a.zip(b) { Word.ite(c, $0, $1) }
    }

    /// The mask of word `w` of a set of all `layout.slots` slots.
    @inlinable
    func allSlotsWord(_ w: Int) -> Word {
        let n = layout.slots - 32 * w
        return n >= 32 ? ~0 : (1 as Word) &<< k(n) &- 1
    }
}
