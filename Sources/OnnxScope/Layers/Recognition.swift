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
        // Most weights get an owner: room for all of them, so that the map never grows.
        owners.reserveCapacity(indexes.reduce(0) { $0 + $1.weightCount })
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
