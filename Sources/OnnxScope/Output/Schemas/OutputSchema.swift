/// The JSON Schemas (draft 2020-12) of every JSON output, as `onnxscope schema NAME`
/// prints them. Each lists every key its output has (all are required: an absent value
/// is `null`, never a missing key) and allows no other, so a test that validates real
/// output against them fails when either drifts.
public enum OutputSchema: String, CaseIterable, Sendable {
    case inspect, layers, diff, audit, summary

    /// The schema as JSON text.
    public var text: String {
        switch self {
        case .inspect: Self.inspectText
        case .layers: Self.layersText
        case .diff: Self.diffText
        case .audit: Self.auditText
        case .summary: Self.summaryText
        }
    }
}
