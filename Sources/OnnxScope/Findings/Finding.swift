/// Something worth telling about a model that is not a number: a missing external file,
/// a size that overflows, a name defined twice. Findings are data; `Output/` renders them.
public struct Finding: Hashable, Sendable, Codable {
    /// How serious a finding is.
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        case error, warning, info

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .info: 2
            }
        }

        /// Orders severities from info to error.
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// How serious it is.
    public var severity: Severity
    /// A stable machine-readable code, e.g. `external-data-missing`.
    public var code: String
    /// One human sentence.
    public var message: String
    /// Where: a graph path, tensor or node name, or file.
    public var location: String

    /// Creates a finding.
    public init(severity: Severity, code: String, message: String, location: String) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }
}
