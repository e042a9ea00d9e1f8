/// Dense (fully connected) layers: `Gemm`; `MatMul` with a weight on either side and an
/// optional bias `Add`; and the quantized forms `MatMulInteger`, `QLinearMatMul`,
/// `DequantizeLinear`→`MatMul` (through the weight trace) and com.microsoft `MatMulNBits`.
enum DenseRecognizer: NodeRecognizer {
    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        return switch (node.domain, node.opType) {
        case ("", "Gemm"), ("ai.onnx", "Gemm"): gemm(graph, i)
        case ("", "MatMul"), ("ai.onnx", "MatMul"), ("", "MatMulInteger"), ("ai.onnx", "MatMulInteger"):
            matMul(graph, i, weightSlots: [1, 0])
        case ("", "QLinearMatMul"), ("ai.onnx", "QLinearMatMul"): matMul(graph, i, weightSlots: [3, 0])
        case ("com.microsoft", "MatMulNBits"): matMulNBits(graph, i)
        default: nil
        }
    }

    private static func gemm(_ graph: GraphIndex, _ i: Int) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.inputs.count >= 2, var w = graph.traceWeight(node.inputs[1]) else { return nil }
        if !w.shapeKnown || w.dims.count != 2 {
            // A reshape to a computed shape: the bias after the op tells the output size.
            guard let o = downstreamBias(graph, after: i)?.elements, o > 0, w.elements % o == 0 else { return nil }
            let transB = node.intAttribute("transB") == 1
            w.dims = transB ? [o, w.elements / o] : [w.elements / o, o]
        }
        let transB = node.intAttribute("transB") == 1
        let (inSize, outSize) = transB ? (w.dims[1], w.dims[0]) : (w.dims[0], w.dims[1])
        var bias: WeightTrace?
        if node.inputs.count >= 3, !node.inputs[2].isEmpty, let b = graph.traceWeight(node.inputs[2]) {
            bias = b
        }
        var nodes = [i] + w.via
        var output = node.outputs.first
        if bias == nil, let (addIndex, b) = biasAdd(graph, after: i, size: outSize) {
            bias = b
            nodes.append(addIndex)
            nodes.append(contentsOf: b.via)
            output = graph.nodes[addIndex].outputs.first
        } else if bias == nil, let b = downstreamBias(graph, after: i), b.elements == outSize {
            bias = b
        }
        return make(graph, nodes: nodes, input: node.inputs[0], output: output, weight: w, bias: bias,
                    inSize: inSize, outSize: outSize, transposed: w.transposed)
    }

    private static func matMul(_ graph: GraphIndex, _ i: Int, weightSlots: [Int]) -> LayerSpan? {
        let node = graph.nodes[i]
        let activationSlot = weightSlots[1]
        let weightSlot = weightSlots[0]
        guard node.inputs.count > max(weightSlot, activationSlot) else { return nil }
        // x·W (weight second) is the usual form; W·x (weight first) also occurs.
        let trace: WeightTrace
        let activation: String
        let weightFirst: Bool
        switch (graph.traceWeight(node.inputs[activationSlot]), graph.traceWeight(node.inputs[weightSlot])) {
        case (nil, let w?): (trace, activation, weightFirst) = (w, node.inputs[activationSlot], false)
        case (let w?, nil): (trace, activation, weightFirst) = (w, node.inputs[weightSlot], true)
        default: return nil
        }
        let w = trace
        guard w.dims.count == 2 else { return nil }
        let (inSize, outSize) = weightFirst ? (w.dims[1], w.dims[0]) : (w.dims[0], w.dims[1])
        var nodes = [i] + w.via
        var extra: [String] = []
        if node.opType == "QLinearMatMul" {
            extra = [1, 2, 4, 5, 6, 7].compactMap { node.inputs.indices.contains($0) ? graph.traceWeight(node.inputs[$0])?.weight.name : nil }
        }
        for v in w.via where graph.nodes[v].opType == "DequantizeLinear" {
            extra += graph.nodes[v].inputs.dropFirst().compactMap { graph.traceWeight($0)?.weight.name }
        }
        var bias: WeightTrace?
        var output = node.outputs.first
        if let (addIndex, b) = biasAdd(graph, after: i, size: outSize) {
            bias = b
            nodes.append(addIndex)
            nodes.append(contentsOf: b.via)
            output = graph.nodes[addIndex].outputs.first
        }
        var span = make(graph, nodes: nodes, input: activation, output: output, weight: w, bias: bias,
                        inSize: inSize, outSize: outSize, transposed: w.transposed)
        span.layer.weights += extra
        span.layer.nonTrainableWeights = extra
        span.layer.nonTrainable = Saturating.add(span.layer.nonTrainable, extra.compactMap { graph.weight($0) }.map(elements).saturatingSum)
        return span
    }

    /// com.microsoft MatMulNBits: the sizes are attributes; the weight is packed.
    private static func matMulNBits(_ graph: GraphIndex, _ i: Int) -> LayerSpan? {
        let node = graph.nodes[i]
        guard let k = node.intAttribute("K"), let n = node.intAttribute("N"), node.inputs.count >= 2,
              let w = graph.traceWeight(node.inputs[1]) else { return nil }
        let extras = node.inputs.dropFirst(2).compactMap { $0.isEmpty ? nil : graph.traceWeight($0)?.weight }
        let weights = [w.weight.name] + extras.map(\.name)
        let name = LayerNaming.name(graph, nodes: [i], weights: weights)
        let bits = node.intAttribute("bits") ?? 4
        let layer = Layer(
            name: name, kind: .dense, nodes: [graph.label(i)], weights: weights,
            hyper: [.inputSize: .int(k), .outputSize: .int(n), .bias: .bool(node.inputs.count > 5 && !node.inputs[5].isEmpty),
                    .bits: .int(bits)],
            stored: Saturating.add(elements(w.weight), extras.map(elements).saturatingSum),
            observations: [.quantized("weights packed \(bits) bits per element, with per-block scales")])
        return LayerSpan(layer: layer, graph: graph, nodeIndices: [i], input: node.inputs[0], output: node.outputs.first)
    }

    /// An `Add` that is the only consumer of node `i`'s output and adds a weight of `size` elements.
    static func biasAdd(_ graph: GraphIndex, after i: Int, size: Int64) -> (Int, WeightTrace)? {
        guard let out = graph.nodes[i].outputs.first else { return nil }
        let uses = graph.uses(of: out)
        guard uses.count == 1, graph.nodes[uses[0].node].opType == "Add" else { return nil }
        let add = graph.nodes[uses[0].node]
        guard add.inputs.count == 2, let b = graph.traceWeight(add.inputs[1 - uses[0].slot]),
              b.elements == size, b.dims.last == size else { return nil }
        return (uses[0].node, b)
    }

    /// A 1-D bias added after the op's output has passed through reshapes (as tf2onnx
    /// writes einsum projections): the `Add` at the end of a single-use chain of shape ops.
    static func downstreamBias(_ graph: GraphIndex, after i: Int) -> WeightTrace? {
        guard var current = graph.nodes[i].outputs.first else { return nil }
        for _ in 0..<4 {
            let uses = graph.uses(of: current)
            guard uses.count == 1 else { return nil }
            let node = graph.nodes[uses[0].node]
            if node.opType == "Add", node.inputs.count == 2 {
                guard let b = graph.traceWeight(node.inputs[1 - uses[0].slot]), b.dims.count == 1 else { return nil }
                return b
            }
            guard ["Reshape", "Squeeze", "Unsqueeze"].contains(node.opType), let out = node.outputs.first else { return nil }
            current = out
        }
        return nil
    }

    private static func make(
        _ graph: GraphIndex, nodes: [Int], input: String, output: String?, weight: WeightTrace, bias: WeightTrace?,
        inSize: Int64, outSize: Int64, transposed: Bool
    ) -> LayerSpan {
        let weights = [weight.weight.name] + (bias.map { [$0.weight.name] } ?? [])
        var observations: [LayerObservation] = []
        if bias == nil { observations.append(.noBias) }
        if transposed { observations.append(.transposedWeight) }
        for part in [weight] + (bias.map { [$0] } ?? []) where part.isPart {
            observations.append(.partOfPackedWeight(part.weight.name))
        }
        let layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: weights), kind: .dense,
            nodes: nodes.sorted().map(graph.label), weights: weights,
            hyper: [.inputSize: .int(inSize), .outputSize: .int(outSize), .bias: .bool(bias != nil)],
            stored: Saturating.add(weight.elements, bias?.elements ?? 0), observations: observations)
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: input, output: output)
    }
}
