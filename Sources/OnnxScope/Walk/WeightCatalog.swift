/// Every stored weight of a model, found by walking the main graph, every nested
/// subgraph (`If`/`Loop`/`Scan` bodies, any graph attribute) and every model-local
/// function, plus the op histogram and who consumes each value.
///
/// The walk uses an explicit work list, so it terminates and keeps a flat stack however
/// deeply graphs nest. Names are unique per namespace: the main graph with all its
/// subgraphs share one, each function (with its subgraphs) has its own; a weight is
/// listed once per name in its namespace.
struct WeightCatalog: Sendable {
    /// Unique stored weights in walk order.
    public private(set) var weights: [StoredWeight] = []
    /// Op histogram over all graphs, subgraphs and function bodies, keyed by
    /// ``Node/qualifiedOpType``.
    public private(set) var opCounts: [String: Int] = [:]
    /// Total number of nodes visited.
    public private(set) var nodeCount = 0
    /// Number of graphs visited (main graph and subgraphs, function bodies excluded).
    public private(set) var graphCount = 0
    /// Consumers of each stored weight, by its position in ``weights``: weight `k`'s are
    /// `consumers[consumerStart[k]..<consumerStart[k + 1]]`, each node once. (Worked out in
    /// the walk, as node positions; their labels are made when asked for.)
    private var consumers: [Consumer] = []
    private var consumerStart: [Int32] = [0]
    /// The nodes and paths of the graphs walked, which the consumers' labels are made from.
    private var walked: [(nodes: NodeStore, path: String)] = []
    /// Names defined more than once in one namespace (counted once).
    public private(set) var duplicateNames: [ScopedName] = []

    /// The model's value names.
    private let table: NameTable
    /// Position in ``weights`` of the weight each name of the main namespace denotes, -1 for none.
    private var mainWeights: [Int32]
    /// The same for function namespaces, keyed by ``key(_:_:)``.
    private var functionWeights: [Int64: Int32] = [:]
    /// Function namespaces, numbered from 1 (0 is the main graph's).
    private var namespaceNumbers: [Namespace: Int64] = [.main: 0]

    /// Walks `model`.
    public init(model: Model) {
        let model = model.wired()
        table = model.nameTable
        mainWeights = [Int32](repeating: -1, count: table.count)
        weights.reserveCapacity(model.graph.initializers.count)
        var work: [GraphVisit] = [GraphVisit(
            nodes: model.graph.nodeStore, wiring: model.mainWiring, initializers: model.graph.initializers,
            sparseInitializers: model.graph.sparseInitializers, declaredInputs: model.graph.inputs.count,
            namespace: .main, placement: .mainGraph, path: "main")]
        for function in model.functions {
            if namespaceNumbers[.function(function.qualifiedName)] == nil {
                namespaceNumbers[.function(function.qualifiedName)] = Int64(namespaceNumbers.count)
            }
            work.append(GraphVisit(
                nodes: NodeStore(function.nodes), wiring: function.wiring(in: table),
                namespace: .function(function.qualifiedName), placement: .function,
                path: "function \(function.qualifiedName)", isFunctionBody: true))
        }
        var index = 0
        while index < work.count {
            let visit = work[index]
            index += 1
            visitGraph(visit, into: &work)
        }
        // Consumers, once every weight is known (a Constant may follow its first reader).
        findConsumers(work)
        walked = work.map { ($0.nodes, $0.path) }
    }

    /// The key of name `id` in a function namespace.
    private static func key(_ namespace: Int64, _ id: Int32) -> Int64 { namespace << 32 | Int64(UInt32(bitPattern: id)) }

    /// Position in ``weights`` of the weight named `id` in `namespace`, if any.
    private func weightIndex(_ id: Int32, in namespace: Int64) -> Int32? {
        guard id >= 0 else { return nil }
        let k = namespace != 0 ? functionWeights[WeightCatalog.key(namespace, id)] ?? -1
            : Int(id) < mainWeights.count ? mainWeights[Int(id)] : -1
        return k >= 0 ? k : nil
    }

