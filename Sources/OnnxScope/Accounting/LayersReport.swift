/// What `onnxscope layers` reports: every recognized layer with its hyper-parameters and
/// formula audit, totals by kind, coverage, and the weights no layer claimed. Its JSON
/// keys are a contract (see README).
public struct LayersReport: Codable, Sendable, Equatable {
    /// Version of this JSON layout; bumped only when a key is renamed or removed.
    public var schemaVersion: Int = 1
    /// The file as named on the command line.
    public var file: String
    /// Top-level layers in graph order; composite layers hold their parts in `children`.
    public var layers: [Entry]
    /// Totals by kind, blocks and trainability.
    public var totals: Totals
    /// Parameter elements attributed to layers (or reported as quantization overhead) ÷ all parameter elements.
    public var coverage: Coverage
    /// Stored weights no layer claimed.
    public var unattributed: [Unattributed]
    /// Scales and zero points of quantized activations and weights that no layer owns
    /// (the Q/DQ pairs around activations): quantization overhead, not unattributed.
    public var quantizationOverhead: [Unattributed]
    /// Stored weights whose values are never read: nodes use only their shape. Left out
    /// of the coverage ratio (they are not parameters of any computation).
    public var readOnlyForShape: [Unattributed]
    /// Layers whose stored count matches neither formula, as findings.
    public var findings: [Finding]
    /// Runs of identical transformer blocks, each with the note's stack formula.
    public var stacks: [Stack] = []
    /// `If`s whose branches hold the same layers (optimum's merged decoder, with and without
    /// past key values): each such layer is listed once, in the `kept` branch, its weights counted once.
    public var mergedBranches: [MergedBranches] = []

    /// One `If` whose two branches' layers were listed once.
    public struct MergedBranches: Codable, Sendable, Equatable {
        /// The `If` node.
        public var node: String
        /// Graph path of the branch whose layers are listed.
        public var kept: String
        /// Graph path of the branch whose layers were the same layers again.
        public var merged: String
        /// Top-level layers of `merged` not listed (found again in `kept`).
        public var layers: Int
        /// Weights of the enclosing graphs that nodes of both branches read, counted once.
        public var sharedWeights: Int
    }

    /// One layer.
    public struct Entry: Codable, Sendable, Equatable {
        /// A readable name: the source module's path when the exporter kept it.
        public var name: String
        /// What kind of layer it is.
        public var kind: LayerKind
        /// Deprecated (`nodes` is a count everywhere else): the names of its nodes; read ``nodeNames``.
        public var nodes: [String]
        /// The names of the nodes that make up the layer.
        public var nodeNames: [String]
        /// The stored weights it owns, by name.
        public var weights: [String]
        /// The inferred hyper-parameters.
        public var hyper: Hyper
        /// Elements of its trainable parameters.
        public var stored: Int64
        /// Elements of attributed non-trainable state.
        public var nonTrainable: Int64
        /// What the formulas predict.
        public var predicted: Predicted
        /// How the stored count relates to the predictions.
        public var status: LayerAudit.Status
        /// One line saying why stored differs from textbook, or what is notable; empty for a plain match.
        public var explanation: String
        /// Its parts (attention projections, block parts, stacked layers).
        public var children: [Entry]
        /// The framework module path, where the exporter recorded it (absent otherwise).
        @ExplicitNull public var module: String? = nil
        /// The framework module's class, where the exporter recorded it (absent otherwise).
        @ExplicitNull public var moduleClass: String? = nil
        /// How its weight is stored quantized; null for float layers.
        @ExplicitNull public var quantization: Quantization? = nil
        /// The element type of its main weight (of its parts', when they agree); null when it has none.
        @ExplicitNull public var dataType: String? = nil
    }

    /// Formula predictions.
    public struct Predicted: Codable, Sendable, Equatable {
        /// The note's formula.
        public var textbook: Int64
        /// What the exporting framework's storage convention predicts.
        public var convention: Int64
    }

