/// The stored weights a value is assembled from: exporters build an RNN op's W, R and B
/// by slicing stored weights (or `Constant` values) per gate or direction and
/// concatenating the parts back in another order.
struct WeightSources: Sendable {
    /// The stored weights, each once, in the order first reached.
    var weights: [StoredWeight]
    /// The assembling nodes of the graph (nearest first); nodes of enclosing graphs are not listed.
    var via: [Int]
}

extension GraphIndex {
    /// Ops that rearrange weight elements without computing new ones; their first input
    /// (every input, for `Concat`) is data, the rest are shapes, indices and axes.
    static let assembling: Set<String> = [
        "Slice", "Concat", "Split", "Transpose", "Unsqueeze", "Squeeze", "Reshape", "Gather", "Identity", "Cast",
        "Flatten", "DequantizeLinear",
    ]

    /// The stored weights `value` is assembled from, when every element of it comes from
    /// stored weights through ``assembling`` ops; nil when any part is computed from an
    /// activation. A value bound to an enclosing graph (a `Loop` or `Scan` body input) is
    /// followed there.
    func weightSources(_ value: String, limit: Int = 256) -> WeightSources? {
        var found: [StoredWeight] = []
        var names = Set<String>()
        var via: [Int] = []
        var pending = [value]
        var seen = Set<String>()
        while let v = pending.popLast() {
            guard seen.insert(v).inserted else { continue }
            guard seen.count <= limit else { return nil }
            if let w = weight(v) {
                if names.insert(w.name).inserted { found.append(w) }
                continue
            }
            guard let p = producer(of: v) else {
                guard let outer = binding(of: v), let parent, let sources = parent.weightSources(outer, limit: limit) else { return nil }
                for w in sources.weights where names.insert(w.name).inserted { found.append(w) }
                continue
            }
            let node = nodes[p]
            guard node.isDefaultDomain, GraphIndex.assembling.contains(node.opType), let first = node.inputs.first,
                  !first.isEmpty else { return nil }
            if !via.contains(p) { via.append(p) }
            pending += node.opType == "Concat" ? node.inputs.filter { !$0.isEmpty } : [first]
        }
        return found.isEmpty ? nil : WeightSources(weights: found, via: via)
    }
}
