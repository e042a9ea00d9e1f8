/// Multi-head attention, grouped from already recognized Dense projections around an
/// attention core. Cores: the decomposed form (scores `MatMul` → `Softmax` → `MatMul` with
/// V), the ONNX opset-23 `Attention` op, com.microsoft `MultiHeadAttention` and
/// `GroupQueryAttention` (Q, K and V separate, or packed in the query input);
/// com.microsoft `Attention` also carries the packed QKV weight itself.
enum AttentionRecognizer: SpanGrouper {
    /// Ops between a projection and the attention core that change no weight count.
    private static let pathOps: Set<String> = [
        "Reshape", "Transpose", "Mul", "Div", "Gather", "Split", "Slice", "Squeeze", "Unsqueeze", "Cast",
        "Identity", "Add", "Expand", "Concat", "Neg", "Tile", "RotaryEmbedding",
    ]
    /// The ops an attention core is found from.
    private static let coreOps: Set<String> = ["Softmax", "Attention", "MultiHeadAttention", "GroupQueryAttention"]
    private static let scoreOps: Set<String> = ["Add", "Mul", "Div", "Where", "Cast", "Sub", "Identity", "Reshape", "Squeeze", "Unsqueeze", "Transpose"]

    private struct Core {
        var nodes: [Int]
        var query: String
        var key: String
        var value: String
        var output: String
        var heads: Int64?
        var scales: [String]
        /// What the op's attributes say: `causal` (GroupQueryAttention's, default 1;
        /// `unidirectional` of the others), rotary applied inside the op (`do_rotary`).
        var causal: Bool? = nil
        var rotary = false
        /// Weights the op reads itself: a packed QKV bias (trainable), rotary caches (not).
        var bias: String? = nil
        var rotaryCaches: [String] = []
    }

    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        // Every core is a Softmax or an attention op: a graph without one has nothing to group.
        guard graph.hasNode(ofType: coreOps) else { return spans }
        var spans = spans
        var byOutput: [String: Int] = [:]
        var byInput: [String: [Int]] = [:]
        for k in spans.indices where spans[k].graph === graph && spans[k].layer.kind == .dense {
            if let o = spans[k].output { byOutput[o] = k }
            if let i = spans[k].input { byInput[i, default: []].append(k) }
        }
        var grouped = Set<Int>()
        var result: [LayerSpan] = []
        // Rotary caches several attention ops read: the first one holds them.
        var caches = Set<String>()
        for i in graph.nodes.indices where !context.isClaimed(graph, i) {
            if let fused = packedAttention(graph, i, byInput, spans, grouped) {
                context.claim(graph, nodes: fused.span.nodeIndices)
                if let out = fused.outputProjection { grouped.insert(out) }
                result.append(fused.span)
                continue
            }
            guard let core = core(graph, i) else { continue }
            var extraWeights: [StoredWeight] = core.bias.flatMap(graph.weight).map { [$0] } ?? []
            var reshapes: [Int] = []
            var visited: [Int] = []
            let q = source(graph, core.query, byOutput, &extraWeights, &reshapes, &visited)
            var keyReshapes: [Int] = []
            let k = source(graph, core.key, byOutput, &extraWeights, &keyReshapes, &visited)
            var ignored: [Int] = []
            let v = source(graph, core.value, byOutput, &extraWeights, &ignored, &visited)
            guard let q, let k, let v, let out = outputProjection(graph, core.output, byInput, spans),
                  ![q, k, v, out].contains(where: grouped.contains) else { continue }
            // A relative position bias added to the scores, folded by the exporter to
            // [1, heads, N, N] (Swin): a parameter of this attention.
            let positionBias = core.nodes.filter { graph.nodes[$0].opType == "Add" }.flatMap { graph.nodes[$0].inputs }
                .compactMap { graph.traceWeight($0)?.weight }.filter { $0.dataType.isFloatingPoint && $0.dims.count == 4 }
            extraWeights += positionBias
            let width = spans[out].layer.int(.outputSize)
            let projections = Array(Set([q, k, v])).sorted()
            let packed = projections.count == 1
            // Q's width as the output projection reads it: heads · headDim.
            let inner = spans[out].layer.int(.inputSize)
            let scales = core.scales + visited.filter { ["Mul", "Div"].contains(graph.nodes[$0].opType) }.flatMap { graph.nodes[$0].inputs }
            let shape = AttentionShape.infer(
                graph, headsAttribute: core.heads, queryReshapes: reshapes, keyReshapes: keyReshapes, scales: scales,
                inner: inner, query: spans[q].layer, key: spans[k].layer, value: spans[v].layer, packedQKV: packed,
                packedKV: k == v && k != q)
            let nodeIndices = core.nodes + visited
            var children = projections.map { spans[$0].layer } + [spans[out].layer]
            // The module that holds all the projections (BERT's `attention` holds `self` and
            // `output.dense`), when the core's own scope lies inside it; with no scope on the
            // core (a function body expanded in place), the projections' module.
            let scoped = core.nodes.contains { LayerNaming.moduleScope(graph.nodes[$0]) != nil }
            let coreName = LayerNaming.name(graph, nodes: core.nodes)
            let shared = LayerNaming.commonPrefix(children.map(\.name))
            let inside = shared.map { LayerNaming.isWithin(coreName, $0) } == true
                && (shared.map(LayerNaming.components)?.count ?? 0) + 1 >= LayerNaming.components(coreName).count
            let name = (inside || !scoped) ? shared ?? coreName : coreName
            let roles = packed ? ["in_proj"] : projections.map { p -> String in
                if p == q { return p == k ? "qk_proj" : "q_proj" }
                if p == k { return p == v ? "kv_proj" : "k_proj" }
                return "v_proj"
            }
            for c in children.indices where children[c].name == name || !children[c].name.hasPrefix(name) {
                children[c].name = LayerNaming.child(name, c < roles.count ? roles[c] : "out_proj")
            }
            var hyper: Hyper = [.width: .int(width), .bias: .bool(!children.contains { $0.observations.contains(.noBias) } || !extraWeights.isEmpty)]
            if let shape {
                hyper[.heads] = .int(shape.heads)
                hyper[.headDim] = .int(shape.headDim)
                if let kv = shape.kvHeads, kv != shape.heads { hyper[.kvHeads] = .int(kv) }
            }
            if core.rotary || visited.contains(where: { ["Neg", "RotaryEmbedding"].contains(graph.nodes[$0].opType) }) {
                hyper[.rotary] = .bool(true)
            }
            if let causal = core.causal {
                if causal { hyper[.causal] = .bool(true) }
            } else if AttentionShape.isCausal(graph, scorePath: core.nodes) {
                hyper[.causal] = .bool(true)
            }
            // cos/sin caches read by the op or by a RotaryEmbedding on Q's and K's path: stored, never trained.
            let cacheNames = (core.rotaryCaches + visited.filter { graph.nodes[$0].opType == "RotaryEmbedding" }
                .flatMap { graph.nodes[$0].inputs.dropFirst(2).prefix(2) })
                .filter { graph.weight($0) != nil && caches.insert($0).inserted }
            let kdim = spans[k].layer.int(.inputSize), vdim = spans[v].layer.int(.inputSize)
            if !packed, kdim != width || vdim != width {
                hyper[.kdim] = .int(kdim)
                hyper[.vdim] = .int(vdim)
            }
            let selfAttention = spans[q].input == spans[k].input
            hyper[.selfAttention] = .bool(selfAttention)
            var observations: [LayerObservation] = packed ? [.packedQKV] : []
            if children.contains(where: { $0.observations.contains(.transposedWeight) }) { observations.append(.transposedWeight) }
            for bias in positionBias { observations.append(.relativePositionBias(elements(bias))) }
            let extraNames = Array(Set(extraWeights.map(\.name))).sorted()
            var mha = Layer(
                name: name, kind: .multiHeadAttention,
                nodes: nodeIndices.sorted().map(graph.label) + children.flatMap(\.nodes), weights: extraNames,
                hyper: hyper, stored: Saturating.add(children.map(\.stored).saturatingSum, extraNames.compactMap(graph.weight).map(elements).saturatingSum),
                nonTrainable: children.map(\.nonTrainable).saturatingSum, observations: observations, children: children)
            if !cacheNames.isEmpty {
                mha.weights += cacheNames
                mha.nonTrainableWeights += cacheNames
                mha.nonTrainable = Saturating.add(mha.nonTrainable, cacheNames.compactMap(graph.weight).map(elements).saturatingSum)
                mha.observations.append(.rotaryCaches(mha.nonTrainable - children.map(\.nonTrainable).saturatingSum))
            }
            context.claim(graph, nodes: nodeIndices)
            grouped.formUnion(projections + [out])
            result.append(LayerSpan(
                layer: mha, graph: graph,
                nodeIndices: nodeIndices + projections.flatMap { spans[$0].nodeIndices } + spans[out].nodeIndices,
                input: spans[q].input, output: spans[out].output, keyInput: spans[k].input,
                anchor: (projections + [out]).map { spans[$0].order }.min()))
        }
        guard !result.isEmpty else { return spans }
        spans = spans.enumerated().filter { !grouped.contains($0.offset) }.map(\.element)
        return spans + result
    }

    /// com.microsoft `Attention`: the packed [x, 3x] QKV weight and its bias are inputs of
    /// the node itself; the output projection is the Dense layer that reads its output.
    private static func packedAttention(
        _ graph: GraphIndex, _ i: Int, _ byInput: [String: [Int]], _ spans: [LayerSpan], _ grouped: Set<Int>
    ) -> (span: LayerSpan, outputProjection: Int?)? {
        let node = graph.nodes[i]
        guard node.domain == "com.microsoft", node.opType == "Attention", node.inputs.count >= 2,
              let w = graph.traceWeight(node.inputs[1]), w.dims.count == 2 else { return nil }
        let width = w.dims[0]
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? graph.traceWeight(node.inputs[2]) : nil
        // The scope the optimizer kept (its output value's: `encoder.layer.0.attention.self`).
        let scope = LayerNaming.name(graph, nodes: [i])
        let out = node.outputs.first.flatMap { outputProjection(graph, $0, byInput, spans) }.flatMap { grouped.contains($0) ? nil : $0 }
        // The attention is the module holding the op's scope and the output projection's.
        let name = out.flatMap { LayerNaming.commonPrefix([scope, spans[$0].layer.name]) } ?? scope
        var inProj = Layer(
            name: "\(scope).qkv", kind: .dense, nodes: [graph.label(i)],
            weights: [w.weight.name] + (bias.map { [$0.weight.name] } ?? []),
            hyper: [.inputSize: .int(width), .outputSize: .int(w.dims[1]), .bias: .bool(bias != nil)],
            stored: Saturating.add(w.elements, bias?.elements ?? 0))
        if bias == nil { inProj.observations.append(.noBias) }
        var children = [inProj]
        var nodeIndices = [i] + w.via + (bias?.via ?? [])
        if let out {
            var projection = spans[out].layer
            if !projection.name.hasPrefix(name) { projection.name = "\(name).out_proj" }
            children.append(projection)
            nodeIndices += spans[out].nodeIndices
        }
        var hyper: Hyper = [.width: .int(width), .bias: .bool(bias != nil), .selfAttention: .bool(true)]
        if let heads = node.intAttribute("num_heads"), heads > 0 {
            hyper[.heads] = .int(heads)
            // Q's width: the first of qkv_hidden_sizes, else a third of the packed weight.
            let sizes = node.intsAttribute("qkv_hidden_sizes") ?? []
            let q = sizes.count == 3 ? sizes[0] : (w.dims[1] % 3 == 0 ? w.dims[1] / 3 : 0)
            if q > 0, q % heads == 0 { hyper[.headDim] = .int(q / heads) }
        }
        if node.intAttribute("unidirectional") == 1 { hyper[.causal] = .bool(true) }
        let layer = Layer(
            name: name, kind: .multiHeadAttention, nodes: children.flatMap(\.nodes), weights: [], hyper: hyper,
            stored: children.map(\.stored).saturatingSum, observations: [.packedQKV], children: children)
        return (LayerSpan(layer: layer, graph: graph, nodeIndices: nodeIndices, input: node.inputs[0],
                          output: out.flatMap { spans[$0].output } ?? node.outputs.first), out)
    }

    /// The attention core starting at node `i`, if it is one.
    private static func core(_ graph: GraphIndex, _ i: Int) -> Core? {
        let node = graph.nodes[i]
        switch (node.isDefaultDomain ? "" : node.domain, node.opType) {
        case ("", "Softmax"):
            guard let scores = backTo(graph, node.inputs.first, op: "MatMul", through: scoreOps),
                  let out = node.outputs.first, let mix = forwardToMatMul(graph, out) else { return nil }
            let m1 = graph.nodes[scores.node], m2 = graph.nodes[mix]
            guard m1.inputs.count == 2, m2.inputs.count == 2 else { return nil }
            return Core(nodes: [scores.node, i, mix] + scores.path, query: m1.inputs[0], key: m1.inputs[1],
                        value: m2.inputs[1], output: m2.outputs.first ?? "", heads: nil,
                        scales: scores.path.flatMap { graph.nodes[$0].inputs })
        case ("", "Attention"):
            guard node.inputs.count >= 3 else { return nil }
            let heads = node.intAttribute("q_num_heads") ?? node.intAttribute("num_heads")
            return Core(nodes: [i], query: node.inputs[0], key: node.inputs[1], value: node.inputs[2],
                        output: node.outputs.first ?? "", heads: heads, scales: [],
                        causal: node.intAttribute("is_causal").map { $0 != 0 })
        case ("com.microsoft", "MultiHeadAttention"), ("com.microsoft", "GroupQueryAttention"):
            // An empty key input: Q, K and V packed in the query; an empty value: K and V packed in the key.
            guard let query = node.input(0) else { return nil }
            let key = node.input(1) ?? query
            let value = node.input(2) ?? key
            var core = Core(nodes: [i], query: query, key: key, value: value, output: node.outputs.first ?? "",
                            heads: node.intAttribute("num_heads"), scales: [])
            if node.opType == "GroupQueryAttention" {
                core.causal = (node.intAttribute("causal") ?? 1) != 0
                core.rotary = node.intAttribute("do_rotary") == 1
                core.rotaryCaches = core.rotary ? [7, 8].compactMap { node.input($0) } : []
            } else {
                core.causal = node.intAttribute("unidirectional") == 1 ? true : nil
                core.bias = node.input(3)  // the packed Q, K, V bias [3x]
            }
            return core
        default:
            return nil
        }
    }

    /// Walks back from `value` through `ops` to the nearest node of type `op`.
    private static func backTo(_ graph: GraphIndex, _ value: String?, op: String, through ops: Set<String>) -> (node: Int, path: [Int])? {
        guard let value else { return nil }
        var frontier = [value]
        var path: [Int] = []
        for _ in 0..<8 {
            var next: [String] = []
            for v in frontier {
                guard let p = graph.producer(of: v) else { continue }
                if graph.nodes[p].opType == op { return (p, path) }
                if ops.contains(graph.nodes[p].opType) {
                    path.append(p)
                    next += graph.nodes[p].inputs.filter { !$0.isEmpty && graph.weight($0) == nil }
                }
            }
            frontier = next
            if frontier.isEmpty { break }
        }
        return nil
    }

    private static func forwardToMatMul(_ graph: GraphIndex, _ value: String) -> Int? {
        var current = value
        for _ in 0..<6 {
            let uses = graph.uses(of: current)
            if let m = uses.first(where: { graph.nodes[$0.node].opType == "MatMul" && $0.slot == 0 }) { return m.node }
            // Where(IsNaN(p), 0, p): the guard scaled_dot_product_attention puts on fully masked rows.
            guard let pass = uses.first(where: {
                ["Cast", "Dropout", "Identity", "Unsqueeze", "Squeeze", "Transpose", "Reshape"].contains(graph.nodes[$0.node].opType)
                    || (graph.nodes[$0.node].opType == "Where" && $0.slot > 0)
            }),
                  let out = graph.nodes[pass.node].outputs.first else { return nil }
            current = out
        }
        return nil
    }

    /// The Dense projection that `value` is computed from, through shape ops.
    private static func source(
        _ graph: GraphIndex, _ value: String, _ byOutput: [String: Int], _ extra: inout [StoredWeight],
        _ reshapes: inout [Int], _ visited: inout [Int]
    ) -> Int? {
        var frontier = [value]
        for _ in 0..<14 {
            var next: [String] = []
            for v in frontier {
                if let s = byOutput[v] { return s }
                guard let p = graph.producer(of: v), pathOps.contains(graph.nodes[p].opType) else { continue }
                let node = graph.nodes[p]
                if node.opType == "Reshape" { reshapes.append(p) }
                visited.append(p)
                for input in node.inputs where !input.isEmpty {
                    if let w = graph.weight(input) {
                        if node.opType == "Add", w.dataType.isFloatingPoint, elements(w) > 1 { extra.append(w) }
                    } else if graph.producer(of: input) != nil, !graph.isMaterializedConstant(input) {
                        next.append(input)
                    }
                }
            }
            frontier = next
            if frontier.isEmpty { break }
        }
        return nil
    }

    /// The Dense layer that reads the attention output, through shape ops.
    private static func outputProjection(_ graph: GraphIndex, _ value: String, _ byInput: [String: [Int]], _ spans: [LayerSpan]) -> Int? {
        var current = value
        for _ in 0..<6 {
            if let s = byInput[current]?.first { return s }
            // Shape reads do not count: they only look at the value's dimensions.
            let uses = graph.uses(of: current).filter { !["Shape", "Size"].contains(graph.nodes[$0.node].opType) }
            guard uses.count == 1, ["Transpose", "Reshape", "Cast", "Identity", "Squeeze", "Unsqueeze", "Flatten"]
                .contains(graph.nodes[uses[0].node].opType), let out = graph.nodes[uses[0].node].outputs.first else { return nil }
            current = out
        }
        return nil
    }

}
