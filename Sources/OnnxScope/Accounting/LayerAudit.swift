/// The formula audit of one layer: what the textbook formula and the exporting
/// framework's storage convention predict, and whether what is stored agrees.
public struct LayerAudit: Codable, Sendable, Equatable {
    /// How the stored count relates to the predictions.
    public enum Status: String, Codable, Sendable {
        /// Stored equals the textbook formula.
        case match
        /// Stored differs from the textbook formula for a known reason, given in `explanation`.
        case explained
        /// Stored differs and no known reason accounts for it.
        case mismatch
    }

    /// The note's formula (e.g. i·o + o for a dense layer).
    public var textbook: Int64
    /// What the framework's storage convention predicts (e.g. two RNN biases).
    public var convention: Int64
    /// Agreement of stored and predicted.
    public var status: Status
    /// One line saying why stored differs from textbook, or what is notable; empty for a plain match.
    public var explanation: String
}
