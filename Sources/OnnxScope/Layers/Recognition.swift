/// A recognized layer with where it sits in its graph, as the grouping recognizers
/// (attention, transformer blocks, RNN stacks) need it.
struct LayerSpan {
    var layer: Layer
    /// The graph the layer lives in.
    var graph: GraphIndex
    /// Indices of its nodes in that graph.
    var nodeIndices: [Int]
    /// The activation value it reads (not a weight), when it has one.
    var input: String?
    /// The value it produces.
    var output: String?
    /// For attention: the value its key projection reads (differs from `input` for cross-attention).
    var keyInput: String? = nil
    /// Where the layer starts, when that is not its first node (attention reads position
    /// tables computed once for the whole model, long before its projections).
    var anchor: Int? = nil

    /// Position of its anchor node, or of its first node, for ordering layers as the graph
    /// runs. A quantized weight's `DequantizeLinear`, which quantizers put first in the
    /// graph, does not count.
    var order: Int {
        if let anchor { return anchor }
        guard let first = nodeIndices.min() else { return 0 }
        guard graph.nodes[first].opType == "DequantizeLinear" else { return first }
        return nodeIndices.lazy.filter { self.graph.nodes[$0].opType != "DequantizeLinear" }.min() ?? first
    }
}

/// Shared state while recognizers run: which nodes and weights are already claimed.
struct RecognitionContext {
    let indexes: [GraphIndex]
    /// Per graph (by ``GraphIndex/ordinal``), per node: claimed by a layer already. Every
    /// recognizer asks this of every node, so it is an array load, not a hash.
    private var claimed: [[Bool]]
    /// Weight name → name of the layer that owns it.
    private(set) var owners: [String: String] = [:]

    init(indexes: [GraphIndex]) {
        self.indexes = indexes
        claimed = indexes.map { [Bool](repeating: false, count: $0.nodes.count) }
    }

    func isClaimed(_ graph: GraphIndex, _ node: Int) -> Bool {
        guard graph.ordinal < claimed.count, claimed[graph.ordinal].indices.contains(node) else { return false }
        return claimed[graph.ordinal][node]
    }

    mutating func claim(_ graph: GraphIndex, nodes: [Int]) {
        guard graph.ordinal < claimed.count else { return }
        for n in nodes where claimed[graph.ordinal].indices.contains(n) { claimed[graph.ordinal][n] = true }
    }

    /// Records `layer` as the owner of its weights; returns the weights another layer
    /// already owns (shared weights), with that owner's name.
    mutating func own(_ weights: [String], by layer: String) -> [(String, String)] {
        var shared: [(String, String)] = []
        for w in weights {
            if let owner = owners[w], owner != layer {
                shared.append((w, owner))
            } else {
                owners[w] = layer
            }
        }
        return shared
    }

    func owner(of weight: String) -> String? { owners[weight] }
}


/// Names layers after the source module when the exporter kept it: the PyTorch dynamo
/// exporter's `pkg.torch.onnx.name_scopes`, the TorchScript exporter's `/scope/Op` node
/// names, tf2onnx's `model/layer/Op` names, or a weight named `module.weight`.
enum LayerNaming {
    static func name(_ graph: GraphIndex, nodes: [Int], weights: [String] = []) -> String {
        // A node an optimizer rewrote (e.g. a BatchNorm fused into a Conv) carries the scope
        // of what it absorbed; the weights' own names are then the better guide.
        let rewritten = nodes.contains { i in graph.nodes[i].metadata.contains { $0.key == "pkg.onnxscript.rewriter.rule_name" } }
        if rewritten, let fromWeights = weightStem(weights) { return fromWeights }
        for i in nodes.sorted() {
            guard let scope = moduleScope(graph.nodes[i]) else { continue }
            // A module that calls its child's weights itself (F.linear(x, self.qkv.weight)):
            // the weight names the child, which is the more precise path.
            // Not when the child is only an op's name (the genai builder's `qkv_proj.MatMul.weight`).
            if let stem = weightStem(weights), stem.hasPrefix(scope + "."),
               !StandardOperators.names.contains(String(stem.dropFirst(scope.count + 1))) { return stem }
            return scope
        }
        if let fromWeights = weightStem(weights) { return fromWeights }
        // A node an optimizer wrote in place of a subgraph (com.microsoft `Attention_0`) keeps
        // the subgraph's output value name, and with it the scope (`/encoder/layer.0/attention/self/…`).
        for i in nodes.sorted() {
            if let scope = graph.nodes[i].outputs.lazy.compactMap(valueScope).first { return scope }
        }
        return nodes.sorted().first.map { graph.label($0) } ?? "layer"
    }

    /// The module scope in a TorchScript-style value name (`/encoder/layer.0/attention/self/Reshape_3_output_0`).
    static func valueScope(_ value: String) -> String? {
        guard value.hasPrefix("/") else { return nil }
        let parts = value.split(separator: "/").dropLast()
        return parts.isEmpty ? nil : collapsed(parts.map(String.init))
    }

    /// `fc1` from `fc1.weight`: the module path a framework-named weight carries.
    static func weightStem(_ weights: [String]) -> String? {
        for w in weights {
            if let dot = w.lastIndex(of: "."), !w.hasPrefix("onnx::"), w.contains(where: { $0.isLetter }) {
                let stem = String(w[..<dot])
                if !stem.isEmpty { return stem }
            }
        }
        return nil
    }

    /// The module scope a node came from, if the exporter recorded one.
    static func moduleScope(_ node: Node) -> String? {
        if let scopes = node.metadata.first(where: { $0.key == "pkg.torch.onnx.name_scopes" })?.value {
            let parts = quotedStrings(scopes)
            if parts.count >= 2, let module = parts.dropLast().last(where: { !$0.isEmpty }) { return module }
        }
        let name = node.name
        if name.hasPrefix("/") {
            let parts = name.split(separator: "/").dropLast()
            if !parts.isEmpty { return collapsed(parts.map(String.init)) }
        } else if name.contains("/") {
            let parts = name.split(separator: "/").dropLast()
            if !parts.isEmpty { return parts.joined(separator: "/") }
        }
        return nil
    }

    /// A TorchScript scope path as the module path: `/features/features.1/features.1.1/attn`
    /// names each component with its full path when modules nest in a Sequential, so a
    /// component that extends the one before it replaces it (`features.1.1.attn`).
    static func collapsed(_ parts: [String]) -> String {
        var result: [String] = []
        for part in parts {
            if let last = result.last, part.hasPrefix(last + ".") {
                result[result.count - 1] = part
            } else {
                result.append(part)
            }
        }
        return result.joined(separator: ".")
    }

    /// The longest dotted prefix all names share, or nil.
    static func commonPrefix(_ names: [String]) -> String? {
        guard let first = names.first else { return nil }
        var parts = first.split(separator: ".").map(String.init)
        for name in names.dropFirst() {
            let other = name.split(separator: ".").map(String.init)
            var n = 0
            while n < min(parts.count, other.count), parts[n] == other[n] { n += 1 }
            parts = Array(parts.prefix(n))
        }
        return parts.isEmpty ? nil : parts.joined(separator: ".")
    }

    static func quotedStrings(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q {
                    result.append(current)
                    current = ""
                    quote = nil
                } else {
                    current.append(c)
                }
            } else if c == "'" || c == "\"" {
                quote = c
            }
        }
        return result
    }
}
