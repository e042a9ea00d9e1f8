/// A stored integer weight of B read as the float tensor it stands for, with what its
/// rounding bound needs: each element's scale and the range its integer type represents.
struct DequantizedWeight {
    /// The stored weight's index in its side.
    var weight: Int
    /// The dequantized values, row-major in ``dims`` (MatMulNBits: the [K, N] weight it replaced).
    var values: [Double]
    var dims: [Int64]
    /// Per element: |scale|, and the dequantized ends of the integer range.
    var scales: [Double]
    var lo: [Double]
    var hi: [Double]
    /// Bits per stored element.
    var bits: Int64
    /// `per-tensor`, `per-channel` or `block N`.
    var granularity: String
    /// The scale and zero-point weights it was read with.
    var overhead: [String]

    /// The bound of element `e` against A's value `a`.
    func bound(_ e: Int, _ a: Double) -> Double {
        RoundingBound.quantized(a, scale: scales[e], lo: lo[e], hi: hi[e])
    }
}

/// Dequantizes B's quantized weights: those the layer recognition traced (its
/// ``QuantizedStorage``: dynamic, QOperator, MatMulNBits), every `DequantizeLinear` of a
/// stored tensor (QDQ weights and INT32 biases, and tables dequantized after a `Gather`), and
/// the INT32 biases of `QLinearConv` and com.microsoft `QGemm`, whose scale is the
/// activation's times the weight's. `y = (q − zero point) · scale`, in float32 as the ONNX
/// reference computes it.
enum Dequantization {
    static func weights(_ side: DiffSide, layers: [Layer]) throws(PayloadError) -> [String: DequantizedWeight] {
        var out: [String: DequantizedWeight] = [:]
        func add(_ name: String, scale: String?, zeroPoint: String?, axis: Int64?, block: Int64?,
                 layout: QuantizedStorage.Layout = .plain, bits: Int64? = nil, scaleValues: [Double]? = nil) throws(PayloadError) {
            guard out[name] == nil, let i = side.mainIndex(name), !side.weights[i].dataType.isFloatingPoint else { return }
            var s = scaleValues
            if s == nil, let scale, let j = side.mainIndex(scale) { s = try side.doubles(j) }
            guard let s, !s.isEmpty, let q = try side.doubles(i) else { return }
            let z = try zeroPoint.flatMap { name throws(PayloadError) in try side.mainIndex(name).flatMap { j throws(PayloadError) in try side.doubles(j) } }
            let overhead = [scale, zeroPoint].compactMap { $0 }.filter { side.mainIndex($0) != nil }
            let w = side.weights[i]
            switch layout {
            case .plain:
                if let d = plain(i, w, q: q, s: s, z: z, axis: axis ?? 1, block: block, overhead: overhead) { out[name] = d }
            case .matMulNBits(let k, let n):
                if let d = nBits(i, w, q: q, s: s, z: z, k: k, n: n, bits: bits ?? 4, block: block ?? 32, overhead: overhead) {
                    out[name] = d
                }
            }
        }
        for layer in layers.flatMap(\.flattened) {
            for st in layer.quantizedStorage {
                try add(st.weight, scale: st.scale, zeroPoint: st.zeroPoint, axis: st.axis, block: st.blockSize,
                        layout: st.layout, bits: st.bits)
            }
        }
        guard let graph = side.main else { return out }
        for node in graph.nodes {
            switch node.qualifiedOpType {
            case "DequantizeLinear", "com.microsoft.DequantizeLinear":
                guard var x = node.input(0) else { continue }
                if side.mainIndex(x) == nil, let p = graph.producer(of: x), graph.nodes[p].opType == "Gather",
                   let table = graph.nodes[p].input(0) {
                    x = table  // rows gathered from an integer table, then dequantized
                }
                try add(x, scale: node.input(1), zeroPoint: node.input(2), axis: node.intAttribute("axis") ?? 1,
                        block: node.intAttribute("block_size").flatMap { $0 > 0 ? $0 : nil })
            case "QLinearConv", "com.microsoft.QGemm":
                let bias = node.opType == "QLinearConv" ? 8 : 6
                guard let b = node.input(bias), let xs = node.input(1), let ws = node.input(4),
                      let i = side.mainIndex(xs), let j = side.mainIndex(ws),
                      let x = try side.doubles(i), let w = try side.doubles(j), x.count == 1 else { continue }
                try add(b, scale: nil, zeroPoint: nil, axis: 0, block: nil, scaleValues: w.map { $0 * x[0] })
            default:
                continue
            }
        }
        return out
    }

