/// Layer-level comparison: the top-level layers of A and B, matched by module path
/// (provenance) and kind, then by name and kind, then (for renamed models) by kind,
/// hyper-parameters and size in graph order. Matched layers whose size or
/// hyper-parameters differ are `resized`; the rest are `added` or `removed`. Layers that
/// only changed name are no difference; nor is a layer whose weights were all paired with
/// the other side stored another way (``Paired``): one side's recognition missed it, or a
/// conversion folded it (a BatchNorm into its Conv), or it is the same layer quantized.
enum LayerDiff {
    /// The weights of each side paired with a counterpart in any way (`a`, `b`), and those
    /// paired re-stored (`restoredA`, `restoredB`, with B's quantization scales and zero points).
    struct Paired {
        var a: Set<String> = []
        var b: Set<String> = []
        var restoredA: Set<String> = []
        var restoredB: Set<String> = []
    }

    static func deltas(_ before: [Layer], _ after: [Layer], paired: Paired = Paired()) -> [LayerDelta] {
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
        var byModule: [NameKey: [Int]] = [:], moduleCursor: [NameKey: Int] = [:]
        for (j, layer) in after.enumerated() {
            if let module = layer.module { byModule[NameKey(name: module, kind: layer.kind), default: []].append(j) }
        }
        var pairs: [(Int, Int)] = []
        var unmatchedA: [Int] = []
        for (i, layer) in before.enumerated() {
            if let module = layer.module, let j = take(NameKey(name: module, kind: layer.kind), byModule, &moduleCursor) {
                pairs.append((i, j))
            } else if let j = take(NameKey(layer), byName, &nameCursor) {
                pairs.append((i, j))
            } else {
                unmatchedA.append(i)
            }
        }
        unmatchedA.removeAll { i in
            guard let j = take(ShapeKey(before[i]), byShape, &shapeCursor) else { return false }
            pairs.append((i, j))
            return true
        }
        unmatchedA.removeAll { allPaired(before[$0], paired.a) }
        let unmatchedB = after.indices.filter { !usedB[$0] && !allPaired(after[$0], paired.b) }
        var deltas: [LayerDelta] = []
        for (i, j) in pairs.sorted(by: { $0.0 < $1.0 }) where !same(before[i], after[j]) {
            if restoredAlike(before[i], after[j], paired) { continue }
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
        init(name: String, kind: LayerKind) { (self.name, self.kind) = (name, kind) }
    }

    /// True when the layer owns weights and every one of them is in `names`.
    private static func allPaired(_ layer: Layer, _ names: Set<String>) -> Bool {
        let weights = layer.flattened.flatMap(\.weights)
        return !weights.isEmpty && weights.allSatisfy(names.contains)
    }

    /// Two matched layers of one kind whose weights were re-stored on at least one side and
    /// whose hyper-parameters differ at most in `bits` and `bias` (a quantized layer; a fold
    /// that gave a Conv its bias): the same layer.
    private static func restoredAlike(_ a: Layer, _ b: Layer, _ paired: Paired) -> Bool {
        guard a.kind == b.kind else { return false }
        let wa = a.flattened.flatMap(\.weights), wb = b.flattened.flatMap(\.weights)
        guard wa.contains(where: paired.restoredA.contains) || wb.contains(where: paired.restoredB.contains) else { return false }
        let loose: Set<HyperKey> = [.bits, .bias]
        return Set(a.hyper.keys).union(b.hyper.keys).allSatisfy { loose.contains($0) || a.hyper[$0] == b.hyper[$0] }
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
