/// How a layer's weight is stored quantized: the `quantization` object of `layers` JSON.
/// The layer itself stays the layer it was (Dense, Conv, Embedding); its `stored` count is
/// the weight's elements as the float layer had them, 4-bit values counted unpacked.
public struct Quantization: Codable, Sendable, Equatable {
    /// The form onnxruntime wrote.
    public enum Scheme: String, Codable, Sendable {
        /// Activations quantized at run time (`DynamicQuantizeLinear` → `MatMulInteger`/`ConvInteger` → scale `Mul`).
        case dynamic
        /// A stored integer weight behind a `DequantizeLinear` (before or after a `Gather`).
        case qdq
        /// Quantized operators: `QLinearConv`, `QLinearMatMul`, com.microsoft `QGemm`.
        case qoperator
        /// Block-wise: com.microsoft `MatMulNBits`, `GatherBlockQuantized`, or a `DequantizeLinear` with `block_size`.
        case blockwise
    }

    /// The form onnxruntime wrote.
    public var scheme: Scheme
    /// Bits per stored weight element.
    public var bits: Int64
    /// Elements that share one scale (block-wise), or nil.
    public var blockSize: Int64?
    /// True when each output channel (or column) has its own scale.
    public var perChannel: Bool
    /// The axis of the stored weight the scales vary along (per channel, or the axis blocks run along); nil per tensor.
    public var axis: Int64?
    /// Elements of the weight's scales.
    public var scaleElements: Int64
    /// Elements of the weight's zero points (0 when symmetric).
    public var zeroPointElements: Int64
    /// Stored bytes of the quantized weight, its scales and zero points.
    public var bytes: Int64

    private enum CodingKeys: String, CodingKey {
        case scheme, bits, blockSize, perChannel, axis, scaleElements, zeroPointElements, bytes
    }

    /// Writes every key, `blockSize` and `axis` as `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(bits, forKey: .bits)
        try c.encode(blockSize, forKey: .blockSize)
        try c.encode(perChannel, forKey: .perChannel)
        try c.encode(axis, forKey: .axis)
        try c.encode(scaleElements, forKey: .scaleElements)
        try c.encode(zeroPointElements, forKey: .zeroPointElements)
        try c.encode(bytes, forKey: .bytes)
    }

    /// Short text for tables and explanations: `int8 dynamic`, `int4 blockwise/32`.
    public var label: String {
        "int\(bits) \(scheme.rawValue)" + (blockSize.map { "/\($0)" } ?? "") + (perChannel ? " per-channel" : "")
    }
}

/// Where a quantized weight's numbers are, as the recognizer traced them: what `diff`
/// dequantizes to pair the weight with its float original.
struct QuantizedStorage: Sendable {
    /// How the stored elements are laid out.
    enum Layout: Sendable {
        /// One stored element per weight element, in the weight's own dims.
        case plain
        /// com.microsoft `MatMulNBits`: [N, blocks, blob] bytes of `bits`-bit values (low bits
        /// first), standing for the [K, N] weight of the MatMul it replaced.
        case matMulNBits(k: Int64, n: Int64)
    }

    /// The stored integer weight.
    var weight: String
    /// The weight holding its scales, when traced.
    var scale: String?
    /// The weight holding its zero points, when stored.
    var zeroPoint: String?
    /// The axis scales vary along (per channel), or the axis blocks run along.
    var axis: Int64?
    /// Elements per block, for block-wise quantization.
    var blockSize: Int64?
    /// Bits per element.
    var bits: Int64
    /// How the stored elements are laid out.
    var layout: Layout = .plain
}

/// A quantized weight as a recognizer found it: how it is stored, and the scales and zero
/// points (quantization overhead) the layer owns as non-trainable weights.
struct QuantizedWeight {
    var quantization: Quantization
    /// Where its numbers, scales and zero points are.
    var storage: QuantizedStorage
    /// The weight's scales and zero points, and any other quantization parameters the layer's ops read.
    var overhead: [StoredWeight]
    /// The quantized weight, and its elements as the float layer had them when packed (4-bit in bytes).
    var packed: (name: String, logicalElements: Int64)?

