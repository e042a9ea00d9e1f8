/// Everything the HTML report shows about one model: the inspect account, the layers
/// report, and the element count of every stored weight by name.
public struct ModelSummary: Sendable {
    public var inspect: InspectReport
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
        inspect = InspectReport(file: file)
        layers = LayersReport(file: file)
        var sizes: [String: Int64] = [:]
        for w in WeightCatalog(model: file.model).weights where sizes[w.name] == nil {
            sizes[w.name] = (try? TensorSize.elements(w.dims).get()) ?? 0
        }
        weightElements = sizes
    }
}
