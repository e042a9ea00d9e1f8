/// Simple recurrences that exporters unroll instead of emitting an `RNN` op:
/// - the PyTorch dynamo exporter unrolls `nn.RNN` per time step: every step multiplies
///   the previous hidden state by the same square weight R and adds a slice of one
///   hoisted input projection x·W;
/// - tf2onnx puts a Keras `SimpleRNN` cell into a `Loop` body, whose state input is
///   multiplied by R and added to x_t·W.
/// A step is an activation (`Tanh`, `Relu`, `Sigmoid`) of a sum holding R·h.
enum UnrolledRecurrenceRecognizer: SpanGrouper {
    private static let activations: Set<String> = ["Tanh", "Relu", "Sigmoid"]
    private static let sliceOps: Set<String> = ["Slice", "Squeeze", "Unsqueeze", "Gather", "Split", "Reshape", "Identity"]

    private struct Step {
        var activation: Int
        var recurrent: WeightTrace?
        var nodes: [Int]
        var biases: [StoredWeight]
        var folded: [StoredWeight]
        var inputProjection: (weight: WeightTrace, nodes: [Int], bias: StoredWeight?, input: String)?
    }

    static func group(_ found: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        // Each step is read from the graph alone: on all cores, for graphs with many activations.
        let candidates = graph.nodes(ofType: activations).filter { graph.nodes[$0].isDefaultDomain && !context.isClaimed(graph, $0) }
        let steps = ParallelWork.map(candidates) { step(graph, $0) }.compactMap { $0 }
        // Steps belong together when they slice the same input projection.
        var byProjection: [String: [Step]] = [:]
        var order: [String] = []
        for s in steps {
            guard let key = s.inputProjection?.weight.weight.name else { continue }
            if byProjection[key] == nil { order.append(key) }
            byProjection[key, default: []].append(s)
        }
        var spans: [LayerSpan] = []
        for name in order {
            guard let group = byProjection[name], let projection = group.compactMap(\.inputProjection).first,
                  let r = group.compactMap(\.recurrent).first?.weight,
                  group.allSatisfy({ $0.recurrent == nil || $0.recurrent?.weight.name == r.name }) else { continue }
            let inLoop = graph.parent != nil && group.count == 1
            guard inLoop || group.count >= 2 else { continue }
            var trainable = [projection.weight.weight, r]
            if let b = projection.bias { trainable.append(b) }
            for b in group.flatMap(\.biases) where !trainable.contains(where: { $0.name == b.name }) { trainable.append(b) }
            var folded: [StoredWeight] = []
            for f in group.flatMap(\.folded) where !folded.contains(where: { $0.name == f.name }) { folded.append(f) }
            let nodes = Array(Set(group.flatMap(\.nodes) + projection.nodes)).sorted()
            let how = inLoop ? "into a Loop body (one step per iteration)" : "per time step (\(group.count) steps)"
            var observations: [LayerObservation] = [.unrolled(how)]
            if !folded.isEmpty { observations.append(.foldedInitialStates(folded.map(elements).saturatingSum)) }
            let names = trainable.map(\.name) + folded.map(\.name)
            var layer = Layer(
                name: LayerNaming.name(graph, nodes: nodes, weights: names), kind: .rnn,
                nodes: nodes.map(graph.label), weights: names,
                hyper: [.inputSize: .int(projection.weight.weight.dims[0]), .hiddenSize: .int(r.dims[0]), .directions: .int(1)],
                stored: trainable.map(elements).saturatingSum, nonTrainable: folded.map(elements).saturatingSum,
                observations: observations)
            layer.nonTrainableWeights = folded.map(\.name)
            context.claim(graph, nodes: nodes)
            spans.append(LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: projection.input,
                                   output: graph.nodes[group[group.count - 1].activation].outputs.first))
        }
        guard !spans.isEmpty else { return found }
        return found + spans
    }

    /// The recurrence step ending in activation node `a`, if its input sums R·h with an input term.
    private static func step(_ graph: GraphIndex, _ a: Int) -> Step? {
        guard let input = graph.nodes[a].inputs.first else { return nil }
        // Values with their numbers in the graph, found from the nodes' wiring (no name hashed).
        var terms: [(value: String, number: Int?)] = []
        var addNodes: [Int] = []
        var pending = [(input, graph.inputNumber(a, 0))]
        while let (v, k) = pending.popLast(), addNodes.count < 6 {
            if let p = k.flatMap(graph.producer(ofNumber:)), graph.nodes[p].opType == "Add" {
                addNodes.append(p)
                pending += graph.nodes[p].inputs.enumerated().map { ($0.element, graph.inputNumber(p, $0.offset)) }
            } else {
                terms.append((v, k))
            }
        }
        var recurrent: WeightTrace?
        var matMuls: [Int] = []
        var biases: [StoredWeight] = []
        var folded: [StoredWeight] = []
        // The last direct input projection x·W: its MatMul and weight.
        var projection: (node: Int, weight: WeightTrace)?
        var other: [String] = []
        for (t, k) in terms {
            if let w = graph.traceWeight(t, number: k) {
                if w.weight.dims.count == 1 { biases.append(w.weight) } else { folded.append(w.weight) }
            } else if let p = k.flatMap(graph.producer(ofNumber:)), graph.nodes[p].opType == "MatMul", graph.nodes[p].inputs.count == 2,
                      let w = graph.traceWeight(input: 1, of: p), w.weight.dims.count == 2 {
                if w.weight.dims[0] == w.weight.dims[1], recurrent == nil, isState(graph, graph.nodes[p].inputs[0], number: graph.inputNumber(p, 0)) {
                    recurrent = w
                } else {
                    projection = (p, w)
                    other.append(graph.nodes[p].inputs[0])
                }
                matMuls.append(p)
            } else {
                other.append(t)
            }
        }
        // A step without R·h is the first one, whose R·h0 + b was folded into a constant.
        guard recurrent != nil || !folded.isEmpty else { return nil }
        var step = Step(activation: a, recurrent: recurrent, nodes: [a] + addNodes + matMuls + (recurrent?.via ?? []),
                        biases: biases, folded: folded)
        if let (p, w) = projection {
            step.inputProjection = (w, [p] + w.via, nil, other.first ?? "")
        } else if let term = other.first, let hoisted = hoistedProjection(graph, term) {
            step.inputProjection = hoisted
        }
        return step
    }

    /// True when `value` is a recurrent state: a body input (no producer, not a weight) or
    /// the output of an earlier activation. `k` is its number in the graph (no name is hashed).
    private static func isState(_ graph: GraphIndex, _ value: String, number k: Int?) -> Bool {
        guard let p = k.flatMap(graph.producer(ofNumber:)) else { return graph.weight(value, number: k) == nil }
        return activations.contains(graph.nodes[p].opType) || graph.nodes[p].opType == "Identity"
    }

    /// The hoisted input projection x·W + b that a per-step term slices.
    private static func hoistedProjection(
        _ graph: GraphIndex, _ value: String
    ) -> (weight: WeightTrace, nodes: [Int], bias: StoredWeight?, input: String)? {
        var current = value
        var nodes: [Int] = []
        for _ in 0..<6 {
            guard let p = graph.producer(of: current) else { return nil }
            let node = graph.nodes[p]
            if sliceOps.contains(node.opType), let next = node.inputs.first {
                nodes.append(p)
                current = next
                continue
            }
            var bias: StoredWeight?
            var matMul = p
            if node.opType == "Add", node.inputs.count == 2 {
                let w = node.inputs.compactMap { graph.traceWeight($0) }.first
                guard let b = w, let other = node.inputs.first(where: { graph.traceWeight($0) == nil }),
                      let m = graph.producer(of: other) else { return nil }
                bias = b.weight
                nodes.append(p)
                matMul = m
            }
            guard graph.nodes[matMul].opType == "MatMul", graph.nodes[matMul].inputs.count == 2,
                  let w = graph.traceWeight(graph.nodes[matMul].inputs[1]),
                  w.weight.dims.count == 2 else { return nil }
            return (w, nodes + [matMul] + w.via, bias, graph.nodes[matMul].inputs[0])
        }
        return nil
    }
}
