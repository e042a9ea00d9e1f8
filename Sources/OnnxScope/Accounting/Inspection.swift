extension InspectReport {
    /// The main graph's inputs that are not initializers (before IR 4, inputs list the
    /// initializers too), compared by the ids of the graph's wiring.
    static func nonInitializerInputs(of model: Model) -> [ValueInfo] {
        let graph = model.graph, wired = model.wired()
        // `declared`: the inputs' ids, then the initializers'.
        let declared = wired.mainWiring.declared
        var initializers = IDSet(tableCount: wired.nameTable.count, expected: graph.initializers.count)
        var emptyNamed = false
        for id in declared.dropFirst(graph.inputs.count).prefix(graph.initializers.count) {
            if id >= 0 { initializers.insert(id) } else { emptyNamed = true }
        }
        return zip(graph.inputs, declared).filter { _, id in id >= 0 ? !initializers.contains(id) : !emptyNamed }.map(\.0)
    }

    /// How many weights the `largest` listing keeps.
    public static let largestCount = 10

    /// Builds the report of an opened model file: walks every graph and function,
    /// counts each unique stored weight once, and checks external-data references on
    /// disk (sizes only; no data file is opened).
    public init(file: ModelFile) {
        // The structural checks only read the model (a decoded one is wired whole, so they
        // add no name to its table): on the second core while the weights are walked and
        // counted, for a graph large enough to pay for waking it.
        let model = file.model
        let checks = model.graph.nodeStore.count >= ParallelWork.minimum
            ? BackgroundWork { PhaseClock.measure(.checks) { GraphChecks.findings(model) } } : nil
        let catalog = PhaseClock.measure(.catalog) { WeightCatalog(model: file.model) }
        self.init(file: file, catalog: catalog, checks: checks)
        BackgroundFree.free(consume catalog, metadataBytes: file.metadataBytes)
    }

    /// The report from a catalog already walked (see ``ModelAnalysis``); `checks`, when given,
    /// are the model's structural checks, started before.
    init(file: ModelFile, catalog: WeightCatalog, checks: BackgroundWork<[Finding]>? = nil) {
        let model = file.model
        var findings: [Finding] = []

        self.file = file.path
        fileBytes = Int64(file.fileSize)
        metadataBytes = Int64(file.metadataBytes)
        opsets = Dictionary(model.opsetImports.map { ($0.displayDomain, $0.version) }, uniquingKeysWith: { _, last in last })
        producer = Producer(name: model.producerName, version: model.producerVersion)
        modelDomain = model.domain
        metadata = Dictionary(model.metadataEntries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        inputs = InspectReport.nonInitializerInputs(of: model).map(InspectReport.ioValue)
        outputs = model.graph.outputs.map(InspectReport.ioValue)
        ops = catalog.opCounts
        nodes = catalog.nodeCount
        graphs = catalog.graphCount
        functions = model.functions.count
        if model.irVersion == nil {
            findings.append(Finding(severity: .warning, code: "no-ir-version",
                                    message: "the model does not state its IR version", location: file.path))
        }

        var account = WeightAccount(locator: ExternalDataLocator(folder: file.directory))
        for (k, weight) in catalog.weights.enumerated() {
            // Only a shared weight's consumers are listed (labels are made for those alone).
            account.add(weight, consumers: catalog.consumerCount(at: k) > 1 ? catalog.consumersOfWeight(at: k) : [])
        }
        for duplicate in catalog.duplicateNames {
            findings.append(Finding(
                severity: .warning, code: "duplicate-name",
                message: "weight name '\(duplicate.name)' is defined more than once; counted once",
                location: duplicate.name))
        }
        weights = account.finish()
        self.findings = findings + account.findings + (checks?.value ?? PhaseClock.measure(.checks) { GraphChecks.findings(model) })
        irVersion = model.irVersion
        modelVersion = model.modelVersion
    }

    private static func ioValue(_ value: ValueInfo) -> IOValue {
        let shape = value.type?.shape?.map { dimension -> ShapeDimension in
            switch dimension {
            case .value(let v): .value(v)
            case .symbol(let s): .symbol(s)
            case .unknown: .unknown
            }
        }
        return IOValue(name: value.name, type: value.type?.description ?? "?", shape: shape, kvCache: KVCacheNames.role(of: value.name))
    }
}

/// Accumulates the weight totals of one model, with checked arithmetic.
private struct WeightAccount {
    let locator: ExternalDataLocator
    var findings: [Finding] = []
    private var weights = InspectReport.Weights()
    private var elements = CheckedSum(), floatElements = CheckedSum(), bytes = CheckedSum()
    private var inSubgraphs = CheckedSum(), inFunctions = CheckedSum(), externalBytes = CheckedSum()
    /// The largest entries by bytes (ties by name), in that order, kept as weights are added:
    /// a short sorted list, instead of sorting every weight of a large graph.
    private var top: [InspectReport.WeightEntry] = []
    /// Elements by storage and by data type, named in ``finish()``: short lists, as a model
    /// has few of each, and a dictionary would hash both keys once per weight.
    private var byStorage: [(key: StorageKind, total: Int64)] = []
    private var byDataType: [(key: DataType, total: Int64)] = []
    /// The data files already listed in `weights.external.files` (one lookup per external weight).
    private var externalFiles: Set<String> = []

    init(locator: ExternalDataLocator) {
        self.locator = locator
    }

    mutating func add(_ weight: StoredWeight, consumers: [String]) {
        // Made only for a finding: most weights have none.
        var location: String { weight.name.isEmpty ? weight.graphPath : "\(weight.graphPath): \(weight.name)" }
        let count: Int64
        switch TensorSize.elements(weight.dims) {
        case .success(let n):
            count = n
        case .failure(.negativeDimension(let d)):
            findings.append(Finding(severity: .error, code: "negative-dimension",
                                    message: "dimension \(d) in dims \(weight.dims); counted as 0 elements",
                                    location: location))
            count = 0
        case .failure(.overflow):
            findings.append(Finding(severity: .error, code: "size-overflow",
                                    message: "size overflows 64 bits: dims \(weight.dims); counted as 0 elements",
                                    location: location))
            count = 0
        }
        var size: Int64 = 0
        switch TensorSize.bytes(elements: count, type: weight.dataType, stringBytes: weight.stringBytes) {
        case .some(.success(let b)):
            size = b
        case .some(.failure):
            findings.append(Finding(severity: .error, code: "size-overflow",
                                    message: "byte size overflows 64 bits; counted as 0 bytes", location: location))
        case .none where weight.dataType == .undefined:
            findings.append(Finding(severity: .error, code: "undefined-data-type",
                                    message: "data type UNDEFINED (0) or missing; counted as 0 bytes", location: location))
        case .none:
            findings.append(Finding(severity: .warning, code: "unknown-data-type",
                                    message: "data type \(weight.dataType.name) has no known element size; counted as 0 bytes",
                                    location: location))
        }
        // One look at the stored value (a tensor is a large value to copy): its payload
        // problems, its external reference, its non-zero count.
        var external: ExternalDataReference?
        var sparseNonZero: [Int64]?
        func check(_ role: String, _ tensor: Tensor) {
            if let problem = tensor.payloadSizeProblem {
                findings.append(Finding(severity: .error, code: "payload-size-mismatch",
                                        message: role + problem.description, location: location))
            }
        }
        switch weight.source {
        case .tensor(let t):
            check("", t)
            if case .external(let reference) = t.payload { external = reference }
        case .sparse(let s):
            check("values: ", s.values)
            check("indices: ", s.indices)
            sparseNonZero = s.values.dims
        case .attributeValues:
            break
        }

        weights.tensors += 1
        elements.add(count)
        if weight.dataType.isFloatingPoint { floatElements.add(count) }
        bytes.add(size)
        if WeightAccount.accumulate(&byStorage, weight.storage, count) { noteOverflow() }
        if WeightAccount.accumulate(&byDataType, weight.dataType, count) { noteOverflow() }
        switch weight.placement {
        case .mainGraph: break
        case .subgraph: inSubgraphs.add(count)
        case .function: inFunctions.add(count)
        }
        if let nonZero = sparseNonZero {
            weights.sparse.tensors += 1
            if case .success(let n) = TensorSize.elements(nonZero) { weights.sparse.nonZero = add(weights.sparse.nonZero, n) }
        }
        if let reference = external {
            weights.external.tensors += 1
            externalBytes.add(size)
            if let file = reference.location, externalFiles.insert(file).inserted {
                weights.external.files.append(file)
            }
            checkExternal(reference, bytes: size, location: location)
        }
        if consumers.count > 1 {
            weights.shared.append(InspectReport.SharedWeight(name: weight.name, elements: count, consumers: consumers))
        }
        // The entry is made only for a weight that joins the largest.
        if top.count < InspectReport.largestCount || top.last.map({ WeightAccount.before(size, weight.name, $0) }) == true {
            let at = top.firstIndex { WeightAccount.before(size, weight.name, $0) } ?? top.count
            top.insert(InspectReport.WeightEntry(
                name: weight.name, type: weight.dataType.name, shape: weight.dims, elements: count, bytes: size,
                storage: weight.storage.rawValue, graph: weight.graphPath, external: external != nil), at: at)
            if top.count > InspectReport.largestCount { top.removeLast() }
        }
    }

    /// Adds `count` to the total of `key` in `totals` (a key new to them is added at 0 first):
    /// one search of the few keys. True when the sum overflowed; the total is then `Int64.max`.
    private static func accumulate<K: Equatable>(_ totals: inout [(key: K, total: Int64)], _ key: K, _ count: Int64) -> Bool {
        var k = 0
        while k < totals.count, totals[k].key != key { k += 1 }
        if k == totals.count { totals.append((key, 0)) }
        let (sum, overflow) = totals[k].total.addingReportingOverflow(count)
        totals[k].total = overflow ? .max : sum
        return overflow
    }

    /// True when an entry of `bytes` named `name` goes before `b` in the `largest` listing.
    private static func before(_ bytes: Int64, _ name: String, _ b: InspectReport.WeightEntry) -> Bool {
        (bytes, b.name) > (b.bytes, name)
    }

    private mutating func checkExternal(_ reference: ExternalDataReference, bytes: Int64, location: String) {
        switch locator.status(of: reference, bytes: bytes) {
        case .available:
            break
        case .missingFile(let file):
            findings.append(Finding(severity: .warning, code: "external-data-missing",
                                    message: "external data file '\(file)' does not exist; counts come from dims",
                                    location: location))
        case .refused(let reason):
            findings.append(Finding(severity: .error, code: "external-data-refused",
                                    message: "external data not followed: \(reason)", location: location))
        case .outOfRange(let file, let needed, let size):
            findings.append(Finding(severity: .error, code: "external-data-out-of-range",
                                    message: "external data file '\(file)' has \(size) bytes, the reference needs \(needed)",
                                    location: location))
        }
    }

    private mutating func add(_ a: Int64, _ b: Int64) -> Int64 {
        var sum = CheckedSum()
        sum.add(a)
        sum.add(b)
        if sum.overflowed { noteOverflow() }
        return sum.value
    }

    private mutating func noteOverflow() {
        findings.append(Finding(severity: .error, code: "size-overflow",
                                message: "a weight total overflows 64 bits", location: "model"))
    }

    mutating func finish() -> InspectReport.Weights {
        for sum in [elements, floatElements, bytes, inSubgraphs, inFunctions, externalBytes] where sum.overflowed {
            noteOverflow()
        }
        weights.elements = elements.value
        weights.floatElements = floatElements.value
        weights.bytes = bytes.value
        weights.inSubgraphs = inSubgraphs.value
        weights.inFunctions = inFunctions.value
        weights.external.bytes = externalBytes.value
        weights.largest = top
        for (kind, n) in byStorage { weights.byStorage[kind.rawValue] = n }
        for (type, n) in byDataType { weights.byDataType[type.name] = n }
        weights.shared.sort { ($0.consumers.count, $1.name) > ($1.consumers.count, $0.name) }
        return weights
    }
}
