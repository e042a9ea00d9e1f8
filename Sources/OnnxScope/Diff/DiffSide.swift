/// One side of a comparison: a model's stored weights, who consumes them, and their
/// value hashes, computed at most once and only when asked for.
struct DiffSide {
    let file: ModelFile
    let weights: [StoredWeight]
    /// The graph indexes (main tree and function bodies), by graph path.
    private let indexes: [String: GraphIndex]
    /// Sorted `opType:slot` signatures of each weight's consumers, in its namespace.
    private let signatures: [[String]]
    private var hashes: [Int: UInt64] = [:]
    /// The main graph's index.
    let main: GraphIndex?
    /// Main-graph weights by name (the first of a name), built on first use: most diffs never ask.
    private let names: NameIndex

    init(file: ModelFile, catalog: WeightCatalog) {
        self.file = file
        weights = catalog.weights
        let all = catalog.graphIndexes(of: file.model, reader: nil, includingFunctions: true)
        indexes = Dictionary(all.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        main = all.first { $0.path == file.model.graph.name || $0.path == "main" } ?? all.first
        names = NameIndex(catalog.weights)
        let byNamespace = Dictionary(grouping: all, by: \.namespace)
        signatures = catalog.weights.map { w in
            (byNamespace[w.namespace] ?? []).flatMap { index in
                index.uses(of: w.name).map { "\(index.nodes[$0.node].qualifiedOpType):\($0.slot)" }
            }.sorted()
        }
    }

    /// The values of weight `i`: tensors in place, sparse tensors as their stored
    /// entries (never made dense), `Constant` attribute numbers from memory (attribute
    /// strings read as no numbers).
    func values(_ i: Int) throws(PayloadError) -> DiffValues {
        let weight = weights[i]
        switch weight.source {
        case .tensor(let tensor):
            return .dense(try file.values(of: tensor))
        case .sparse(let sparse):
            return .sparse(try file.sparseEntries(of: sparse))
        case .attributeValues:
            let numbers = indexes[weight.graphPath]?.constantAttributeNumbers(weight.name) ?? []
            return .dense(TensorValues(numbers: numbers, dataType: weight.dataType, dims: weight.dims))
        }
    }

    /// The index of the main-graph weight called `name`.
    func mainIndex(_ name: String) -> Int? {
        names.index(name)
    }

    /// Weight `i`'s numbers as doubles (sparse tensors made dense); nil for STRING.
    func doubles(_ i: Int) throws(PayloadError) -> [Double]? {
        switch try values(i) {
        case .dense(let values): return values.isNumeric ? values.doubles() : nil
        case .sparse(let entries):
            guard entries.components == 1, entries.denseCount <= 1 << 28 else { return nil }
            var out = [Double](repeating: 0, count: Int(entries.denseCount))
            for (k, index) in entries.indices.enumerated() where index >= 0 && index < entries.denseCount {
                out[Int(index)] = entries.numbers[k]
            }
            return out
        }
    }

    /// The hash of weight `i`'s stored values, cached.
    mutating func hash(_ i: Int) throws(PayloadError) -> UInt64 {
        if let known = hashes[i] { return known }
        let value = try values(i).hash()
        hashes[i] = value
        return value
    }

    /// How weight `i` is stored, as the diff names it: `function` for anything inside a
    /// model-local function, `external` for external data, else the storage kind.
    func storage(_ i: Int) -> DiffReport.WeightStorage {
        let weight = weights[i]
        if weight.placement == .function { return .function }
        if weight.external != nil { return .external }
        return switch weight.storage {
        case .initializer: .initializer
        case .constant: .constant
        case .sparseInitializer: .sparseInitializer
        }
    }

    /// The consumer signature of weight `i`.
    func signature(_ i: Int) -> [String] {
        signatures[i]
    }
}

/// Main-graph weight indices by name, made on the first lookup.
private final class NameIndex {
    private let weights: [StoredWeight]
    private var map: [String: Int]?

    init(_ weights: [StoredWeight]) {
        self.weights = weights
    }

    func index(_ name: String) -> Int? {
        if let map { return map[name] }
        var built: [String: Int] = [:]
        for (i, w) in weights.enumerated() where w.placement == .mainGraph && built[w.name] == nil { built[w.name] = i }
        map = built
        return built[name]
    }
}
