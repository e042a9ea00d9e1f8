/// com.microsoft `EmbedLayerNormalization`, which onnxruntime's transformer optimizer writes
/// for BERT-style embeddings: one node holding the word, position and token-type tables
/// (inputs 2, 3, 4) and the LayerNorm's γ and β (inputs 5, 6). Reported as what it fused:
/// up to three Embeddings and a LayerNorm.
enum EmbedLayerNormRecognizer: SpanGrouper {
    /// (table slot, indices slot) of each embedding; the position table's indices are
    /// input 8 when given, else the positions 0… the op makes itself.
    private static let tables: [(table: Int, indices: Int, role: String)] = [(2, 0, "word"), (3, 8, "position"), (4, 1, "token_type")]

    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        var found: [LayerSpan] = []
        for i in graph.nodes(ofType: ["EmbedLayerNormalization"]) where !context.isClaimed(graph, i) {
            let node = graph.nodes[i]
            guard node.domain == "com.microsoft", node.opType == "EmbedLayerNormalization" else { continue }
            let parts = layers(graph, i)
            guard !parts.isEmpty else { continue }
            context.claim(graph, nodes: [i])
            found += parts
        }
        guard !found.isEmpty else { return spans }
        return spans + found
    }

    private static func layers(_ graph: GraphIndex, _ i: Int) -> [LayerSpan] {
        let node = graph.nodes[i]
        var result: [LayerSpan] = []
        for (table, indices, role) in tables {
            guard let w = node.input(table).flatMap({ graph.traceWeight($0) }), w.dims.count == 2 else { continue }
            let layer = Layer(
                name: name(graph, i, weights: [w.weight.name], role: "\(role)_embeddings"), kind: .embedding,
                nodes: [graph.label(i)] + w.via.map(graph.label), weights: [w.weight.name],
                hyper: [.vocabSize: .int(w.dims[0]), .width: .int(w.dims[1])], stored: w.elements)
            result.append(LayerSpan(layer: layer, graph: graph, nodeIndices: [i] + w.via, input: node.input(indices), output: nil))
        }
        guard let gamma = node.input(5).flatMap({ graph.traceWeight($0) }) else { return result }
        let beta = node.input(6).flatMap { graph.traceWeight($0) }
        let weights = [gamma.weight.name] + (beta.map { [$0.weight.name] } ?? [])
        var norm = Layer(
            name: name(graph, i, weights: weights, role: "LayerNorm"), kind: .layerNorm,
            nodes: [graph.label(i)], weights: weights, hyper: [.width: .int(gamma.elements)],
            stored: gamma.elements + (beta?.elements ?? 0))
        if beta == nil { norm.observations.append(.noBias) }
        result.append(LayerSpan(layer: norm, graph: graph, nodeIndices: [i], input: nil, output: node.outputs.first))
        return result
    }

    /// The module path the weights carry (`embeddings.word_embeddings`), else the node's label and the part's role.
    private static func name(_ graph: GraphIndex, _ i: Int, weights: [String], role: String) -> String {
        LayerNaming.weightStem(weights) ?? "\(graph.label(i)).\(role)"
    }
}
