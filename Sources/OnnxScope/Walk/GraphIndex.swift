import Synchronization

/// Producers, consumers and weights of one graph, with lookups that fall back to the
/// enclosing graph (a subgraph may read the outer graph's values).
final class GraphIndex: @unchecked Sendable {
    /// One use of a value: node `node` reads it as input `slot`.
    public struct Use: Hashable, Sendable {
        /// Index of the reading node in the graph.
        public var node: Int
        /// The input position it reads the value at.
        public var slot: Int
    }

    /// The graph's nodes in file order.
    public let nodes: [Node]
    /// The graph's path, e.g. `main` or `main/loop.body`.
    public let path: String
    /// The enclosing graph's index, for subgraphs.
    public let parent: GraphIndex?
    /// The namespace the graph's value names live in (the main graph tree, or a function's).
    public let namespace: Namespace
    /// Position of this index in the list ``WeightCatalog/graphIndexes(of:reader:includingFunctions:inliningCalls:)``
    /// returned: per-graph state elsewhere (claimed nodes) is an array slot, not a hash.
    public let ordinal: Int
    /// The table of the graph's value names, and each name's local number in this graph.
    private let table: NameTable
    private let local: LocalNumbers
    /// The nodes' names as table ids (``nodes`` in order), for the lookups by slot
    /// (``inputNumber(_:_:)``) that hash no name.
    private let wiring: Wiring
    /// By local number: the producing node (-1 for none), the reading nodes, the weight.
    private let producers: [Int32]
    private let uses: [[Use]]
    private let weightsByNumber: [StoredWeight?]
    /// The weights defined in this graph, the first of each name.
    private let weightList: [StoredWeight]
    private let reader: ModelFile?
    /// Subgraph inputs bound to values of the enclosing graph (`Loop`/`Scan` bodies).
    private let bindings: [String: String]

    /// How many weights the graph defines (one per name).
    var weightCount: Int { weightList.count }

    /// Indexes `nodes`; `weights` are the stored weights defined in this graph. `wiring`
    /// holds the nodes' names as ids of the model's table; without it (nodes made by
    /// expanding function calls) the names are numbered here.
    init(nodes: [Node], wiring: Wiring?, path: String, parent: GraphIndex?, weights: [StoredWeight], reader: ModelFile?,
         bindings: [String: String] = [:], namespace: Namespace = .main, ordinal: Int = 0) {
        self.nodes = nodes
        self.ordinal = ordinal
        self.path = path
        self.parent = parent
        self.namespace = namespace
        self.reader = reader
        self.bindings = bindings
        let (wiring, ids) = GraphIndex.wiring(wiring, of: nodes, weights: weights)
        table = wiring.table
        self.wiring = wiring
        var local = LocalNumbers(tableCount: table.count, names: wiring.inputs.count + wiring.outputs.count + weights.count)
        for id in wiring.outputs where id >= 0 { _ = local.number(id) }
        for id in wiring.inputs where id >= 0 { _ = local.number(id) }
        let weightIDs = ids.map { $0 >= 0 ? local.number($0) : -1 }
        let numbers = local
        self.local = numbers
        let count = numbers.count
        // A large graph's consumer table is built on a second core while this one builds the rest.
        let consumers = nodes.count >= GraphIndex.parallelTables
            ? BackgroundWork { GraphIndex.uses(wiring, numbers, count: count) } : nil
        var producers = [Int32](repeating: -1, count: count)
        for i in nodes.indices {
            for id in wiring.outputs(of: i) where id >= 0 {
                if let k = numbers.find(id) { producers[Int(k)] = Int32(i) }
            }
        }
        self.producers = producers
        var byNumber = [StoredWeight?](repeating: nil, count: count)
        var list: [StoredWeight] = []
        var emptyNamed = false
        for (w, k) in zip(weights, weightIDs) {
            if k >= 0 {
                guard byNumber[Int(k)] == nil else { continue }
                byNumber[Int(k)] = w
            } else {
                // An empty name is one name too: its first weight is the one found.
                guard !emptyNamed else { continue }
                emptyNamed = true
            }
            list.append(w)
        }
        weightsByNumber = byNumber
        weightList = list
        self.uses = consumers?.value ?? GraphIndex.uses(wiring, numbers, count: count)
    }

