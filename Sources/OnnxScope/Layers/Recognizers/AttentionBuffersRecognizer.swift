/// The extra key/value rows `nn.MultiheadAttention` appends: `add_bias_kv`'s learnt
/// `bias_k` and `bias_v` (trainable), and `add_zero_attn`'s rows of zeros (stored
/// constants, non-trainable). A stored weight that reaches a `Concat` only through
/// broadcasting and reshaping ops, whose result the attention core then reads, belongs to
/// that attention layer. Runs right after the attention recognizer, on its layers.
enum AttentionBuffersRecognizer: SpanGrouper {
    private static let broadcasting: Set<String> = [
        "Expand", "Tile", "Reshape", "Unsqueeze", "Squeeze", "Transpose", "Identity", "Cast",
    ]

    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        let attention = spans.indices.filter { spans[$0].layer.kind == .multiHeadAttention }
        guard !attention.isEmpty else { return spans }
        var taken = Set(spans.flatMap { $0.layer.flattened.flatMap(\.weights) })
        var result = spans
        for c in graph.nodes(ofType: ["Concat"]) where graph.nodes[c].isDefaultDomain {
            let node = graph.nodes[c]
            for input in node.inputs where !input.isEmpty {
                guard let (weight, via) = buffer(graph, input), weight.dataType.isFloatingPoint, !taken.contains(weight.name),
                      let out = node.outputs.first,
                      let s = attention.first(where: { reaches(graph, out, Set(result[$0].nodeIndices)) }) else { continue }
                taken.insert(weight.name)
                let zeros = graph.numbers(weight.name).map { !$0.isEmpty && $0.allSatisfy { $0 == 0 } } ?? false
                var layer = result[s].layer
                layer.weights.append(weight.name)
                let n = elements(weight)
                var biasKV: Int64 = 0, zeroAttn: Int64 = 0
                if zeros {
                    layer.nonTrainableWeights.append(weight.name)
                    layer.nonTrainable = Saturating.add(layer.nonTrainable, n)
                    zeroAttn = n
                } else {
                    layer.stored = Saturating.add(layer.stored, n)
                    biasKV = n
                }
                // One observation sums every buffer of the layer.
                if let k = layer.observations.firstIndex(where: { if case .attentionBuffers = $0 { true } else { false } }),
                   case .attentionBuffers(let b, let z) = layer.observations[k] {
                    layer.observations[k] = .attentionBuffers(biasKV: Saturating.add(b, biasKV), zeroAttn: Saturating.add(z, zeroAttn))
                } else {
                    layer.observations.append(.attentionBuffers(biasKV: biasKV, zeroAttn: zeroAttn))
                }
                let nodes = [c] + via
                layer.nodes += nodes.map(graph.label)
                result[s].layer = layer
                result[s].nodeIndices += nodes
                context.claim(graph, nodes: nodes)
            }
        }
        return result
    }

    /// The stored weight `value` broadcasts or reshapes, with the nodes in between.
    private static func buffer(_ graph: GraphIndex, _ value: String) -> (StoredWeight, [Int])? {
        var current = value
        var via: [Int] = []
        for _ in 0..<8 {
            if let w = graph.weight(current) { return (w, via) }
            guard let p = graph.producer(of: current), broadcasting.contains(graph.nodes[p].opType),
                  let next = graph.nodes[p].inputs.first, !next.isEmpty else { return nil }
            via.append(p)
            current = next
        }
        return nil
    }

    /// True when a node of `nodes` reads `value` within a few reshaping steps.
    private static func reaches(_ graph: GraphIndex, _ value: String, _ nodes: Set<Int>) -> Bool {
        var pending = [value]
        for _ in 0..<8 {
            var next: [String] = []
            for v in pending {
                for use in graph.uses(of: v) {
                    if nodes.contains(use.node) { return true }
                    if broadcasting.contains(graph.nodes[use.node].opType) || graph.nodes[use.node].opType == "Concat" {
                        next += graph.nodes[use.node].outputs
                    }
                }
            }
            pending = next
        }
        return false
    }
}