    /// Which nodes of `visits` read a stored weight, each node once per weight: counted,
    /// then filled in walk order.
    private mutating func findConsumers(_ visits: [GraphVisit]) {
        func eachRead(_ body: (_ weight: Int, _ consumer: Consumer) -> Void) {
            for (v, visit) in visits.enumerated() {
                let number = namespaceNumbers[visit.namespace] ?? 0
                for position in 0..<visit.nodes.count {
                    let inputs = visit.wiring.inputs(of: position)
                    for k in inputs.indices {
                        guard let w = weightIndex(inputs[k], in: number), !inputs[inputs.startIndex..<k].contains(inputs[k]) else { continue }
                        body(Int(w), Consumer(visit: Int32(v), position: Int32(truncatingIfNeeded: position)))
                    }
                }
            }
        }
        var start = [Int32](repeating: 0, count: weights.count + 1)
        eachRead { w, _ in start[w + 1] += 1 }
        for k in 0..<weights.count { start[k + 1] += start[k] }
        var filled = start
        var found = [Consumer](repeating: Consumer(visit: 0, position: 0), count: Int(start[weights.count]))
        eachRead { w, consumer in
            found[Int(filled[w])] = consumer
            filled[w] += 1
        }
        consumers = found
        consumerStart = start
    }

    /// A node that reads a weight: its graph's position in the walk, its own in the graph.
    private struct Consumer {
        var visit: Int32
        var position: Int32
    }

    private mutating func visitGraph(_ visit: GraphVisit, into work: inout [GraphVisit]) {
        if !visit.isFunctionBody { graphCount += 1 }
        let declared = visit.wiring.declared
        func declaredID(_ k: Int) -> Int32 { declared.indices.contains(k) ? declared[k] : -1 }
        let home = StoredWeight.Home(placement: visit.placement, namespace: visit.namespace, graphPath: visit.path)
        for k in visit.initializers.indices {
            add(StoredWeight(initializer: k, of: visit.initializers, in: home), id: declaredID(visit.declaredInputs + k))
        }
        for (k, sparse) in visit.sparseInitializers.enumerated() {
            add(StoredWeight(
                name: sparse.name, dataType: sparse.values.dataType, dims: sparse.dims, storage: .sparseInitializer,
                placement: visit.placement, namespace: visit.namespace, graphPath: visit.path, source: .sparse(sparse)),
                id: declaredID(visit.declaredInputs + visit.initializers.count + k))
        }
        let nodes = visit.nodes
        nodeCount += nodes.count
        for op in nodes.opCounts() { opCounts[Node.qualified(op.opType, op.domain), default: 0] += op.count }
        // Constants' weights in node order, then the subgraphs (walked after this graph) in node order.
        for position in nodes.positions(of: "Constant") where nodes.isDefaultDomain(position) {
            if let weight = constantWeight(nodes.attributes(position), output: nodes.firstOutput(position), visit) {
                add(weight, id: visit.wiring.outputs(of: position).first ?? -1)
            }
        }
        let nested: Placement = visit.placement == .function ? .function : .subgraph
        for position in nodes.mayHoldGraphs() {
            for attribute in nodes.attributes(position) {
                for graph in attribute.value.subgraphs {
                    work.append(GraphVisit(
                        nodes: graph.nodeStore, wiring: graph.wiring(in: table), initializers: graph.initializers,
                        sparseInitializers: graph.sparseInitializers, declaredInputs: graph.inputs.count,
                        namespace: visit.namespace, placement: nested,
                        path: WeightCatalog.subgraphPath(visit.path, label: nodes.label(position), attribute.name)))
                }
            }
        }
    }

    /// The path of a subgraph held by attribute `attribute` of the node at `position`.
    static func subgraphPath(_ parent: String, _ node: Node, _ position: Int, _ attribute: String) -> String {
        subgraphPath(parent, label: node.name.isEmpty ? "\(node.opType)#\(position)" : node.name, attribute)
    }

    /// The path of a subgraph held by attribute `attribute` of the node labelled `label`
    /// (its name, else `Op#position`).
    static func subgraphPath(_ parent: String, label: String, _ attribute: String) -> String {
        "\(parent)/\(label).\(attribute)"
    }