    /// One stored element per weight element; scales per tensor, along `axis`, or in blocks along it.
    private static func plain(_ i: Int, _ w: StoredWeight, q: [Double], s: [Double], z: [Double]?, axis rawAxis: Int64,
                              block: Int64?, overhead: [String]) -> DequantizedWeight? {
        let dims = w.dims.map { Int($0) }
        guard let range = RoundingBound.integerRange(w.dataType, bits: Int64(w.dataType.bitsPerElement ?? 8)),
              q.count == dims.reduce(1, *) else { return nil }
        let rank = dims.count
        // Per tensor, the axis is ignored (onnxruntime writes the default 1 for 1-D biases).
        let axis = rank == 0 || s.count == 1 ? 0 : Int(rawAxis < 0 ? rawAxis + Int64(rank) : rawAxis)
        guard rank == 0 || (0..<rank).contains(axis) else { return nil }
        let size = rank == 0 ? 1 : dims[axis]
        let inner = rank == 0 ? 1 : dims[(axis + 1)...].reduce(1, *)
        let bs = block.map { Int($0) } ?? 0
        let blocks = bs > 0 ? (size + bs - 1) / bs : size
        let perAxis = bs > 0 ? q.count / Swift.max(1, size) * blocks : size
        guard s.count == 1 || s.count == perAxis, z == nil || z?.count == s.count else { return nil }
        var d = DequantizedWeight(weight: i, values: [], dims: w.dims, scales: [], lo: [], hi: [], bits: Int64(w.dataType.bitsPerElement ?? 8),
                                  granularity: bs > 0 ? "block \(bs)" : (s.count == 1 ? "per-tensor" : "per-channel"), overhead: overhead)
        d.values.reserveCapacity(q.count)
        for e in 0..<q.count {
            var k = 0
            if s.count > 1 {
                let c = (e / inner) % size, outer = e / (inner * size)
                k = bs > 0 ? (outer * blocks + c / bs) * inner + e % inner : c
            }
            let zp = z?[k] ?? 0
            d.values.append(Double((Float(q[e]) - Float(zp)) * Float(s[k])))
            d.scales.append(s[k])
            d.lo.append((range.0 - zp) * s[k])
            d.hi.append((range.1 - zp) * s[k])
        }
        return d
    }

    /// com.microsoft MatMulNBits: [N, blocks, blob] bytes, `bits`-bit values low bits first;
    /// scales [N·blocks]; zero points packed the same way (default 2^(bits−1)).
    private static func nBits(_ i: Int, _ w: StoredWeight, q bytes: [Double], s: [Double], z: [Double]?, k: Int64, n: Int64,
                              bits: Int64, block: Int64, overhead: [String]) -> DequantizedWeight? {
        guard bits == 4 || bits == 8, k > 0, n > 0, block > 0 else { return nil }
        let (K, N, bs, b) = (Int(k), Int(n), Int(block), Int(bits))
        let blocks = (K + bs - 1) / bs, perByte = 8 / b, mask = (1 << b) - 1
        let rowBytes = bytes.count / N, zpRowBytes = (blocks + perByte - 1) / perByte
        guard rowBytes * N == bytes.count, rowBytes * perByte >= K, s.count == N * blocks,
              z == nil || z?.count == N * zpRowBytes else { return nil }
        func nibble(_ array: [Double], _ base: Int, _ index: Int) -> Double {
            Double((Int(array[base + index / perByte]) >> (b * (index % perByte))) & mask)
        }
        let hiQ = Double(mask)
        var d = DequantizedWeight(weight: i, values: .init(repeating: 0, count: K * N), dims: [k, n],
                                  scales: .init(repeating: 0, count: K * N), lo: .init(repeating: 0, count: K * N),
                                  hi: .init(repeating: 0, count: K * N), bits: bits, granularity: "block \(bs)", overhead: overhead)
        for row in 0..<N {
            for col in 0..<K {
                let blk = col / bs, scale = s[row * blocks + blk]
                let zp = z.map { nibble($0, row * zpRowBytes, blk) } ?? Double(1 << (b - 1))
                let e = col * N + row
                d.values[e] = Double((Float(nibble(bytes, row * rowBytes, col)) - Float(zp)) * Float(scale))
                d.scales[e] = scale
                d.lo[e] = (0 - zp) * scale
                d.hi[e] = (hiQ - zp) * scale
            }
        }
        return d
    }
}