    /// Describes `weight`, quantized with the weights that `scale` and `zeroPoint` trace to.
    init(_ graph: GraphIndex, scheme: Quantization.Scheme, weight: StoredWeight, scale: String?, zeroPoint: String?,
         axis: Int64? = nil, blockSize: Int64? = nil, bits: Int64? = nil) {
        let s = scale.flatMap { $0.isEmpty ? nil : graph.traceWeight($0)?.weight }
        let z = zeroPoint.flatMap { $0.isEmpty ? nil : graph.traceWeight($0)?.weight }
        let scaleElements = s.map(elements) ?? 0
        let perChannel = blockSize == nil && scaleElements > 1
        quantization = Quantization(
            scheme: scheme, bits: bits ?? QuantizedWeight.bits(of: weight.dataType), blockSize: blockSize,
            perChannel: perChannel, axis: perChannel || blockSize != nil ? axis : nil,
            scaleElements: scaleElements, zeroPointElements: z.map(elements) ?? 0,
            bytes: [weight, s, z].compactMap { $0 }.map(QuantizedWeight.bytes).saturatingSum)
        overhead = [s, z].compactMap { $0 }
        storage = QuantizedStorage(weight: weight.name, scale: s?.name, zeroPoint: z?.name, axis: axis, blockSize: blockSize,
                                   bits: quantization.bits)
    }

    /// The `DequantizeLinear` a traced weight passed through, as a QDQ (or block-wise) quantization.
    init?(dequantized trace: WeightTrace, _ graph: GraphIndex) {
        guard let dq = trace.via.first(where: { graph.nodes[$0].opType == "DequantizeLinear" }) else { return nil }
        self.init(dequantizeNode: dq, weight: trace.weight, graph)
    }

    /// Describes `weight` as `DequantizeLinear` node `dq` dequantizes it.
    init(dequantizeNode dq: Int, weight: StoredWeight, _ graph: GraphIndex) {
        let node = graph.nodes[dq]
        let block = node.intAttribute("block_size").flatMap { $0 > 0 ? $0 : nil }
        let rank = Int64(weight.dims.count)
        let axis = node.intAttribute("axis").map { $0 < 0 ? $0 + rank : $0 } ?? 1
        self.init(graph, scheme: block == nil ? .qdq : .blockwise, weight: weight, scale: node.input(1), zeroPoint: node.input(2),
                  axis: axis, blockSize: block)
    }

    /// The scales and zero points of every `DequantizeLinear` a traced weight passed through
    /// (a bias stored as INT32 behind one, in QDQ models).
    static func overhead(of trace: WeightTrace?, _ graph: GraphIndex) -> [StoredWeight] {
        guard let trace else { return [] }
        return trace.via.filter { graph.nodes[$0].opType == "DequantizeLinear" }.flatMap { dq in
            graph.nodes[dq].inputs.dropFirst().compactMap { $0.isEmpty ? nil : graph.traceWeight($0)?.weight }
        }
    }

    /// The stored weights `node` reads at `slots` (a quantized op's scales and zero points).
    static func weights(_ graph: GraphIndex, _ node: Node, slots: [Int]) -> [StoredWeight] {
        slots.compactMap { node.input($0).flatMap { graph.traceWeight($0)?.weight } }
    }

    /// Bits of a stored quantized element (8 for INT8/UINT8, 4 for INT4/UINT4).
    static func bits(of type: DataType) -> Int64 {
        Int64(type.bitsPerElement ?? 0)
    }

    /// Stored bytes of a weight (packed types rounded up).
    static func bytes(_ weight: StoredWeight) -> Int64 {
        (try? TensorSize.bytes(elements: elements(weight), bitsPerElement: weight.dataType.bitsPerElement ?? 0).get()) ?? 0
    }
}