    /// The weight a `Constant` node with these attributes holds, named `name` (its output),
    /// from whichever value attribute it carries.
    private func constantWeight(_ attributes: ArraySlice<Attribute>, output name: String, _ visit: GraphVisit) -> StoredWeight? {
        func weight(_ type: DataType, _ dims: [Int64], _ source: StoredWeight.Source) -> StoredWeight {
            StoredWeight(name: name, dataType: type, dims: dims, storage: .constant, placement: visit.placement,
                         namespace: visit.namespace, graphPath: visit.path, source: source)
        }
        for attribute in attributes {
            switch (attribute.name, attribute.value) {
            case ("value", .tensor(let t)):
                return weight(t.dataType, t.dims, .tensor(t))
            case ("sparse_value", .sparseTensor(let s)):
                return weight(s.values.dataType, s.dims, .sparse(s))
            case ("value_float", .float):
                return weight(.float, [], .attributeValues(stringBytes: 0))
            case ("value_floats", .floats(let values)):
                return weight(.float, [Int64(values.count)], .attributeValues(stringBytes: 0))
            case ("value_int", .int):
                return weight(.int64, [], .attributeValues(stringBytes: 0))
            case ("value_ints", .ints(let values)):
                return weight(.int64, [Int64(values.count)], .attributeValues(stringBytes: 0))
            case ("value_string", .string(let bytes)):
                return weight(.string, [], .attributeValues(stringBytes: bytes.count))
            case ("value_strings", .strings(let values)):
                return weight(.string, [Int64(values.count)],
                              .attributeValues(stringBytes: values.reduce(0) { $0 + $1.count }))
            default:
                continue
            }
        }
        return nil
    }

    /// Adds `weight`, whose name is `id` in the table (-1 when empty), unless its namespace
    /// already has a weight of that name.
    private mutating func add(_ weight: StoredWeight, id: Int32) {
        if id >= 0 {
            // The main graph's number is 0: most weights are there, and need no hashing.
            let number = weight.namespace == .main ? 0 : namespaceNumbers[weight.namespace] ?? 0
            guard weightIndex(id, in: number) == nil else {
                duplicateNames.append(ScopedName(namespace: weight.namespace, name: weight.name))
                return
            }
            let position = Int32(weights.count)
            if number == 0 {
                if Int(id) >= mainWeights.count { mainWeights += repeatElement(-1, count: table.count - mainWeights.count) }
                mainWeights[Int(id)] = position
            } else { functionWeights[WeightCatalog.key(number, id)] = position }
        }
        weights.append(weight)
    }

    /// How many nodes read `weights[k]`.
    public func consumerCount(at k: Int) -> Int { Int(consumerStart[k + 1] - consumerStart[k]) }

    /// The consumers of `weights[k]`: each node's name, else `Op#position@graph`.
    public func consumersOfWeight(at k: Int) -> [String] {
        consumers[Int(consumerStart[k])..<Int(consumerStart[k + 1])].map { c in
            let (nodes, path) = walked[Int(c.visit)]
            let position = Int(c.position), name = nodes.name(position)
            return name.isEmpty ? "\(nodes.opType(position))#\(position)@\(path)" : name
        }
    }

    /// The consumers of the weight, in its namespace.
    public func consumers(of weight: StoredWeight) -> [String] {
        guard let id = table.id(weight.name), let number = namespaceNumbers[weight.namespace],
              let k = weightIndex(id, in: number) else { return [] }
        return consumersOfWeight(at: Int(k))
    }
}

/// One graph (or function body) waiting to be walked.
private struct GraphVisit: Sendable {
    var nodes: NodeStore
    var wiring: Wiring
    var initializers: [Tensor] = []
    var sparseInitializers: [SparseTensor] = []
    /// How many of `wiring.declared` are graph inputs (the initializers' ids follow them).
    var declaredInputs = 0
    var namespace: Namespace
    var placement: Placement
    var path: String
    var isFunctionBody = false
}

/// A value namespace: the main graph tree, or one function's body.
enum Namespace: Hashable, Sendable {
    case main
    case function(String)
}

/// A value name within its namespace.
struct ScopedName: Hashable, Sendable {
    /// The namespace.
    public var namespace: Namespace
    /// The name.
    public var name: String
}

/// Where a weight sits in the model's structure.
enum Placement: String, Hashable, Sendable {
    /// In the main graph.
    case mainGraph
    /// In a nested subgraph of the main graph.
    case subgraph
    /// In a model-local function (or a subgraph inside one).
    case function
}

/// How a weight is stored.
enum StorageKind: String, Hashable, Sendable, CaseIterable {
    /// A graph initializer.
    case initializer
    /// The value of a `Constant` node.
    case constant
    /// A sparse initializer.
    case sparseInitializer
}
