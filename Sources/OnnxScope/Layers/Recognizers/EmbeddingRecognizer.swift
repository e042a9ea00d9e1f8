/// Embeddings: `Gather` (axis 0) reading rows of a 2-D floating-point weight, or of an
/// integer weight dequantized before the `Gather` or after it (`Gather` → `DequantizeLinear`,
/// as onnxruntime's dynamic quantization writes it); com.microsoft `GatherBlockQuantized`;
/// and a position table an exporter folded for the example's length: a [T, x] (or
/// [1, T, x]) weight added to an embedding's output.
enum EmbeddingRecognizer: NodeRecognizer {
    /// The ops `match` starts from.
    static let anchorOps: Set<String>? = ["Gather", "GatherBlockQuantized"]

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        if node.domain == "com.microsoft", node.opType == "GatherBlockQuantized" { return blockQuantized(graph, i) }
        guard node.isDefaultDomain, node.opType == "Gather", (node.intAttribute("axis") ?? 0) == 0, node.inputs.count == 2,
              let w = graph.traceWeight(node.inputs[0]), w.weight.dims.count == 2 else { return nil }
        var nodes = [i] + w.via
        var output = node.outputs.first
        var quantized = QuantizedWeight(dequantized: w, graph)
        if !w.weight.dataType.isFloatingPoint, quantized == nil {
            // Rows gathered from the integer table, then dequantized.
            guard let out = output, case let uses = graph.uses(of: out), uses.count == 1, uses[0].slot == 0,
                  graph.nodes[uses[0].node].opType == "DequantizeLinear" else { return nil }
            quantized = QuantizedWeight(dequantizeNode: uses[0].node, weight: w.weight, graph)
            nodes.append(uses[0].node)
            output = graph.nodes[uses[0].node].outputs.first
        }
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: [w.weight.name]), kind: .embedding,
            nodes: nodes.sorted().map(graph.label), weights: [w.weight.name],
            hyper: [.vocabSize: .int(w.weight.dims[0]), .width: .int(w.weight.dims[1])],
            stored: elements(w.weight))
        if let quantized { layer.quantize(quantized) }
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: node.inputs[1], output: output)
    }

    /// com.microsoft `GatherBlockQuantized`: inputs data, indices, scales, zero_points;
    /// `bits` (default 4) and `block_size` (default 128) attributes. 4-bit data stored as
    /// UINT8 packs two values per byte along the last axis.
    private static func blockQuantized(_ graph: GraphIndex, _ i: Int) -> LayerSpan? {
        let node = graph.nodes[i]
        guard (node.intAttribute("gather_axis") ?? 0) == 0, node.inputs.count >= 3,
              let w = graph.traceWeight(node.inputs[0]), w.weight.dims.count == 2 else { return nil }
        let bits = node.intAttribute("bits") ?? 4
        let perByte: Int64 = w.weight.dataType.bitsPerElement == 8 && bits == 4 ? 2 : 1
        let width = Saturating.mul(w.weight.dims[1], perByte)
        let logical = Saturating.mul(w.weight.dims[0], width)
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: [i], weights: [w.weight.name]), kind: .embedding,
            nodes: [graph.label(i)], weights: [w.weight.name],
            hyper: [.vocabSize: .int(w.weight.dims[0]), .width: .int(width)], stored: logical)
        let zeroPoint = node.inputs.count > 3 ? node.inputs[3] : nil
        var q = QuantizedWeight(graph, scheme: .blockwise, weight: w.weight, scale: node.inputs[2], zeroPoint: zeroPoint,
                                axis: node.intAttribute("quantize_axis") ?? 1, blockSize: node.intAttribute("block_size") ?? 128,
                                bits: bits)
        if perByte > 1 { q.packed = (w.weight.name, logical) }
        layer.quantize(q)
        return LayerSpan(layer: layer, graph: graph, nodeIndices: [i] + w.via, input: node.inputs[1], output: node.outputs.first)
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
            // tf2onnx keeps the Keras position layer's scope in the folded table's name
            // (`model/embed/positions/embedding_lookup/Identity:0`).
            let tensorFlow = LayerNaming.isTensorFlowName(w.weight.name) ? LayerNaming.tensorFlowWeightScope(w.weight.name) : nil
            let layer = Layer(
                name: tensorFlow ?? "\(embedding.layer.name).positions", kind: .embedding,
                nodes: nodes.sorted().map(graph.label), weights: [w.weight.name],
                hyper: [.vocabSize: .int(rows), .width: .int(width)], stored: elements(w.weight),
                observations: [.positionTable(rows: rows)])
            context.claim(graph, nodes: nodes)
            return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: out, output: add.outputs.first)
        }
        return nil
    }
}
