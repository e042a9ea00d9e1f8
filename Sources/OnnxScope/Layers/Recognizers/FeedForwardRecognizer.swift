/// Feed-forward networks, grouped from already recognized Dense layers:
/// - two-layer: up x→d, an activation (ReLU, any GELU form, SiLU, …), down d→x;
/// - gated (SwiGLU, GeGLU): gate and up x→d reading the same input, act(gate) · up, down d→x;
/// - gated with a fused gate_up x→2d whose output is split (Phi-3).
/// Found from the down projection, walking back through element-wise and shape ops to the
/// Dense layers that feed it; at least one nonlinearity must lie on the way.
enum FeedForwardRecognizer: SpanGrouper {
    /// Ops between the projections of a feed-forward network.
    private static let pathOps: Set<String> = [
        "Relu", "Gelu", "Erf", "Tanh", "Sigmoid", "Mul", "Add", "Div", "Pow", "Sub", "Cast", "Identity", "Dropout",
        "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Flatten", "Slice", "Split", "Softplus", "HardSigmoid",
        "HardSwish", "Elu", "LeakyRelu", "Selu", "Neg", "Exp", "Mish", "Clip", "Sqrt", "FastGelu", "BiasGelu", "QuickGelu",
    ]
    /// Ops whose inputs after the first are shapes, axes or bounds.
    private static let shapeOps: Set<String> = ["Reshape", "Squeeze", "Unsqueeze", "Slice", "Split", "Expand", "Tile", "Transpose", "Flatten"]

