/// Totals over many model files (`inspect DIR --summary`, `layers DIR --summary`): how
/// many files were read, which failed, and the sums of their reports. Its JSON keys are a
/// contract (see README).
public struct BatchSummary: Codable, Sendable, Equatable {
    /// Version of this JSON layout; follows the same rule as ``InspectReport``'s.
    public var schemaVersion: Int = 1
    /// The totals, under one key so that a JSON Lines reader tells this line from a file's.
    public var summary: Totals

    /// The totals themselves.
    public struct Totals: Codable, Sendable, Equatable {
        /// `inspect` or `layers`.
        public var command: String
        /// Files attempted.
        public var files: Int = 0
        /// Files read and reported.
        public var succeeded: Int = 0
        /// Files that could not be read.
        public var failed: Int = 0
        /// The paths of the failed files, in output order.
        public var failedFiles: [String] = []
        /// Nodes over all files read (`inspect` only; 0 for `layers`).
        public var nodes: Int = 0
        /// Deprecated (two meanings): `inspect`: stored weight elements; `layers`: trainable
        /// elements. Read ``weightElements`` or ``trainableParameters`` instead.
        public var parameters: Int64 = 0
        /// Stored weight elements (`inspect`'s `weights.elements`); null for `layers`.
        @ExplicitNull public var weightElements: Int64? = nil
        /// Trainable parameter elements (`layers`' `totals.trainable`); null for `inspect`.
        @ExplicitNull public var trainableParameters: Int64? = nil
        /// Bytes of stored weights (`inspect` only; 0 for `layers`).
        public var weightBytes: Int64 = 0
        /// Recognized layers, composite ones included (`layers` only; 0 for `inspect`).
        public var layers: Int = 0
        /// Findings over all files read.
        public var findings: Int = 0
    }

    /// What one file adds to the totals.
    public struct Contribution: Sendable, Equatable {
        var nodes = 0
        var parameters: Int64 = 0
        var weightElements: Int64?
        var trainableParameters: Int64?
        var weightBytes: Int64 = 0
        var layers = 0
        var findings = 0

        /// The contribution of an `inspect` report.
        public init(_ report: InspectReport) {
            nodes = report.nodes
            parameters = report.weights.elements
            weightElements = report.weights.elements
            weightBytes = report.weights.bytes
            findings = report.findings.count
        }

        /// The contribution of a `layers` report.
        public init(_ report: LayersReport) {
            parameters = report.totals.trainable
            trainableParameters = report.totals.trainable
            layers = report.totals.layerCount
            findings = report.findings.count
        }
    }

    /// An empty summary for `command`.
    public init(command: String) {
        summary = Totals(command: command)
        // The command's own total starts at 0 (a run with every file failed sums to 0); the other's is null.
        summary.weightElements = command == "inspect" ? 0 : nil
        summary.trainableParameters = command == "layers" ? 0 : nil
    }

    /// Counts a file that was read.
    public mutating func add(_ contribution: Contribution) {
        summary.files += 1
        summary.succeeded += 1
        summary.nodes += contribution.nodes
        summary.parameters = BatchSummary.sum(summary.parameters, contribution.parameters)
        if let total = summary.weightElements, let elements = contribution.weightElements {
            summary.weightElements = BatchSummary.sum(total, elements)
        }
        if let total = summary.trainableParameters, let trainable = contribution.trainableParameters {
            summary.trainableParameters = BatchSummary.sum(total, trainable)
        }
        summary.weightBytes = BatchSummary.sum(summary.weightBytes, contribution.weightBytes)
        summary.layers += contribution.layers
        summary.findings += contribution.findings
    }

    /// Counts a file that could not be read.
    public mutating func addFailure(path: String) {
        summary.files += 1
        summary.failed += 1
        summary.failedFiles.append(path)
    }

    /// Saturating sum: totals over a registry of models must not trap.
    private static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : value
    }
}
