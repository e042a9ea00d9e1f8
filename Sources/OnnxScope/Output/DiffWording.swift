/// The words for what `diff` computes: its notes and the detail of each layer change,
/// as every renderer (and the JSON keys `notes` and `detail`) shows them.
extension DiffReport {
    /// The notes as sentences.
    public var notes: [String] { noteFacts.map(\.text) }
}

extension DiffReport.DiffNote: Encodable {
    /// The sentence.
    public var text: String {
        switch self {
        case .onlyMoved(let renamed, let storageMoved):
            var moved: [String] = []
            if renamed > 0 { moved.append("\(renamed) renamed") }
            if storageMoved > 0 { moved.append("\(storageMoved) moved to other storage") }
            return "no difference: tensors were only \(moved.joined(separator: " and ")); renames and storage moves do not count"
        case .modelFactsDiffer(let count):
            return "model facts differ (\(count)); they do not count as differences"
        }
    }

    /// Writes the note as its sentence.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

extension LayerDelta {
    /// The change in words: `hiddenSize 16 → 24`, or an added or removed layer's hyper-parameters.
    public var detail: String { details.text }
}

extension LayerDelta.Details: Encodable {
    /// The detail line.
    public var text: String {
        switch self {
        case .changed(let changes):
            if changes.isEmpty { return "size changed" }
            return changes.map { "\($0.key.rawValue) \($0.before?.text ?? "—") → \($0.after?.text ?? "—")" }.joined(separator: ", ")
        case .layer(let hyper):
            return hyper.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value.text)" }.joined(separator: " ")
        }
    }

    /// Writes the detail as its line.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
