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
        // Conv1D as tf2onnx writes it: Unsqueeze → Conv2D with a [O, I, 1, k] kernel → Squeeze;
        // the lifted axis is taken off the kernel again (and the bias is added after the Squeeze).
        var kernel = Array(w.weight.dims.dropFirst(2))
        if node.opType == "Conv" || node.opType == "ConvTranspose", let lift = RankLifting(graph, conv: i, kernel: kernel) {
            kernel = lift.kernel
            nodes.append(lift.squeeze)
            output = graph.nodes[lift.squeeze].outputs.first
        }
        if biasTrace == nil, node.opType == "Conv" || node.opType == "ConvTranspose", let out = output,
           let (chain, add, b) = reshapedBias(graph, after: out, channels: outChannels) {
            biasTrace = b
            nodes += chain + [add] + b.via
            output = graph.nodes[add].outputs.first
        }
        let bias = biasTrace?.weight
        let parameters = QuantizedWeight.weights(graph, node, slots: slots.2)
        let weights = [w.weight.name] + (bias.map { [$0.name] } ?? [])
        var observations: [LayerObservation] = []
        if bias == nil { observations.append(.noBias) }
        let rule = node.metadata.first { $0.key == "pkg.onnxscript.rewriter.rule_name" }?.value ?? ""
        if rule.contains("BatchNorm") {
            observations.append(.foldedBatchNorm)
        } else if w.weight.name.hasSuffix("_weights_fused_bn") {
            // tf2onnx's Conv + BatchNormalization fusion: new weights `<conv>_weights_fused_bn` and
            // `_bias_fused_bn`; the Conv writes the BatchNorm's output value, which names its layer.
            let absorbed = node.outputs.first.flatMap(LayerNaming.tensorFlowScope)
            observations.append(absorbed.map { .foldedBatchNormLayer($0) } ?? .foldedBatchNorm)
        } else if bias != nil, w.weight.name.hasPrefix("onnx::") {
            observations.append(.possiblyFoldedBatchNorm)
        }
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: weights),
            kind: transposed ? .convTranspose : .conv,
            nodes: nodes.sorted().map(graph.label), weights: weights,
            hyper: [.inChannels: .int(inChannels), .outChannels: .int(outChannels),
                    .kernel: .ints(kernel), .groups: .int(groups), .bias: .bool(bias != nil)],
            stored: Saturating.add(elements(w.weight), bias.map(elements) ?? 0),
            observations: observations)
        if let quantized { layer.quantize(quantized, extra: parameters + QuantizedWeight.overhead(of: biasTrace, graph)) }
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: QuantizedActivation.source(graph, node.inputs[0]), output: output)
    }

    /// The bias `Add` after a convolution's output has passed through Squeeze, Reshape or
    /// Transpose (each the only reader), adding one value per output channel (`[C]`,
    /// `[1, C, 1]`): tf2onnx's Conv1D adds it after the Squeeze. `value` is the conv's output.
    private static func reshapedBias(_ graph: GraphIndex, after value: String, channels: Int64) -> ([Int], Int, WeightTrace)? {
        var current = value
        var chain: [Int] = []
        for _ in 0..<3 {
            let uses = graph.uses(of: current).filter { !GraphIndex.shapeReaders.contains(graph.nodes[$0.node].opType) }
            guard uses.count == 1 else { return nil }
            let node = graph.nodes[uses[0].node]
            if node.opType == "Add", node.inputs.count == 2 {
                guard let b = graph.traceWeight(node.inputs[1 - uses[0].slot]), b.elements == channels,
                      b.weight.dataType.isFloatingPoint, b.dims.filter({ $0 != 1 }).count <= 1 else { return nil }
                return (chain, uses[0].node, b)
            }
            guard ["Squeeze", "Reshape", "Transpose"].contains(node.opType), let out = node.outputs.first else { return nil }
            chain.append(uses[0].node)
            current = out
        }
        return nil
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

/// A convolution of lower rank lifted to the op's rank, as tf2onnx writes Keras Conv1D:
/// `Unsqueeze` of the input (through an optional `Transpose`), a Conv whose kernel is 1 along
/// the added axis, and a `Squeeze` of that axis from the output. The true kernel leaves the
/// squeezed spatial axes out (`[1, 5]` → `[5]`).
struct RankLifting {
    /// The kernel without the lifted axes.
    var kernel: [Int64]
    /// The `Squeeze` that takes the lifted axes off the output.
    var squeeze: Int

    init?(_ graph: GraphIndex, conv i: Int, kernel: [Int64]) {
        let node = graph.nodes[i]
        guard let out = node.outputs.first, let input = node.inputs.first else { return nil }
        let uses = graph.uses(of: out).filter { !GraphIndex.shapeReaders.contains(graph.nodes[$0.node].opType) }
        guard uses.count == 1, graph.nodes[uses[0].node].opType == "Squeeze" else { return nil }
        let squeeze = graph.nodes[uses[0].node]
        guard let axes = squeeze.intsAttribute("axes") ?? (squeeze.inputs.count > 1 ? graph.integers(squeeze.inputs[1]) : nil),
              !axes.isEmpty else { return nil }
        // The input was lifted: an Unsqueeze (or a Reshape) before the conv, through a Transpose.
        var value = input
        var lifted = false
        for _ in 0..<3 {
            guard let p = graph.producer(of: value) else { break }
            let op = graph.nodes[p].opType
            if op == "Unsqueeze" || op == "Reshape" {
                lifted = true
                break
            }
            guard op == "Transpose", let next = graph.nodes[p].inputs.first else { break }
            value = next
        }
        guard lifted else { return nil }
        let rank = Int64(kernel.count + 2)
        var drop = Set<Int>()
        for a in axes {
            let axis = a < 0 ? a + rank : a
            // Only spatial axes (2...) whose kernel size is 1 can be the lifted ones.
            guard axis >= 2, axis < rank, kernel[Int(axis - 2)] == 1 else { return nil }
            drop.insert(Int(axis - 2))
        }
        guard drop.count < kernel.count else { return nil }
        self.kernel = kernel.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        self.squeeze = uses[0].node
    }
}
