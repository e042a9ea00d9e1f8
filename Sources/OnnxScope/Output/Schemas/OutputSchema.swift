/// The JSON Schemas (draft 2020-12) of every JSON output, as `onnxscope schema NAME`
/// prints them. Each lists every key its output has (all are required: an absent value
/// is `null`, never a missing key) and allows no other, so a test that validates real
/// output against them fails when either drifts.
public enum OutputSchema: String, CaseIterable, Sendable {
    case inspect, layers, diff, audit, summary

    /// The schema as JSON text: its own definitions with the shared ones it refers to
    /// copied into its `$defs`, so that it stands alone.
    public var text: String {
        let own = ownText
        let needed = Self.shared.sorted { $0.key < $1.key }.filter { own.contains("\"#/$defs/\($0.key)\"") }
        guard !needed.isEmpty else { return own }
        let entries = needed.map { name, schema in
            "    \"\(name)\": " + schema.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
        }.joined(separator: ",\n")
        if let empty = own.range(of: "\"$defs\": {}") {
            return own.replacingCharacters(in: empty, with: "\"$defs\": {\n" + entries + "\n  }")
        }
        if let start = own.range(of: "\"$defs\": {\n") {
            return own.replacingCharacters(in: start, with: "\"$defs\": {\n" + entries + ",\n")
        }
        return own
    }

    private var ownText: String {
        switch self {
        case .inspect: Self.inspectOwn
        case .layers: Self.layersOwn
        case .diff: Self.diffOwn
        case .audit: Self.auditOwn
        case .summary: Self.summaryOwn
        }
    }
}

extension OutputSchema {
    /// A JSON array of strings, for a closed set written once in Swift (kinds, hyper keys).
    static func jsonList(_ values: [String]) -> String {
        "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    /// Every layer kind, as the schemas' `kind` enum.
    static var layerKinds: String { jsonList(LayerKind.allCases.map(\.rawValue)) }
}