    /// Model-level totals.
    public struct Totals: Codable, Sendable, Equatable {
        /// Elements by the kind of the outermost layer below block level that owns them.
        public var byKind: [String: Int64]
        /// Number of transformer blocks of each kind (the stacks m and n).
        public var blocks: [String: Int]
        /// Elements of weights that recognized layers own as parameters (packed 4-bit weights counted unpacked).
        public var trainable: Int64
        /// Elements known not to be trained: layers' state (BatchNorm running statistics, RNN
        /// initial states, constant affine ones and zeros), integer shape and index constants
        /// (position ids), scalars, folded attention masks, weights read only for their shape,
        /// rotary caches.
        public var nonTrainable: Int64
        /// Elements of floating-point and quantized weights that no layer claimed and no rule
        /// marks non-trainable: parameters of layers OnnxScope did not recognize, most likely.
        public var unattributed: Int64 = 0
        /// Number of layers, composite ones included.
        public var layerCount: Int
    }

    /// Attribution coverage of parameter weights.
    public struct Coverage: Codable, Sendable, Equatable {
        /// Parameter elements of weights that recognized layers own, or that are quantization overhead.
        public var attributedElements: Int64
        /// Floating-point elements of all stored weights, less those read only for their shape.
        public var floatElements: Int64
        /// floatElements plus the integer weights quantized ops read as weights (as stored, 4-bit packed).
        public var parameterElements: Int64
        /// attributedElements ÷ parameterElements (1 when there are none).
        public var ratio: Double
    }

    /// A weight no layer claimed.
    public struct Unattributed: Codable, Sendable, Equatable {
        /// The weight's name.
        public var name: String
        /// Its element type.
        public var type: String
        /// Its dims.
        public var shape: [Int64]
        /// Its element count.
        public var elements: Int64
        /// The nodes that read it.
        public var consumers: [String]
    }
}

extension LayersReport {
    /// Recognizes and audits the layers of an opened model.
    public init(file: ModelFile) {
        let catalog = PhaseClock.measure(.catalog) { WeightCatalog(model: file.model) }
        let recognition = LayerRecognition(file: file, catalog: catalog)
        self = PhaseClock.measure(.accounting) { LayersReport(file: file, catalog: catalog, recognition: recognition) }
        BackgroundFree.free(consume catalog, metadataBytes: file.metadataBytes)
        BackgroundFree.free(consume recognition, metadataBytes: file.metadataBytes)
    }

