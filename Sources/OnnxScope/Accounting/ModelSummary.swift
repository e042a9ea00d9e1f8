/// Everything the HTML report shows about one model: the inspect account, the layers
/// report, and the element count of every stored weight by name.
public struct ModelSummary: Sendable {
    /// The stored-weight account, as `inspect` reports it.
    public var inspect: InspectReport
    /// The recognized layers and their audit, as `layers` reports it.
    public var layers: LayersReport
    /// Elements of each stored weight, by name (first definition wins, as in counting).
    public var weightElements: [String: Int64]

    /// A summary from reports made elsewhere.
    public init(inspect: InspectReport, layers: LayersReport, weightElements: [String: Int64]) {
        self.inspect = inspect
        self.layers = layers
        self.weightElements = weightElements
    }

    /// Builds the summary of an opened model.
    public init(file: ModelFile) {
        let catalog = WeightCatalog(model: file.model)
        self.init(inspect: InspectReport(file: file, catalog: catalog),
                  layers: LayersReport(file: file, catalog: catalog, recognition: LayerRecognition(file: file, catalog: catalog)),
                  catalog: catalog)
    }

    /// The summary from reports made from `catalog` (see ``ModelAnalysis``).
    init(inspect: InspectReport, layers: LayersReport, catalog: WeightCatalog) {
        self.inspect = inspect
        self.layers = layers
        var sizes: [String: Int64] = [:]
        for w in catalog.weights where sizes[w.name] == nil {
            sizes[w.name] = (try? TensorSize.elements(w.dims).get()) ?? 0
        }
        weightElements = sizes
    }
}
