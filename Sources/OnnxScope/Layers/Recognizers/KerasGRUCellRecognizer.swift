/// A Keras `GRU` cell that tf2onnx left in a `Loop` body (it rewrites only some GRUs into the
/// ONNX `GRU` op): per step, x_t·W (+ b) split into the z, r and candidate parts, and the
/// state multiplied by the recurrent kernel R:
/// - `reset_after=False`: R sliced in two, h·R[:, :2h] for z and r and (r ⊙ h)·R[:, 2h:] for
///   the candidate (ONNX `linear_before_reset` 0);
/// - `reset_after=True`: h·R whole (+ the recurrent bias), split in three, the reset gate applied
///   after the product (`linear_before_reset` 1).
/// The layer owns W, R and every bias added to their products (one [3h] bias, or
/// `reset_after=True`'s [2, 3h] input and recurrent biases); W is [i, 3h] and R [h, 3h].
enum KerasGRUCellRecognizer: SpanGrouper {
    private static let gateArithmetic: Set<String> = ["Sigmoid", "Tanh", "Relu", "Mul", "Add", "Sub", "Split", "Slice", "Squeeze"]

    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        guard graph.parent != nil, graph.nodes.contains(where: { $0.opType == "Split" }) else { return spans }
        // Products of a state or time step by a stored 2-D weight, by weight.
        var products: [String: [(node: Int, trace: WeightTrace)]] = [:]
        var order: [String] = []
        for (i, node) in graph.nodes.enumerated() where node.isDefaultDomain && node.opType == "MatMul" && node.inputs.count == 2 {
            guard !context.isClaimed(graph, i), let w = graph.traceWeight(node.inputs[1]), w.weight.dims.count == 2,
                  w.weight.dataType.isFloatingPoint else { continue }
            if products[w.weight.name] == nil { order.append(w.weight.name) }
            products[w.weight.name, default: []].append((i, w))
        }
        guard order.count >= 2 else { return spans }
        // R: [h, 3h], read by products of the state; W: [i, 3h], read by a product of a time step.
        guard let r = order.first(where: { name in
                  guard let uses = products[name], let w = uses.first?.trace.weight else { return false }
                  return w.dims[1] == 3 * w.dims[0] && uses.allSatisfy { !isTimeStep(graph, graph.nodes[$0.node].inputs[0]) }
              }),
              let rWeight = products[r]?.first?.trace.weight,
              let k = order.first(where: { name in
                  guard name != r, let uses = products[name], uses.count == 1, let w = uses.first?.trace.weight else { return false }
                  return w.dims[1] == rWeight.dims[1] && isTimeStep(graph, graph.nodes[uses[0].node].inputs[0])
              }),
              let kernelUse = products[k]?.first, let recurrentUses = products[r] else { return spans }
        let hidden = rWeight.dims[0]
        // R reaches the products through Slice nodes of this body (the trace of a body input
        // bound to the enclosing graph keeps the stored shape).
        let sliced = recurrentUses.allSatisfy { use in use.trace.via.contains { graph.nodes[$0].opType == "Slice" } }
        guard sliced ? recurrentUses.count == 2 : recurrentUses.count == 1 else { return spans }
        var nodes = Set([kernelUse.node] + kernelUse.trace.via + recurrentUses.flatMap { [$0.node] + $0.trace.via })
        // The biases added to the products (b, and for reset_after=True the recurrent bias).
        var biases: [StoredWeight] = []
        for use in [kernelUse] + recurrentUses {
            guard let out = graph.nodes[use.node].outputs.first else { continue }
            for reader in graph.uses(of: out) where graph.nodes[reader.node].opType == "Add" && graph.nodes[reader.node].inputs.count == 2 {
                // One [3h] bias, or reset_after=True's [2, 3h] input and recurrent biases, unstacked in the body.
                guard let b = graph.traceWeight(graph.nodes[reader.node].inputs[1 - reader.slot]), b.weight.dataType.isFloatingPoint,
                      elements(b.weight) == rWeight.dims[1] || b.weight.dims == [2, rWeight.dims[1]] else { continue }
                nodes.insert(reader.node)
                nodes.formUnion(b.via)
                if !biases.contains(where: { $0.name == b.weight.name }) { biases.append(b.weight) }
            }
        }
        // The gate arithmetic after the products, up to the new state.
        var pending = nodes.flatMap { graph.nodes[$0].outputs }
        var depth = 0
        while !pending.isEmpty, depth < 10 {
            depth += 1
            var next: [String] = []
            for v in pending {
                for use in graph.uses(of: v) where gateArithmetic.contains(graph.nodes[use.node].opType) {
                    if nodes.insert(use.node).inserted { next += graph.nodes[use.node].outputs }
                }
            }
            pending = next
        }
        // The candidate's activation (Keras's `activation`: tanh by default, or relu).
        guard nodes.contains(where: { ["Tanh", "Relu"].contains(graph.nodes[$0].opType) }),
              !nodes.contains(where: { context.isClaimed(graph, $0) })
        else { return spans }
        let kernel = kernelUse.trace.weight
        var parameters = [kernel, rWeight]
        for b in biases where !parameters.contains(where: { $0.name == b.name }) { parameters.append(b) }
        var observations: [LayerObservation] = [.unrolled("into a Loop body (one step per iteration)")]
        if biases.isEmpty { observations.append(.noBias) }
        let sorted = nodes.sorted()
        let names = parameters.map(\.name)
        let layer = Layer(
            name: LayerNaming.name(graph, nodes: sorted, weights: names), kind: .gru, nodes: sorted.map(graph.label),
            weights: names,
            hyper: [.inputSize: .int(kernel.dims[0]), .hiddenSize: .int(hidden), .directions: .int(1),
                    .linearBeforeReset: .bool(!sliced)],
            stored: parameters.map(elements).saturatingSum, observations: observations)
        context.claim(graph, nodes: sorted)
        let output = sorted.last { graph.nodes[$0].opType == "Add" }.flatMap { graph.nodes[$0].outputs.first }
        return spans + [LayerSpan(layer: layer, graph: graph, nodeIndices: sorted, input: graph.nodes[kernelUse.node].inputs[0],
                                  output: output)]
    }

    /// A time step taken from a sequence (`Gather`, `Slice`, `Squeeze`).
    private static func isTimeStep(_ graph: GraphIndex, _ value: String) -> Bool {
        guard let p = graph.producer(of: value) else { return false }
        return ["Gather", "Slice", "Squeeze"].contains(graph.nodes[p].opType)
    }
}
