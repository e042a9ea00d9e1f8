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

    /// One layer.
    public struct Entry: Codable, Sendable, Equatable {
        /// A readable name: the source module's path when the exporter kept it.
        public var name: String
        /// What kind of layer it is.
        public var kind: LayerKind
        /// The nodes it spans, as labels.
        public var nodes: [String]
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
        /// How its weight is stored quantized; absent for float layers.
        public var quantization: Quantization?
        /// The element type of its main weight (of its parts', when they agree); absent when it has none.
        public var dataType: String?
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
        /// Elements of weights that are layer parameters (packed 4-bit weights counted unpacked).
        public var trainable: Int64
        /// All other stored elements: running statistics, initial states, shape constants, unattributed.
        public var nonTrainable: Int64
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
        let catalog = WeightCatalog(model: file.model)
        self.init(file: file, catalog: catalog, recognition: LayerRecognition(file: file, catalog: catalog))
    }

    /// The report from a walk and a recognition already made (see ``ModelAnalysis``).
    init(file: ModelFile, catalog: WeightCatalog, recognition: LayerRecognition) {
        self.file = file.path
        var typeOf: [String: DataType] = [:]
        typeOf.reserveCapacity(catalog.weights.count)
        for w in catalog.weights where typeOf[w.name] == nil { typeOf[w.name] = w.dataType }
        layers = recognition.layers.map { LayersReport.entry($0, types: typeOf) }

        // Elements of the first weight of each name (the walk lists main-graph weights first).
        var byName: [String: Int64] = [:]
        byName.reserveCapacity(catalog.weights.count)
        for w in catalog.weights where byName[w.name] == nil { byName[w.name] = recognition.logicalElements[w.name] ?? elements(w) }
        var counted = Set<String>()
        var nonTrainableNames = Set<String>()
        var blocks: [String: Int] = [:]
        var layerCount = 0
        // Each weight is counted under the kind of the outermost layer below block level
        // that contains its owner (an embedding, for a tied head's table).
        var outerKind: [String: String] = [:]
        func visit(_ layer: Layer) {
            layerCount += 1
            if layer.kind.descriptor.isBlock {
                blocks[layer.kind.rawValue, default: 0] += 1
                layer.children.forEach(visit)
                return
            }
            layerCount += layer.flattened.count - 1
            for part in layer.flattened {
                outerKind[part.name] = outerKind[part.name] ?? layer.kind.rawValue
                nonTrainableNames.formUnion(part.nonTrainableWeights)
                counted.formUnion(part.weights)
            }
        }
        recognition.layers.forEach(visit)
        var byKind: [String: Int64] = [:]
        for name in counted {
            guard let owner = recognition.owners[name], let kind = outerKind[owner] else { continue }
            byKind[kind, default: 0] += byName[name] ?? 0
        }

        // Trainable counts packed weights unpacked (as the float layers had them); the rest is stored elements.
        var trainable: Int64 = 0, trainableStored: Int64 = 0, total: Int64 = 0, attributed: Int64 = 0
        var allFloat: Int64 = 0, allParameters: Int64 = 0
        var unattributed: [Unattributed] = [], overhead: [Unattributed] = []
        let shapeOnly = Set(recognition.shapeOnlyWeights.map(\.name))
        for w in catalog.weights {
            let n = elements(w)
            total = Formulas.add(total, n)
            let isParameter = !shapeOnly.contains(w.name) && (w.dataType.isFloatingPoint || recognition.integerParameters.contains(w.name))
            if w.dataType.isFloatingPoint, !shapeOnly.contains(w.name) { allFloat = Formulas.add(allFloat, n) }
            if isParameter { allParameters = Formulas.add(allParameters, n) }
            if counted.contains(w.name) {
                if isParameter { attributed = Formulas.add(attributed, n) }
                if !nonTrainableNames.contains(w.name) {
                    trainable = Formulas.add(trainable, recognition.logicalElements[w.name] ?? n)
                    trainableStored = Formulas.add(trainableStored, n)
                }
            } else if shapeOnly.contains(w.name) {
                continue
            } else if recognition.quantizationOverhead.contains(w.name) {
                if isParameter { attributed = Formulas.add(attributed, n) }
                overhead.append(Unattributed(name: w.name, type: w.dataType.name, shape: w.dims, elements: n,
                                             consumers: catalog.consumers(of: w)))
            } else {
                unattributed.append(Unattributed(name: w.name, type: w.dataType.name, shape: w.dims, elements: n,
                                                 consumers: catalog.consumers(of: w)))
            }
        }
        totals = Totals(byKind: byKind, blocks: blocks, trainable: trainable, nonTrainable: Formulas.add(total, -trainableStored),
                        layerCount: layerCount)
        coverage = Coverage(attributedElements: attributed, floatElements: allFloat, parameterElements: allParameters,
                            ratio: allParameters == 0 ? 1 : Double(attributed) / Double(allParameters))
        quantizationOverhead = overhead
        // Floating-point weights first: they are the ones a layer should have claimed.
        self.unattributed = unattributed.sorted {
            let a = DataTypeName.isFloating($0.type), b = DataTypeName.isFloating($1.type)
            return a != b ? a : ($0.elements, $1.name) > ($1.elements, $0.name)
        }
        readOnlyForShape = recognition.shapeOnlyWeights.map {
            Unattributed(name: $0.name, type: $0.dataType.name, shape: $0.dims, elements: elements($0), consumers: catalog.consumers(of: $0))
        }
        findings = layers.flatMap(LayersReport.mismatches) + readOnlyForShape.map {
            Finding(severity: .info, code: "weight-read-only-for-shape",
                    message: "\($0.elements) stored elements whose values no node reads: only their shape is used",
                    location: $0.name)
        }
    }

    private static func entry(_ layer: Layer, types: [String: DataType]) -> Entry {
        let audit = LayerAuditor.audit(layer)
        let children = layer.children.map { entry($0, types: types) }
        var dataType = layer.weights.first.flatMap { types[$0]?.name }
        if layer.weights.isEmpty, case let childTypes = Set(children.compactMap(\.dataType)), childTypes.count == 1 {
            dataType = childTypes.first
        }
        return Entry(
            name: layer.name, kind: layer.kind, nodes: layer.nodes, weights: layer.weights, hyper: layer.hyper,
            stored: layer.stored, nonTrainable: layer.nonTrainable,
            predicted: Predicted(textbook: audit.textbook, convention: audit.convention),
            status: audit.status, explanation: audit.explanation, children: children,
            quantization: layer.quantization, dataType: dataType)
    }

    private static func mismatches(_ entry: Entry) -> [Finding] {
        var result: [Finding] = []
        if entry.status == .mismatch {
            result.append(Finding(severity: .warning, code: "formula-mismatch", message: entry.explanation, location: entry.name))
        }
        return result + entry.children.flatMap(mismatches)
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
