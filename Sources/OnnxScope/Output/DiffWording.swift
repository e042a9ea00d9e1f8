import Foundation

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

extension DiffReport {
    /// The verdict in one sentence, e.g. `same parameters, re-stored: 13 weights FLOAT → INT8
    /// (per-tensor) quantized, max dequantization error 0.0013 (SQNR ≥ 40 dB); 22 unchanged`.
    public var verdictSentence: String {
        switch verdict {
        case .identical:
            return "identical: the same parameters stored the same way"
        case .restored:
            var parts = DiffReport.restoredGroups(tensors.restored)
            if tensors.unchanged > 0 { parts.append("\(tensors.unchanged) unchanged") }
            return "same parameters, re-stored: " + parts.joined(separator: "; ")
        case .changed:
            var parts: [String] = []
            let beyond = tensors.valuesChanged.filter { $0.how != nil }
            if !beyond.isEmpty {
                let names = beyond.prefix(3).map(\.name).joined(separator: ", ") + (beyond.count > 3 ? ", …" : "")
                parts.append("\(DiffReport.count(beyond.count, "weight")) beyond \(beyond.count == 1 ? "its" : "their") rounding bound (\(names))")
            }
            let plain = tensors.valuesChanged.count - beyond.count
            if plain > 0 { parts.append("\(DiffReport.count(plain, "weight")) with other values") }
            if !tensors.removed.isEmpty { parts.append("\(tensors.removed.count) removed") }
            if !tensors.added.isEmpty { parts.append("\(tensors.added.count) added") }
            if !tensors.reshaped.isEmpty { parts.append("\(tensors.reshaped.count) reshaped") }
            if !inputs.isEmpty || !outputs.isEmpty { parts.append("interface changed") }
            if !layers.isEmpty { parts.append("\(DiffReport.count(layers.count, "layer")) changed") }
            if !tensors.restored.isEmpty { parts.append("\(tensors.restored.count) re-stored within bound") }
            return "models differ" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; "))
        }
    }

    /// Re-stored pairs grouped by how, types and granularity, in order of first appearance.
    static func restoredGroups(_ pairs: [RestoredPair]) -> [String] {
        var order: [String] = []
        var groups: [String: [RestoredPair]] = [:]
        for p in pairs {
            let key = "\(p.how.rawValue) \(p.before) \(p.after) \(p.granularity ?? "")"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(p)
        }
        return order.compactMap { key in
            guard let group = groups[key], let first = group.first else { return nil }
            let n = group.count
            let error = group.map(\.maxAbsError).max() ?? 0
            let sqnr = group.compactMap(\.sqnrDb).min()
            let sqnrText = sqnr.map { String(format: " (SQNR ≥ %.0f dB)", $0) } ?? ""
            let from = Set(group.flatMap(\.from)).count
            switch first.how {
            case .quantized:
                return "\(count(n, "weight")) \(first.before) → \(first.after) (\(first.granularity ?? "per-tensor")\(first.bits.map { ", \($0)-bit" } ?? "")) quantized, "
                    + "max dequantization error \(short(error))\(sqnrText)"
            case .retyped:
                return "\(count(n, "weight")) \(first.before) → \(first.after), max rounding error \(short(error))\(sqnrText)"
            case .packed, .fused:
                return "\(count(from, "weight")) packed into \(n)" + (error == 0 ? " (exact)" : ", max error \(short(error))")
            case .split:
                return "\(count(n, "weight")) split into \(group.reduce(0) { $0 + $1.to.count })" + (error == 0 ? " (exact)" : "")
            case .transposed:
                return "\(count(n, "weight")) transposed" + (error == 0 ? " (exact)" : "")
            case .folded:
                return "\(count(n, "weight")) folded from \(from) (BatchNorm into Conv), max error \(short(error))"
            }
        }
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    private static func short(_ value: Double) -> String { String(format: "%.2g", value) }
}
