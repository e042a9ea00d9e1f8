/// Multiply-accumulate operations per layer for one forward pass, from the layer's
/// hyper-parameters and the shapes the file declares (``DeclaredShapes``): nil whenever a
/// shape it needs is not declared (or has an unassumed symbolic dimension), and for kinds
/// without a product to count (norms, embeddings).
///
/// - Dense: rows · i · o, rows = the product of the output's (else input's) leading dims.
/// - Conv: output elements · (in / groups) · ∏kernel. ConvTranspose: input elements ·
///   (out / groups) · ∏kernel (each input element meets every kernel tap of its group).
/// - RNN, GRU, LSTM: seq · batch · directions · gates · (i·h + h·h), gates 1, 3, 4 (from
///   the input X); a stack sums its layers.
/// - MultiHeadAttention: its projections (Dense parts) plus the core, Q·Kᵀ and the
///   weighted sum of V: score elements (B·heads·Lq·Lk, the declared shape of the Softmax
///   output) · (width + vdim) / heads.
/// - Transformer blocks: the sum over their attention and dense parts.
/// A saturated product (past 2^63) counts as unknown.
public enum MACCount {
    /// The MACs of `entry`, or nil when they cannot be known exactly.
    public static func of(_ entry: LayersReport.Entry, shapes: DeclaredShapes) -> Int64? {
        tree(entry, shapes: shapes).value
    }

    /// The MACs of a layer and of each of its parts, as ``of(_:shapes:)`` gives them: a
    /// composite layer's are worked out from its parts', each part's once.
    public struct Tree: Sendable {
        /// The layer's MACs, nil when unknown.
        public var value: Int64?
        /// Its parts' trees, in the order of its children.
        public var children: [Tree]
    }

    /// The MACs of `entry` and of all its parts.
    public static func tree(_ entry: LayersReport.Entry, shapes: DeclaredShapes) -> Tree {
        let children = entry.children.map { tree($0, shapes: shapes) }
        let parts = children.map(\.value)
        let value: Int64?
        switch entry.kind {
        case .dense: value = dense(entry, shapes)
        case .conv: value = conv(entry, shapes, transposed: false)
        case .convTranspose: value = conv(entry, shapes, transposed: true)
        case .rnn: value = recurrent(entry, shapes, gates: 1, parts: parts)
        case .gru: value = recurrent(entry, shapes, gates: 3, parts: parts)
        case .lstm: value = recurrent(entry, shapes, gates: 4, parts: parts)
        case .multiHeadAttention: value = attention(entry, shapes, parts: parts)
        case .transformerEncoderBlock, .transformerDecoderBlock, .feedForward: value = sumOfParts(entry, parts)
        case .embedding, .layerNorm, .batchNorm, .rmsNorm, .groupNorm, .instanceNorm: value = nil
        }
        return Tree(value: value, children: children)
    }

    /// True for the kinds that have MACs to count.
    public static func applies(to kind: LayerKind) -> Bool {
        switch kind {
        case .dense, .conv, .convTranspose, .rnn, .gru, .lstm, .multiHeadAttention, .feedForward,
             .transformerEncoderBlock, .transformerDecoderBlock: return true
        case .embedding, .layerNorm, .batchNorm, .rmsNorm, .groupNorm, .instanceNorm: return false
        }
    }

    private static let matMulOps: Set<String> = ["Gemm", "MatMul", "MatMulInteger", "QLinearMatMul", "MatMulNBits"]

    private static func dense(_ entry: LayersReport.Entry, _ shapes: DeclaredShapes) -> Int64? {
        guard let i = int(entry, .inputSize), let o = int(entry, .outputSize),
              let node = shapes.firstNode(of: entry.nodes, where: { matMulOps.contains($0.opType) })
        else { return nil }
        // The output's leading dims are the rows whatever the transposes; else the input's (not for a transposed Gemm A).
        var rows = node.outputs.first.flatMap { shapes.dims($0) }.map { Array($0.dropLast()) }
        if rows == nil, node.intAttribute("transA") ?? 0 == 0, let input = node.inputs.first {
            rows = shapes.dims(input).map { Array($0.dropLast()) }
        }
        guard let rows else { return nil }
        return checked(product(rows), i, o)
    }

    private static func conv(_ entry: LayersReport.Entry, _ shapes: DeclaredShapes, transposed: Bool) -> Int64? {
        guard let input = int(entry, .inChannels), let output = int(entry, .outChannels), let groups = int(entry, .groups),
              groups > 0, case .ints(let kernel)? = entry.hyper[.kernel],
              let node = shapes.firstNode(of: entry.nodes, where: { $0.opType.hasPrefix("Conv") || $0.opType == "QLinearConv" })
        else { return nil }
        let value = transposed ? node.inputs.first : node.outputs.first
        guard let dims = value.flatMap({ shapes.dims($0) }), dims.count == kernel.count + 2 else { return nil }
        let perElement = (transposed ? output : input) / groups
        return checked(product(dims), perElement, product(kernel))
    }

    private static func recurrent(_ entry: LayersReport.Entry, _ shapes: DeclaredShapes, gates: Int64, parts: [Int64?]) -> Int64? {
        if !entry.children.isEmpty { return sumOfParts(entry, parts) }
        guard let i = int(entry, .inputSize), let h = int(entry, .hiddenSize),
              let node = shapes.firstNode(of: entry.nodes, where: { ["RNN", "GRU", "LSTM"].contains($0.opType) }),
              let x = node.inputs.first.flatMap({ shapes.dims($0) }), x.count == 3
        else { return nil }
        let directions = int(entry, .directions) ?? 1
        let perStep = Saturating.add(Saturating.mul(i, h), Saturating.mul(h, h))
        return checked(x[0], x[1], directions, gates, perStep)
    }

    private static func attention(_ entry: LayersReport.Entry, _ shapes: DeclaredShapes, parts: [Int64?]) -> Int64? {
        guard let projections = sumOfParts(entry, parts), let width = int(entry, .width), let heads = int(entry, .heads),
              heads > 0,
              let softmax = shapes.firstNode(of: entry.nodes, where: { $0.opType == "Softmax" }),
              let scores = softmax.outputs.first.flatMap({ shapes.dims($0) }), scores.count == 4, scores[1] == heads
        else { return nil }
        let vdim = int(entry, .vdim) ?? width
        guard let core = checked(product(scores), Saturating.add(width, vdim)) else { return nil }
        let total = Saturating.add(projections, core / heads)
        return total == .max ? nil : total
    }

    /// The sum over the parts that have MACs (`parts`: each child's, in order); nil when
    /// any of them is unknown or none has any.
    private static func sumOfParts(_ entry: LayersReport.Entry, _ parts: [Int64?]) -> Int64? {
        var total: Int64 = 0
        var any = false
        for (part, macs) in zip(entry.children, parts) where applies(to: part.kind) {
            guard let macs else { return nil }
            total = Saturating.add(total, macs)
            any = true
        }
        return any && total != .max ? total : nil
    }

    private static func int(_ entry: LayersReport.Entry, _ key: HyperKey) -> Int64? {
        if case .int(let v)? = entry.hyper[key], v >= 0 { return v }
        return nil
    }

    private static func product(_ values: [Int64]) -> Int64 {
        values.reduce(1, Saturating.mul)
    }

    /// The product of `factors`, or nil when it saturates.
    private static func checked(_ factors: Int64...) -> Int64? {
        let value = product(factors)
        return value == .max ? nil : value
    }
}
