/// The tensor shapes a model declares for its main graph (graph inputs and outputs,
/// `value_info`, initializer dims), with symbolic dimensions resolved from assumptions
/// such as `batch=1`, and its nodes by the labels layers list them under.
///
/// Nothing is inferred: a value whose shape is not declared, or has an unknown or
/// unassumed dimension, has no dims, so no figure computed from it is a guess.
public struct DeclaredShapes: Sendable {
    /// Symbolic dimension name → the size to assume for it.
    public let assumptions: [String: Int64]
    /// Each value's declared shape: from inputs, outputs and `value_info`, else the dims of
    /// the first initializer of its name. One map, so that a value is looked up once.
    private var shapes: [String: Declared] = [:]
    private let initializers: [Tensor]

    private enum Declared {
        case shape([Dimension])
        /// The position of the initializer whose dims are the shape.
        case initializer(Int)
    }

    /// The main graph, whose nodes are made into values only when one is asked for.
    private let graph: Graph
    /// Named nodes by name; unnamed ones are found from their `op#index` label.
    private var named: [String: Int] = [:]

    /// The declared shapes and the nodes of `model`'s main graph.
    public init(model: Model, assumptions: [String: Int64] = [:]) {
        self.assumptions = assumptions
        let graph = model.graph
        initializers = graph.initializers
        shapes.reserveCapacity(graph.initializers.count + graph.inputs.count + graph.outputs.count + graph.valueInfo.count)
        for (k, tensor) in graph.initializers.enumerated() where shapes[tensor.name] == nil {
            shapes[tensor.name] = .initializer(k)
        }
        // A declaration wins over an initializer's dims; of several, the last.
        for value in graph.inputs + graph.outputs + graph.valueInfo {
            if let shape = value.type?.shape { shapes[value.name] = .shape(shape) }
        }
        self.graph = graph
        let nodes = graph.nodeStore
        named.reserveCapacity(nodes.count)
        for index in 0..<nodes.count {
            let name = nodes.name(index)
            if !name.isEmpty { named[name] = index }
        }
    }

    /// The node a layer lists under `label`.
    public func node(_ label: String) -> Node? {
        if let index = named[label] { return graph.nodes[index] }
        // `Conv#12`: the 13th node, when it is unnamed and of that op (as GraphIndex.label writes it).
        guard let hash = label.lastIndex(of: "#"), let index = Int(label[label.index(after: hash)...]),
              (0..<graph.nodeStore.count).contains(index) else { return nil }
        let node = graph.nodes[index]
        return node.name.isEmpty && GraphIndex.label(of: node, at: index) == label ? node : nil
    }

    /// The first of the nodes listed under `labels` that passes `test`. (A loop, not
    /// `labels.lazy.compactMap(shapes.node)`: that copies these shapes into a closure, per layer.)
    public func firstNode(of labels: [String], where test: (Node) -> Bool) -> Node? {
        for label in labels {
            if let n = node(label), test(n) { return n }
        }
        return nil
    }

    /// The declared shape of `value`: from inputs, outputs and `value_info`, else an
    /// initializer's dims.
    private func declared(_ value: String) -> [Dimension]? {
        switch shapes[value] {
        case .shape(let shape)?: return shape
        case .initializer(let k)?: return initializers[k].dims.map { .value($0) }
        case nil: return nil
        }
    }

    /// The dims of `value` when every dimension is known or assumed; nil otherwise.
    public func dims(_ value: String) -> [Int64]? {
        guard let shape = declared(value) else { return nil }
        var dims: [Int64] = []
        for dimension in shape {
            switch dimension {
            case .value(let v) where v >= 0: dims.append(v)
            case .symbol(let name):
                guard let v = assumptions[name] else { return nil }
                dims.append(v)
            case .value, .unknown: return nil
            }
        }
        return dims
    }

    /// The symbolic dimensions of `value`'s declared shape (those an assumption resolves).
    public func symbols(_ value: String) -> [String] {
        (declared(value) ?? []).compactMap { if case .symbol(let name) = $0 { name } else { nil } }
    }
}
