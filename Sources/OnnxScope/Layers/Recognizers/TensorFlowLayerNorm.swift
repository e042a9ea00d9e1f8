/// Keras `LayerNormalization` as tf2onnx writes it (TF's `moments` and `batchnorm` ops):
///
///     mean = Mean(x);  var = Mean((x − mean)²)          Mean: ReduceMean or GlobalAveragePool
///     m    = γ · 1/√(var + ε)                           Reciprocal(Sqrt), Div(1, Sqrt) or Pow(·, −0.5)
///     y    = x · m + (β − mean · m)                     without β (center=False): x · m
///
/// Found from `m`, the product of the reciprocal deviation and γ.
enum TensorFlowLayerNorm {
    struct Match {
        var nodes: [Int]
        var gamma: StoredWeight
        var beta: StoredWeight?
        var input: String
        var output: String?
    }

    private static let means: Set<String> = ["ReduceMean", "GlobalAveragePool"]

    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> Match? {
        let node = graph.nodes[i]
        guard node.inputs.count == 2, let out = node.outputs.first else { return nil }
        // m's two readers: x · m and mean · m (tested first: it is the cheap test, and most Muls fail it).
        let readers = graph.uses(of: out).filter { graph.nodes[$0.node].opType == "Mul" && graph.nodes[$0.node].inputs.count == 2 }
        guard readers.count == 2 else { return nil }
        guard let slot = [0, 1].first(where: { graph.traceWeight(node.inputs[$0]) != nil }),
              let gamma = graph.traceWeight(node.inputs[slot]), gamma.weight.dataType.isFloatingPoint, gamma.elements > 1,
              let (deviation, varianceNodes, mean, x) = inverseDeviation(graph, node.inputs[1 - slot]) else { return nil }
        let meanValue = graph.nodes[mean].outputs.first ?? ""
        guard let scaled = readers.first(where: { graph.nodes[$0.node].inputs[1 - $0.slot] == x }),
              let shifted = readers.first(where: { graph.nodes[$0.node].inputs[1 - $0.slot] == meanValue }) else { return nil }
        var nodes = [i] + gamma.via + deviation + varianceNodes + [mean, scaled.node, shifted.node]
        var output = graph.nodes[scaled.node].outputs.first
        var beta: StoredWeight?
        // β − mean · m, added to x · m.
        if let shift = graph.nodes[shifted.node].outputs.first, let sub = single(graph, shift, op: "Sub", slot: 1),
           let b = graph.traceWeight(graph.nodes[sub].inputs[0]), b.elements == gamma.elements,
           let subOut = graph.nodes[sub].outputs.first, let add = single(graph, subOut, op: "Add", slot: nil),
           let o = output, graph.nodes[add].inputs.contains(o) {
            beta = b.weight
            nodes += [sub, add] + b.via
            output = graph.nodes[add].outputs.first
        }
        guard !nodes.contains(where: { context.isClaimed(graph, $0) }) else { return nil }
        return Match(nodes: nodes, gamma: gamma.weight, beta: beta, input: x, output: output)
    }

    /// 1/√(Mean((x − Mean(x))²) + ε): its nodes, the variance's nodes, the mean node and x.
    private static func inverseDeviation(_ graph: GraphIndex, _ value: String) -> ([Int], [Int], Int, String)? {
        guard let r = graph.producer(of: value) else { return nil }
        let rnode = graph.nodes[r]
        var root: String
        var nodes = [r]
        switch rnode.opType {
        case "Reciprocal":
            guard let s = graph.producer(of: rnode.inputs.first ?? ""), graph.nodes[s].opType == "Sqrt" else { return nil }
            nodes.append(s)
            root = graph.nodes[s].inputs.first ?? ""
        case "Div":
            guard rnode.inputs.count == 2, graph.numbers(rnode.inputs[0], limit: 1) == [1],
                  let s = graph.producer(of: rnode.inputs[1]), graph.nodes[s].opType == "Sqrt" else { return nil }
            nodes.append(s)
            root = graph.nodes[s].inputs.first ?? ""
        case "Pow":
            guard rnode.inputs.count == 2, graph.numbers(rnode.inputs[1], limit: 1) == [-0.5] else { return nil }
            root = rnode.inputs[0]
        default:
            return nil
        }
        // var + ε
        guard let add = graph.producer(of: root), graph.nodes[add].opType == "Add", graph.nodes[add].inputs.count == 2,
              let v = graph.nodes[add].inputs.first(where: { graph.traceWeight($0) == nil }),
              let variance = graph.producer(of: v), means.contains(graph.nodes[variance].opType),
              let square = graph.producer(of: graph.nodes[variance].inputs.first ?? "") else { return nil }
        nodes.append(add)
        // (x − mean)², as Mul(d, d) or Pow(d, 2)
        let sq = graph.nodes[square]
        guard sq.inputs.count == 2, sq.opType == "Mul" && sq.inputs[0] == sq.inputs[1]
                || sq.opType == "Pow" && graph.numbers(sq.inputs[1], limit: 1) == [2],
              let sub = graph.producer(of: sq.inputs[0]), graph.nodes[sub].opType == "Sub", graph.nodes[sub].inputs.count == 2,
              let mean = graph.producer(of: graph.nodes[sub].inputs[1]), means.contains(graph.nodes[mean].opType),
              graph.nodes[mean].inputs.first == graph.nodes[sub].inputs[0] else { return nil }
        return (nodes, [variance, square, sub], mean, graph.nodes[sub].inputs[0])
    }

    /// The only `op` node reading `value` (at `slot`, when given).
    private static func single(_ graph: GraphIndex, _ value: String, op: String, slot: Int?) -> Int? {
        let uses = graph.uses(of: value)
        guard uses.count == 1, graph.nodes[uses[0].node].opType == op, graph.nodes[uses[0].node].inputs.count == 2,
              slot.map({ $0 == uses[0].slot }) ?? true else { return nil }
        return uses[0].node
    }
}
