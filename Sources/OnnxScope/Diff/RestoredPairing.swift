/// Pairs what the name and content matching left over: the parameters of A that B stores
/// another way, each judged against its conversion's rounding bound (``RoundingBound``).
///
/// 1. Pairs already matched whose type (FLOAT ↔ FLOAT16/BFLOAT16/DOUBLE) or 2-D layout
///    (transposed) differ: `retyped`, `transposed`.
/// 2. B's quantized weights (``Dequantization``): paired with A's weight of the name the
///    quantizer kept (`W_quantized`, `W_Q4`, `W_Transposed_quantized`), else with the unpaired
///    A weight of the same element count closest to it; compared in its layout or transposed.
/// 3. A `BatchNormalization` of A after a `Conv` with stored weights, folded (W·γ/σ and
///    (b − μ)·γ/σ + β, σ = √(var + ε)) and paired with the closest unpaired B weight.
/// 4. Packed: one B weight whose slices along its first or last axis hold (90% of elements
///    exactly) unpaired A weights; split: the other way round.
/// 5. Transposed copies under new names.
///
/// Only the weights left unpaired are decoded here, and only parameters take part.
struct RestoredPairing {
    /// Each pairing with its statistics, in the order found.
    private(set) var judged: [(pair: DiffReport.RestoredPair, judgement: PairJudgement)] = []
    /// Weights of A and B that are paired (by the matching or here).
    private(set) var usedA: [Bool]
    private(set) var usedB: [Bool]
    /// B's quantization scales and zero points that a dequantized pair read.
    private(set) var overheadB: Set<String> = []
    private(set) var dequantized: [String: DequantizedWeight] = [:]

    private static let quantizerSuffixes = ["_quantized", "_Q4", "_Q8", "_Transposed"]

    init(_ a: DiffSide, _ b: DiffSide, pairs: [(a: Int, b: Int)], layersB: [Layer]) throws(PayloadError) {
        usedA = Array(repeating: false, count: a.weights.count)
        usedB = Array(repeating: false, count: b.weights.count)
        for (i, j) in pairs {
            usedA[i] = true
            usedB[j] = true
        }
        dequantized = try Dequantization.weights(b, layers: layersB)
        overheadB = Set(dequantized.values.flatMap(\.overhead))
        for (i, j) in pairs { try judgeMatched(a, b, i, j) }
        try pairQuantized(a, b)
        try pairFolded(a, b)
        try pairPacked(a, b)
        try pairTransposed(a, b)
    }

    /// A float weight of at least two elements.
    static func isParameter(_ w: StoredWeight) -> Bool {
        w.dataType.isFloatingPoint && elementCount(w) >= 2
    }

    /// A parameter of B: quantized and dequantized, or a float weight of at least two elements that is no scale.
    func isParameterB(_ b: DiffSide, _ j: Int) -> Bool {
        let w = b.weights[j]
        if dequantized[w.name] != nil { return true }
        return RestoredPairing.isParameter(w) && !overheadB.contains(w.name)
    }

    private static func elementCount(_ w: StoredWeight) -> Int64 {
        w.dims.reduce(Int64(1)) { Saturating.mul($0, $1) }
    }

    // MARK: 1. matched pairs stored another way

    private mutating func judgeMatched(_ a: DiffSide, _ b: DiffSide, _ i: Int, _ j: Int) throws(PayloadError) {
        let x = a.weights[i], y = b.weights[j]
        guard RestoredPairing.isParameter(x), x.dataType.isFloatingPoint, y.dataType.isFloatingPoint else { return }
        if x.dataType != y.dataType, x.dims == y.dims, let rounding = RoundingBound.rounding(y.dataType) {
            guard let u = try a.doubles(i), let v = try b.doubles(j), u.count == v.count else { return }
            var judgement = PairJudgement()
            let saturation = RoundingBound.largestFinite(y.dataType)
            for k in u.indices { judgement.add(u[k], v[k], bound: RoundingBound.retyped(u[k], rounding), saturation: saturation) }
            record([x.name], [y.name], .retyped, judgement, bits: Int64(y.dataType.bitsPerElement ?? 0), granularity: nil,
                   before: x.dataType, after: y.dataType)
        } else if x.dims != y.dims, x.dims.count == 2, x.dims == y.dims.reversed() {
            guard let u = try a.doubles(i), let v = try b.doubles(j), u.count == v.count else { return }
            record([x.name], [y.name], .transposed, RestoredPairing.exact(RestoredPairing.transpose(u, x.dims), v),
                   bits: nil, granularity: nil, before: x.dataType, after: y.dataType)
        }
    }

