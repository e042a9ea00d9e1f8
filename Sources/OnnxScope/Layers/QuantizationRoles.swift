/// What the quantization ops of a graph read their stored inputs as: integer weights a
/// layer reads as weights (parameters, counted by coverage), and scales and zero points
/// (quantization overhead, never unattributed). Written as data: per op, the input slots
/// of each role.
enum QuantizationRoles {
    /// Input slots of one op: the integer weights it reads as parameters, and its scales and zero points.
    private struct Slots {
        var parameters: [Int]
        var overhead: [Int]
    }

    /// Per (domain, op); the default domain is "".
    private static let table: [String: Slots] = [
        "DequantizeLinear": Slots(parameters: [0], overhead: [1, 2]),
        "QuantizeLinear": Slots(parameters: [], overhead: [1, 2]),
        "MatMulInteger": Slots(parameters: [0, 1], overhead: [2, 3]),
        "ConvInteger": Slots(parameters: [0, 1], overhead: [2, 3]),
        "QLinearConv": Slots(parameters: [3, 8], overhead: [1, 2, 4, 5, 6, 7]),
        "QLinearMatMul": Slots(parameters: [0, 3], overhead: [1, 2, 4, 5, 6, 7]),
        "com.microsoft.QGemm": Slots(parameters: [0, 3, 6], overhead: [1, 2, 4, 5, 7, 8]),
        "com.microsoft.MatMulNBits": Slots(parameters: [1], overhead: [2, 3, 4]),
        "com.microsoft.GatherBlockQuantized": Slots(parameters: [0], overhead: [2, 3]),
        "com.microsoft.DequantizeLinear": Slots(parameters: [0], overhead: [1, 2]),
        "com.microsoft.QuantizeLinear": Slots(parameters: [], overhead: [1, 2]),
    ]

    /// The stored weights `graph`'s quantization ops read: integer parameters, and scales and zero points.
    static func weights(of graph: GraphIndex) -> (parameters: Set<String>, overhead: Set<String>) {
        var parameters = Set<String>(), overhead = Set<String>()
        // Only the nodes of an op type a rule below can name: found from the graph's op
        // types, not by hashing every node's qualified op type.
        for i in graph.nodes(ofType: Set(graph.opTypes.filter(mayHaveRoles))) {
            let node = graph.nodes[i]
            var slots = table[node.qualifiedOpType]
            if slots == nil, node.domain == "com.microsoft", node.opType.hasPrefix("QLinear") {
                // QLinearAdd, QLinearGlobalAveragePool, ...: every stored input is a scale or zero point.
                slots = Slots(parameters: [], overhead: Array(node.inputs.indices))
            }
            if slots == nil, node.isDefaultDomain, node.opType == "Gather", gathersForDequantize(graph, i) {
                slots = Slots(parameters: [0], overhead: [])
            }
            guard let slots else { continue }
            for slot in slots.parameters where node.inputs.indices.contains(slot) {
                if let w = graph.traceWeight(node.inputs[slot])?.weight, !w.dataType.isFloatingPoint { parameters.insert(w.name) }
            }
            for slot in slots.overhead where node.inputs.indices.contains(slot) {
                if let w = graph.traceWeight(node.inputs[slot])?.weight { overhead.insert(w.name) }
            }
        }
        return (parameters, overhead.subtracting(parameters))
    }

    /// True when a node of op type `op` (in some domain) may have a role above: the op of a
    /// table entry (whose key `domain.op` may split at any dot), a `QLinear…` op, or `Gather`.
    private static func mayHaveRoles(_ op: String) -> Bool {
        op == "Gather" || op.hasPrefix("QLinear") || table.keys.contains { $0 == op || $0.hasSuffix("." + op) }
    }

    /// True when `Gather` node `i`'s only consumer dequantizes the rows it gathered.
    private static func gathersForDequantize(_ graph: GraphIndex, _ i: Int) -> Bool {
        guard let out = graph.nodes[i].outputs.first else { return false }
        let uses = graph.uses(of: out)
        return uses.count == 1 && uses[0].slot == 0 && graph.nodes[uses[0].node].opType == "DequantizeLinear"
    }
}
