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
                        if let numbers = ConsumerIndex.numbers(attribute) { constantNumbers[output] = numbers }
                    }
                }
                for attribute in node.attributes {
                    work.append(contentsOf: attribute.value.subgraphs.map(\.nodes))
                }
            }
        }
        for key in signatures.keys { signatures[key]?.sort() }
    }

    /// The numbers of a `Constant`'s `value_float(s)` / `value_int(s)` attribute.
    private static func numbers(_ attribute: Attribute) -> [Double]? {
        guard ["value_float", "value_floats", "value_int", "value_ints"].contains(attribute.name) else { return nil }
        switch attribute.value {
        case .float(let v): return [Double(v)]
        case .floats(let v): return v.map(Double.init)
        case .int(let v): return [Double(v)]
        case .ints(let v): return v.map(Double.init)
        case .string, .tensor, .graph, .sparseTensor, .type, .strings, .tensors, .graphs, .sparseTensors, .types,
             .reference, .undefined:
            return nil
        }
    }

    /// The consumer signature of a value, empty when nothing reads it.
    func signature(_ name: String) -> [String] {
        signatures[name] ?? []
    }
}
