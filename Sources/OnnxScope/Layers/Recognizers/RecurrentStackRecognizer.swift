/// Stacked recurrent layers: consecutive recurrent layers of one kind and one module (torch's
/// `nn.LSTM(num_layers=2)` exports one op per layer, all named after the module), each reading
/// the previous one's output, become one layer with a child per layer. Layers of two modules
/// (two Keras `LSTM` layers, one feeding the other) stay two layers: a stack is never
/// inferred from two consecutive modules. Runs right after the recurrent recognizers, on the
/// layers they found.
enum RecurrentStackRecognizer: SpanGrouper {
    static func group(_ singles: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        guard singles.contains(where: { $0.graph === graph && $0.layer.kind.descriptor.formula.isRecurrent }) else { return singles }
        var result: [LayerSpan] = []
        var used = Set<Int>()
        let sorted = singles.sorted { $0.order < $1.order }
        for (k, first) in sorted.enumerated() where !used.contains(k) {
            var chain = [first]
            used.insert(k)
            var last = first
            while let next = sorted.indices.first(where: { j in
                !used.contains(j) && sorted[j].layer.kind == first.layer.kind && sorted[j].layer.name == first.layer.name
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
            let name = first.layer.name
            var children = chain.map(\.layer)
            for c in children.indices { children[c].name = LayerNaming.child(name, "layer\(c)") }
            var hyper = first.layer.hyper
            hyper[.layers] = .int(Int64(chain.count))
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