    /// The report from a walk and a recognition already made (see ``ModelAnalysis``).
    init(file: ModelFile, catalog: WeightCatalog, recognition: LayerRecognition) {
        self.file = file.path
        // Every name once: the weights are then looked up by position, not hashed again per question.
        let names = FirstWeights(catalog.weights)
        layers = ParallelWork.map(recognition.layers) { LayersReport.entry($0, types: { names.first($0).map { catalog.weights[$0].dataType } }) }

        // Elements of the first weight of each name (the walk lists main-graph weights first),
        // packed weights as the float layers had them.
        var firstElements = catalog.weights.map(elements)
        for (name, n) in recognition.logicalElements { if let k = names.first(name) { firstElements[k] = n } }
        func elementsNamed(_ name: String) -> Int64? { names.first(name).map { firstElements[$0] } }
        // Layers' weights by the first weight of their name; a name no weight has (none, in a
        // walked model) is kept aside, so that it still names its kind in `byKind`.
        var counted = [Bool](repeating: false, count: catalog.weights.count)
        var countedElsewhere = Set<String>()
        var nonTrainable = [Bool](repeating: false, count: catalog.weights.count)
        var blocks: [String: Int] = [:]
        var layerCount = 0
        // Each weight is counted under the kind of the outermost layer below block level
        // that contains its owner (an embedding, for a tied head's table).
        var outerKind: [String: String] = [:]
        outerKind.reserveCapacity(recognition.layers.count)
        func visit(_ layer: Layer) {
            layerCount += 1
            if layer.kind.descriptor.isBlock {
                blocks[layer.kind.rawValue, default: 0] += 1
                layer.children.forEach(visit)
                return
            }
            layerCount += layer.flattenedCount - 1
            for part in layer.flattened {
                _ = outerKind.insertIfAbsent(part.name, layer.kind.rawValue)
                for w in part.nonTrainableWeights { if let k = names.first(w) { nonTrainable[k] = true } }
                for w in part.weights {
                    if let k = names.first(w) { counted[k] = true } else { countedElsewhere.insert(w) }
                }
            }
        }
        recognition.layers.forEach(visit)
        var byKind: [String: Int64] = [:]
        func count(_ name: String, _ n: Int64) {
            guard let owner = recognition.owners[name], let kind = outerKind[owner] else { return }
            byKind[kind] = Saturating.add(byKind[kind] ?? 0, n)
        }
        // (Only first weights are ever marked counted: each name is counted once.)
        for k in catalog.weights.indices where counted[k] { count(catalog.weights[k].name, firstElements[k]) }
        for name in countedElsewhere { count(name, 0) }

        // Trainable counts packed weights unpacked (as the float layers had them); the rest is stored elements.
        var trainable: Int64 = 0, trainableStored: Int64 = 0, total: Int64 = 0, attributed: Int64 = 0, unclaimed: Int64 = 0
        var allFloat: Int64 = 0, allParameters: Int64 = 0
        var unattributed: [Unattributed] = [], overhead: [Unattributed] = []
        let shapeOnly = names.marks(recognition.shapeOnlyWeights.map(\.name))
        let integerParameter = names.marks(recognition.integerParameters)
        let isOverhead = names.marks(recognition.quantizationOverhead)
        for (k, w) in catalog.weights.enumerated() {
            let n = elements(w), first = names.firstOf(k)
            total = Formulas.add(total, n)
            let isParameter = !shapeOnly[first] && (w.dataType.isFloatingPoint || integerParameter[first])
            if w.dataType.isFloatingPoint, !shapeOnly[first] { allFloat = Formulas.add(allFloat, n) }
            if isParameter { allParameters = Formulas.add(allParameters, n) }
            if counted[first] {
                if isParameter { attributed = Formulas.add(attributed, n) }
                if !nonTrainable[first] {
                    trainable = Formulas.add(trainable, recognition.logicalElements.isEmpty ? n : recognition.logicalElements[w.name] ?? n)
                    trainableStored = Formulas.add(trainableStored, n)
                }
            } else if shapeOnly[first] {
                continue
            } else if isOverhead[first] {
                if isParameter { attributed = Formulas.add(attributed, n) }
                overhead.append(Unattributed(name: w.name, type: w.dataType.name, shape: w.dims, elements: n,
                                             consumers: catalog.consumersOfWeight(at: k)))
            } else {
                unattributed.append(Unattributed(name: w.name, type: w.dataType.name, shape: w.dims, elements: n,
                                                 consumers: catalog.consumersOfWeight(at: k)))
                if LayersReport.isUnclaimedParameter(w), !LayersReport.isAdditiveMask(w, file) { unclaimed = Formulas.add(unclaimed, n) }
            }
        }
        totals = Totals(byKind: byKind, blocks: blocks, trainable: trainable,
                        nonTrainable: total == .max ? .max : Saturating.add(Saturating.add(total, -trainableStored), -unclaimed),
                        unattributed: unclaimed,
                        layerCount: layerCount)
        coverage = Coverage(attributedElements: attributed, floatElements: allFloat, parameterElements: allParameters,
                            ratio: allParameters == 0 ? 1 : Double(attributed) / Double(allParameters))
        quantizationOverhead = overhead
        // Floating-point weights first: they are the ones a layer should have claimed.
        // (Each type is named once, not at every comparison: a large graph has tens of thousands.)
        let floating = unattributed.map { DataTypeName.isFloating($0.type) }
        self.unattributed = unattributed.indices.sorted { i, j in
            floating[i] != floating[j] ? floating[i] : (unattributed[i].elements, unattributed[j].name) > (unattributed[j].elements, unattributed[i].name)
        }.map { unattributed[$0] }
        stacks = StackAudit.stacks(recognition.layers, elements: elementsNamed)
        mergedBranches = recognition.mergedBranches.map {
            MergedBranches(node: $0.node, kept: $0.kept, merged: $0.merged, layers: $0.layers, sharedWeights: $0.sharedWeights)
        }
        readOnlyForShape = recognition.shapeOnlyWeights.map {
            Unattributed(name: $0.name, type: $0.dataType.name, shape: $0.dims, elements: elements($0), consumers: catalog.consumers(of: $0))
        }
        var mismatches: [Finding] = []
        for k in layers.indices { LayersReport.mismatches(layers[k], into: &mismatches) }
        findings = mismatches + readOnlyForShape.map {
            Finding(severity: .info, code: "weight-read-only-for-shape",
                    message: "\($0.elements) stored elements whose values no node reads: only their shape is used",
                    location: $0.name)
        } + LayersReport.overflows(layers, totals)
    }

