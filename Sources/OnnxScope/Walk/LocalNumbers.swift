/// The names one graph mentions, numbered 0, 1, … in the order first met: a graph's tables
/// are flat arrays by these numbers, not hashes by name. A graph that mentions a good share
/// of its model's names maps ids through one array; a small one (a subgraph among many)
/// through a hash of its few ids, so that many subgraphs do not cost many model-sized arrays.
struct LocalNumbers: Sendable {
    private var flat: [Int32]
    private var sparse: [Int32: Int32] = [:]
    private let isFlat: Bool
    /// How many names are numbered.
    private(set) var count = 0

    /// Numbers for up to about `names` names from a table of `tableCount` names.
    init(tableCount: Int, names: Int) {
        isFlat = names * 8 >= tableCount
        flat = isFlat ? [Int32](repeating: -1, count: tableCount) : []
        if !isFlat { sparse.reserveCapacity(names) }
    }

    /// The number of table id `id` (≥ 0), numbering it when new.
    mutating func number(_ id: Int32) -> Int32 {
        if isFlat {
            if Int(id) >= flat.count { flat += repeatElement(-1, count: Int(id) + 1 - flat.count) }
            if flat[Int(id)] >= 0 { return flat[Int(id)] }
            flat[Int(id)] = Int32(count)
        } else {
            if let k = sparse[id] { return k }
            sparse[id] = Int32(count)
        }
        count += 1
        return Int32(count - 1)
    }

    /// The number of table id `id`, nil when the graph does not mention it.
    func find(_ id: Int32) -> Int32? {
        if isFlat {
            guard id >= 0, Int(id) < flat.count else { return nil }
            let k = flat[Int(id)]
            return k >= 0 ? k : nil
        }
        return sparse[id]
    }
}
