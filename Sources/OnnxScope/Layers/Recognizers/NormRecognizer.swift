/// Normalization layers: `LayerNormalization` and its decomposed forms (ReduceMean, Sub, Pow,
/// ReduceMean, Add, Sqrt, Div, Mul γ, Add β; tf2onnx's Keras form, `TensorFlowLayerNorm`),
/// `BatchNormalization`,
/// and RMS norm (com.microsoft `SimplifiedLayerNormalization`, or decomposed:
/// Pow, ReduceMean, Add, Sqrt, Div or Reciprocal·Mul, Mul γ).
enum NormRecognizer: NodeRecognizer {
    /// The ops `match` starts from.
    static let anchorOps: Set<String>? = [
        "LayerNormalization", "SkipLayerNormalization", "SimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization",
        "RMSNormalization", "BatchNormalization", "Div", "Mul",
    ]

    /// A `Mul` or `Div` anchors a norm written out in ops (``decomposed(_:_:_:)``, tf2onnx's
    /// ``TensorFlowLayerNorm``), and both take a mean of their graph's own nodes: in a graph
    /// with no mean op, they are not tried (a graph of many dense blocks has a Mul in each).
    static func anchorOps(in graph: GraphIndex) -> Set<String>? {
        graph.hasNode(ofType: meanOps) ? anchorOps : anchorOps?.subtracting(["Mul", "Div"])
    }

