/// Expectations a model must meet, for `onnxscope audit`: given on the command line or
/// in a JSON file with these keys (all optional).
public struct AuditExpectations: Codable, Sendable, Equatable {
    /// Expected parameter count: the `layers` report's `totals.trainable` plus
    /// `totals.unattributed` (weights no layer claimed still count), or `trainable` alone
    /// with ``strictLayers``.
    public var parameters: Int64?
    /// When true, `parameters` is checked against the recognized layers' trainable count only.
    public var strictLayers: Bool?
    /// Allowed relative deviation from `parameters`, e.g. 0.01 for 1%.
    public var tolerance: Double?
    /// Expected number of layers per kind, e.g. `{"LSTM": 2}` (composite layers count once;
    /// their parts count under their own kinds).
    public var layerCounts: [String: Int]?
    /// Expected elements per layer kind, as in the `layers` report's `totals.byKind`.
    public var kindParameters: [String: Int64]?
    /// Data types parameter weights may use, e.g. `["FLOAT", "FLOAT16"]` (integer shape
    /// constants that no layer uses are not checked).
    public var allowedDataTypes: [String]?
    /// Largest allowed total weight bytes.
    public var maxBytes: Int64?
    /// Ops the model may use (as in `inspect`'s histogram: `Conv`, `com.microsoft.Attention`).
    public var allowedOps: [String]?
    /// Lowest and highest allowed default-domain opset.
    public var opsetMin: Int64?
    /// The highest allowed `ai.onnx` opset.
    public var opsetMax: Int64?
    /// When true, layers whose stored count matches neither formula do not fail the audit.
    public var allowMismatch: Bool?
    /// Bits every layer of a kind must be quantized to, e.g. `{"Dense": 4}`.
    public var quantizedBits: [String: Int64]?

    /// No expectations: only the built-in checks (no `mismatch`, no error findings) run.
    public init() {}

    /// These expectations with every key `other` sets taking its value.
    public func merged(with other: AuditExpectations) -> AuditExpectations {
        var m = self
        m.parameters = other.parameters ?? parameters
        m.tolerance = other.tolerance ?? tolerance
        m.layerCounts = other.layerCounts ?? layerCounts
        m.kindParameters = other.kindParameters ?? kindParameters
        m.allowedDataTypes = other.allowedDataTypes ?? allowedDataTypes
        m.maxBytes = other.maxBytes ?? maxBytes
        m.allowedOps = other.allowedOps ?? allowedOps
        m.opsetMin = other.opsetMin ?? opsetMin
        m.opsetMax = other.opsetMax ?? opsetMax
        m.allowMismatch = other.allowMismatch ?? allowMismatch
        m.strictLayers = other.strictLayers ?? strictLayers
        m.quantizedBits = other.quantizedBits ?? quantizedBits
        return m
    }
}

/// The result of auditing one model: every check with what was expected and found.
public struct AuditReport: Codable, Sendable, Equatable {
    /// Version of this JSON layout; bumped only when a key is renamed or removed.
    public var schemaVersion: Int = 1
    /// The file as named on the command line.
    public var file: String
    /// True when every check passed.
    public var passed: Bool
    /// Every check made, in a fixed order.
    public var checks: [Check]
    /// The model's findings (from `inspect` and `layers`); error-severity ones fail the audit.
    public var findings: [Finding]

    /// One check.
    public struct Check: Codable, Sendable, Equatable {
        /// A stable name, e.g. `parameters`, `layerCount.LSTM`, `allowedOps`.
        public var name: String
        /// True when the check holds.
        public var passed: Bool
        /// What was expected, as text.
        public var expected: String
        /// What was found, as text.
        public var actual: String
    }

    /// Audits an opened model against `expectations`.
    public init(file: ModelFile, expectations e: AuditExpectations) {
        let catalog = WeightCatalog(model: file.model)
        self.init(file: file, catalog: catalog, inspect: InspectReport(file: file, catalog: catalog),
                  layers: LayersReport(file: file, catalog: catalog, recognition: LayerRecognition(file: file, catalog: catalog)),
                  expectations: e)
    }