    /// The nonlinearities an activation is made of.
    private static let nonlinear: Set<String> = [
        "Relu", "Gelu", "Erf", "Tanh", "Sigmoid", "Softplus", "HardSigmoid", "HardSwish", "Elu", "LeakyRelu", "Selu",
        "Mish", "Exp", "Clip", "FastGelu", "BiasGelu", "QuickGelu",
    ]

    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        var byOutput = Outputs(graph)
        // By index, not by element: a copy of each span would retain all of its layer.
        for k in spans.indices where spans[k].graph === graph && spans[k].layer.kind == .dense {
            if let o = spans[k].output { byOutput.set(o, k) }
        }
        var used = [Bool](repeating: false, count: spans.count)
        // How many layer names lie at or below each module path, to tell a dedicated MLP module
        // from a larger one that holds other layers too.
        var names: [String] = []
        for k in spans.indices where spans[k].graph === graph { names += spans[k].layer.flattened.map(\.name) }
        let under = ModulePaths(names)
        let ops = OpClasses(graph)
        // Each Dense layer's walk back, and the network it would close, read the graph and
        // the layers found so far only: they are worked out on all cores first. Only which
        // layers an earlier network took is decided one by one, in graph order.
        let downs = spans.indices.filter { spans[$0].graph === graph && spans[$0].layer.kind == .dense }
        let found: [(sources: [Int], shape: Shape)?] = ParallelWork.map(Array(downs.indices)) { k in
            let down = downs[k]
            // The nonlinearity lies on the way, or inside an up projection whose bias a fused
            // activation adds (com.microsoft BiasGelu, FastGelu).
            guard let input = spans[down].input, let (sources, path) = feeders(graph, input, byOutput, ops),
                  path.contains(where: { ops.nonlinear[$0] }) || sources.contains(where: { spans[$0].nodeIndices.contains { ops.nonlinear[$0] } }),
                  !sources.contains(down),
                  let shape = shape(spans, down: down, sources: sources, path: path, graph) else { return nil }
            return (sources, shape)
        }
        // Which networks are kept depends only on their projections; each kept one's layer
        // is then made (on all cores), and a candidate an earlier network overlaps costs nothing more.
        var chosen: [Shape] = []
        for (k, down) in downs.enumerated() where !used[down] {
            guard let (sources, shape) = found[k], !sources.contains(where: { used[$0] }) else { continue }
            for s in sources { used[s] = true }
            used[down] = true
            chosen.append(shape)
        }
        let result = ParallelWork.map(chosen) { make(spans, $0, graph, under: under) }
        guard !result.isEmpty else { return spans }
        var kept = spans.indices.filter { !used[$0] }.map { spans[$0] }
        kept.append(contentsOf: result)
        return kept
    }

    /// Which of the op sets above each node of a graph belongs to, looked up once per graph
    /// from its op table rather than hashed again at every step of every walk.
    private struct OpClasses {
        var path: [Bool]
        var shape: [Bool]
        var nonlinear: [Bool]

        init(_ graph: GraphIndex) {
            func marks(_ ops: Set<String>) -> [Bool] {
                var marked = [Bool](repeating: false, count: graph.nodes.count)
                for i in graph.nodes(ofType: ops) { marked[i] = true }
                return marked
            }
            path = marks(pathOps)
            shape = marks(shapeOps)
            nonlinear = marks(FeedForwardRecognizer.nonlinear)
        }
    }

    /// The Dense layers by the value they output: by the value's number in the graph, and by
    /// name for a value the graph does not mention (an empty name).
    private struct Outputs {
        private var byNumber: [Int32]
        private var byName: [String: Int] = [:]
        private let graph: GraphIndex

        init(_ graph: GraphIndex) {
            self.graph = graph
            byNumber = [Int32](repeating: -1, count: graph.valueCount)
        }

        /// Records layer `k` as the producer of `value` (a later layer of the same output wins).
        mutating func set(_ value: String, _ k: Int) {
            if let n = graph.valueNumber(value) { byNumber[n] = Int32(k) } else { byName[value] = k }
        }

        /// The layer that outputs `value`, whose number is `n`.
        func layer(_ value: String, number n: Int?) -> Int? {
            guard let n else { return byName[value] }
            return byNumber[n] >= 0 ? Int(byNumber[n]) : nil
        }
    }

    /// The Dense layers whose outputs reach `value` through `pathOps`, and the nodes passed.
    /// Each value's name is looked up once, for its layer, producer and weight.
    private static func feeders(_ graph: GraphIndex, _ value: String, _ byOutput: Outputs, _ ops: OpClasses) -> ([Int], [Int])? {
        var pending = [(value, graph.valueNumber(value))]
        // At most 64 values: a list is cheaper than a set (this runs once per Dense layer).
        var seen: [String] = []
        var sources: [Int] = []
        var path: [Int] = []
        while let (v, k) = pending.popLast() {
            guard !seen.contains(v) else { continue }
            seen.append(v)
            guard seen.count < 64 else { continue }
            if let s = byOutput.layer(v, number: k) {
                if !sources.contains(s) { sources.append(s) }
                continue
            }
            guard let p = k.flatMap(graph.producer(ofNumber:)) else { continue }
            guard ops.path[p] else { return nil }
            path.append(p)
            // Shape ops carry data in their first input; the rest is computed shape arithmetic.
            let inputs = graph.nodes[p].inputs
            for (slot, input) in (ops.shape[p] ? inputs.prefix(1) : inputs[...]).enumerated() where !input.isEmpty {
                let n = graph.inputNumber(p, slot)
                // A Dense layer's output: followed (it has a producer, and one that no
                // constant reaches: the layer's MatMul or Gemm reads an activation).
                let isWeight = graph.weight(input, number: n) != nil
                if byOutput.layer(input, number: n) != nil, !isWeight {
                    pending.append((input, n))
                    continue
                }
                // Not a stored weight, a graph input or a constant: the activation to follow.
                guard !isWeight, n.flatMap(graph.producer(ofNumber:)) != nil, !graph.isMaterializedConstant(input, number: n) else { continue }
                pending.append((input, n))
            }
        }
        return sources.isEmpty ? nil : (sources, path)
    }

    /// A feed-forward network's projections as they check out: the up (and gate)
    /// projections, gate first, then the down projection, and the nodes between.
    private struct Shape {
        var ordered: [Int]
        var down: Int
        var path: [Int]
        var width: Int64
        var inner: Int64
        var gated: Bool
    }

    /// The network `sources` → `path` → `down` would be, when the projections' sizes fit one.
    private static func shape(_ spans: [LayerSpan], down: Int, sources: [Int], path: [Int], _ graph: GraphIndex) -> Shape? {
        let d = spans[down].layer
        let x = d.int(.outputSize), inner = d.int(.inputSize)
        let parts = sources.sorted { spans[$0].order < spans[$1].order }
        var gated = false
        switch parts.count {
        case 1:
            let up = spans[parts[0]].layer
            guard up.int(.inputSize) == x else { return nil }
            if up.int(.outputSize) == 2 * inner, path.contains(where: { ["Slice", "Split"].contains(graph.nodes[$0].opType) }) {
                gated = true  // a fused gate_up projection, split in two
            } else if up.int(.outputSize) != inner {
                return nil
            }
        case 2:
            let a = spans[parts[0]], b = spans[parts[1]]
            guard a.input == b.input, a.layer.int(.inputSize) == x, b.layer.int(.inputSize) == x,
                  a.layer.int(.outputSize) == inner, b.layer.int(.outputSize) == inner else { return nil }
            gated = true
        default:
            return nil
        }
        // Gate first (the projection named so, else graph order), then up, then down.
        let ordered = parts.sorted { p, _ in namesGate(spans[p].layer.name) }
        return Shape(ordered: ordered, down: down, path: path, width: x, inner: inner, gated: gated)
    }

    /// The layer of the network `shape`.
    private static func make(_ spans: [LayerSpan], _ shape: Shape, _ graph: GraphIndex, under: ModulePaths) -> LayerSpan {
        let ordered = shape.ordered, down = shape.down, path = shape.path
        let children = (ordered + [down]).map { spans[$0].layer }
        let hyper: Hyper = [
            .width: .int(shape.width), .ffnSize: .int(shape.inner), .gated: .bool(shape.gated),
            .bias: .bool(!children.contains { $0.observations.contains(.noBias) }),
        ]
        let layer = Layer(
            name: name(children, under: under), kind: .feedForward, nodes: children.flatMap(\.nodes) + path.sorted().map(graph.label),
            weights: [], hyper: hyper, stored: children.map(\.stored).saturatingSum,
            nonTrainable: children.map(\.nonTrainable).saturatingSum, children: children)
        let first = ordered.min { spans[$0].order < spans[$1].order } ?? down
        return LayerSpan(layer: layer, graph: graph, nodeIndices: (ordered + [down]).flatMap { spans[$0].nodeIndices } + path,
                         input: spans[first].input, output: spans[down].output, anchor: spans[first].order)
    }

    /// True when `name` holds "gate" in any case (by bytes: `lowercased().contains` goes
    /// through Foundation, once per feed-forward network).
    private static func namesGate(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count >= 4 else { return false }
        // `| 0x20` lowers an ASCII capital and leaves the lower-case letters as they are.
        return (0...(bytes.count - 4)).contains { k in
            bytes[k] | 0x20 == UInt8(ascii: "g") && bytes[k + 1] | 0x20 == UInt8(ascii: "a")
                && bytes[k + 2] | 0x20 == UInt8(ascii: "t") && bytes[k + 3] | 0x20 == UInt8(ascii: "e")
        }
    }

    /// The module the projections share (`model.layers.0.mlp`), or `PREFIX.ffn` when that
    /// module holds other layers too (nn.TransformerEncoderLayer's linear1 and linear2 beside
    /// its self_attn; BERT's intermediate and output).
    private static func name(_ children: [Layer], under: ModulePaths) -> String {
        let own = children.reduce(0) { $0 + $1.flattenedCount }
        guard let prefix = LayerNaming.commonPrefix(children.map(\.name)) else { return LayerNaming.child(children[0].name, "ffn") }
        return under.names(at: prefix) > own ? LayerNaming.child(prefix, "ffn") : prefix
    }

    /// How many layer names lie at or below each module path (`a.b.c` lies at `a.b.c`, below
    /// `a.b` and below `a`; TensorFlow names by `/`). When every name is ASCII, each path is
    /// filed by its bytes in a table of its own: hashed once per name, no substring made.
    /// Otherwise paths are compared as strings are (canonical equivalence), as before.
    struct ModulePaths {
        private let paths: NameTable
        private var counts: [Int32] = []
        private var byString: [Substring: Int]?

        /// The paths of `names`.
        init(_ names: [String]) {
            guard names.allSatisfy(LayerNaming.isASCII) else {
                var byString: [Substring: Int] = [:]
                for name in names {
                    let sep: Character = LayerNaming.isTensorFlowName(name) ? "/" : "."
                    var end = name.endIndex
                    while true {
                        byString[name[..<end], default: 0] += 1
                        guard let dot = name[..<end].lastIndex(of: sep) else { break }
                        end = dot
                    }
                }
                self.byString = byString
                paths = NameTable()
                return
            }
            paths = NameTable(capacity: 4 * names.count)
            counts.reserveCapacity(4 * names.count)
            for var name in names {
                let sep = LayerNaming.isTensorFlowName(name) ? UInt8(ascii: "/") : UInt8(ascii: ".")
                name.withUTF8 { bytes in
                    var end = bytes.count
                    while true {
                        let id = Int(paths.intern(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<end]))))
                        if id == counts.count { counts.append(0) }
                        if id >= 0 { counts[id] += 1 }
                        guard let dot = bytes[..<end].lastIndex(of: sep) else { break }
                        end = dot
                    }
                }
            }
        }

        /// How many names were counted at or below `path`.
        func names(at path: String) -> Int {
            if let byString { return byString[Substring(path), default: 0] }
            return paths.id(path).map { Int(counts[Int($0)]) } ?? 0
        }
    }
}
