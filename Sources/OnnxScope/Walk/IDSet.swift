/// A set of ids of one model's ``NameTable``: a bit per id of the table when the set holds
/// a good share of them (a large graph's names), else a hash of the few it holds (a small
/// subgraph's), so that many small sets do not cost many table-sized bitmaps.
struct IDSet: Sendable {
    private var bits: [UInt64]
    private var few: Set<Int32> = []
    private let isDense: Bool

    /// An empty set for about `expected` ids of a table of `tableCount`.
    init(tableCount: Int, expected: Int) {
        isDense = expected * 16 >= tableCount
        bits = isDense ? [UInt64](repeating: 0, count: (tableCount + 63) / 64) : []
        if !isDense { few.reserveCapacity(expected) }
    }

    /// Adds `id` (≥ 0).
    mutating func insert(_ id: Int32) {
        guard isDense else {
            few.insert(id)
            return
        }
        let word = Int(id) >> 6
        if word >= bits.count { bits += repeatElement(0, count: word + 1 - bits.count) }
        bits[word] |= 1 << UInt64(id & 63)
    }

    /// True when the set holds `id`.
    func contains(_ id: Int32) -> Bool {
        guard isDense else { return few.contains(id) }
        let word = Int(id) >> 6
        return id >= 0 && word < bits.count && bits[word] & (1 << UInt64(id & 63)) != 0
    }
}