/// `1 scale`, `32 scales`.
private func count(_ n: Int64, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
}

extension Layer {
    /// Records that the layer's weight is stored quantized: its quantization, the scales
    /// and zero points as non-trainable quantization overhead, and the weight's unpacked count.
    mutating func quantize(_ q: QuantizedWeight, extra: [StoredWeight] = []) {
        quantization = q.quantization
        quantizedStorage.append(q.storage)
        let unpacked = q.packed.map { _ in ", counted unpacked" } ?? ""
        observations.append(.quantized(
            "stored \(q.quantization.label) (stored counts the float layer's elements\(unpacked)); "
                + "\(count(q.quantization.scaleElements, "scale")) and \(count(q.quantization.zeroPointElements, "zero point")) "
                + "are quantization overhead"))
        var seen = Set(weights)
        for w in q.overhead + extra where seen.insert(w.name).inserted {
            weights.append(w.name)
            nonTrainableWeights.append(w.name)
            nonTrainable = Saturating.add(nonTrainable, elements(w))
        }
        if let packed = q.packed { logicalElements[packed.name] = packed.logicalElements }
    }
}

/// The float tail onnxruntime's dynamic quantization writes after `MatMulInteger` and
/// `ConvInteger`: a `Cast` to float, then a `Mul` by the product of the activation's scale
/// (from `DynamicQuantizeLinear`) and the weight's stored scale. The layer's bias `Add`
/// follows it.
struct DynamicScale {
    /// The `Cast`, the output `Mul` and the `Mul` that forms the scale product.
    var nodes: [Int] = []
    /// The output `Mul`, whose result is the layer's float output before the bias.
    var last: Int
    /// The value holding the weight's scale.
    var scale: String?

    /// The tail after integer op `i`, if the graph has one.
    init?(_ graph: GraphIndex, after i: Int) {
        guard var value = graph.nodes[i].outputs.first else { return nil }
        var uses = graph.uses(of: value)
        if uses.count == 1, graph.nodes[uses[0].node].opType == "Cast", let next = graph.nodes[uses[0].node].outputs.first {
            nodes.append(uses[0].node)
            value = next
            uses = graph.uses(of: value)
        }
        guard uses.count == 1, graph.nodes[uses[0].node].opType == "Mul", graph.nodes[uses[0].node].inputs.count == 2 else {
            return nil
        }
        last = uses[0].node
        nodes.append(last)
        let other = graph.nodes[last].inputs[1 - uses[0].slot]
        if graph.traceWeight(other) != nil {
            scale = other
        } else if let p = graph.producer(of: other), graph.nodes[p].opType == "Mul" {
            nodes.append(p)
            scale = graph.nodes[p].inputs.first { graph.traceWeight($0) != nil }
        }
    }
}

/// The float activation a quantized layer reads: the value before `DynamicQuantizeLinear`
/// or a `QuantizeLinear` → `DequantizeLinear` pair, which is what the layer before it
/// produced, so that grouping recognizers see the layer as its float self.
enum QuantizedActivation {
    /// The ops ``source(_:_:)`` looks through.
    private static let quantizingOps: Set<String> = ["DynamicQuantizeLinear", "DequantizeLinear"]

    /// The float value `value` was quantized from, or `value` itself.
    static func source(_ graph: GraphIndex, _ value: String) -> String {
        // A graph with neither op has nothing to look through (one table read, not a name hashed per layer).
        guard graph.hasNode(ofType: quantizingOps), let p = graph.producer(of: value) else { return value }
        let node = graph.nodes[p]
        switch node.opType {
        case "DynamicQuantizeLinear":
            return node.inputs.first ?? value
        case "DequantizeLinear":
            guard let input = node.inputs.first, let q = graph.producer(of: input), graph.nodes[q].opType == "QuantizeLinear",
                  let x = graph.nodes[q].inputs.first else { return value }
            return x
        default:
            return value
        }
    }
}
