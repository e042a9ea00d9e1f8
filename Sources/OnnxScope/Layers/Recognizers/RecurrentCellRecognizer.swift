/// LSTM, GRU and RNN cells written out as matrix products, as hand-written and converted
/// models do and as exporters write `nn.LSTMCell`, `nn.GRUCell` and `nn.RNNCell` stepped
/// in a Python loop:
/// - separate weights: x·W_ih (+ b_ih) and h·W_hh (+ b_hh) (`Gemm` or `MatMul`) added, whole
///   or gate by gate after a `Split`, then `Sigmoid`/`Tanh`; the gate count n is
///   W_hh's rows ÷ its columns (4 LSTM, 3 GRU, 1 RNN);
/// - one weight on concat(x, h) (+ one bias), split into n gates (4 LSTM, none for RNN).
///
/// A cell is a recurrence only with evidence of one: its state is a `Loop`/`Scan` body
/// input, or the same weights are used at two time steps or more (one layer, all steps).
enum RecurrentCellRecognizer: SpanGrouper {
    /// A matrix product by a stored 2-D weight, with its bias.
    private struct Projection {
        var node: Int
        var weight: WeightTrace
        var inputs: Int64
        var outputs: Int64
        var bias: WeightTrace?
        var biasNode: Int?
        var data: String
        var output: String
    }

    /// One time step of one cell.
    private struct Step {
        var kind: LayerKind
        var input: Projection
        var hidden: Projection?
        var merge: [Int]
        var hiddenSize: Int64
        var inputSize: Int64
        var key: String
    }

    private static let activations: Set<String> = ["Sigmoid", "Tanh", "Relu"]
    private static let gateArithmetic: Set<String> = ["Sigmoid", "Tanh", "Relu", "Mul", "Add", "Sub", "Split"]

    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        let candidates = graph.nodes(ofType: ["Gemm", "MatMul"]).filter { !context.isClaimed(graph, $0) }
        // Outside a Loop/Scan body a cell needs its weights at two steps or more: every
        // step's key names a weight, so with no weight read by two projections there is
        // nothing to find (a chain of plain Dense layers stops here). The weights alone are
        // traced first, before any projection is built: a projection reads its candidate's.
        if graph.parent == nil {
            var read = Set<ObjectIdentifier>()
            let shared = candidates.contains { i in
                guard graph.nodes[i].inputs.count >= 2, let w = graph.traceWeight(input: 1, of: i) else { return false }
                return !read.insert(ObjectIdentifier(w.weight)).inserted
            }
            guard shared else { return spans }
        }
        var projections: [Projection] = []
        for i in candidates {
            if let p = projection(graph, i) { projections.append(p) }
        }
        guard !projections.isEmpty else { return spans }
        if graph.parent == nil {
            var uses: [ObjectIdentifier: Int] = [:]
            for p in projections { uses[ObjectIdentifier(p.weight.weight), default: 0] += 1 }
            guard uses.values.contains(where: { $0 >= 2 }) else { return spans }
        }
        var steps = pairedSteps(graph, projections)
        let paired = Set(steps.flatMap { [$0.input.node] + ($0.hidden.map { [$0.node] } ?? []) })
        steps += projections.filter { !paired.contains($0.node) }.compactMap { concatStep(graph, $0) }