    /// A `size-overflow` finding for each layer and total whose sum of stored elements
    /// does not fit in 64 bits (the sums saturate at `Int64.max`).
    private static func overflows(_ layers: [Entry], _ totals: Totals) -> [Finding] {
        func finding(_ location: String) -> Finding {
            Finding(severity: .error, code: "size-overflow", message: "the stored elements of this layer overflow 64 bits",
                    location: location)
        }
        var result: [Finding] = []
        // Borrowed, by index: an entry is not copied to be read.
        func visit(_ entry: borrowing Entry) {
            if entry.stored == .max || entry.nonTrainable == .max { result.append(finding(entry.name)) }
            for k in entry.children.indices { visit(entry.children[k]) }
        }
        for k in layers.indices { visit(layers[k]) }
        for (kind, count) in totals.byKind.sorted(by: { $0.key < $1.key }) where count == .max {
            result.append(Finding(severity: .error, code: "size-overflow",
                                  message: "the stored elements of all \(kind) layers overflow 64 bits", location: "totals.byKind.\(kind)"))
        }
        if totals.trainable == .max || totals.nonTrainable == .max {
            result.append(Finding(severity: .error, code: "size-overflow",
                                  message: "the model's total stored elements overflow 64 bits", location: "totals"))
        }
        return result
    }

    /// True when a weight no layer claimed is still most likely a parameter: floating-point
    /// or quantized storage of more than one element, and not a cache that no framework
    /// trains (rotary `inv_freq`, `cos_cached`, `sin_cached`). Integer constants (shapes,
    /// indices, position ids) and scalars (attention scales, epsilons, exponents) are not.
    static func isUnclaimedParameter(_ w: StoredWeight) -> Bool {
        guard w.dataType.isFloatingPoint || w.dataType.isQuantizedStorage, elements(w) > 1 else { return false }
        return !["inv_freq", "cos_cached", "sin_cached", "_cos_cached", "_sin_cached"].contains(leaf(w.name))
    }

    /// The last non-empty `.`-separated component of `name` (`split(separator: ".").last`),
    /// or `name` when it has none; by bytes when `name` is ASCII.
    static func leaf(_ name: String) -> String {
        guard LayerNaming.isASCII(name) else { return name.split(separator: ".").last.map(String.init) ?? name }
        let bytes = name.utf8, dot = UInt8(ascii: ".")
        guard let last = bytes.lastIndex(where: { $0 != dot }) else { return name }
        let end = bytes.index(after: last)
        let start = bytes[..<end].lastIndex(of: dot).map { bytes.index(after: $0) } ?? bytes.startIndex
        return String(name[start..<end])
    }

    /// True for a folded additive attention mask: every value 0 or −∞ (or below −10⁴, as
    /// exporters write the type's lowest value), some of them not 0.
    static func isAdditiveMask(_ w: StoredWeight, _ file: ModelFile) -> Bool {
        guard case .tensor(let t) = w.source, let values = file.numericValues(of: t) else { return false }
        return values.contains { $0 <= -1e4 } && values.allSatisfy { $0 == 0 || $0 <= -1e4 }
    }

