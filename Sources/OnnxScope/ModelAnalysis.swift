/// One model, opened once, walked once, and analysed once: the entry point of the library.
///
/// Every report is computed on first use from one weight catalog and one layer
/// recognition, which all of them share: `inspect`, `layers`, the HTML summary, an audit and
/// a diff against another analysis never walk the model twice.
///
/// ```swift
/// let analysis = try ModelAnalysis(path: "model.onnx")
/// print(analysis.inspect.weights.elements, analysis.layers.totals.trainable)
/// for layer in analysis.layers.layers { print(layer.name, layer.kind.rawValue, layer.stored) }
/// ```
///
/// An analysis is not meant to be shared between threads while its reports are being
/// made; open one per file and task.
public final class ModelAnalysis {
    /// The opened model file.
    public let file: ModelFile
    /// Every stored weight, walked once.
    let catalog: WeightCatalog

    /// Analyses an opened model file.
    public init(file: ModelFile) {
        self.file = file
        catalog = PhaseClock.measure(.catalog) { WeightCatalog(model: file.model) }
    }

    /// Opens and analyses the model at `path` (its external data is looked up beside it).
    public convenience init(path: String) throws(DecodeError) {
        self.init(file: try ModelFile.open(path))
    }

    /// Analyses a model held in memory; `name` is used in messages and to find external data.
    public convenience init(bytes: some Collection<UInt8>, name: String) throws(DecodeError) {
        self.init(file: try ModelFile.open(bytes: bytes, name: name))
    }

    /// The layers recognized in the model.
    private(set) lazy var recognition = LayerRecognition(file: file, catalog: catalog)

    /// What `onnxscope inspect` reports: facts, interface, ops and the stored-weight account.
    public private(set) lazy var inspect = InspectReport(file: file, catalog: catalog)

    /// What `onnxscope layers` reports: layers, hyper-parameters, the formula audit and coverage.
    public private(set) lazy var layers = LayersReport(file: file, catalog: catalog, recognition: recognition)

    /// Everything the HTML report shows about the model.
    public private(set) lazy var summary = ModelSummary(inspect: inspect, layers: layers, catalog: catalog)

    /// The model checked against `expectations`, as `onnxscope audit` does.
    public func audit(_ expectations: AuditExpectations) -> AuditReport {
        AuditReport(file: file, catalog: catalog, inspect: inspect, layers: layers, expectations: expectations)
    }

    /// What changed from this model to `other`, as `onnxscope diff` reports it.
    public func diff(to other: ModelAnalysis, options: DiffReport.Options = DiffReport.Options()) throws(PayloadError) -> DiffReport {
        try DiffReport(a: diffInput, b: other.diffInput, options: options)
    }

    private var diffInput: DiffReport.Input {
        DiffReport.Input(file: file, catalog: catalog, inspect: inspect, layers: recognition.layers)
    }
}
