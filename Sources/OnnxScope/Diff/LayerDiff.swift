/// Layer-level comparison: the top-level layers of A and B, matched by name and kind,
/// then (for renamed models) by kind, hyper-parameters and size in graph order.
/// Matched layers whose size or hyper-parameters differ are `resized`; the rest are
/// `added` or `removed`. Layers that only changed name are no difference.
enum LayerDiff {
    static func deltas(_ before: [Layer], _ after: [Layer]) -> [LayerDelta] {
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
                name: y.name, kind: y.kind, change: .resized, parametersBefore: x.stored, parametersAfter: y.stored,
                delta: Saturating.add(y.stored, -x.stored), details: .changed(changes(x, y))))
        }
        for i in unmatchedA {
            let x = before[i]
            deltas.append(LayerDelta(
                name: x.name, kind: x.kind, change: .removed, parametersBefore: x.stored, parametersAfter: 0,
                delta: -x.stored, details: .layer(x.hyper)))
        }
        for j in unmatchedB {
            let y = after[j]
            deltas.append(LayerDelta(
                name: y.name, kind: y.kind, change: .added, parametersBefore: 0, parametersAfter: y.stored,
                delta: y.stored, details: .layer(y.hyper)))
        }
        return deltas
    }

    /// Same kind, hyper-parameters and size (names aside).
    private static func same(_ a: Layer, _ b: Layer) -> Bool {
        a.kind == b.kind && a.hyper == b.hyper && a.stored == b.stored
    }

    /// Each hyper-parameter that differs, in key order.
    private static func changes(_ a: Layer, _ b: Layer) -> [LayerDelta.HyperChange] {
        Set(a.hyper.keys).union(b.hyper.keys).sorted().compactMap { key in
            a.hyper[key] == b.hyper[key] ? nil : LayerDelta.HyperChange(key: key, before: a.hyper[key], after: b.hyper[key])
        }
    }
}
