/// Who reads each value, as op type and input slot (`Gemm:1`), and the attribute values
/// of `Constant` nodes, over the main graph, every subgraph and every function.
///
/// Used to tell apart weights with equal stored values when matching by structure.
struct ConsumerIndex {
    /// Sorted `opType:slot` signatures of the consumers of each value name.
    private(set) var signatures: [String: [String]] = [:]
    /// `value_float(s)` / `value_int(s)` of `Constant` nodes, by output name.
    private(set) var constantNumbers: [String: [Double]] = [:]

    init(model: Model) {
        var work: [[Node]] = [model.graph.nodes] + model.functions.map(\.nodes)
        while let nodes = work.popLast() {
            for node in nodes {
                for (slot, input) in node.inputs.enumerated() where !input.isEmpty {
                    signatures[input, default: []].append("\(node.qualifiedOpType):\(slot)")
                }
                if node.opType == "Constant", node.isDefaultDomain, let output = node.outputs.first {
                    for attribute in node.attributes {
                        switch (attribute.name, attribute.value) {
                        case ("value_float", .float(let v)): constantNumbers[output] = [Double(v)]
                        case ("value_floats", .floats(let v)): constantNumbers[output] = v.map(Double.init)
                        case ("value_int", .int(let v)): constantNumbers[output] = [Double(v)]
                        case ("value_ints", .ints(let v)): constantNumbers[output] = v.map(Double.init)
                        default: continue
                        }
                    }
                }
                for attribute in node.attributes {
                    work.append(contentsOf: attribute.value.subgraphs.map(\.nodes))
                }
            }
        }
        for key in signatures.keys { signatures[key]?.sort() }
    }

    /// The consumer signature of a value, empty when nothing reads it.
    func signature(_ name: String) -> [String] {
        signatures[name] ?? []
    }
}
