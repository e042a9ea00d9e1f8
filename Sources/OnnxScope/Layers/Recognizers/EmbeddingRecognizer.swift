/// Embeddings: `Gather` (axis 0) reading rows of a 2-D floating-point weight; and a
/// position table an exporter folded for the example's length: a [T, x] (or [1, T, x])
/// weight added to an embedding's output.
enum EmbeddingRecognizer: NodeRecognizer {
    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.isDefaultDomain, node.opType == "Gather", (node.intAttribute("axis") ?? 0) == 0, node.inputs.count == 2,
              let w = graph.traceWeight(node.inputs[0]), w.weight.dims.count == 2, w.weight.dataType.isFloatingPoint
        else { return nil }
        let nodes = [i] + w.via
        let layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: [w.weight.name]), kind: .embedding,
            nodes: nodes.sorted().map(graph.label), weights: [w.weight.name],
            hyper: [.vocabSize: .int(w.weight.dims[0]), .width: .int(w.weight.dims[1])],
            stored: elements(w.weight))
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: node.inputs[1], output: node.outputs.first)
    }

    static func follow(_ found: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        found.compactMap { positionTable(after: $0, graph, &context) }
    }

    /// A folded position table added to the output of `embedding`.
    private static func positionTable(after embedding: LayerSpan, _ graph: GraphIndex, _ context: inout RecognitionContext) -> LayerSpan? {
        guard let out = embedding.output else { return nil }
        let width = embedding.layer.int(.width)
        for use in graph.uses(of: out) where graph.nodes[use.node].opType == "Add" && !context.isClaimed(graph, use.node) {
            let add = graph.nodes[use.node]
            guard add.inputs.count == 2, let w = graph.traceWeight(add.inputs[1 - use.slot]), w.weight.dataType.isFloatingPoint,
                  w.weight.dims.last == width else { continue }
            let dims = w.weight.dims
            guard dims.count == 2 || (dims.count == 3 && dims[0] == 1) else { continue }
            let rows = dims[dims.count - 2]
            let nodes = [use.node] + w.via
            let layer = Layer(
                name: "\(embedding.layer.name).positions", kind: .embedding,
                nodes: nodes.sorted().map(graph.label), weights: [w.weight.name],
                hyper: [.vocabSize: .int(rows), .width: .int(width)], stored: elements(w.weight),
                observations: [.positionTable(rows: rows)])
            context.claim(graph, nodes: nodes)
            return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: out, output: add.outputs.first)
        }
        return nil
    }
}
