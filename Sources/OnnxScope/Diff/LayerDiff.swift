/// Layer-level comparison: the top-level layers of A and B, matched by name and kind,
/// then (for renamed models) by kind, hyper-parameters and size in graph order.
/// Matched layers whose size or hyper-parameters differ are `resized`; the rest are
/// `added` or `removed`. Layers that only changed name are no difference.
enum LayerDiff {
    static func deltas(_ a: ModelFile, _ b: ModelFile) -> [LayerDelta] {
        let before = LayerRecognition(file: a, catalog: WeightCatalog(model: a.model)).layers
        let after = LayerRecognition(file: b, catalog: WeightCatalog(model: b.model)).layers
        // Hash buckets of B's layers, by name and kind and by shape (kind, hyper-parameters,
        // size), each taken in graph order: the first unmatched B layer of the bucket, as a
        // linear search would pick, in time linear in the number of layers.
        var usedB = Array(repeating: false, count: after.count)
        var byName: [NameKey: [Int]] = [:], byShape: [ShapeKey: [Int]] = [:]
        for (j, layer) in after.enumerated() {
            byName[NameKey(layer), default: []].append(j)
            byShape[ShapeKey(layer), default: []].append(j)
        }
        var nameCursor: [NameKey: Int] = [:], shapeCursor: [ShapeKey: Int] = [:]
        func take<K: Hashable>(_ key: K, _ buckets: [K: [Int]], _ cursors: inout [K: Int]) -> Int? {
            guard let bucket = buckets[key] else { return nil }
            var at = cursors[key] ?? 0
            while at < bucket.count, usedB[bucket[at]] { at += 1 }
            cursors[key] = at
            guard at < bucket.count else { return nil }
            usedB[bucket[at]] = true
            return bucket[at]
        }
        var pairs: [(Int, Int)] = []
        var unmatchedA: [Int] = []
        for (i, layer) in before.enumerated() {
            if let j = take(NameKey(layer), byName, &nameCursor) { pairs.append((i, j)) } else { unmatchedA.append(i) }
        }
        unmatchedA.removeAll { i in
            guard let j = take(ShapeKey(before[i]), byShape, &shapeCursor) else { return false }
            pairs.append((i, j))
            return true
        }
        let unmatchedB = after.indices.filter { !usedB[$0] }
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

    private struct NameKey: Hashable {
        var name: String
        var kind: LayerKind
        init(_ layer: Layer) { (name, kind) = (layer.name, layer.kind) }
    }

    /// What ``same(_:_:)`` compares.
    private struct ShapeKey: Hashable {
        var kind: LayerKind
        var hyper: [String: HyperValue]
        var stored: Int64
        init(_ layer: Layer) { (kind, hyper, stored) = (layer.kind, layer.hyper, layer.stored) }
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