    // MARK: 2. quantized

    private mutating func pairQuantized(_ a: DiffSide, _ b: DiffSide) throws(PayloadError) {
        for (j, w) in b.weights.enumerated() where !usedB[j] {
            guard let d = dequantized[w.name] else { continue }
            let count = d.values.count
            var candidates: [Int] = []
            if let i = RestoredPairing.quantizerSource(w.name, a), !usedA[i], RestoredPairing.isParameter(a.weights[i]) {
                candidates = [i]
            } else {
                candidates = a.weights.indices.filter {
                    !usedA[$0] && RestoredPairing.isParameter(a.weights[$0]) && RestoredPairing.elementCount(a.weights[$0]) == Int64(count)
                }
            }
            var best: (error: Double, i: Int, values: [Double])?
            for i in candidates {
                guard let u = try a.doubles(i), u.count == count else { continue }
                let x = a.weights[i]
                var layouts: [[Double]] = []
                if x.dims == d.dims { layouts.append(u) }
                if x.dims.count == 2, x.dims.reversed() == d.dims { layouts.append(RestoredPairing.transpose(u, x.dims)) }
                for layout in layouts {
                    var error = 0.0
                    for k in 0..<count { error = Swift.max(error, Swift.abs(layout[k] - d.values[k])) }
                    if best == nil || error < best?.error ?? .infinity { best = (error, i, layout) }
                }
            }
            guard let best else { continue }
            usedA[best.i] = true
            usedB[j] = true
            for name in d.overhead { if let k = b.mainIndex(name) { usedB[k] = true } }
            var judgement = PairJudgement()
            for k in 0..<count { judgement.add(best.values[k], d.values[k], bound: d.bound(k, best.values[k])) }
            let x = a.weights[best.i]
            record([x.name], [w.name], .quantized, judgement, bits: d.bits, granularity: d.granularity,
                   before: x.dataType, after: w.dataType)
        }
    }

    /// The A weight whose name the quantizer kept: `W` for `W_quantized`, `W_Q4`, `W_Transposed_quantized`.
    private static func quantizerSource(_ name: String, _ a: DiffSide) -> Int? {
        var base = Substring(name)
        var stripped = true
        while stripped {
            stripped = false
            for suffix in quantizerSuffixes where base.hasSuffix(suffix) {
                base = base.dropLast(suffix.count)
                stripped = true
            }
        }
        return base.count < name.count ? a.mainIndex(String(base)) : nil
    }

    // MARK: 3. folded BatchNorm

    private mutating func pairFolded(_ a: DiffSide, _ b: DiffSide) throws(PayloadError) {
        guard let graph = a.main else { return }
        for node in graph.nodes where node.isDefaultDomain && node.opType == "BatchNormalization" {
            guard let fold = try BatchNormFold(node, graph, a) else { continue }
            for part in [fold.weight, fold.bias] {
                var best: (error: Double, j: Int, values: [Double])?
                for (j, w) in b.weights.enumerated() where !usedB[j] && isParameterB(b, j) && w.dataType.isFloatingPoint
                    && w.dims == part.dims {
                    guard let v = try b.doubles(j), v.count == part.values.count else { continue }
                    var error = 0.0
                    for k in v.indices { error = Swift.max(error, Swift.abs(v[k] - part.values[k])) }
                    if best == nil || error < best?.error ?? .infinity { best = (error, j, v) }
                }
                guard let best else { continue }
                usedB[best.j] = true
                for name in part.sources { if let i = a.mainIndex(name) { usedA[i] = true } }
                var judgement = PairJudgement()
                for k in best.values.indices { judgement.add(part.values[k], best.values[k], bound: part.bounds[k]) }
                let source = a.mainIndex(part.sources[0]).map { a.weights[$0].dataType } ?? .float
                record(part.sources, [b.weights[best.j].name], .folded, judgement, bits: nil, granularity: nil,
                       before: source, after: b.weights[best.j].dataType)
            }
        }
    }

    // MARK: 4. packed and split