    /// Node count from which the tables are built on two cores (below it, starting a thread costs more).
    private static let parallelTables = 20_000

    /// Local number → the nodes that read it.
    private static func uses(_ wiring: Wiring, _ local: LocalNumbers, count: Int) -> [[Use]] {
        var uses = [[Use]](repeating: [], count: count)
        for i in 0..<wiring.nodeCount {
            for (slot, id) in wiring.inputs(of: i).enumerated() where id >= 0 {
                if let k = local.find(id) { uses[Int(k)].append(Use(node: i, slot: slot)) }
            }
        }
        return uses
    }

    /// The table ids of the weights' names (-1 for an empty name); nil when the table lacks one.
    private static func ids(of weights: [StoredWeight], in table: NameTable) -> [Int32]? {
        // Looked up on all cores for a long list (the table is only read by now): each lookup
        // of a large graph's table waits on memory.
        let found: [Int32?] = ParallelWork.map(weights) { $0.name.isEmpty ? -1 : table.id($0.name) }
        var ids: [Int32] = []
        ids.reserveCapacity(weights.count)
        for id in found {
            guard let id else { return nil }
            ids.append(id)
        }
        return ids
    }

    /// The wiring to index `nodes` by, with the table ids of the weights' names: `held` when
    /// it is a wiring of `nodes` whose table holds every weight's name; else (expanded calls
    /// and their constants) the names numbered in a table of their own.
    private static func wiring(_ held: Wiring?, of nodes: [Node], weights: [StoredWeight]) -> (Wiring, [Int32]) {
        if let held, held.nodeCount == nodes.count, let ids = ids(of: weights, in: held.table) { return (held, ids) }
        let table = NameTable(capacity: 2 * nodes.count + weights.count)
        let ids = weights.map { $0.name.isEmpty ? -1 : table.intern($0.name) }
        return (ModelWiring.wiring(nil, count: nodes.count, of: nodes, in: table) { [] }, ids)
    }

    /// The local number of `value`, if this graph mentions it.
    private func number(_ value: String) -> Int? {
        guard !value.isEmpty, let id = table.id(value), let k = local.find(id) else { return nil }
        return Int(k)
    }

    /// Node indices by op type, in graph order; built on first use (recognizers may read
    /// the index from several cores, so the table is behind a lock).
    private let byOpType = Mutex<[String: [Int]]?>(nil)

    /// The nodes whose op type is one of `ops`, in graph order (any domain: the caller checks it).
    public func nodes(ofType ops: Set<String>) -> [Int] {
        let table = opTable
        let lists = ops.compactMap { table[$0] }
        return lists.count == 1 ? lists[0] : lists.flatMap { $0 }.sorted()
    }

    /// True when some node of this graph has one of the op types `ops` (no list is built).
    public func hasNode(ofType ops: Set<String>) -> Bool {
        let table = opTable
        return ops.contains { table[$0] != nil }
    }

    /// The op types of the graph's nodes, each once (from the table ``nodes(ofType:)`` reads).
    public var opTypes: [String] { Array(opTable.keys) }

    private var opTable: [String: [Int]] {
        byOpType.withLock { cached in
            if let cached { return cached }
            var built: [String: [Int]] = [:]
            for i in nodes.indices { built[nodes[i].opType, default: []].append(i) }
            cached = built
            return built
        }
    }

    /// The number of `value` in this graph, nil when the graph does not mention it: the key
    /// of ``producer(ofNumber:)`` and ``weight(_:number:)``, so that a walk over the graph
    /// hashes each name once.
    public func valueNumber(_ value: String) -> Int? { number(value) }

    /// How many values this graph mentions: value numbers are below it.
    public var valueCount: Int { producers.count }

    /// The node that produces the value numbered `k` in this graph.
    public func producer(ofNumber k: Int) -> Int? {
        let p = producers[k]
        return p >= 0 ? Int(p) : nil
    }

    /// The node that produces `value` in this graph.
    public func producer(of value: String) -> Int? { number(value).flatMap(producer(ofNumber:)) }

    /// The number (``valueNumber(_:)``) of input `slot` of node `i`, found from the node's
    /// wiring rather than by its name: nil for an empty or absent input.
    public func inputNumber(_ i: Int, _ slot: Int) -> Int? { number(at: slot, of: wiring.inputs(of: i)) }

