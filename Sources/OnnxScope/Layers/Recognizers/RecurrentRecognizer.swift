/// The ONNX recurrent ops `RNN`, `GRU` and `LSTM`. Consecutive nodes of one stack (each
/// reading the previous one's output) are grouped under one layer, with a child per layer.
enum RecurrentRecognizer: NodeRecognizer {
    /// The ops `match` starts from.
    static let anchorOps: Set<String>? = ["RNN", "GRU", "LSTM"]

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.isDefaultDomain else { return nil }
        return switch node.opType {
        case "RNN": layer(graph, i, kind: .rnn)
        case "GRU": layer(graph, i, kind: .gru)
        case "LSTM": layer(graph, i, kind: .lstm)
        default: nil
        }
    }

    private static func layer(_ graph: GraphIndex, _ i: Int, kind: LayerKind) -> LayerSpan? {
        let node = graph.nodes[i]
        let gates: Int64 = kind == .lstm ? 4 : kind == .gru ? 3 : 1
        guard node.inputs.count >= 3, let shape = shape(graph, node, gates: gates),
              let w = graph.weightSources(node.inputs[1]), let r = graph.weightSources(node.inputs[2]) else { return nil }
        let (directions, hidden) = (shape.directions, shape.hidden)
        var weights = w.weights + r.weights.filter { x in !w.weights.contains { $0.name == x.name } }
        var nodes = [i] + w.via + r.via
        var observations: [LayerObservation] = []
        if node.inputs.count > 3, !node.inputs[3].isEmpty, let b = graph.weightSources(node.inputs[3]) {
            weights += b.weights.filter { x in !weights.contains { $0.name == x.name } }
            nodes += b.via
            if b.weights.count == 1, b.via.isEmpty,
               recurrentBiasIsZero(graph, b.weights[0], gates: gates, hidden: hidden, directions: directions) {
                observations.append(.recurrentBiasAllZero)
            }
        } else {
            observations.append(.noBias)
        }
        if kind == .lstm, node.inputs.count > 7, !node.inputs[7].isEmpty, let p = graph.weightSources(node.inputs[7]) {
            weights += p.weights.filter { x in !weights.contains { $0.name == x.name } }
            nodes += p.via
            observations.append(.peepholes)
        }
        nodes = Array(Set(nodes))
        // Initial states (inputs 5 and 6) stored as constants are non-trainable state.
        var states: [StoredWeight] = []
        for slot in [5, 6] where node.inputs.count > slot && !node.inputs[slot].isEmpty {
            if let s = constantSource(graph, node.inputs[slot]), !states.contains(where: { $0.name == s.name }) {
                states.append(s)
            }
        }
        let stateElements = states.map(elements).saturatingSum
        if !states.isEmpty { observations.append(.foldedInitialStates(stateElements)) }
        var hyper: Hyper = [
            .inputSize: .int(shape.input), .hiddenSize: .int(hidden), .directions: .int(directions),
        ]
        if kind == .gru { hyper[.linearBeforeReset] = .bool((node.intAttribute("linear_before_reset") ?? 0) != 0) }
        if kind == .lstm { hyper[.peepholes] = .bool(observations.contains(.peepholes)) }
        let names = weights.map(\.name) + states.map(\.name)
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: [i], weights: names), kind: kind,
            nodes: nodes.sorted().map(graph.label), weights: names, hyper: hyper,
            stored: weights.map(elements).saturatingSum, nonTrainable: stateElements, observations: observations)
        layer.nonTrainableWeights = states.map(\.name)
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: node.inputs[0], output: node.outputs.first)
    }

    /// Directions, hidden and input size of a recurrent op: from W and R as stored when
    /// they reach the op whole, else from the `direction` and `hidden_size` attributes and
    /// the element count of the weights W is assembled from (dirs·gates·h·i).
    private static func shape(
        _ graph: GraphIndex, _ node: Node, gates: Int64
    ) -> (directions: Int64, hidden: Int64, input: Int64)? {
        if let w = graph.traceWeight(node.inputs[1]), let r = graph.traceWeight(node.inputs[2]), !w.isPart, !r.isPart,
           w.dims.count == 3, r.dims.count == 3 {
            return (w.dims[0], node.intAttribute("hidden_size") ?? r.dims[2], w.dims[2])
        }
        let directions: Int64 = node.stringAttribute("direction") == "bidirectional" ? 2 : 1
        guard let hidden = node.intAttribute("hidden_size"), hidden > 0, hidden < 1 << 24,
              let w = graph.weightSources(node.inputs[1]) else { return nil }
        let perInput = Saturating.mul(Saturating.mul(directions, gates), hidden)
        let total = w.weights.reduce(Int64(0)) { Saturating.add($0, elements($1)) }
        guard perInput > 0, total > 0, total % perInput == 0 else { return nil }
        return (directions, hidden, total / perInput)
    }

    /// A stored weight a state input comes from through `Expand` and pass-through ops.
    private static func constantSource(_ graph: GraphIndex, _ value: String) -> StoredWeight? {
        var current = value
        for _ in 0..<8 {
            if let w = graph.traceWeight(current) { return w.weight }
            guard let p = graph.producer(of: current), graph.nodes[p].opType == "Expand" || graph.nodes[p].opType == "Tile",
                  let next = graph.nodes[p].inputs.first else { return nil }
            current = next
        }
        return nil
    }

    /// True when the R-bias half of every direction of B is all zero.
    private static func recurrentBiasIsZero(
        _ graph: GraphIndex, _ b: StoredWeight, gates: Int64, hidden: Int64, directions: Int64
    ) -> Bool {
        // Gates are 1 to 4 and directions 1 or 2; dims from a hostile file may be anything.
        guard (1...4).contains(gates), (1...2).contains(directions), hidden > 0, hidden < 1 << 40 else { return false }
        let half = Int(gates * hidden)
        guard let values = graph.numbers(b.name), values.count == Int(directions) * 2 * half else { return false }
        for d in 0..<Int(directions) {
            let start = d * 2 * half + half
            if values[start..<(start + half)].contains(where: { $0 != 0 }) { return false }
        }
        return true
    }
}
