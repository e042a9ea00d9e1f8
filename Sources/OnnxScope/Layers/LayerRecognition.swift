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

    /// Recognizes the layers of `file`, whose weights `catalog` lists.
    public init(file: ModelFile, catalog: WeightCatalog) {
        let indexes = catalog.graphIndexes(of: file.model, reader: file, inliningCalls: true)
        var context = RecognitionContext(indexes: indexes)
        var all: [LayerSpan] = []
        for graph in indexes {
            var spans: [LayerSpan] = []
            for recognizer in LayerKind.recognizers { recognizer.run(&spans, graph, &context) }
            all += spans.sorted { $0.order < $1.order }
        }
        all = KerasLayers.annotate(all, model: file.model)
        // Ownership: an embedding owns its table (a tied output head shares it); otherwise
        // the first layer in graph order to use a weight owns it, and later users share it.
        for layer in all.map(\.layer).flatMap(\.flattened) where layer.kind == .embedding {
            _ = context.own(layer.weights, by: layer.name)
        }
        for s in all.indices {
            all[s].layer = assignOwnership(all[s].layer, &context)
        }
        layers = ModuleProvenance.annotate(TiedWeights.mark(all.map(\.layer), indexes: indexes), indexes: indexes)
        owners = context.owners
        shapeOnlyWeights = indexes.flatMap(\.shapeOnlyWeights)
        for graph in indexes {
            let roles = QuantizationRoles.weights(of: graph)
            integerParameters.formUnion(roles.parameters)
            quantizationOverhead.formUnion(roles.overhead)
        }
        for layer in layers.flatMap(\.flattened) {
            logicalElements.merge(layer.logicalElements) { first, _ in first }
        }
    }

    private func assignOwnership(_ layer: Layer, _ context: inout RecognitionContext) -> Layer {
        var layer = layer
        layer.children = layer.children.map { assignOwnership($0, &context) }
        let parts = Set(layer.observations.compactMap { if case .partOfPackedWeight(let w) = $0 { w } else { nil } })
        for (weight, owner) in context.own(layer.weights, by: layer.name) where !parts.contains(weight) {
            let size = context.indexes.lazy.compactMap { $0.weight(weight) }.first.map(elements) ?? 0
            layer.observations.append(.sharesWeight(with: owner, elements: size))
        }
        return layer
    }
}