    /// The number of output `slot` of node `i` (see ``inputNumber(_:_:)``).
    public func outputNumber(_ i: Int, _ slot: Int) -> Int? { number(at: slot, of: wiring.outputs(of: i)) }

    /// The number of the value whose id is at position `slot` of `ids`; nil past the end or for no value.
    private func number(at slot: Int, of ids: ArraySlice<Int32>) -> Int? {
        guard slot >= 0, slot < ids.count else { return nil }
        let id = ids[ids.startIndex + slot]
        guard id >= 0, let k = local.find(id) else { return nil }
        return Int(k)
    }

    /// The node that produces input `slot` of node `i`.
    public func producer(ofInput slot: Int, of i: Int) -> Int? { inputNumber(i, slot).flatMap(producer(ofNumber:)) }

    /// The nodes that read output `slot` of node `i`.
    public func uses(ofOutput slot: Int, of i: Int) -> [Use] {
        guard let k = outputNumber(i, slot) else { return [] }
        return uses[k]
    }

    /// The nodes of this graph that read `value`.
    public func uses(of value: String) -> [Use] {
        guard let k = number(value) else { return [] }
        return uses[k]
    }

    /// The stored weight named `name`, here or in an enclosing graph.
    public func weight(_ name: String) -> StoredWeight? { weight(name, number: number(name)) }

    /// The stored weight named `name`, here or in an enclosing graph, whose number here is
    /// `k` (``valueNumber(_:)``).
    public func weight(_ name: String, number k: Int?) -> StoredWeight? {
        if name.isEmpty, let w = weightList.first(where: { $0.name.isEmpty }) { return w }
        if let k, let w = weightsByNumber[k] { return w }
        return parent?.weight(name)
    }

    /// The enclosing graph's value a body input of this graph is bound to (`Loop`/`Scan`).
    public func binding(of value: String) -> String? { bindings[value] }

    /// A stable label for node `i`: its name, or `op#i` when unnamed.
    public func label(_ i: Int) -> String {
        GraphIndex.label(of: nodes[i], at: i)
    }

    /// The label of `node`, the `index`-th node of its graph: its name, or `op#index`.
    public static func label(of node: Node, at index: Int) -> String {
        node.name.isEmpty ? "\(node.opType)#\(index)" : node.name
    }

    /// The integer values of a stored constant (a shape, an axis list), when small and inline.
    public func integers(_ name: String) -> [Int64]? {
        guard let w = weight(name), case .tensor(let t) = w.source else {
            return constantAttributeInts(name)
        }
        return reader?.integerValues(of: t)
    }

    /// The numeric values of a stored weight, when small and inline.
    public func numbers(_ name: String, limit: Int = 1 << 16) -> [Double]? {
        guard let w = weight(name), case .tensor(let t) = w.source else { return nil }
        return reader?.numericValues(of: t, limit: limit)
    }

    /// True when the two weights hold byte-identical values.
    public func sameValues(_ a: StoredWeight, _ b: StoredWeight) -> Bool {
        guard case .tensor(let ta) = a.source, case .tensor(let tb) = b.source else { return false }
        return reader?.sameStoredValues(ta, tb) ?? false
    }

    /// The numbers of the `Constant` node that produces `name` from a `value_float(s)` or
    /// `value_int(s)` attribute, here or in an enclosing graph.
    func constantAttributeNumbers(_ name: String) -> [Double]? {
        guard let p = producer(of: name), nodes[p].opType == "Constant" else { return parent?.constantAttributeNumbers(name) }
        for a in nodes[p].attributes {
            switch (a.name, a.value) {
            case ("value_float", .float(let v)): return [Double(v)]
            case ("value_floats", .floats(let v)): return v.map(Double.init)
            case ("value_int", .int(let v)): return [Double(v)]
            case ("value_ints", .ints(let v)): return v.map(Double.init)
            default: continue
            }
        }
        return nil
    }

    private func constantAttributeInts(_ name: String) -> [Int64]? {
        guard let p = producer(of: name), nodes[p].opType == "Constant" else { return parent?.constantAttributeInts(name) }
        for a in nodes[p].attributes {
            if case .ints(let v) = a.value, a.name == "value_ints" { return v }
            if case .int(let v) = a.value, a.name == "value_int" { return [v] }
        }
        return nil
    }

