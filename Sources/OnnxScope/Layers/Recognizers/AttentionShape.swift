/// The head layout of a recognized attention, from the graph alone: `heads`, `headDim` and,
/// for grouped- and multi-query attention, `kvHeads`; and whether its mask is causal.
///
/// The head size comes from an op attribute (`num_heads`), from the reshape that splits Q
/// into heads (its target's last dimension), or from the score scaling (1/√d on the scores,
/// d^(-1/4) on Q and K). A head size is accepted only when it divides the projection widths
/// it must divide; otherwise nothing is stated: a wrong number is worse than none.
struct AttentionShape: Equatable {
    var heads: Int64
    var headDim: Int64
    /// Heads of K and V, when they can be told (equal to `heads` for plain multi-head attention).
    var kvHeads: Int64?

    /// The layout, given the output projection's input width `inner` (heads · headDim) and the
    /// Q, K and V projections (one layer for a packed QKV, one for a packed KV).
    static func infer(
        _ graph: GraphIndex, headsAttribute: Int64?, queryReshapes: [Int], keyReshapes: [Int], scales: [String],
        inner: Int64, query: Layer, key: Layer, value: Layer, packedQKV: Bool, packedKV: Bool
    ) -> AttentionShape? {
        guard inner > 0 else { return nil }
        var headDim: Int64?
        if let h = headsAttribute, h > 0, inner % h == 0 {
            headDim = inner / h
        } else if !packedQKV, let d = biasHeadDim(graph, query), d > 1, d < inner, inner % d == 0 {
            // Keras EinsumDense keeps Q's bias as [heads, headDim] (tf2onnx adds it after the reshape).
            headDim = d
        } else {
            headDim = queryReshapes.lazy.compactMap { lastDimension(graph, $0) }.first { $0 > 1 && $0 < inner && inner % $0 == 0 }
                ?? fromScales(graph, scales, inner: inner)
        }
        guard let d = headDim else { return nil }
        let heads = inner / d
        // K's width: its own projection, or its share of a packed one.
        let kvWidth: Int64?
        if packedQKV {
            let total = query.int(.outputSize) - inner
            kvWidth = total > 0 && total % 2 == 0 ? total / 2 : nil
        } else if packedKV {
            let total = key.int(.outputSize)
            kvWidth = total % 2 == 0 ? total / 2 : nil
        } else {
            kvWidth = key.int(.outputSize)
        }
        var kvHeads: Int64?
        if let w = kvWidth, w > 0, w % d == 0 {
            kvHeads = w / d
            // A key reshape that names another head size contradicts it: say nothing.
            if let kd = keyReshapes.lazy.compactMap({ lastDimension(graph, $0) }).first(where: { $0 > 1 }), kd != d { kvHeads = nil }
        }
        return AttentionShape(heads: heads, headDim: d, kvHeads: kvHeads)
    }

    /// The head size a projection's bias is stored with: a [heads, headDim] weight of the
    /// layer's output size (Keras `EinsumDense` of MultiHeadAttention).
    private static func biasHeadDim(_ graph: GraphIndex, _ projection: Layer) -> Int64? {
        let o = projection.int(.outputSize)
        for name in projection.weights.dropFirst() {
            guard let w = graph.weight(name), w.dims.count == 2, w.dims[0] > 1, w.dims[1] > 1,
                  GraphIndex.product(w.dims) == o else { continue }
            return w.dims[1]
        }
        return nil
    }

    /// The last dimension of a reshape's target shape: stored, or the last input of the
    /// `Concat` that builds it.
    private static func lastDimension(_ graph: GraphIndex, _ reshape: Int) -> Int64? {
        let node = graph.nodes[reshape]
        guard node.inputs.count == 2 else { return nil }
        if let shape = graph.integers(node.inputs[1]) { return shape.last }
        if let p = graph.producer(of: node.inputs[1]), graph.nodes[p].opType == "Concat",
           let tail = graph.nodes[p].inputs.last, let values = graph.integers(tail) {
            return values.last
        }
        return nil
    }

    /// The head size from the score scaling: 1/√d on the scores, or d^(-1/4) on Q and K.
    private static func fromScales(_ graph: GraphIndex, _ values: [String], inner: Int64) -> Int64? {
        for v in values {
            guard let s = graph.numbers(v, limit: 1)?.first, s > 0 else { continue }
            for candidate in [1 / (s * s), s * s, pow4(1 / s)] {
                let d = candidate.rounded()
                if abs(candidate - d) < 1e-3, d > 1, d < Double(inner), inner % Int64(d) == 0 { return Int64(d) }
            }
        }
        return nil
    }

    private static func pow4(_ x: Double) -> Double { x * x * x * x }

    /// Ops a causal mask is built from before it reaches the scores.
    private static let maskOps: Set<String> = [
        "Add", "Where", "Cast", "Expand", "Unsqueeze", "Squeeze", "Reshape", "Slice", "And", "Or", "Not", "Mul", "Sub",
        "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Trilu", "Gather", "GatherND", "Concat", "Identity",
        "Transpose", "ConstantOfShape", "Neg", "Min", "Max",
    ]

    /// True when the mask added to the scores is causal: a `Trilu` (or a `Trilu`'d constant),
    /// or a comparison of two position ranges (`Range` on both sides), as exporters write
    /// `tril` and `arange(T)[:, None] >= arange(T)[None, :]`.
    static func isCausal(_ graph: GraphIndex, scorePath nodes: [Int]) -> Bool {
        var pending: [String] = nodes.filter { ["Add", "Where"].contains(graph.nodes[$0].opType) }.flatMap { graph.nodes[$0].inputs }
        var seen = Set<String>()
        while let v = pending.popLast(), seen.count < 96 {
            guard seen.insert(v).inserted, let p = graph.producer(of: v) else { continue }
            let op = graph.nodes[p].opType
            if op == "Trilu" { return true }
            if ["Less", "LessOrEqual", "Greater", "GreaterOrEqual"].contains(op), graph.nodes[p].inputs.count == 2,
               graph.nodes[p].inputs.allSatisfy({ reachesRange(graph, $0) }) {
                return true
            }
            if maskOps.contains(op) { pending += graph.nodes[p].inputs.filter { !$0.isEmpty } }
        }
        return false
    }

    private static func reachesRange(_ graph: GraphIndex, _ value: String) -> Bool {
        var pending = [value]
        var steps = 0
        while let v = pending.popLast(), steps < 12 {
            steps += 1
            guard let p = graph.producer(of: v) else { continue }
            let op = graph.nodes[p].opType
            if op == "Range" { return true }
            if ["Unsqueeze", "Reshape", "Cast", "Add", "Sub", "Slice", "Expand", "Identity", "Squeeze"].contains(op) {
                pending += graph.nodes[p].inputs.prefix(1)
            }
        }
        return false
    }
}
