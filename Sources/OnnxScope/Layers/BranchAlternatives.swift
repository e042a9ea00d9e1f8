/// The two branches of an `If` run one or the other, never both: optimum's merged decoder
/// (`decoder_model_merged.onnx`) is one `If` on `use_cache_branch` whose branches, the decoder
/// with and without past key values, read the same main-graph weights. A layer recognized in
/// one branch whose weights all belong to layers of the other is the same layer seen twice:
/// it is listed once, in the branch whose layers read the most weights, and its weights are
/// counted once there.
enum BranchAlternatives {
    /// One `If` whose branches' layers were merged.
    struct Merge: Sendable, Equatable {
        /// The `If` node's name (or `If#N` when unnamed).
        var node: String
        /// The graph path of the branch whose layers are kept (`main/optimum::if.else_branch`).
        var kept: String
        /// The graph path of the branch whose layers were found again in `kept`.
        var merged: String
        /// Top-level layers of `merged` dropped as duplicates of `kept`'s.
        var layers: Int
        /// Weights of the enclosing graphs that nodes of both branches read (counted once, in `kept`'s layers).
        var sharedWeights: Int
    }

    /// Drops from `spans` the layers of each `If`'s secondary branch that duplicate its primary
    /// branch's, and moves the primary branch's layers first so that they own the weights.
    static func merge(_ spans: inout [LayerSpan], indexes: [GraphIndex]) -> [Merge] {
        var merges: [Merge] = []
        let byPath = Dictionary(indexes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let withLayers = Set(spans.map { ObjectIdentifier($0.graph) })
        guard withLayers.count > 1 else { return [] }
        for parent in indexes {
            for (position, node) in parent.nodes.enumerated() where node.opType == "If" {
                let paths = ["then_branch", "else_branch"].map { WeightCatalog.subgraphPath(parent.path, node, position, $0) }
                guard let then = byPath[paths[0]], let other = byPath[paths[1]],
                      withLayers.contains(ObjectIdentifier(then)), withLayers.contains(ObjectIdentifier(other)) else { continue }
                if let m = merge(&spans, then, other, node: node.name.isEmpty ? "If#\(position)" : node.name) { merges.append(m) }
            }
        }
        return merges
    }

    private static func weights(_ span: LayerSpan) -> Set<String> {
        Set(span.layer.flattened.flatMap(\.weights))
    }

    private static func merge(_ spans: inout [LayerSpan], _ a: GraphIndex, _ b: GraphIndex, node: String) -> Merge? {
        let inA = spans.indices.filter { spans[$0].graph === a }, inB = spans.indices.filter { spans[$0].graph === b }
        guard !inA.isEmpty, !inB.isEmpty else { return nil }
        let readA = inA.reduce(into: Set<String>()) { $0.formUnion(weights(spans[$1])) }
        let readB = inB.reduce(into: Set<String>()) { $0.formUnion(weights(spans[$1])) }
        // The primary branch reads the most weights (the decoder without past also computes the
        // cross-attention keys and values the one with past takes as inputs); a tie keeps graph order.
        let aFirst = readA.count > readB.count || (readA.count == readB.count && inA[0] < inB[0])
        let (primary, secondary, primaryReads) = aFirst ? (inA, inB, readA) : (inB, inA, readB)
        let primaryNames = Set(primary.map { "\(spans[$0].layer.kind.rawValue) \(spans[$0].layer.name)" })
        let dropped = Set(secondary.filter { i in
            let w = weights(spans[i])
            return w.isEmpty ? primaryNames.contains("\(spans[i].layer.kind.rawValue) \(spans[i].layer.name)") : w.isSubset(of: primaryReads)
        })
        guard !dropped.isEmpty else { return nil }
        // Kept spans in order, the primary branch's moved before the secondary's first one.
        let first = min(primary[0], secondary[0])
        var reordered: [LayerSpan] = []
        reordered.reserveCapacity(spans.count - dropped.count)
        let moved = Set(primary)
        for i in spans.indices {
            if i == first { reordered += primary.map { spans[$0] } }
            if moved.contains(i) || dropped.contains(i) { continue }
            reordered.append(spans[i])
        }
        spans = reordered
        return Merge(node: node, kept: (aFirst ? a : b).path, merged: (aFirst ? b : a).path, layers: dropped.count,
                     sharedWeights: outerReads(a).intersection(outerReads(b)).count)
    }

    /// Weights defined outside `graph` (the enclosing graphs' initializers) that its nodes read.
    /// A branch's own constants are left out: the two branches often name theirs alike.
    private static func outerReads(_ graph: GraphIndex) -> Set<String> {
        var out = Set<String>()
        for node in graph.nodes {
            for input in node.inputs where !input.isEmpty {
                if let w = graph.weight(input), w.graphPath != graph.path { out.insert(input) }
            }
        }
        return out
    }
}