    /// Stored weights of this graph that nodes read only for their shape (`Shape`, `Size`):
    /// their values are never used.
    public var shapeOnlyWeights: [StoredWeight] {
        guard hasNode(ofType: GraphIndex.shapeReaders) else { return [] }
        return weightList.filter { w in
            guard w.graphPath == path else { return false }
            let u = uses(of: w.name)
            return !u.isEmpty && u.allSatisfy { GraphIndex.shapeReaders.contains(nodes[$0.node].opType) }
        }.sorted { $0.name < $1.name }
    }

    /// Ops that read only the shape of their input.
    static let shapeReaders: Set<String> = ["Shape", "Size"]

    /// Ops a weight passes through unchanged in count on its way to the op that uses it.
    static let passThrough: Set<String> = [
        "Identity", "Cast", "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Flatten",
        "DequantizeLinear", "Slice", "Split",
    ]

    /// Follows `value` backwards through pass-through ops to a stored weight, and works out
    /// the shape that reaches `value` (a `Split` or `Slice` of a packed weight takes a part).
    public func traceWeight(_ value: String) -> WeightTrace? { traceWeight(value, number: number(value)) }

    /// ``traceWeight(_:)`` of input `slot` of node `i`, its values found by their numbers
    /// (no name hashed); nil for an absent input.
    public func traceWeight(input slot: Int, of i: Int) -> WeightTrace? {
        let inputs = nodes[i].inputs
        guard slot >= 0, slot < inputs.count else { return nil }
        return traceWeight(inputs[slot], number: inputNumber(i, slot))
    }

    /// ``traceWeight(_:)`` of `value`, whose number here (``valueNumber(_:)``) is `number`.
    public func traceWeight(_ value: String, number: Int?) -> WeightTrace? {
        var current = value
        var k = number
        var steps: [(node: Int, output: Int)] = []
        for _ in 0..<16 {
            if let w = weight(current, number: k) {
                var trace = WeightTrace(weight: w, via: steps.map(\.node), transposed: steps.contains { nodes[$0.node].opType == "Transpose" },
                                        dims: w.dims, isPart: false, shapeKnown: true)
                for step in steps.reversed() {
                    guard let next = shape(after: step.node, output: step.output, input: trace.dims) else {
                        trace.dims = w.dims
                        trace.shapeKnown = false
                        break
                    }
                    trace.dims = next
                }
                let whole = (try? TensorSize.elements(w.dims).get()) ?? 0
                trace.isPart = trace.shapeKnown && ((try? TensorSize.elements(trace.dims).get()) ?? whole) < whole
                return trace
            }
            let producer = k.flatMap(producer(ofNumber:))
            if producer == nil, !bindings.isEmpty, let outer = bindings[current], let parent, var trace = parent.traceWeight(outer) {
                // The trace continues in the enclosing graph; its nodes are not this graph's.
                trace.via = steps.map(\.node)
                return trace
            }
            guard let p = producer, GraphIndex.passThrough.contains(nodes[p].opType),
                  let next = nodes[p].inputs.first, !next.isEmpty else { return nil }
            steps.append((p, nodes[p].outputs.firstIndex(of: current) ?? 0))
            current = next
            k = inputNumber(p, 0)
        }
        return nil
    }

