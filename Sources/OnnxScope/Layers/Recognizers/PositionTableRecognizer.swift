/// Learnt tables added to or put before a sequence that no embedding lookup reads:
/// - a position table added as it is stored, `x + table` with a [T, x] or [1, T, x] weight
///   (ViT's `position_embeddings`, Keras position tables): an Embedding of T rows;
/// - a class token concatenated before the sequence, `Concat(Expand(token), x)` with a
///   [1, 1, x] weight (ViT's `cls_token`): an Embedding of one row.
/// Runs after the Dense and Embedding recognizers, which claim bias adds and folded tables.
enum PositionTableRecognizer: NodeRecognizer {
    /// The ops `match` starts from.
    static let anchorOps: Set<String>? = ["Add", "Concat"]

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.isDefaultDomain else { return nil }
        switch node.opType {
        case "Add":
            guard node.inputs.count == 2 else { return nil }
            for slot in 0..<2 {
                guard let w = graph.traceWeight(node.inputs[slot]), w.weight.dataType.isFloatingPoint,
                      graph.weight(node.inputs[1 - slot]) == nil, !graph.isMaterializedConstant(node.inputs[1 - slot])
                else { continue }
                let dims = w.weight.dims
                guard dims.count == 2 || (dims.count == 3 && dims[0] == 1), dims[dims.count - 2] >= 2, dims[dims.count - 1] >= 2,
                      !isMask(graph, w.weight) else { continue }
                return span(graph, nodes: [i] + w.via, weight: w.weight, rows: dims[dims.count - 2], width: dims[dims.count - 1],
                            role: "positions", input: node.inputs[1 - slot], output: node.outputs.first)
            }
            return nil
        case "Concat":
            for input in node.inputs {
                // Expand(token, [1, 1, x]) folded by the exporter: the token itself is stored.
                if let w = graph.weight(input), w.dataType.isFloatingPoint, w.dims.count == 3, w.dims[0] == 1, w.dims[1] == 1,
                   node.inputs.contains(where: { graph.weight($0) == nil }) {
                    return span(graph, nodes: [i], weight: w, rows: 1, width: w.dims[2], role: "class_token",
                                input: node.inputs.first { $0 != input }, output: node.outputs.first)
                }
                guard let p = graph.producer(of: input), ["Expand", "Tile"].contains(graph.nodes[p].opType),
                      let source = graph.nodes[p].inputs.first, let w = graph.traceWeight(source), w.weight.dataType.isFloatingPoint,
                      w.weight.dims.count == 3, w.weight.dims[0] == 1, w.weight.dims[1] == 1 else { continue }
                let sequence = node.inputs.first { $0 != input }
                return span(graph, nodes: [i, p] + w.via, weight: w.weight, rows: 1, width: w.weight.dims[2], role: "class_token",
                            input: sequence, output: node.outputs.first)
            }
            return nil
        default:
            return nil
        }
    }

    /// An additive attention mask folded to a constant: every value 0 or minus infinity
    /// (or a large negative stand-in for it). Not a learnt table.
    private static func isMask(_ graph: GraphIndex, _ weight: StoredWeight) -> Bool {
        guard let values = graph.numbers(weight.name) else { return false }
        return values.allSatisfy { $0 == 0 || $0 <= -1e4 }
    }

    private static func span(
        _ graph: GraphIndex, nodes: [Int], weight: StoredWeight, rows: Int64, width: Int64, role: String,
        input: String?, output: String?
    ) -> LayerSpan {
        // A framework-named parameter names itself (`embeddings.position_embeddings`).
        let named = !weight.name.hasPrefix("onnx::") && weight.name.utf8.contains(UInt8(ascii: ".")) && !weight.name.hasSuffix(".weight")
        // tf2onnx names a table after the TF op that read it, inside its Keras layer's scope
        // (`model/embed/positions/embedding_lookup/Identity:0`, `model/pos_embed/add/ReadVariableOp:0`).
        let tensorFlow = LayerNaming.isTensorFlowName(weight.name) ? LayerNaming.tensorFlowWeightScope(weight.name) : nil
        let name = tensorFlow ?? (named ? weight.name : "\(LayerNaming.name(graph, nodes: nodes)).\(role)")
        let layer = Layer(
            name: name, kind: .embedding, nodes: nodes.sorted().map(graph.label), weights: [weight.name],
            hyper: [.vocabSize: .int(rows), .width: .int(width)], stored: elements(weight))
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: input, output: output)
    }
}
