/// Group and instance normalization, as in diffusion UNets and many CNNs:
/// - the opset-18/21 `GroupNormalization` op (scale and bias per channel, or per group at opset 18);
/// - PyTorch's `nn.GroupNorm` as both exporters write it: Reshape to [N, G, -1] →
///   `InstanceNormalization` with constant ones and zeros of G elements → Reshape back →
///   Mul γ [C, 1, 1] → Add β [C, 1, 1];
/// - `InstanceNormalization` itself: learnt scale and bias (`affine=True`), or constant ones
///   and zeros (`affine=False`: no parameters, the constants are non-trainable).
enum GroupNormRecognizer: NodeRecognizer {
    /// The ops `match` starts from.
    static let anchorOps: Set<String>? = ["GroupNormalization", "InstanceNormalization"]

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.isDefaultDomain, node.inputs.count >= 3,
              let scale = graph.traceWeight(node.inputs[1]), let bias = graph.traceWeight(node.inputs[2])
        else { return nil }
        switch node.opType {
        case "GroupNormalization":
            guard let groups = node.intAttribute("num_groups") else { return nil }
            var hyper: Hyper = [.groups: .int(groups)]
            // At opset 18 scale and bias hold one value per group, and the channels are not stored.
            if elements(scale.weight) != groups { hyper[.width] = .int(elements(scale.weight)) }
            return span(graph, kind: .groupNorm, nodes: [i] + scale.via + bias.via, trainable: [scale.weight, bias.weight],
                        constants: [], hyper: hyper, input: node.inputs[0], output: node.outputs.first)
        case "InstanceNormalization":
            if let grouped = decomposedGroupNorm(graph, i, scale: scale, bias: bias, context) { return grouped }
            let width = elements(scale.weight)
            let constant = isConstant(graph, scale.weight, 1) && isConstant(graph, bias.weight, 0)
            return span(graph, kind: .instanceNorm, nodes: [i] + scale.via + bias.via,
                        trainable: constant ? [] : [scale.weight, bias.weight], constants: constant ? [scale.weight, bias.weight] : [],
                        hyper: [.width: .int(width)], input: node.inputs[0], output: node.outputs.first)
        default:
            return nil
        }
    }

    /// Reshape → InstanceNormalization(ones, zeros) → Reshape → Mul γ → Add β, anchored at the
    /// InstanceNormalization node `i`.
    private static func decomposedGroupNorm(
        _ graph: GraphIndex, _ i: Int, scale: WeightTrace, bias: WeightTrace, _ context: RecognitionContext
    ) -> LayerSpan? {
        let node = graph.nodes[i]
        guard let before = graph.producer(of: node.inputs[0]), graph.nodes[before].opType == "Reshape",
              let out = node.outputs.first, let after = single(graph, out, op: "Reshape"),
              let reshaped = graph.nodes[after].outputs.first, let mul = single(graph, reshaped, op: "Mul"),
              let gamma = operand(graph, mul, besides: reshaped),
              let scaled = graph.nodes[mul].outputs.first, let add = single(graph, scaled, op: "Add"),
              let beta = operand(graph, add, besides: scaled),
              elements(gamma.weight) == elements(beta.weight), elements(gamma.weight) > elements(scale.weight)
        else { return nil }
        let nodes = [before, i, after, mul, add] + scale.via + bias.via + gamma.via + beta.via
        guard !nodes.contains(where: { context.isClaimed(graph, $0) }) else { return nil }
        return span(graph, kind: .groupNorm, nodes: nodes, trainable: [gamma.weight, beta.weight],
                    constants: [scale.weight, bias.weight],
                    hyper: [.groups: .int(elements(scale.weight)), .width: .int(elements(gamma.weight))],
                    input: graph.nodes[before].inputs.first, output: graph.nodes[add].outputs.first)
    }

    /// The node reading `value`, when it is the only reader and an `op`.
    private static func single(_ graph: GraphIndex, _ value: String, op: String) -> Int? {
        let uses = graph.uses(of: value)
        guard uses.count == 1, graph.nodes[uses[0].node].opType == op else { return nil }
        return uses[0].node
    }

    /// The weight that node `n` combines with `value`.
    private static func operand(_ graph: GraphIndex, _ n: Int, besides value: String) -> WeightTrace? {
        let inputs = graph.nodes[n].inputs
        guard inputs.count == 2, let other = inputs.first(where: { $0 != value }) else { return nil }
        return graph.traceWeight(other)
    }

    /// True when every stored value of `weight` equals `value`.
    private static func isConstant(_ graph: GraphIndex, _ weight: StoredWeight, _ value: Double) -> Bool {
        guard let numbers = graph.numbers(weight.name), !numbers.isEmpty else { return false }
        return numbers.allSatisfy { $0 == value }
    }

    private static func span(
        _ graph: GraphIndex, kind: LayerKind, nodes: [Int], trainable: [StoredWeight], constants: [StoredWeight],
        hyper: Hyper, input: String?, output: String?
    ) -> LayerSpan {
        let names = trainable.map(\.name) + constants.map(\.name)
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: names), kind: kind,
            nodes: Array(Set(nodes)).sorted().map(graph.label), weights: names, hyper: hyper,
            stored: trainable.map(elements).saturatingSum, nonTrainable: constants.map(elements).saturatingSum,
            observations: trainable.isEmpty ? [.constantAffine] : [])
        layer.nonTrainableWeights = constants.map(\.name)
        return LayerSpan(layer: layer, graph: graph, nodeIndices: Array(Set(nodes)).sorted(), input: input, output: output)
    }
}