    /// The shape of output `output` of pass-through node `i` given its data input's shape;
    /// nil when a needed constant is unknown.
    private func shape(after i: Int, output: Int, input dims: [Int64]) -> [Int64]? {
        let node = nodes[i]
        let rank = Int64(dims.count)
        func axis(_ a: Int64) -> Int? {
            let n = a < 0 ? a + rank : a
            return n >= 0 && n < rank ? Int(n) : nil
        }
        switch node.opType {
        case "Identity", "Cast", "DequantizeLinear":
            return dims
        case "Transpose":
            let perm = node.intsAttribute("perm") ?? Array((0..<rank).reversed())
            guard perm.count == dims.count, perm.allSatisfy({ $0 >= 0 && $0 < rank }) else { return nil }
            return perm.map { dims[Int($0)] }
        case "Split":
            guard let a = axis(node.intAttribute("axis") ?? 0) else { return nil }
            var sizes = node.intsAttribute("split") ?? (node.inputs.count > 1 && !node.inputs[1].isEmpty ? integers(node.inputs[1]) : nil)
            if sizes == nil {
                let parts = Int64(node.outputs.count)
                guard parts > 0 else { return nil }
                let chunk = dims[a] / parts + (dims[a] % parts == 0 ? 0 : 1)
                sizes = (0..<parts).map { k in min(chunk, max(0, Saturating.add(dims[a], -Saturating.mul(k, chunk)))) }
            }
            guard let sizes, output < sizes.count else { return nil }
            var result = dims
            result[a] = sizes[output]
            return result
        case "Slice":
            guard node.inputs.count >= 3, let starts = integers(node.inputs[1]), let ends = integers(node.inputs[2]) else { return nil }
            let axes = node.inputs.count > 3 && !node.inputs[3].isEmpty ? integers(node.inputs[3]) : Array(0..<Int64(starts.count))
            let stepValues = node.inputs.count > 4 && !node.inputs[4].isEmpty ? integers(node.inputs[4]) : nil
            guard let axes, axes.count == starts.count, ends.count == starts.count else { return nil }
            var result = dims
            for k in axes.indices {
                guard let a = axis(axes[k]) else { return nil }
                let step = stepValues.map { $0.indices.contains(k) ? $0[k] : 1 } ?? 1
                guard step == 1 else { return nil }
                let size = dims[a]
                func clamp(_ v: Int64) -> Int64 { min(max(v < 0 ? v + size : v, 0), size) }
                result[a] = max(0, clamp(ends[k]) - clamp(starts[k]))
            }
            return result
        case "Reshape":
            guard node.inputs.count > 1, var target = integers(node.inputs[1]) else { return nil }
            for k in target.indices where target[k] == 0 && k < dims.count { target[k] = dims[k] }
            guard let total = GraphIndex.product(dims) else { return nil }
            if let unknown = target.firstIndex(of: -1) {
                guard let known = GraphIndex.product(target.enumerated().filter { $0.offset != unknown }.map(\.element)),
                      known > 0 else { return nil }
                target[unknown] = total / known
            }
            return target
        case "Squeeze":
            let axes = node.intsAttribute("axes") ?? (node.inputs.count > 1 ? integers(node.inputs[1]) : nil)
            guard let axes else { return dims.filter { $0 != 1 } }
            let drop = Set(axes.compactMap(axis))
            return dims.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        case "Unsqueeze":
            guard let axes = node.intsAttribute("axes") ?? (node.inputs.count > 1 ? integers(node.inputs[1]) : nil) else { return nil }
            var result = dims
            let outRank = Int64(dims.count + axes.count)
            for a in axes.map({ $0 < 0 ? $0 + outRank : $0 }).sorted() {
                guard a >= 0, a <= Int64(result.count) else { return nil }
                result.insert(1, at: Int(a))
            }
            return result
        case "Flatten":
            guard let a = axis(node.intAttribute("axis") ?? 1) ?? (node.intAttribute("axis") == rank ? Int(rank) : nil) else { return nil }
            guard let outer = GraphIndex.product(dims[..<a]), let inner = GraphIndex.product(dims[a...]) else { return nil }
            return [outer, inner]
        default:
            return nil
        }
    }

