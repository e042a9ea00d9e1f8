/// One side of a comparison: a model's stored weights, who consumes them, and their
/// value hashes, computed at most once and only when asked for.
struct DiffSide {
    let file: ModelFile
    let weights: [StoredWeight]
    let consumers: ConsumerIndex
    private var hashes: [Int: UInt64] = [:]

    init(file: ModelFile, catalog: WeightCatalog) {
        self.file = file
        weights = catalog.weights
        consumers = ConsumerIndex(model: file.model)
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
            let numbers = consumers.constantNumbers[weight.name] ?? []
            return .dense(TensorValues(numbers: numbers, dataType: weight.dataType, dims: weight.dims))
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
    func storage(_ i: Int) -> String {
        let weight = weights[i]
        if weight.placement == .function { return "function" }
        if weight.external != nil { return "external" }
        return weight.storage.rawValue
    }

    /// The consumer signature of weight `i`.
    func signature(_ i: Int) -> [String] {
        consumers.signature(weights[i].name)
    }
}
