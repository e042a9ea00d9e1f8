/// Layer-level comparison: the top-level layers of A and B, matched by name and kind,
/// then (for renamed models) by kind, hyper-parameters and size in graph order.
/// Matched layers whose size or hyper-parameters differ are `resized`; the rest are
/// `added` or `removed`. Layers that only changed name are no difference.
enum LayerDiff {
    static func deltas(_ before: [Layer], _ after: [Layer]) -> [LayerDelta] {
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

    private struct NameKey: Hashable {
        var name: String
        var kind: LayerKind
        init(_ layer: Layer) { (name, kind) = (layer.name, layer.kind) }
    }

    /// What ``same(_:_:)`` compares.
    private struct ShapeKey: Hashable {
        var kind: LayerKind
        var hyper: Hyper
        var stored: Int64
        init(_ layer: Layer) { (kind, hyper, stored) = (layer.kind, layer.hyper, layer.stored) }
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