    /// The product of dims from a file, or nil when it overflows 64 bits.
    static func product(_ dims: some Sequence<Int64>) -> Int64? {
        var result: Int64 = 1
        for d in dims {
            let (next, overflow) = result.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// True when `value` is a constant: a stored weight, or computed only from constants
    /// by `ConstantOfShape` or pass-through ops (materialised zeros, folded shapes).
    public func isMaterializedConstant(_ value: String) -> Bool { isMaterializedConstant(value, number: number(value)) }

    /// ``isMaterializedConstant(_:)`` of `value`, whose number in the graph is `k`: the walk
    /// follows the nodes' wiring, so no name is hashed.
    func isMaterializedConstant(_ value: String, number k: Int?) -> Bool {
        var pending = [(value, k)]
        var steps = 0
        while let (v, k) = pending.popLast() {
            steps += 1
            if steps > 64 { return false }
            if weight(v, number: k) != nil { continue }
            guard let p = k.flatMap(producer(ofNumber:)) else { return false }
            let op = nodes[p].opType
            guard op == "ConstantOfShape" || op == "Expand" || op == "Tile" || GraphIndex.passThrough.contains(op) else { return false }
            for (slot, input) in nodes[p].inputs.enumerated() where !input.isEmpty { pending.append((input, inputNumber(p, slot))) }
        }
        return true
    }
}

extension GraphIndex {
    /// Which body inputs of a `Loop` or `Scan` node receive which of the node's inputs.
    /// Loop: body inputs 2... take the loop-carried initial values (node inputs 2...);
    /// Scan: body inputs take the node's inputs one for one.
    static func bindings(of body: Graph, in node: Node) -> [String: String] {
        let offset: Int
        switch node.opType {
        case "Loop": offset = 2
        case "Scan": offset = 0
        default: return [:]
        }
        var result: [String: String] = [:]
        for (j, input) in body.inputs.enumerated() where j >= offset && j < node.inputs.count && !node.inputs[j].isEmpty {
            result[input.name] = node.inputs[j]
        }
        return result
    }
}

/// A weight reached from a value through pass-through ops.
struct WeightTrace: Sendable {
    /// The stored weight.
    public var weight: StoredWeight
    /// The pass-through nodes between the weight and the value, nearest first.
    public var via: [Int]
    /// True when a `Transpose` was among them.
    public var transposed: Bool
    /// The shape that reaches the op, after transposes, reshapes and slicing.
    public var dims: [Int64]
    /// True when only part of the weight reaches the op (a `Split` or `Slice` of a packed weight).
    public var isPart: Bool
    /// False when a reshape to a computed shape hid the shape; `dims` are then the stored ones.
    public var shapeKnown: Bool

    /// Elements that reach the op.
    public var elements: Int64 { (try? TensorSize.elements(dims).get()) ?? 0 }
}

extension WeightCatalog {
    /// Builds the index of every graph the catalog walked: the main graph first, then
    /// each subgraph, keyed by path; with `includingFunctions`, then each model-local
    /// function body (path `function NAME`) and its subgraphs, in their own namespaces.
    /// With `inliningCalls`, the main graph's index holds its function calls expanded
    /// (``FunctionInlining``), for recognizing the layers inside function bodies.
    public func graphIndexes(of model: Model, reader: ModelFile?, includingFunctions: Bool = false,
                             inliningCalls: Bool = false) -> [GraphIndex] {
        let model = model.wired()
        let table = model.nameTable
        var byPath: [String: [StoredWeight]] = [:]
        for w in weights { byPath[w.graphPath, default: []].append(w) }
        var result: [GraphIndex] = []
        var main = model.graph.nodes
        // Expanded calls are nodes the file does not have: their names are numbered by their index.
        var mainWiring: Wiring? = model.mainWiring
        if inliningCalls, let inlined = FunctionInlining(main, model: model, weights: weights) {
            main = inlined.nodes
            mainWiring = nil
            byPath["main", default: []] += inlined.constants
        }
        // `walk`: the nodes whose subgraphs are visited (the file's own, for the paths the catalog uses).
        var work: [(nodes: [Node], wiring: Wiring?, walk: [Node], path: String, parent: GraphIndex?, bindings: [String: String], namespace: Namespace)] =
            [(main, mainWiring, model.graph.nodes, "main", nil, [:], .main)]
        if includingFunctions {
            for f in model.functions {
                work.append((f.nodes, f.wiring(in: table), f.nodes, "function \(f.qualifiedName)", nil, [:], .function(f.qualifiedName)))
            }
        }
        var i = 0
        while i < work.count {
            let visit = work[i]
            i += 1
            let index = GraphIndex(nodes: visit.nodes, wiring: visit.wiring, path: visit.path, parent: visit.parent, weights: byPath[visit.path] ?? [],
                                   reader: reader, bindings: visit.bindings, namespace: visit.namespace, ordinal: result.count)
            result.append(index)
            for (position, node) in visit.walk.enumerated() {
                for attribute in node.attributes {
                    for sub in attribute.value.subgraphs {
                        work.append((sub.nodes, sub.wiring(in: table), sub.nodes, WeightCatalog.subgraphPath(visit.path, node, position, attribute.name),
                                     index, GraphIndex.bindings(of: sub, in: node), visit.namespace))
                    }
                }
            }
        }
        return result
    }
}