    /// The audit from reports already made from `catalog` (see ``ModelAnalysis``).
    init(file: ModelFile, catalog: WeightCatalog, inspect: InspectReport, layers: LayersReport, expectations e: AuditExpectations) {
        var checks: [Check] = []
        func check(_ name: String, _ passed: Bool, expected: String, actual: String) {
            checks.append(Check(name: name, passed: passed, expected: expected, actual: actual))
        }

        if let want = e.parameters {
            let strict = e.strictLayers == true
            let got = strict ? layers.totals.trainable : Formulas.add(layers.totals.trainable, layers.totals.unattributed)
            let tolerance = max(0, e.tolerance ?? 0)
            let allowed = Double(want) * tolerance
            check("parameters", abs(Double(got) - Double(want)) <= allowed,
                  expected: tolerance > 0 ? "\(want) ± \(tolerance * 100)%" : "\(want)",
                  actual: strict || layers.totals.unattributed == 0
                      ? "\(got)" : "\(got) (\(layers.totals.trainable) in layers + \(layers.totals.unattributed) unattributed)")
        }
        if let counts = e.layerCounts {
            var actual: [String: Int] = [:]
            func count(_ entry: LayersReport.Entry) {
                actual[entry.kind.rawValue, default: 0] += 1
                entry.children.forEach(count)
            }
            layers.layers.forEach(count)
            for (kind, want) in counts.sorted(by: { $0.key < $1.key }) {
                check("layerCount.\(kind)", actual[kind, default: 0] == want, expected: "\(want)", actual: "\(actual[kind, default: 0])")
            }
        }
        if let kinds = e.kindParameters {
            for (kind, want) in kinds.sorted(by: { $0.key < $1.key }) {
                let got = layers.totals.byKind[kind, default: 0]
                check("kindParameters.\(kind)", got == want, expected: "\(want)", actual: "\(got)")
            }
        }
        if let allowed = e.allowedDataTypes {
            // Parameter weights: those layers own (a quantized layer's scales and zero points
            // too), and any floating-point one; integer constants no layer uses (shapes, axes)
            // and the zero points of quantized activations are not parameters.
            let loose = Set((layers.unattributed + layers.quantizationOverhead).filter { !DataTypeName.isFloating($0.type) }.map(\.name))
            let used = Set(catalog.weights.filter { !loose.contains($0.name) }.map(\.dataType.name)).sorted()
            let extra = used.filter { !allowed.contains($0) }
            check("allowedDataTypes", extra.isEmpty, expected: allowed.joined(separator: ","),
                  actual: extra.isEmpty ? used.joined(separator: ",") : "also " + extra.joined(separator: ","))
        }
        if let wanted = e.quantizedBits {
            var all: [LayersReport.Entry] = []
            func collect(_ entry: LayersReport.Entry) {
                all.append(entry)
                entry.children.forEach(collect)
            }
            layers.layers.forEach(collect)
            for (kind, bits) in wanted.sorted(by: { $0.key < $1.key }) {
                let ofKind = all.filter { $0.kind.rawValue == kind }
                let wrong = ofKind.filter { $0.quantization?.bits != bits }
                let shown = wrong.prefix(5).map { "\($0.name) (\($0.quantization.map { "\($0.bits)-bit" } ?? "not quantized"))" }
                let more = wrong.count > 5 ? ", and \(wrong.count - 5) more" : ""
                check("quantized.\(kind)", !ofKind.isEmpty && wrong.isEmpty, expected: "every \(kind) layer \(bits)-bit",
                      actual: ofKind.isEmpty ? "no \(kind) layer"
                          : wrong.isEmpty ? "\(ofKind.count) \(kind) layers, all \(bits)-bit"
                          : "\(wrong.count) of \(ofKind.count) are not: " + shown.joined(separator: ", ") + more)
            }
        }
        if let limit = e.maxBytes {
            check("maxBytes", inspect.weights.bytes <= limit, expected: "≤ \(limit)", actual: "\(inspect.weights.bytes)")
        }
        if let allowed = e.allowedOps {
            let extra = inspect.ops.keys.sorted().filter { !allowed.contains($0) }
            check("allowedOps", extra.isEmpty, expected: "\(allowed.count) ops",
                  actual: extra.isEmpty ? "\(inspect.ops.count) ops, all allowed" : "not allowed: " + extra.joined(separator: ","))
        }
        if e.opsetMin != nil || e.opsetMax != nil {
            let got = inspect.opsets["ai.onnx"]
            let low = e.opsetMin ?? .min, high = e.opsetMax ?? .max
            check("opset", got.map { $0 >= low && $0 <= high } ?? false,
                  expected: "\(e.opsetMin.map(String.init) ?? "any")…\(e.opsetMax.map(String.init) ?? "any")",
                  actual: got.map(String.init) ?? "none")
        }
        if e.allowMismatch != true {
            var mismatched: [String] = []
            func visit(_ entry: LayersReport.Entry) {
                if entry.status == .mismatch { mismatched.append(entry.name) }
                entry.children.forEach(visit)
            }
            layers.layers.forEach(visit)
            check("noMismatch", mismatched.isEmpty, expected: "no layer with status mismatch",
                  actual: mismatched.isEmpty ? "none" : mismatched.joined(separator: ", "))
        }
        let findings = inspect.findings + layers.findings
        let errors = findings.filter { $0.severity == .error }
        check("noErrorFindings", errors.isEmpty, expected: "no error-severity finding",
              actual: errors.isEmpty ? "none" : errors.map(\.code).joined(separator: ", "))

        self.file = file.path
        self.checks = checks
        self.findings = findings
        passed = checks.allSatisfy(\.passed)
    }
}
