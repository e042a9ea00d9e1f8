/// The ONNX recurrent ops `RNN`, `GRU` and `LSTM`. Consecutive nodes of one stack (each
/// reading the previous one's output) are grouped under one layer, with a child per layer.
enum RecurrentRecognizer {
    static func recognize(_ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        var singles: [LayerSpan] = []
        for (i, node) in graph.nodes.enumerated() where node.isDefaultDomain && !context.isClaimed(graph, i) {
            let kind: LayerKind
            switch node.opType {
            case "RNN": kind = .rnn
            case "GRU": kind = .gru
            case "LSTM": kind = .lstm
            default: continue
            }
            guard let span = layer(graph, i, kind: kind) else { continue }
            context.claim(graph, nodes: span.nodeIndices)
            singles.append(span)
        }
        return singles
    }

    private static func layer(_ graph: GraphIndex, _ i: Int, kind: LayerKind) -> LayerSpan? {
        let node = graph.nodes[i]
        guard node.inputs.count >= 3, let w = graph.traceWeight(node.inputs[1]), let r = graph.traceWeight(node.inputs[2]),
              w.weight.dims.count == 3, r.weight.dims.count == 3 else { return nil }
        let gates: Int64 = kind == .lstm ? 4 : kind == .gru ? 3 : 1
        let directions = w.weight.dims[0]
        let hidden = node.intAttribute("hidden_size") ?? r.weight.dims[2]
        var weights = [w.weight, r.weight]
        var nodes = [i] + w.via + r.via
        var observations: [LayerObservation] = []
        if node.inputs.count > 3, !node.inputs[3].isEmpty, let b = graph.traceWeight(node.inputs[3]) {
            weights.append(b.weight)
            nodes += b.via
            if recurrentBiasIsZero(graph, b.weight, gates: gates, hidden: hidden, directions: directions) {
                observations.append(.recurrentBiasAllZero)
            }
        } else {
            observations.append(.noBias)
        }
        if kind == .lstm, node.inputs.count > 7, !node.inputs[7].isEmpty, let p = graph.traceWeight(node.inputs[7]) {
            weights.append(p.weight)
            observations.append(.peepholes)
        }
        // Initial states (inputs 5 and 6) stored as constants are non-trainable state.
        var states: [StoredWeight] = []
        for slot in [5, 6] where node.inputs.count > slot && !node.inputs[slot].isEmpty {
            if let s = constantSource(graph, node.inputs[slot]), !states.contains(where: { $0.name == s.name }) {
                states.append(s)
            }
        }
        let stateElements = states.map(elements).saturatingSum
        if !states.isEmpty { observations.append(.foldedInitialStates(stateElements)) }
        var hyper: [String: HyperValue] = [
            "inputSize": .int(w.weight.dims[2]), "hiddenSize": .int(hidden), "directions": .int(directions),
        ]
        if kind == .gru { hyper["linearBeforeReset"] = .bool((node.intAttribute("linear_before_reset") ?? 0) != 0) }
        if kind == .lstm { hyper["peepholes"] = .bool(observations.contains(.peepholes)) }
        let names = weights.map(\.name) + states.map(\.name)
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: [i], weights: names), kind: kind,
            nodes: nodes.sorted().map(graph.label), weights: names, hyper: hyper,
            stored: weights.map(elements).saturatingSum, nonTrainable: stateElements, observations: observations)
        layer.nonTrainableWeights = states.map(\.name)
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: node.inputs[0], output: node.outputs.first)
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

    /// Groups recurrent layers where each reads the previous one's output into stacks.
    static func stacks(_ singles: [LayerSpan], _ graph: GraphIndex) -> [LayerSpan] {
        var result: [LayerSpan] = []
        var used = Set<Int>()
        let sorted = singles.sorted { $0.order < $1.order }
        for (k, first) in sorted.enumerated() where !used.contains(k) {
            var chain = [first]
            used.insert(k)
            var last = first
            while let next = sorted.indices.first(where: { j in
                !used.contains(j) && sorted[j].layer.kind == first.layer.kind
                    && feeds(graph, from: Set(last.nodeIndices), to: sorted[j].input)
            }) {
                used.insert(next)
                chain.append(sorted[next])
                last = sorted[next]
            }
            if chain.count == 1 {
                result.append(first)
                continue
            }
            let name = LayerNaming.commonPrefix(chain.map(\.layer.name)) ?? first.layer.name
            var children = chain.map(\.layer)
            for c in children.indices { children[c].name = "\(name).layer\(c)" }
            var hyper = first.layer.hyper
            hyper["layers"] = .int(Int64(chain.count))
            let stack = Layer(
                name: name, kind: first.layer.kind, nodes: children.flatMap(\.nodes), weights: [], hyper: hyper,
                stored: children.map(\.stored).saturatingSum, nonTrainable: children.map(\.nonTrainable).saturatingSum,
                children: children)
            result.append(LayerSpan(
                layer: stack, graph: graph, nodeIndices: chain.flatMap(\.nodeIndices), input: first.input, output: last.output))
        }
        return result
    }

    /// True when `value` is computed from outputs of the nodes `from` through shape-only ops
    /// and concatenation (an unrolled layer's steps are concatenated into the next one's input).
    private static func feeds(_ graph: GraphIndex, from: Set<Int>, to value: String?) -> Bool {
        guard let value else { return false }
        let shapeOnly: Set<String> = ["Transpose", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Cast", "Flatten", "Concat"]
        var pending = [value]
        var seen = Set<String>()
        while let v = pending.popLast(), seen.count < 256 {
            guard seen.insert(v).inserted, let p = graph.producer(of: v) else { continue }
            if from.contains(p) { return true }
            if shapeOnly.contains(graph.nodes[p].opType) {
                pending += graph.nodes[p].inputs.filter { !$0.isEmpty && graph.weight($0) == nil }
            }
        }
        return false
    }
}
