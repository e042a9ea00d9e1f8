/// Tied output heads: a Dense projection that reuses an Embedding's table. When the
/// exporter kept one tensor, ownership already marks the head as sharing it; when it
/// stored a second copy (same values, possibly transposed), this marks the duplicate.
enum TiedWeights {
    /// Marks the duplicates among `layers`, in place (a layer is copied only when marked).
    static func mark(_ layers: inout [Layer], indexes: [GraphIndex]) {
        guard let main = indexes.first else { return }
        let embeddings = layers.flatMap(\.flattened).filter { $0.kind == .embedding }
        guard !embeddings.isEmpty else { return }
        for k in layers.indices { mark(&layers[k], embeddings, main) }
    }

    private static func mark(_ layer: inout Layer, _ embeddings: [Layer], _ graph: GraphIndex) {
        for k in layer.children.indices { mark(&layer.children[k], embeddings, graph) }
        guard layer.kind == .dense, let wName = layer.weights.first, let w = graph.weight(wName) else { return }
        for e in embeddings {
            guard let eName = e.weights.first, eName != wName, let table = graph.weight(eName) else { continue }
            if graph.sameValues(w, table) || transposedCopy(w, table, graph) {
                layer.observations.append(.duplicatesWeight(of: e.name))
                break
            }
        }
    }

    /// True when `a` holds the transpose of `b` (2-D, small enough to read).
    private static func transposedCopy(_ a: StoredWeight, _ b: StoredWeight, _ graph: GraphIndex) -> Bool {
        guard a.dims.count == 2, b.dims.count == 2, a.dims[0] == b.dims[1], a.dims[1] == b.dims[0],
              let va = graph.numbers(a.name, limit: 1 << 22), let vb = graph.numbers(b.name, limit: 1 << 22) else { return false }
        let rows = Int(a.dims[0]), cols = Int(a.dims[1])
        for r in 0..<rows {
            for c in 0..<cols where va[r * cols + c] != vb[c * rows + r] { return false }
        }
        return true
    }
}
