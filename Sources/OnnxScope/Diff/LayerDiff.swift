/// Layer-level comparison: the top-level layers of A and B, matched by name and kind,
/// then (for renamed models) by kind, hyper-parameters and size in graph order.
/// Matched layers whose size or hyper-parameters differ are `resized`; the rest are
/// `added` or `removed`. Layers that only changed name are no difference.
enum LayerDiff {
    static func deltas(_ a: ModelFile, _ b: ModelFile) -> [LayerDelta] {
        let before = LayerRecognition(file: a, catalog: WeightCatalog(model: a.model)).layers
        let after = LayerRecognition(file: b, catalog: WeightCatalog(model: b.model)).layers
        var unmatchedB = Array(after.indices)
        var pairs: [(Int, Int)] = []
        var unmatchedA: [Int] = []
        for (i, layer) in before.enumerated() {
            if let k = unmatchedB.firstIndex(where: { after[$0].name == layer.name && after[$0].kind == layer.kind }) {
                pairs.append((i, unmatchedB.remove(at: k)))
            } else {
                unmatchedA.append(i)
            }
        }
        unmatchedA.removeAll { i in
            guard let k = unmatchedB.firstIndex(where: { same(after[$0], before[i]) }) else { return false }
            pairs.append((i, unmatchedB.remove(at: k)))
            return true
        }
        var deltas: [LayerDelta] = []
        for (i, j) in pairs.sorted(by: { $0.0 < $1.0 }) where !same(before[i], after[j]) {
            let x = before[i], y = after[j]
            deltas.append(LayerDelta(
                name: y.name, kind: y.kind.rawValue, change: "resized", parametersBefore: x.stored, parametersAfter: y.stored,
                delta: Formulas.add(y.stored, -x.stored), detail: detail(x, y)))
        }
        for i in unmatchedA {
            let x = before[i]
            deltas.append(LayerDelta(
                name: x.name, kind: x.kind.rawValue, change: "removed", parametersBefore: x.stored, parametersAfter: 0,
                delta: -x.stored, detail: hyperText(x)))
        }
        for j in unmatchedB {
            let y = after[j]
            deltas.append(LayerDelta(
                name: y.name, kind: y.kind.rawValue, change: "added", parametersBefore: 0, parametersAfter: y.stored,
                delta: y.stored, detail: hyperText(y)))
        }
        return deltas
    }

    /// Same kind, hyper-parameters and size (names aside).
    private static func same(_ a: Layer, _ b: Layer) -> Bool {
        a.kind == b.kind && a.hyper == b.hyper && a.stored == b.stored
    }

    /// `hiddenSize 16 → 24` for each hyper-parameter that changed.
    private static func detail(_ a: Layer, _ b: Layer) -> String {
        let keys = Set(a.hyper.keys).union(b.hyper.keys).sorted()
        let changes = keys.compactMap { key -> String? in
            let x = a.hyper[key], y = b.hyper[key]
            guard x != y else { return nil }
            return "\(key) \(x?.text ?? "—") → \(y?.text ?? "—")"
        }
        return changes.isEmpty ? "size changed" : changes.joined(separator: ", ")
    }

    private static func hyperText(_ layer: Layer) -> String {
        layer.hyper.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ")
    }
}
