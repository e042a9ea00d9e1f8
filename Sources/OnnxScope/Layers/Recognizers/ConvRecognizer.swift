/// Convolutions: `Conv`, `ConvTranspose`, `QLinearConv` and `ConvInteger`, 1-D to 3-D,
/// grouped and depthwise.
enum ConvRecognizer: NodeRecognizer {
    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.isDefaultDomain else { return nil }
        // (weight slot, bias slot, quantization-parameter slots)
        let slots: (Int, Int?, [Int])
        switch node.opType {
        case "Conv", "ConvTranspose": slots = (1, 2, [])
        case "QLinearConv": slots = (3, 8, [1, 2, 4, 5, 6, 7])
        case "ConvInteger": slots = (1, nil, [2, 3])
        default: return nil
        }
        guard node.inputs.count > slots.0, let w = graph.traceWeight(node.inputs[slots.0]), w.weight.dims.count >= 3 else {
            return nil
        }
        let groups = node.intAttribute("group") ?? 1
        let transposed = node.opType == "ConvTranspose"
        let inChannels = transposed ? w.weight.dims[0] : Saturating.mul(w.weight.dims[1], groups)
        let outChannels = transposed ? Saturating.mul(w.weight.dims[1], groups) : w.weight.dims[0]
        var bias: StoredWeight?
        if let b = slots.1, node.inputs.count > b, !node.inputs[b].isEmpty {
            bias = graph.traceWeight(node.inputs[b])?.weight
        }
        let quantization = slots.2.compactMap { node.inputs.indices.contains($0) ? graph.traceWeight(node.inputs[$0])?.weight : nil }
        var weights = [w.weight.name] + (bias.map { [$0.name] } ?? [])
        weights += quantization.map(\.name)
        var observations: [LayerObservation] = []
        if bias == nil { observations.append(.noBias) }
        let rule = node.metadata.first { $0.key == "pkg.onnxscript.rewriter.rule_name" }?.value ?? ""
        if rule.contains("BatchNorm") {
            observations.append(.foldedBatchNorm)
        } else if bias != nil, w.weight.name.hasPrefix("onnx::") {
            observations.append(.possiblyFoldedBatchNorm)
        }
        if !quantization.isEmpty { observations.append(.quantized("\(node.opType) with stored scales and zero points")) }
        let nodes = [i] + w.via
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: weights),
            kind: transposed ? .convTranspose : .conv,
            nodes: nodes.sorted().map(graph.label), weights: weights,
            hyper: [.inChannels: .int(inChannels), .outChannels: .int(outChannels),
                    .kernel: .ints(Array(w.weight.dims.dropFirst(2))), .groups: .int(groups), .bias: .bool(bias != nil)],
            stored: Saturating.add(elements(w.weight), bias.map(elements) ?? 0),
            nonTrainable: quantization.map(elements).saturatingSum,
            observations: observations)
        layer.nonTrainableWeights = quantization.map(\.name)
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: node.inputs[0], output: node.outputs.first)
    }
}
