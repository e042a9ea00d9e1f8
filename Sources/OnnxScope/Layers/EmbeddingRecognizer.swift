/// Embeddings: `Gather` (axis 0) reading rows of a 2-D floating-point weight.
enum EmbeddingRecognizer {
    static func recognize(_ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        var spans: [LayerSpan] = []
        for (i, node) in graph.nodes.enumerated()
        where node.isDefaultDomain && node.opType == "Gather" && !context.isClaimed(graph, i) {
            guard (node.intAttribute("axis") ?? 0) == 0, node.inputs.count == 2,
                  let w = graph.traceWeight(node.inputs[0]), w.weight.dims.count == 2, w.weight.dataType.isFloatingPoint
            else { continue }
            let nodes = [i] + w.via
            let layer = Layer(
                name: LayerNaming.name(graph, nodes: nodes, weights: [w.weight.name]), kind: .embedding,
                nodes: nodes.sorted().map(graph.label), weights: [w.weight.name],
                hyper: ["vocabSize": .int(w.weight.dims[0]), "width": .int(w.weight.dims[1])],
                stored: elements(w.weight))
            context.claim(graph, nodes: nodes)
            spans.append(LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: node.inputs[1], output: node.outputs.first))
        }
        return spans
    }
}