        var groups: [String: [Step]] = [:]
        var order: [String] = []
        for s in steps {
            if groups[s.key] == nil { order.append(s.key) }
            groups[s.key, default: []].append(s)
        }
        var found: [LayerSpan] = []
        for key in order {
            guard let group = groups[key], let first = group.first else { continue }
            let inLoop = graph.parent != nil && group.count == 1 && isBodyInput(graph, first.hidden?.data ?? stateInput(graph, first.input))
            guard inLoop || group.count >= 2 else { continue }
            let nodes = Set(group.flatMap { stepNodes(graph, $0) })
            guard !nodes.contains(where: { context.isClaimed(graph, $0) }) else { continue }
            let span = layer(graph, group, nodes: nodes.sorted(), inLoop: inLoop)
            context.claim(graph, nodes: span.nodeIndices)
            found.append(span)
        }
        guard !found.isEmpty else { return spans }
        return spans + found
    }

    /// `Gemm` or `MatMul` of an activation by a stored 2-D weight, with the bias it adds.
    private static func projection(_ graph: GraphIndex, _ i: Int) -> Projection? {
        let node = graph.nodes[i]
        // The data may be a stored constant: a first step's zero initial state.
        guard node.isDefaultDomain, node.opType == "Gemm" || node.opType == "MatMul", node.inputs.count >= 2,
              let w = graph.traceWeight(node.inputs[1]), w.dims.count == 2,
              let out = node.outputs.first else { return nil }
        let transposed = node.opType == "Gemm" && node.intAttribute("transB") == 1
        guard node.opType == "MatMul" || node.intAttribute("transA") ?? 0 == 0 else { return nil }
        let (inputs, outputs) = transposed ? (w.dims[1], w.dims[0]) : (w.dims[0], w.dims[1])
        var p = Projection(node: i, weight: w, inputs: inputs, outputs: outputs, data: node.inputs[0], output: out)
        if node.opType == "Gemm", node.inputs.count > 2, !node.inputs[2].isEmpty {
            guard let b = graph.traceWeight(node.inputs[2]), b.elements == outputs else { return nil }
            p.bias = b
        } else if let use = graph.uses(of: out).first, graph.uses(of: out).count == 1,
                  graph.nodes[use.node].opType == "Add", graph.nodes[use.node].inputs.count == 2,
                  let b = graph.traceWeight(graph.nodes[use.node].inputs[1 - use.slot]), b.elements == outputs,
                  let added = graph.nodes[use.node].outputs.first {
            p.bias = b
            p.biasNode = use.node
            p.output = added
        }
        return p
    }

    /// Steps whose input and hidden projections are added, whole or gate by gate.
    private static func pairedSteps(_ graph: GraphIndex, _ projections: [Projection]) -> [Step] {
        // Each projection's output, and the parts a Split makes of it.
        var owner: [String: Int] = [:]
        for (k, p) in projections.enumerated() {
            owner[p.output] = k
            for use in graph.uses(of: p.output) where graph.nodes[use.node].opType == "Split" {
                for part in graph.nodes[use.node].outputs where !part.isEmpty { owner[part] = k }
            }
        }
        var steps: [Step] = []
        var merges: [[Int]: [Int]] = [:]
        var pairs: [[Int]] = []
        for (i, node) in graph.nodes.enumerated() where node.opType == "Add" && node.inputs.count == 2 {
            guard let a = owner[node.inputs[0]], let b = owner[node.inputs[1]], a != b,
                  projections[a].outputs == projections[b].outputs, feedsActivation(graph, i) else { continue }
            let pair = [min(a, b), max(a, b)]
            if merges[pair] == nil { pairs.append(pair) }
            merges[pair, default: []].append(i)
        }
        for pair in pairs {
            let (a, b) = (projections[pair[0]], projections[pair[1]])
            guard let (input, hidden) = roles(graph, a, b) else { continue }
            let gates = hidden.outputs / hidden.inputs
            let kind: LayerKind = gates == 4 ? .lstm : gates == 3 ? .gru : .rnn
            steps.append(Step(kind: kind, input: input, hidden: hidden, merge: merges[pair] ?? [], hiddenSize: hidden.inputs,
                              inputSize: input.inputs, key: "\(input.weight.weight.name)|\(hidden.weight.weight.name)"))
        }
        return steps
    }

    /// Which of two added projections reads the input and which the hidden state: the
    /// hidden one's weight is n·h × h (n = 1, 3, 4); when both could be, the input one reads
    /// a time step selected from a sequence (or a graph input).
    private static func roles(_ graph: GraphIndex, _ a: Projection, _ b: Projection) -> (Projection, Projection)? {
        func gated(_ p: Projection) -> Bool {
            p.inputs > 0 && p.outputs % p.inputs == 0 && [1, 3, 4].contains(p.outputs / p.inputs)
        }
        switch (gated(a), gated(b)) {
        case (true, false): return (b, a)
        case (false, true): return (a, b)
        case (false, false): return nil
        case (true, true):
            switch (isTimeStep(graph, a.data), isTimeStep(graph, b.data)) {
            case (true, false): return (a, b)
            case (false, true): return (b, a)
            case (true, true), (false, false): return nil
            }
        }
    }

    /// A step with one weight on concat(x, h): LSTM when its output is split in 4 gates,
    /// RNN when it goes straight into `Tanh`/`Relu`.
    private static func concatStep(_ graph: GraphIndex, _ p: Projection) -> Step? {
        guard let c = graph.producer(of: p.data), graph.nodes[c].opType == "Concat", graph.nodes[c].inputs.count == 2 else { return nil }
        let uses = graph.uses(of: p.output).map { graph.nodes[$0.node] }
        let gates: Int64
        if let split = uses.first(where: { $0.opType == "Split" }), split.outputs.count == 4 {
            gates = 4
        } else if uses.contains(where: { $0.opType == "Tanh" || $0.opType == "Relu" }) {
            gates = 1
        } else {
            return nil
        }
        let hidden = p.outputs / gates
        guard hidden > 0, p.outputs % gates == 0, p.inputs > hidden else { return nil }
        return Step(kind: gates == 4 ? .lstm : .rnn, input: p, hidden: nil, merge: [c], hiddenSize: hidden,
                    inputSize: p.inputs - hidden, key: p.weight.weight.name)
    }

    /// True when an activation reads the sum, or a gate a `Split` makes of it.
    private static func feedsActivation(_ graph: GraphIndex, _ add: Int) -> Bool {
        guard let out = graph.nodes[add].outputs.first else { return false }
        for use in graph.uses(of: out) {
            let op = graph.nodes[use.node].opType
            if activations.contains(op) { return true }
            if op == "Split", graph.nodes[use.node].outputs.contains(where: { part in
                graph.uses(of: part).contains { activations.contains(graph.nodes[$0.node].opType) }
            }) { return true }
        }
        return false
    }

    /// True for a time step taken from a sequence (`Gather`, `Slice`, `Squeeze`, `Split`) or a graph input.
    private static func isTimeStep(_ graph: GraphIndex, _ value: String) -> Bool {
        guard let p = graph.producer(of: value) else { return graph.parent == nil && graph.weight(value) == nil }
        return ["Gather", "Slice", "Squeeze", "Split"].contains(graph.nodes[p].opType)
    }

    private static func isBodyInput(_ graph: GraphIndex, _ value: String?) -> Bool {
        guard let value else { return false }
        return graph.producer(of: value) == nil && graph.weight(value) == nil
    }

    /// The concatenated input that is a body input (the state), for the concat form.
    private static func stateInput(_ graph: GraphIndex, _ p: Projection) -> String? {
        guard let c = graph.producer(of: p.data) else { return nil }
        return graph.nodes[c].inputs.first { isBodyInput(graph, $0) }
    }

    /// The step's nodes: projections, bias adds, the merge, and the gate arithmetic after it.
    private static func stepNodes(_ graph: GraphIndex, _ s: Step) -> [Int] {
        var result = Set<Int>()
        for p in [s.input] + (s.hidden.map { [$0] } ?? []) {
            result.insert(p.node)
            result.formUnion(p.weight.via)
            if let b = p.biasNode { result.insert(b) }
        }
        result.formUnion(s.merge)
        var pending = s.merge.flatMap { graph.nodes[$0].outputs } + [s.input.output] + (s.hidden.map { [$0.output] } ?? [])
        var depth = 0
        while !pending.isEmpty, depth < 8 {
            depth += 1
            var next: [String] = []
            for v in pending {
                for use in graph.uses(of: v) where gateArithmetic.contains(graph.nodes[use.node].opType) {
                    if result.insert(use.node).inserted { next += graph.nodes[use.node].outputs }
                }
            }
            pending = next
        }
        return Array(result)
    }

    private static func layer(_ graph: GraphIndex, _ group: [Step], nodes: [Int], inLoop: Bool) -> LayerSpan {
        let s = group[0]
        var parameters: [StoredWeight] = []
        for p in [s.input] + (s.hidden.map { [$0] } ?? []) {
            for w in [p.weight.weight] + (p.bias.map { [$0.weight] } ?? []) where !parameters.contains(where: { $0.name == w.name }) {
                parameters.append(w)
            }
        }
        // Constant initial states (zeros the exporter stored) read by the step's nodes.
        var states: [StoredWeight] = []
        for n in nodes {
            for v in graph.nodes[n].inputs where !v.isEmpty {
                if let w = graph.weight(v), w.dataType.isFloatingPoint, !parameters.contains(where: { $0.name == w.name }),
                   !states.contains(where: { $0.name == w.name }) {
                    states.append(w)
                }
            }
        }
        var observations: [LayerObservation] = [
            .unrolled(inLoop ? "into a Loop body (one step per iteration)" : "per time step (\(group.count) steps)"),
        ]
        if s.input.bias == nil && s.hidden?.bias == nil { observations.append(.noBias) }
        let stateElements = states.reduce(Int64(0)) { Saturating.add($0, elements($1)) }
        if !states.isEmpty { observations.append(.foldedInitialStates(stateElements)) }
        var hyper: Hyper = [.inputSize: .int(s.inputSize), .hiddenSize: .int(s.hiddenSize), .directions: .int(1)]
        if s.kind == .gru { hyper[.linearBeforeReset] = .bool(true) }
        if s.kind == .lstm { hyper[.peepholes] = .bool(false) }
        let names = parameters.map(\.name) + states.map(\.name)
        var layer = Layer(
            name: LayerNaming.name(graph, nodes: nodes, weights: names), kind: s.kind, nodes: nodes.map(graph.label),
            weights: names, hyper: hyper, stored: parameters.reduce(Int64(0)) { Saturating.add($0, elements($1)) },
            nonTrainable: stateElements, observations: observations)
        layer.nonTrainableWeights = states.map(\.name)
        let last = group[group.count - 1]
        return LayerSpan(layer: layer, graph: graph, nodeIndices: nodes, input: s.input.data,
                         output: graph.nodes[last.merge.last ?? last.input.node].outputs.first)
    }
}