    private mutating func pairPacked(_ a: DiffSide, _ b: DiffSide) throws(PayloadError) {
        var usedA = self.usedA, usedB = self.usedB
        let paramA = { (i: Int) in RestoredPairing.isParameter(a.weights[i]) }
        let dequantized = self.dequantized, overhead = overheadB
        let paramB = { (j: Int) in
            let w = b.weights[j]
            return dequantized[w.name] != nil || (RestoredPairing.isParameter(w) && !overhead.contains(w.name))
        }
        try pack(parts: a, &usedA, paramA, whole: b, &usedB, paramB, how: .packed)
        try pack(parts: b, &usedB, paramB, whole: a, &usedA, paramA, how: .split)
        self.usedA = usedA
        self.usedB = usedB
    }

    private mutating func pack(parts x: DiffSide, _ usedX: inout [Bool], _ paramX: (Int) -> Bool,
                               whole y: DiffSide, _ usedY: inout [Bool], _ paramY: (Int) -> Bool,
                               how: DiffReport.RestoredPair.How) throws(PayloadError) {
        let free = x.weights.indices.filter { !usedX[$0] && paramX($0) && x.weights[$0].dataType.isFloatingPoint }
        guard !free.isEmpty else { return }
        for (j, w) in y.weights.enumerated() where !usedY[j] && paramY(j) && w.dataType.isFloatingPoint && !w.dims.isEmpty {
            let dims = w.dims.map { Int($0) }
            guard let full = try y.doubles(j), full.count == dims.reduce(1, *) else { continue }
            for axis in Set([0, dims.count - 1]).sorted() {
                var offset = 0, parts: [Int] = [], joined: [[Double]] = []
                while offset < dims[axis] {
                    var hit: (Int, [Double])?
                    for i in free where !usedX[i] && !parts.contains(i) {
                        let p = x.weights[i]
                        guard p.dataType == w.dataType, p.dims.count == dims.count else { continue }
                        let pd = p.dims.map { Int($0) }
                        guard (0..<dims.count).allSatisfy({ $0 == axis || pd[$0] == dims[$0] }),
                              offset + pd[axis] <= dims[axis], pd[axis] != dims[axis],
                              let u = try x.doubles(i) else { continue }
                        let slice = RestoredPairing.slice(full, dims, axis: axis, from: offset, count: pd[axis])
                        var same = 0
                        for k in u.indices where u[k] == slice[k] { same += 1 }
                        if same * 10 >= u.count * 9 {
                            hit = (i, u)
                            break
                        }
                    }
                    guard let (i, u) = hit else { break }
                    parts.append(i)
                    joined.append(u)
                    offset += Int(x.weights[i].dims[axis])
                }
                guard offset == dims[axis], parts.count >= 2 else { continue }
                for i in parts { usedX[i] = true }
                usedY[j] = true
                let together = RestoredPairing.concatenate(joined, parts.map { x.weights[$0].dims.map { Int($0) } }, axis: axis)
                let names = parts.map { x.weights[$0].name }
                let judgement = how == .packed ? RestoredPairing.exact(together, full) : RestoredPairing.exact(full, together)
                record(how == .packed ? names : [w.name], how == .packed ? [w.name] : names, how, judgement, bits: nil,
                       granularity: nil, before: w.dataType, after: w.dataType)
                break
            }
        }
    }

    // MARK: 5. transposed under new names

    private mutating func pairTransposed(_ a: DiffSide, _ b: DiffSide) throws(PayloadError) {
        for (i, x) in a.weights.enumerated() where !usedA[i] && RestoredPairing.isParameter(x) && x.dims.count == 2 {
            var transposed: [Double]?
            for (j, y) in b.weights.enumerated() where !usedB[j] && isParameterB(b, j) && y.dataType == x.dataType
                && y.dims == x.dims.reversed() {
                if transposed == nil { transposed = try a.doubles(i).map { RestoredPairing.transpose($0, x.dims) } }
                guard let t = transposed, let v = try b.doubles(j), t == v else { continue }
                usedA[i] = true
                usedB[j] = true
                record([x.name], [y.name], .transposed, RestoredPairing.exact(t, v), bits: nil, granularity: nil,
                       before: x.dataType, after: y.dataType)
                break
            }
        }
    }

    // MARK: helpers

    private mutating func record(_ from: [String], _ to: [String], _ how: DiffReport.RestoredPair.How, _ j: PairJudgement,
                                 bits: Int64?, granularity: String?, before: DataType, after: DataType) {
        let pair = DiffReport.RestoredPair(
            from: from, to: to, how: how, elements: j.elements, maxAbsError: j.maxAbsError, bound: j.maxBound, sqnrDb: j.sqnrDb,
            bits: bits, granularity: granularity, before: before.name, after: after.name)
        judged.append((pair, j))
    }

