/// Stacks of identical transformer blocks, and the note's stack formulas for them:
/// encoder m·(MHA + 2·LN + FFN), decoder n·(2·MHA + 3·LN + FFN), decoder-only
/// n·(MHA + 2·LN + FFN), with the note's one-layer FFN x·x + x.
extension LayersReport {
    /// One run of consecutive blocks of one kind and shape.
    public struct Stack: Codable, Sendable, Equatable {
        /// The blocks' kind.
        public var kind: LayerKind
        /// m or n: how many blocks.
        public var count: Int
        /// Elements of the weights the blocks own, each weight once (shared weights count once).
        public var stored: Int64
        /// The note's stack formula, and the sum of the blocks' conventions.
        public var predicted: Predicted
        /// The formula with its numbers, and why stored differs from it.
        public var explanation: String
        /// The blocks, in graph order.
        public var layers: [String]
    }
}

enum StackAudit {
    private typealias F = Formulas

    /// The stacks among top-level `layers`; `elements` gives each weight's element count.
    static func stacks(_ layers: [Layer], elements: (String) -> Int64?) -> [LayersReport.Stack] {
        var runs: [[Layer]] = []
        for layer in layers where layer.kind.descriptor.isBlock {
            if let last = runs.last?.last, last.kind == layer.kind, shape(last) == shape(layer) {
                runs[runs.count - 1].append(layer)
            } else {
                runs.append([layer])
            }
        }
        return runs.map { stack($0, elements) }
    }

    /// What makes two blocks the same.
    private static func shape(_ block: Layer) -> [HyperValue?] {
        [HyperKey.width, .heads, .kvHeads, .ffnSize, .gated, .crossAttention, .norms, .preNorm].map { block.hyper[$0] }
    }

    private static func stack(_ blocks: [Layer], _ elements: (String) -> Int64?) -> LayersReport.Stack {
        let first = blocks[0]
        let n = Int64(blocks.count)
        let x = first.int(.width)
        let note = F.noteFeedForward(width: x)
        let mha = F.attention(width: x), ln = F.layerNorm(width: x)
        let cross = first.kind == .transformerDecoderBlock && first.hyper[.crossAttention] != .bool(false)
        let decoderOnly = first.kind == .transformerDecoderBlock && !cross
        let per = cross ? F.decoderBlock(width: x, ffn: note) : F.encoderBlock(width: x, ffn: note)
        let textbook = F.mul(n, per)
        var weights = Set<String>()
        for block in blocks { for part in block.flattened { weights.formUnion(part.weights.filter { !part.nonTrainableWeights.contains($0) }) } }
        let stored = weights.map { elements($0) ?? 0 }.saturatingSum
        let audits = blocks.map(LayerAuditor.audit)
        var convention = audits.map(\.convention).saturatingSum
        let letter = first.kind == .transformerEncoderBlock ? "m" : "n"
        let formula = cross ? "2·MHA + 3·LN + FFN" : "MHA + 2·LN + FFN"
        let kind = decoderOnly ? "decoder-only" : cross ? "decoder" : "encoder"
        let terms = cross ? "2·\(mha) + 3·\(ln) + \(note)" : "\(mha) + 2·\(ln) + \(note)"
        var notes = ["\(kind) stack, \(letter) = \(n): \(letter)·(\(formula)) = \(n)·(\(terms)) = \(textbook) with the note's one-layer FFN"]
        let blockStored = blocks.map(\.stored).saturatingSum
        if stored < blockStored {
            // One block's weights read by every repeat (ALBERT): the stack stores them once.
            convention = audits.first?.convention ?? convention
            notes.append("the blocks share one set of weights (\(blocks.count) repeats of one block): counted once")
        }
        if let reason = audits.first?.explanation, !reason.isEmpty, convention != textbook {
            notes.append("as stored, each block: \(reason)")
        }
        return LayersReport.Stack(
            kind: first.kind, count: blocks.count, stored: stored,
            predicted: LayersReport.Predicted(textbook: textbook, convention: convention),
            explanation: notes.joined(separator: "; "), layers: blocks.map(\.name))
    }
}
