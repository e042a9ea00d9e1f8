/// Runs every recognizer over every graph of a model and returns the layers found, in
/// graph order, with each stored weight owned by one layer at most.
struct LayerRecognition: Sendable {
    /// Top-level layers in graph order (main graph first, then subgraphs).
    public private(set) var layers: [Layer] = []
    /// Weight name → name of the layer that owns it.
    public private(set) var owners: [String: String] = [:]
    /// Weights that nodes read only for their shape (`Shape`, `Size`): stored, never used.
    public private(set) var shapeOnlyWeights: [StoredWeight] = []
    /// Integer weights that quantized ops read as weights: parameters, as floating-point weights are.
    public private(set) var integerParameters: Set<String> = []
    /// Scales and zero points that quantization ops read: quantization overhead.
    public private(set) var quantizationOverhead: Set<String> = []
    /// Weights stored packed, with their elements as the float layers had them.
    public private(set) var logicalElements: [String: Int64] = [:]
    /// `If`s whose two branches hold the same layers (optimum's merged decoder): listed once.
    public private(set) var mergedBranches: [BranchAlternatives.Merge] = []

    /// Recognizes the layers of `file`, whose weights `catalog` lists.
    public init(file: ModelFile, catalog: WeightCatalog) {
        let indexes = PhaseClock.measure(.index) { catalog.graphIndexes(of: file.model, reader: file, inliningCalls: true) }
        var context = RecognitionContext(indexes: indexes)
        var all: [LayerSpan] = []
        PhaseClock.measure(.recognizers) {
            for graph in indexes {
                var spans: [LayerSpan] = []
                for recognizer in LayerKind.recognizers { recognizer.run(&spans, graph, &context) }
                // Each span's order computed once, not at every comparison.
                let order = spans.map(\.order)
                all.append(contentsOf: spans.indices.sorted { (order[$0], $0) < (order[$1], $1) }.map { spans[$0] })
            }
        }
        PhaseClock.measure(.postPasses) {
            mergedBranches = BranchAlternatives.merge(&all, indexes: indexes)
            // The layers leave their spans, so that each is held once and the passes below
            // change them in place rather than copying every one.
            all = KerasLayers.annotate(all, model: file.model)
            var found = all.map(\.layer)
            all = []
            // Ownership: an embedding owns its table (a tied output head shares it); otherwise
            // the first layer in graph order to use a weight owns it, and later users share it.
            for top in found {
                top.forEachFlattened { layer in
                    if layer.kind == .embedding { _ = context.own(layer.weights, by: layer.name) }
                }
            }
            for k in found.indices { assignOwnership(&found[k], &context) }
            TiedWeights.mark(&found, indexes: indexes)
            ModuleProvenance.annotate(&found, indexes: indexes)
            layers = found
            owners = context.owners
            shapeOnlyWeights = indexes.flatMap(\.shapeOnlyWeights)
            for graph in indexes {
                let roles = QuantizationRoles.weights(of: graph)
                integerParameters.formUnion(roles.parameters)
                quantizationOverhead.formUnion(roles.overhead)
            }
            var logical: [String: Int64] = [:]
            for top in layers {
                top.forEachFlattened { layer in
                    if !layer.logicalElements.isEmpty { logical.merge(layer.logicalElements) { first, _ in first } }
                }
            }
            logicalElements = logical
        }
    }

    private func assignOwnership(_ layer: inout Layer, _ context: inout RecognitionContext) {
        for k in layer.children.indices { assignOwnership(&layer.children[k], &context) }
        // (No set at all for the many layers that are no part of a packed weight.)
        let packed = layer.observations.compactMap { if case .partOfPackedWeight(let w) = $0 { w } else { nil } }
        let parts = packed.isEmpty ? [] : Set(packed)
        for (weight, owner) in context.own(layer.weights, by: layer.name) where !parts.contains(weight) {
            let size = context.indexes.lazy.compactMap { $0.weight(weight) }.first.map(elements) ?? 0
            layer.observations.append(.sharesWeight(with: owner, elements: size))
        }
    }
}

