/// Checks of the expectations themselves, before any model is read: a layer kind, data
/// type or op that does not exist is a mistake of the caller (a usage error), not a
/// failed check of the model.
extension AuditExpectations {
    /// One mistaken value: where it was given, the value, the closest valid one and
    /// what is valid.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The command-line option and JSON key, e.g. `--layers / layerCounts`.
        public var key: String
        /// What kind of value, e.g. `layer kind`.
        public var what: String
        /// The value given.
        public var value: String
        /// The closest valid value, when one is close.
        public var suggestion: String?
        /// The valid values, or a description of them.
        public var valid: String

        /// `unknown layer kind 'Lstm' in --layers / layerCounts (did you mean 'LSTM'?); valid: ...`
        public var description: String {
            "unknown \(what) '\(value)' in \(key)" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "") + "; valid: \(valid)"
        }
    }

    /// The layer kinds `--layers` and `--kind-params` accept.
    public static var validKinds: [String] { LayerKind.allCases.map(\.rawValue) }

    /// The data type names `--allow-dtypes` accepts (every named type but UNDEFINED).
    public static var validDataTypes: [String] { DataType.known.filter { $0 != .undefined }.map(\.name) }

    /// Every unknown kind, data type and default-domain op, in the order given.
    public func problems() -> [Problem] {
        var found: [Problem] = []
        let kinds = Self.validKinds
        let kindList = kinds.joined(separator: ", ")
        for kind in (layerCounts ?? [:]).keys.sorted() where !kinds.contains(kind) {
            found.append(Problem(key: "--layers / layerCounts", what: "layer kind", value: kind,
                                 suggestion: NameSuggestion.closest(to: kind, among: kinds), valid: kindList))
        }
        for kind in (kindParameters ?? [:]).keys.sorted() where !kinds.contains(kind) {
            found.append(Problem(key: "--kind-params / kindParameters", what: "layer kind", value: kind,
                                 suggestion: NameSuggestion.closest(to: kind, among: kinds), valid: kindList))
        }
        let types = Self.validDataTypes
        for type in allowedDataTypes ?? [] where !types.contains(type) {
            found.append(Problem(key: "--allow-dtypes / allowedDataTypes", what: "data type", value: type,
                                 suggestion: NameSuggestion.closest(to: type, among: types), valid: types.joined(separator: ", ")))
        }
        // Ops of other domains (`com.microsoft.Attention`) cannot be known; only ai.onnx ones are checked.
        for op in allowedOps ?? [] where !op.contains(".") && !StandardOperators.names.contains(op) {
            found.append(Problem(key: "--allow-ops / allowedOps", what: "op", value: op,
                                 suggestion: NameSuggestion.closest(to: op, among: StandardOperators.names.sorted()),
                                 valid: "the ai.onnx operators (Conv, Gemm, MatMul, ...; \(StandardOperators.names.count) names), "
                                     + "or domain.Op for other domains"))
        }
        return found
    }
}