    private static func entry(_ layer: Layer, types: (String) -> DataType?) -> Entry {
        let audit = LayerAuditor.audit(layer)
        let children = layer.children.map { entry($0, types: types) }
        var dataType = layer.weights.first.flatMap { types($0)?.name }
        if layer.weights.isEmpty, case let childTypes = Set(children.compactMap(\.dataType)), childTypes.count == 1 {
            dataType = childTypes.first
        }
        return Entry(
            name: layer.name, kind: layer.kind, nodes: layer.nodes, nodeNames: layer.nodes, weights: layer.weights, hyper: layer.hyper,
            stored: layer.stored, nonTrainable: layer.nonTrainable,
            predicted: Predicted(textbook: audit.textbook, convention: audit.convention),
            status: audit.status, explanation: audit.explanation, children: children,
            module: layer.module, moduleClass: layer.moduleClass, quantization: layer.quantization, dataType: dataType)
    }

    /// Appends a `formula-mismatch` finding for `entry` and each of its parts that matches
    /// neither formula, in pre-order.
    private static func mismatches(_ entry: borrowing Entry, into result: inout [Finding]) {
        if entry.status == .mismatch {
            result.append(Finding(severity: .warning, code: "formula-mismatch", message: entry.explanation, location: entry.name))
        }
        for k in entry.children.indices { mismatches(entry.children[k], into: &result) }
    }
}

/// Floating-point test on data type names, as reports carry them.
enum DataTypeName {
    static func isFloating(_ name: String) -> Bool {
        floatingNames.contains(name)
    }

    /// Names of the floating-point types, computed once (sorting calls `isFloating` per comparison).
    private static let floatingNames: Set<String> = {
        var names: Set<String> = []
        var taken: Set<String> = []
        for code in 0...30 {
            let type = DataType(code: Int32(code))
            // The first type with a name decides, as a linear search would.
            guard taken.insert(type.name).inserted else { continue }
            if type.isFloatingPoint { names.insert(type.name) }
        }
        return names
    }()
}

/// The weights of a catalog by name: each name's first weight (in walk order), hashed once.
/// A question about a name is then a question about that weight's position.
struct FirstWeights {
    private let byName: [String: Int]
    /// Weight `k`'s name's first weight.
    private let firstOfWeight: [Int]

    init(_ weights: [StoredWeight]) {
        var byName: [String: Int] = [:]
        byName.reserveCapacity(weights.count)
        var firstOfWeight: [Int] = []
        firstOfWeight.reserveCapacity(weights.count)
        for (k, w) in weights.enumerated() {
            let (inserted, first) = byName.insertIfAbsent(w.name, k)
            firstOfWeight.append(inserted ? k : first)
        }
        self.byName = byName
        self.firstOfWeight = firstOfWeight
    }

    /// The first weight named `name`, if any.
    func first(_ name: String) -> Int? { byName[name] }

    /// The first weight of weight `k`'s name.
    func firstOf(_ k: Int) -> Int { firstOfWeight[k] }

    /// By first weight: true for the names in `names` (a name no weight has is left out).
    func marks(_ names: some Sequence<String>) -> [Bool] {
        var marked = [Bool](repeating: false, count: firstOfWeight.count)
        for name in names { if let k = byName[name] { marked[k] = true } }
        return marked
    }
}

private extension Dictionary {
    /// Inserts `value` for `key` unless the key is there: (true, value) when inserted, else
    /// (false, the value already there). One hash either way.
    mutating func insertIfAbsent(_ key: Key, _ value: Value) -> (inserted: Bool, value: Value) {
        var inserted = false
        func keep(_ slot: inout Value?) -> Value {
            if let present = slot { return present }
            slot = value
            inserted = true
            return value
        }
        let kept = keep(&self[key])
        return (inserted, kept)
    }
}
