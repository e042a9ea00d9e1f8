/// Convolutions: `Conv`, `ConvTranspose`, `QLinearConv` and `ConvInteger` (with its dynamic
/// scale tail and the bias `Add` after it), `DequantizeLinear`→`Conv` (QDQ), 1-D to 3-D,
/// grouped and depthwise.
enum ConvRecognizer: NodeRecognizer {
    /// The ops `match` starts from.
    static let anchorOps: Set<String>? = ["Conv", "ConvTranspose", "QLinearConv", "ConvInteger"]

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.isDefaultDomain else { return nil }
        // (weight slot, bias slot, quantization-parameter slots)
        let slots: (Int, Int?, [Int])
        switch node.opType {
        case "Conv", "ConvTranspose": slots = (1, 2, [])
        case "QLinearConv": slots = (3, 8, [1, 2, 6, 7])
        case "ConvInteger": slots = (1, nil, [])
        default: return nil
        }
        guard node.inputs.count > slots.0, let w = graph.traceWeight(node.inputs[slots.0]), w.weight.dims.count >= 3 else {
            return nil
        }
        let groups = node.intAttribute("group") ?? 1
        let transposed = node.opType == "ConvTranspose"
        let inChannels = transposed ? w.weight.dims[0] : Saturating.mul(w.weight.dims[1], groups)
        let outChannels = transposed ? Saturating.mul(w.weight.dims[1], groups) : w.weight.dims[0]
        var biasTrace: WeightTrace?
        if let b = slots.1, node.inputs.count > b, !node.inputs[b].isEmpty {
            biasTrace = graph.traceWeight(node.inputs[b])
        }
        var nodes = [i] + w.via
        var output = node.outputs.first
        var quantized: QuantizedWeight?
        switch node.opType {
        case "QLinearConv":
            quantized = QuantizedWeight(graph, scheme: .qoperator, weight: w.weight, scale: node.input(4), zeroPoint: node.input(5),
                                        axis: 0)
        case "ConvInteger":
            // Inputs x, w, x_zero_point, w_zero_point; the scales are in the float tail, the bias in an Add after it.
            let scale = DynamicScale(graph, after: i)
            if let scale {
                nodes += scale.nodes
                if let (add, b) = biasAdd(graph, after: scale.last, channels: outChannels) {
                    biasTrace = b
                    nodes += [add] + b.via
                    output = graph.nodes[add].outputs.first
                } else {
                    output = graph.nodes[scale.last].outputs.first
                }
            }
            quantized = QuantizedWeight(graph, scheme: .dynamic, weight: w.weight, scale: scale?.scale, zeroPoint: node.input(3),
                                        axis: 0)
        default:
            quantized = QuantizedWeight(dequantized: w, graph)
        }
        let bias = biasTrace?.weight
        let parameters = QuantizedWeight.weights(graph, node, slots: slots.2)
        let weights = [w.weight.name] + (bias.map { [$0.name] } ?? [])
        var observations: [LayerObservation] = []
        if bias == nil { observations.append(.noBias) }
        let rule = node.metadata.first { $0.key == "pkg.onnxscript.rewriter.rule_name" }?.value ?? ""
        if rule.contains("BatchNorm") {
            observations.append(.foldedBatchNorm)
        } else if bias != nil, w.weight.name.hasPrefix("onnx::") {
            observations.append(.possiblyFoldedBatchNorm)
        }
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: weights),
            kind: transposed ? .convTranspose : .conv,
            nodes: nodes.sorted().map(graph.label), weights: weights,
            hyper: [.inChannels: .int(inChannels), .outChannels: .int(outChannels),
                    .kernel: .ints(Array(w.weight.dims.dropFirst(2))), .groups: .int(groups), .bias: .bool(bias != nil)],
            stored: Saturating.add(elements(w.weight), bias.map(elements) ?? 0),
            observations: observations)
        if let quantized { layer.quantize(quantized, extra: parameters + QuantizedWeight.overhead(of: biasTrace, graph)) }
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: QuantizedActivation.source(graph, node.inputs[0]), output: output)
    }

    /// The bias `Add` after a convolution's output: the only consumer, adding a weight of one
    /// value per output channel (shaped [C] or [1, C, 1, 1]).
    private static func biasAdd(_ graph: GraphIndex, after i: Int, channels: Int64) -> (Int, WeightTrace)? {
        guard let out = graph.nodes[i].outputs.first else { return nil }
        let uses = graph.uses(of: out)
        guard uses.count == 1, graph.nodes[uses[0].node].opType == "Add" else { return nil }
        let add = graph.nodes[uses[0].node]
        guard add.inputs.count == 2, let b = graph.traceWeight(add.inputs[1 - uses[0].slot]), b.elements == channels,
              b.dims.filter({ $0 != 1 }).count <= 1 else { return nil }
        return (uses[0].node, b)
    }
}