    /// The ops a written-out norm takes its mean with.
    private static let meanOps: Set<String> = ["ReduceMean", "GlobalAveragePool"]

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        return switch (node.isDefaultDomain ? "" : node.domain, node.opType) {
        case ("", "LayerNormalization"), ("com.microsoft", "LayerNormalization"), ("com.microsoft", "SkipLayerNormalization"):
            fused(graph, i, kind: .layerNorm, scaleSlot: node.opType.hasPrefix("Skip") ? 2 : 1)
        // onnxruntime registers SimplifiedLayerNormalization in the default domain too (the genai builder writes it there).
        case ("com.microsoft", "SimplifiedLayerNormalization"), ("", "SimplifiedLayerNormalization"),
             ("com.microsoft", "SkipSimplifiedLayerNormalization"):
            fused(graph, i, kind: .rmsNorm, scaleSlot: node.opType.hasPrefix("Skip") ? 2 : 1)
        case ("", "RMSNormalization"):
            fused(graph, i, kind: .rmsNorm, scaleSlot: 1)
        case ("", "BatchNormalization"):
            batchNorm(graph, i)
        case ("", "Mul"):
            TensorFlowLayerNorm.match(graph, i, context).map {
                span(graph, nodes: $0.nodes, kind: .layerNorm, width: elements($0.gamma), weights: [$0.gamma] + ($0.beta.map { [$0] } ?? []),
                     input: $0.input, output: $0.output)
            } ?? decomposed(graph, i, context)
        case ("", "Div"):
            decomposed(graph, i, context)
        default:
            nil
        }
    }

    private static func fused(_ graph: GraphIndex, _ i: Int, kind: LayerKind, scaleSlot: Int) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.inputs.count > scaleSlot, let scale = graph.traceWeight(node.inputs[scaleSlot]) else { return nil }
        var weights = [scale.weight]
        // An RMS norm has no β: input 3 of com.microsoft SkipSimplifiedLayerNormalization is the bias of the layer before.
        if kind != .rmsNorm, node.inputs.count > scaleSlot + 1, !node.inputs[scaleSlot + 1].isEmpty,
           let bias = graph.traceWeight(node.inputs[scaleSlot + 1]) {
            weights.append(bias.weight)
        }
        return span(graph, nodes: [i] + scale.via, kind: kind, width: elements(scale.weight), weights: weights,
                    input: node.inputs[0], output: node.outputs.first)
    }

    private static func batchNorm(_ graph: GraphIndex, _ i: Int) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.inputs.count >= 5 else { return nil }
        let traces = node.inputs[1...4].map { graph.traceWeight($0) }
        guard let scale = traces[0]?.weight else { return nil }
        let trainable = traces[0...1].compactMap { $0?.weight }
        let statistics = traces[2...3].compactMap { $0?.weight }
        var result = span(graph, nodes: [i], kind: .batchNorm, width: elements(scale), weights: trainable,
                          input: node.inputs[0], output: node.outputs.first)
        result.layer.weights += statistics.map(\.name)
        result.layer.nonTrainableWeights = statistics.map(\.name)
        result.layer.nonTrainable = statistics.map(elements).saturatingSum
        if !statistics.isEmpty { result.layer.observations.append(.runningStatistics) }
        return result
    }

    /// A decomposed norm, found from its final normalizing `Div` (or `Mul` by a reciprocal).
    private static func decomposed(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.inputs.count == 2 else { return nil }
        // y = centered / sqrt(var + eps)  or  centered * reciprocal(sqrt(var + eps))
        var denominator = node.inputs[1]
        var numerator = node.inputs[0]
        var nodes = [i]
        if node.opType == "Mul" {
            // x · Reciprocal(s), or x · (1 / s) as TorchScript writes torch.rsqrt.
            let pick = [0, 1].first { graph.producer(ofInput: $0, of: i).map { isReciprocal(graph, $0) } ?? false }
            guard let r = pick, let rec = graph.producer(ofInput: r, of: i) else { return nil }
            nodes.append(rec)
            denominator = graph.nodes[rec].inputs.last ?? ""
            numerator = node.inputs[1 - r]
        } else if graph.nodes[i].inputs.count == 2, graph.integers(node.inputs[0]) != nil || graph.numbers(node.inputs[0], limit: 1) != nil {
            return nil  // 1 / s itself is the reciprocal, not the norm's division
        }
        guard let sqrt = graph.producer(of: denominator), graph.nodes[sqrt].opType == "Sqrt",
              let add = graph.producer(of: graph.nodes[sqrt].inputs.first ?? ""), graph.nodes[add].opType == "Add",
              let meanIndex = graph.nodes[add].inputs.compactMap({ graph.producer(of: $0) })
                  .first(where: { graph.nodes[$0].opType == "ReduceMean" }),
              let square = graph.producer(of: graph.nodes[meanIndex].inputs.first ?? ""),
              ["Pow", "Mul"].contains(graph.nodes[square].opType)
        else { return nil }
        nodes += [sqrt, add, meanIndex, square]
        let squared = graph.nodes[square].inputs.first ?? ""
        var kind = LayerKind.rmsNorm
        var input = numerator
        // LayerNorm centres first: numerator = x - ReduceMean(x), and the square reads it.
        if let sub = graph.producer(of: numerator), graph.nodes[sub].opType == "Sub", graph.nodes[sub].inputs.count == 2,
           squared == numerator,
           let centre = graph.producer(of: graph.nodes[sub].inputs[1]), graph.nodes[centre].opType == "ReduceMean" {
            kind = .layerNorm
            nodes += [sub, centre]
            input = graph.nodes[sub].inputs[0]
        } else if squared != numerator {
            return nil
        }
        // Then γ (Mul) and, for LayerNorm, β (Add).
        guard let out = node.outputs.first, let (gammaNode, gamma) = affine(graph, after: out, op: "Mul") else { return nil }
        nodes.append(gammaNode)
        var weights = [gamma.weight]
        var output = graph.nodes[gammaNode].outputs.first
        if let o = output, let (betaNode, beta) = affine(graph, after: o, op: "Add"), elements(beta.weight) == elements(gamma.weight) {
            nodes.append(betaNode)
            weights.append(beta.weight)
            output = graph.nodes[betaNode].outputs.first
            kind = kind == .rmsNorm ? .rmsNorm : .layerNorm
        }
        guard !nodes.contains(where: { context.isClaimed(graph, $0) }) else { return nil }
        // The ε and the exponent 2 are stored constants of the layer too (non-trainable).
        let constants = [add, square].flatMap { graph.nodes[$0].inputs }.compactMap { graph.traceWeight($0)?.weight }
            .filter { elements($0) == 1 }
        var result = span(graph, nodes: nodes, kind: kind, width: elements(gamma.weight), weights: weights, input: input, output: output)
        result.layer.weights += constants.map(\.name)
        result.layer.nonTrainableWeights = constants.map(\.name)
        result.layer.nonTrainable = Int64(constants.count)
        return result
    }

    /// `Reciprocal(s)`, or `Div(1, s)`.
    private static func isReciprocal(_ graph: GraphIndex, _ n: Int) -> Bool {
        let node = graph.nodes[n]
        if node.opType == "Reciprocal" { return true }
        guard node.opType == "Div", node.inputs.count == 2, let one = graph.numbers(node.inputs[0], limit: 1) else { return false }
        return one == [1]
    }

    /// The single `op` consumer of `value` (through `Cast`s back to the model's type) whose
    /// other operand is a weight.
    private static func affine(_ graph: GraphIndex, after value: String, op: String) -> (Int, WeightTrace)? {
        var current = value
        var uses = graph.uses(of: current)
        while uses.count == 1, graph.nodes[uses[0].node].opType == "Cast", let out = graph.nodes[uses[0].node].outputs.first {
            current = out
            uses = graph.uses(of: current)
        }
        guard uses.count == 1, graph.nodes[uses[0].node].opType == op, graph.nodes[uses[0].node].inputs.count == 2,
              let w = graph.traceWeight(graph.nodes[uses[0].node].inputs[1 - uses[0].slot]), elements(w.weight) > 1
        else { return nil }
        return (uses[0].node, w)
    }

    private static func span(
        _ graph: GraphIndex, nodes: [Int], kind: LayerKind, width: Int64, weights: [StoredWeight], input: String?, output: String?
    ) -> LayerSpan {
        let names = weights.map(\.name)
        var observations: [LayerObservation] = []
        if kind != .rmsNorm, weights.count < 2 { observations.append(.noBias) }
        let layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: names), kind: kind,
            nodes: nodes.sorted().map(graph.label), weights: names, hyper: [.width: .int(width)],
            stored: weights.map(elements).saturatingSum, observations: observations)
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: input, output: output)
    }
}