    private static func exact(_ a: [Double], _ b: [Double]) -> PairJudgement {
        var j = PairJudgement()
        for k in a.indices { j.add(a[k], b[k], bound: 0) }
        return j
    }

    /// A row-major [r, c] matrix as [c, r].
    static func transpose(_ u: [Double], _ dims: [Int64]) -> [Double] {
        let r = Int(dims[0]), c = Int(dims[1])
        var t = [Double](repeating: 0, count: u.count)
        for i in 0..<r { for k in 0..<c { t[k * r + i] = u[i * c + k] } }
        return t
    }

    /// Elements `from..<from+count` along `axis` of a row-major tensor, row-major.
    private static func slice(_ full: [Double], _ dims: [Int], axis: Int, from: Int, count: Int) -> [Double] {
        let inner = dims[(axis + 1)...].reduce(1, *), outer = dims[..<axis].reduce(1, *)
        var out: [Double] = []
        out.reserveCapacity(outer * count * inner)
        for o in 0..<outer {
            let base = (o * dims[axis] + from) * inner
            out.append(contentsOf: full[base..<(base + count * inner)])
        }
        return out
    }

    /// Row-major tensors joined along `axis`.
    private static func concatenate(_ parts: [[Double]], _ dims: [[Int]], axis: Int) -> [Double] {
        guard let first = dims.first else { return [] }
        let inner = first[(axis + 1)...].reduce(1, *), outer = first[..<axis].reduce(1, *)
        var out: [Double] = []
        for o in 0..<outer {
            for (p, d) in zip(parts, dims) {
                let n = d[axis] * inner
                out.append(contentsOf: p[(o * n)..<((o + 1) * n)])
            }
        }
        return out
    }
}

/// A `BatchNormalization` folded into the `Conv` before it, in double: the weight and bias
/// the fold must have stored, with per-element bounds and the A weights they come from.
struct BatchNormFold {
    struct Part {
        var values: [Double]
        var dims: [Int64]
        var bounds: [Double]
        var sources: [String]
    }

    var weight: Part
    var bias: Part

    init?(_ node: Node, _ graph: GraphIndex, _ a: DiffSide) throws(PayloadError) {
        guard node.inputs.count >= 5, let p = graph.producer(of: node.inputs[0]), graph.nodes[p].opType == "Conv",
              let wName = graph.nodes[p].input(1), let wi = a.mainIndex(wName), let w = try a.doubles(wi) else { return nil }
        var stats: [[Double]] = []
        for name in node.inputs[1...4] {
            guard let k = a.mainIndex(name), let v = try a.doubles(k) else { return nil }
            stats.append(v)
        }
        let (gamma, beta, mean, variance) = (stats[0], stats[1], stats[2], stats[3])
        let channels = gamma.count
        guard channels > 0, beta.count == channels, mean.count == channels, variance.count == channels,
              w.count % channels == 0 else { return nil }
        var epsilon = 1e-5
        if case .float(let e) = node.attribute("epsilon")?.value { epsilon = Double(e) }
        var convBias = [Double](repeating: 0, count: channels)
        var biasSources: [String] = []
        if let bName = graph.nodes[p].input(2), let bi = a.mainIndex(bName), let b = try a.doubles(bi), b.count == channels {
            convBias = b
            biasSources = [bName]
        }
        let k = (0..<channels).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
        let per = w.count / channels
        var wv = w, wb = w
        for e in w.indices {
            wv[e] = w[e] * k[e / per]
            wb[e] = 0x1p-20 * Swift.abs(wv[e])
        }
        let bv = (0..<channels).map { (convBias[$0] - mean[$0]) * k[$0] + beta[$0] }
        let bb = (0..<channels).map { 0x1p-20 * (Swift.abs(convBias[$0] * k[$0]) + Swift.abs(mean[$0] * k[$0]) + Swift.abs(beta[$0])) }
        weight = Part(values: wv, dims: a.weights[wi].dims, bounds: wb, sources: [wName, node.inputs[1], node.inputs[4]])
        bias = Part(values: bv, dims: [Int64(channels)], bounds: bb, sources: biasSources + Array(node.inputs[1...4]))
    }
}
