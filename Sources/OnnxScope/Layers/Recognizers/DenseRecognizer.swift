/// Dense (fully connected) layers: `Gemm`; `MatMul` (and com.microsoft `FusedMatMul`) with a
/// weight on either side and an optional bias (an `Add`, or the bias input of a following
/// com.microsoft `BiasGelu`, `FastGelu` or `Skip(Simplified)LayerNormalization`); and the
/// quantized forms: `MatMulInteger` with its dynamic scale tail, `QLinearMatMul`,
/// com.microsoft `QGemm`, `DequantizeLinear`→`MatMul`/`Gemm` (through the weight trace) and
/// com.microsoft `MatMulNBits`.
enum DenseRecognizer: NodeRecognizer {
    /// The ops `match` starts from.
    static let anchorOps: Set<String>? = ["Gemm", "QGemm", "MatMul", "MatMulInteger", "FusedMatMul", "QLinearMatMul", "MatMulNBits"]

    /// `match` reads the graph only, never the claims.
    static let matchReadsClaims = false

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        return switch (node.isDefaultDomain ? "" : node.domain, node.opType) {
        case ("", "Gemm"): gemm(graph, i, slots: (1, 2), quantization: [])
        case ("com.microsoft", "QGemm"): gemm(graph, i, slots: (3, 6), quantization: [1, 2, 4, 5, 7, 8])
        case ("", "MatMul"), ("", "MatMulInteger"), ("com.microsoft", "FusedMatMul"): matMul(graph, i, weightSlots: [1, 0])
        case ("", "QLinearMatMul"): matMul(graph, i, weightSlots: [3, 0])
        case ("com.microsoft", "MatMulNBits"): matMulNBits(graph, i)
        default: nil
        }
    }

    /// `Gemm` (weight slot 1, bias slot 2) or `QGemm` (3 and 6, with quantization-parameter slots).
    private static func gemm(_ graph: GraphIndex, _ i: Int, slots: (weight: Int, bias: Int), quantization: [Int]) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.inputs.count > slots.weight, var w = graph.traceWeight(input: slots.weight, of: i) else { return nil }
        if !w.shapeKnown || w.dims.count != 2 {
            // A reshape to a computed shape: the bias after the op tells the output size.
            guard let o = downstreamBias(graph, after: i)?.elements, o > 0, w.elements % o == 0 else { return nil }
            let transB = node.intAttribute("transB") == 1
            w.dims = transB ? [o, w.elements / o] : [w.elements / o, o]
        }
        let transB = node.intAttribute("transB") == 1
        let (inSize, outSize) = transB ? (w.dims[1], w.dims[0]) : (w.dims[0], w.dims[1])
        var bias: WeightTrace?
        if node.inputs.count > slots.bias, !node.inputs[slots.bias].isEmpty, let b = graph.traceWeight(input: slots.bias, of: i) {
            bias = b
        }
        var nodes = [i] + w.via
        var output = node.outputs.first
        if bias == nil, let (addIndex, b) = biasAdd(graph, after: i, size: outSize) {
            bias = b
            nodes.append(addIndex)
            nodes.append(contentsOf: b.via)
            output = graph.nodes[addIndex].outputs.first
        } else if bias == nil, let (chain, addIndex, b) = reshapedBias(graph, after: i, size: outSize) {
            bias = b
            nodes += chain + [addIndex] + b.via
            output = graph.nodes[addIndex].outputs.first
        } else if bias == nil, let b = downstreamBias(graph, after: i), b.elements == outSize {
            bias = b
        }
        var span = make(graph, nodes: nodes, input: node.inputs[0], output: output, weight: w, bias: bias,
                        inSize: inSize, outSize: outSize, transposed: w.transposed)
        let biasOverhead = QuantizedWeight.overhead(of: bias, graph)
        if quantization.isEmpty {
            if let q = QuantizedWeight(dequantized: w, graph) { span.layer.quantize(q, extra: biasOverhead) }
        } else {
            // QGemm: B's scale and zero point are slots 4 and 5; B is quantized along its output axis.
            let q = QuantizedWeight(graph, scheme: .qoperator, weight: w.weight, scale: node.input(4), zeroPoint: node.input(5),
                                    axis: transB ? 0 : 1)
            span.layer.quantize(q, extra: QuantizedWeight.weights(graph, node, slots: quantization))
        }
        return span
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
        switch (graph.traceWeight(input: activationSlot, of: i), graph.traceWeight(input: weightSlot, of: i)) {
        case (nil, let w?): (trace, activation, weightFirst) = (w, node.inputs[activationSlot], false)
        case (let w?, nil): (trace, activation, weightFirst) = (w, node.inputs[weightSlot], true)
        default: return nil
        }
        var w = trace
        guard w.dims.count == 2 else { return nil }
        if node.opType == "FusedMatMul", node.intAttribute(weightFirst ? "transA" : "transB") == 1 { w.dims.reverse() }
        let (inSize, outSize) = weightFirst ? (w.dims[1], w.dims[0]) : (w.dims[0], w.dims[1])
        var nodes = [i] + w.via
        var quantized: QuantizedWeight?
        var extra: [StoredWeight] = []
        var tail = i
        switch node.opType {
        case "MatMulInteger":
            // Inputs A, B, a_zero_point, b_zero_point; the scales are in the float tail.
            let scale = DynamicScale(graph, after: i)
            if let scale {
                nodes += scale.nodes
                tail = scale.last
            }
            quantized = QuantizedWeight(graph, scheme: .dynamic, weight: w.weight, scale: scale?.scale,
                                        zeroPoint: node.input(weightFirst ? 2 : 3), axis: weightFirst ? 0 : 1)
        case "QLinearMatMul":
            quantized = QuantizedWeight(graph, scheme: .qoperator, weight: w.weight, scale: node.input(weightSlot + 1),
                                        zeroPoint: node.input(weightSlot + 2), axis: weightFirst ? 0 : 1)
            extra = QuantizedWeight.weights(graph, node, slots: [1, 2, 4, 5, 6, 7])
        default:
            quantized = QuantizedWeight(dequantized: w, graph)
        }
        var bias: WeightTrace?
        var output = graph.nodes[tail].outputs.first
        if let (addIndex, b) = biasAdd(graph, after: tail, size: outSize) {
            bias = b
            nodes.append(addIndex)
            nodes.append(contentsOf: b.via)
            output = graph.nodes[addIndex].outputs.first
        } else if let (chain, addIndex, b) = reshapedBias(graph, after: tail, size: outSize) {
            bias = b
            nodes += chain + [addIndex] + b.via
            output = graph.nodes[addIndex].outputs.first
        } else if let b = normBias(graph, after: tail, size: outSize) {
            bias = b
        }
        var span = make(graph, nodes: nodes, input: activation, output: output, weight: w, bias: bias,
                        inSize: inSize, outSize: outSize, transposed: w.transposed)
        if let quantized { span.layer.quantize(quantized, extra: extra + QuantizedWeight.overhead(of: bias, graph)) }
        return span
    }

    /// com.microsoft MatMulNBits: inputs A, B (packed), scales, zero_points, g_idx, bias; K, N,
    /// bits and block_size are attributes. The layer stores K·N logical elements.
    private static func matMulNBits(_ graph: GraphIndex, _ i: Int) -> LayerSpan? {
        let node = graph.nodes[i]
        guard let k = node.intAttribute("K"), let n = node.intAttribute("N"), k > 0, n > 0, node.inputs.count >= 2,
              let packed = graph.traceWeight(input: 1, of: i) else { return nil }
        let bits = node.intAttribute("bits") ?? 4
        var nodes = [i] + packed.via
        var bias = node.input(5).flatMap { graph.traceWeight($0) }
        var output = node.outputs.first
        if bias == nil, let (addIndex, b) = biasAdd(graph, after: i, size: n) {
            bias = b
            nodes.append(addIndex)
            output = graph.nodes[addIndex].outputs.first
        } else if bias == nil {
            bias = normBias(graph, after: i, size: n)
        }
        let logical = Saturating.mul(k, n)
        var weight = packed
        weight.dims = [k, n]
        var span = make(graph, nodes: nodes, input: node.inputs[0], output: output, weight: weight, bias: bias,
                        inSize: k, outSize: n, transposed: false)
        var q = QuantizedWeight(graph, scheme: .blockwise, weight: packed.weight, scale: node.input(2), zeroPoint: node.input(3),
                                axis: 0, blockSize: node.intAttribute("block_size") ?? 32, bits: bits)
        q.packed = (packed.weight.name, logical)
        q.storage.layout = .matMulNBits(k: k, n: n)
        span.layer.quantize(q, extra: QuantizedWeight.weights(graph, node, slots: [4]))
        return span
    }

    /// A bias that onnxruntime's optimizer moved into the norm after the layer: input 4 of
    /// com.microsoft `SkipLayerNormalization`, input 3 of `SkipSimplifiedLayerNormalization`.
    static func normBias(_ graph: GraphIndex, after i: Int, size: Int64) -> WeightTrace? {
        guard !graph.nodes[i].outputs.isEmpty else { return nil }
        let uses = graph.uses(ofOutput: 0, of: i)
        guard uses.count == 1, uses[0].slot < 2 else { return nil }
        let norm = graph.nodes[uses[0].node]
        guard norm.domain == "com.microsoft" else { return nil }
        let slot: Int
        switch norm.opType {
        case "SkipLayerNormalization": slot = 4
        case "SkipSimplifiedLayerNormalization": slot = 3
        default: return nil
        }
        guard let b = norm.input(slot).flatMap({ graph.traceWeight($0) }), b.elements == size else { return nil }
        return b
    }

    /// An `Add` (or a com.microsoft `BiasGelu`/`FastGelu`) that is the only consumer of node
    /// `i`'s output and adds a weight of `size` elements.
    static func biasAdd(_ graph: GraphIndex, after i: Int, size: Int64) -> (Int, WeightTrace)? {
        guard !graph.nodes[i].outputs.isEmpty else { return nil }
        let uses = graph.uses(ofOutput: 0, of: i)
        guard uses.count == 1 else { return nil }
        let add = graph.nodes[uses[0].node]
        // com.microsoft BiasGelu and FastGelu add the bias (input 1) to input 0 before the activation.
        let fusedGelu = add.domain == "com.microsoft" && ["BiasGelu", "FastGelu", "Gelu"].contains(add.opType) && uses[0].slot == 0
        guard add.opType == "Add" || fusedGelu else { return nil }
        guard add.inputs.count == 2, let b = graph.traceWeight(input: 1 - uses[0].slot, of: uses[0].node),
              b.elements == size, b.dims.last == size else { return nil }
        return (uses[0].node, b)
    }

    /// A bias added after the op's output has passed through reshapes, squeezes or transposes,
    /// as tf2onnx writes Keras `Dense` on N-D inputs (`Tensordot`: Reshape → MatMul → Reshape →
    /// Add) and `EinsumDense` (MultiHeadAttention's projections: Gemm → Reshape → Squeeze → Add
    /// of a [heads, headDim] bias): the `Add` at the end of a chain of shape ops, each the only
    /// reader of the value before it, adding a weight of one value per output (`size` elements).
    /// Returns the chain's nodes, the `Add` and the bias.
    static func reshapedBias(_ graph: GraphIndex, after i: Int, size: Int64) -> ([Int], Int, WeightTrace)? {
        // The value followed is the first output of node `current`.
        guard !graph.nodes[i].outputs.isEmpty else { return nil }
        var current = i
        var chain: [Int] = []
        for _ in 0..<4 {
            let uses = graph.uses(ofOutput: 0, of: current).filter { !GraphIndex.shapeReaders.contains(graph.nodes[$0.node].opType) }
            guard uses.count == 1 else { return nil }
            let node = graph.nodes[uses[0].node]
            if node.opType == "Add", node.inputs.count == 2 {
                guard !chain.isEmpty, let b = graph.traceWeight(input: 1 - uses[0].slot, of: uses[0].node), b.elements == size,
                      b.weight.dataType.isFloatingPoint else { return nil }
                return (chain, uses[0].node, b)
            }
            guard ["Reshape", "Squeeze", "Unsqueeze", "Transpose"].contains(node.opType), node.isDefaultDomain,
                  !node.outputs.isEmpty else { return nil }
            chain.append(uses[0].node)
            current = uses[0].node
        }
        return nil
    }

    /// A 1-D bias added after the op's output has passed through reshapes (as tf2onnx
    /// writes einsum projections): the `Add` at the end of a single-use chain of shape ops.
    static func downstreamBias(_ graph: GraphIndex, after i: Int) -> WeightTrace? {
        guard !graph.nodes[i].outputs.isEmpty else { return nil }
        var current = i
        for _ in 0..<4 {
            let uses = graph.uses(ofOutput: 0, of: current)
            guard uses.count == 1 else { return nil }
            let node = graph.nodes[uses[0].node]
            if node.opType == "Add", node.inputs.count == 2 {
                guard let b = graph.traceWeight(input: 1 - uses[0].slot, of: uses[0].node), b.dims.count == 1 else { return nil }
                return b
            }
            guard ["Reshape", "Squeeze", "Unsqueeze"].contains(node.opType), !node.outputs.isEmpty else { return nil }
            current = uses[0].node
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
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: QuantizedActivation.source(graph, input), output: output)
    }
}
