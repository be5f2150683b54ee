// The ghost descendant sets of the CDT as sets of global slots.
//
// A descendant set is `Layout.descendantWords` words: word `w` holds the
// slots `32 * w ..< 32 * w + 32`, one bit each. Every configuration the
// checker and the prover run on has at most 32 slots, so there the set is one
// word and every operation below is exactly the single-word operation the
// proofs were written with (`d & (1 << g) != 0`, `d | (1 << g)`, ...); the
// extra words exist so that real programs' traces, which need hundreds of
// slots, replay through the same specification.

/// A set of global slots, one bit per slot, in `Layout.descendantWords` words.
///
/// The first word is stored inline, so the single-word sets of the checker's
/// configurations never allocate.
public struct SlotSet<Word: SpecWord> {
    /// Word 0 (slots `0..<32`).
    @usableFromInline var first: Word
    /// Words 1 and up; empty when the set is one word.
    @usableFromInline var rest: [Word]

    /// The set whose word `w` is `word(w)`, for `w` in `0..<words`.
    @inlinable
    init(words: Int, _ word: (Int) -> Word) {
        first = word(0)
        rest = words == 1 ? [] : (1..<words).map(word)
    }

    /// The number of words.
    @inlinable var words: Int { rest.count + 1 }

    /// Word `w`.
    @inlinable
    subscript(w: Int) -> Word { w == 0 ? first : rest[w - 1] }

    /// The word-wise combination of `self` and `other`.
    @inlinable
    func zip(_ other: SlotSet, _ f: (Word, Word) -> Word) -> SlotSet {
        SlotSet(words: words) { f(self[$0], other[$0]) }
    }
}

extension Spec {
    /// The empty set.
    @inlinable
    func emptySet() -> SlotSet<Word> { SlotSet(words: layout.descendantWords) { _ in 0 } }

    /// The set `{g}` for a computed global slot `g` (empty when `g` is out of range).
    @inlinable
    func singleton(_ g: Word) -> SlotSet<Word> {
        let W = layout.descendantWords
        if W == 1 { return SlotSet(words: 1) { _ in bit(g) } }
        return SlotSet(words: W) { w in
            Word.ite(k(32 * w) <= g && g < k(32 * w + 32), (1 as Word) &<< (g &- k(32 * w)), 0)
        }
    }

    /// The descendant set of the global slot at computed index `g`.
    @inlinable
    func descendants(_ m: Memory, _ g: Word) -> SlotSet<Word> {
        SlotSet(words: layout.descendantWords) { get(m, layout.descendantWord($0), g) }
    }

    /// The descendant set of global slot `a`.
    @inlinable
    func descendants(_ m: Memory, at a: Int) -> SlotSet<Word> {
        SlotSet(words: layout.descendantWords) { get(m, layout.descendantWord($0), at: a) }
    }

    /// Sets the descendant set of the global slot at computed index `g`.
    @inlinable
    func setDescendants(_ m: inout Memory, _ g: Word, _ d: SlotSet<Word>) {
        for w in 0..<layout.descendantWords { set(&m, layout.descendantWord(w), g, d[w]) }
    }

    /// Sets the descendant set of global slot `a`.
    @inlinable
    func setDescendants(_ m: inout Memory, at a: Int, _ d: SlotSet<Word>) {
        for w in 0..<layout.descendantWords { set(&m, layout.descendantWord(w), at: a, d[w]) }
    }

    /// Whether `d` contains global slot `c`.
    @inlinable
    func contains(_ d: SlotSet<Word>, slot c: Int) -> Bit {
        d[c / 32] & k(UInt32(1) << UInt32(c % 32)) != 0
    }

    /// Whether `d` contains the computed global slot `g`.
    @inlinable
    func contains(_ d: SlotSet<Word>, _ g: Word) -> Bit { intersects(d, singleton(g)) }

    /// Whether `a` and `b` share a slot.
    @inlinable
    func intersects(_ a: SlotSet<Word>, _ b: SlotSet<Word>) -> Bit {
        D.any(layout.descendantWords) { a[$0] & b[$0] != 0 }
    }

    /// Whether `d` is empty.
    @inlinable
    func isEmpty(_ d: SlotSet<Word>) -> Bit { D.all(layout.descendantWords) { d[$0] == 0 } }

    /// `c ? a : b`, word by word.
    @inlinable
    func ite(_ c: Bit, _ a: SlotSet<Word>, _ b: SlotSet<Word>) -> SlotSet<Word> {
        a.zip(b) { Word.ite(c, $0, $1) }
    }

    /// The mask of word `w` of a set of all `layout.slots` slots.
    @inlinable
    func allSlotsWord(_ w: Int) -> Word {
        let n = layout.slots - 32 * w
        return n >= 32 ? ~0 : (1 as Word) &<< k(n) &- 1
    }
}
