/// The kinds of layer OnnxScope recognizes. Everything a kind means to the rest of the
/// tool (its table columns, colour, formula family, and the recognizers that find it, in
/// the order they run) is said once, here: adding a kind is a case, its descriptor, a
/// recognizer file and its test.
public enum LayerKind: String, Codable, Sendable, CaseIterable {
    case dense = "Dense"
    case conv = "Conv"
    case convTranspose = "ConvTranspose"
    case rnn = "RNN"
    case gru = "GRU"
    case lstm = "LSTM"
    case embedding = "Embedding"
    case layerNorm = "LayerNorm"
    case batchNorm = "BatchNorm"
    case rmsNorm = "RMSNorm"
    case groupNorm = "GroupNorm"
    case instanceNorm = "InstanceNorm"
    case multiHeadAttention = "MultiHeadAttention"
    case feedForward = "FeedForward"
    case transformerEncoderBlock = "TransformerEncoderBlock"
    case transformerDecoderBlock = "TransformerDecoderBlock"

    /// What the kind means to renderers and the audit.
    public var descriptor: LayerKindDescriptor {
        switch self {
        case .dense:
            .init(columns: [.inputSize, .outputSize, .bias], colour: ("#9ecae9", "#1d4f7c"), formula: .dense)
        case .conv:
            .init(columns: [.inChannels, .outChannels, .kernel, .groups, .bias], colour: ("#afe28d", "#0f570f"), formula: .conv)
        case .convTranspose:
            .init(columns: [.inChannels, .outChannels, .kernel, .groups, .bias], colour: ("#77f8d1", "#0f5741"), formula: .conv)
        case .rnn:
            .init(columns: Self.recurrentColumns, colour: ("#f8de77", "#684612"), formula: .recurrent(gates: 1))
        case .gru:
            .init(columns: Self.recurrentColumns, colour: ("#ed82b8", "#570f3a"), formula: .recurrent(gates: 3))
        case .lstm:
            .init(columns: Self.recurrentColumns, colour: ("#f88477", "#8b1818"), formula: .recurrent(gates: 4))
        case .embedding:
            .init(columns: [.vocabSize, .width], colour: ("#a79efa", "#5f3172"), formula: .embedding)
        case .layerNorm:
            .init(columns: [.width], colour: ("#e2b88d", "#4f1d17"), formula: .affineNorm)
        case .batchNorm:
            .init(columns: [.width], colour: ("#fbb1b9", "#7f188b"), formula: .batchNorm)
        case .rmsNorm:
            .init(columns: [.width], colour: ("#77f877", "#3f471f"), formula: .scaleNorm)
        case .groupNorm:
            .init(columns: [.groups, .width], colour: ("#d8f800", "#0000f8"), formula: .affineNorm)
        case .instanceNorm:
            .init(columns: [.width], colour: ("#f89800", "#6800c0"), formula: .affineNorm)
        case .multiHeadAttention:
            .init(columns: [.width, .heads, .kvHeads, .kdim, .vdim, .bias], colour: ("#f877f8", "#18188b"), formula: .attention)
        case .feedForward:
            .init(columns: [.width, .ffnSize, .gated, .bias], colour: ("#00f800", "#900040"), formula: .feedForward)
        case .transformerEncoderBlock:
            .init(columns: Self.blockColumns, colour: ("#fcfcc5", "#1f1f47"), formula: .block(decoder: false))
        case .transformerDecoderBlock:
            .init(columns: Self.blockColumns, colour: ("#f6c5fc", "#0f0f57"), formula: .block(decoder: true))
        }
    }

    private static let recurrentColumns: [HyperKey] = [.inputSize, .hiddenSize, .directions, .layers]
    private static let blockColumns: [HyperKey] = [.width, .heads, .kvHeads, .ffnSize, .gated]

    /// The recognizers, in the order they run over each graph. Node recognizers claim the
    /// nodes they match, so an earlier one wins; grouping recognizers then combine the
    /// layers found so far (recurrent stacks, attention, transformer blocks).
    static let recognizers: [any LayerRecognizer.Type] = [
        RecurrentRecognizer.self,
        KerasGRUCellRecognizer.self,
        RecurrentCellRecognizer.self,
        UnrolledRecurrenceRecognizer.self,
        RecurrentStackRecognizer.self,
        ConvRecognizer.self,
        NormRecognizer.self,
        GroupNormRecognizer.self,
        EmbedLayerNormRecognizer.self,
        EmbeddingRecognizer.self,
        DenseRecognizer.self,
        PositionTableRecognizer.self,
        AttentionRecognizer.self,
        AttentionBuffersRecognizer.self,
        FeedForwardRecognizer.self,
        TransformerBlockRecognizer.self,
    ]
}

/// What a layer kind means outside recognition: the hyper-parameters tables show, its
/// colour in the HTML report, and which family of formulas audits it.
public struct LayerKindDescriptor: Sendable {
    /// Hyper-parameters shown in tables, in this order (JSON carries them all).
    public let columns: [HyperKey]
    /// Fill colours in the HTML report's light and dark schemes.
    public let colour: (light: String, dark: String)
    /// The formulas the audit applies.
    public let formula: FormulaFamily

    /// True for transformer blocks: layers made of layers, counted as stacks.
    public var isBlock: Bool {
        if case .block = formula { return true }
        return false
    }
}

/// Which formulas audit a kind; the formulas themselves live in Accounting.
public enum FormulaFamily: Sendable, Equatable {
    /// True for the RNN family.
    var isRecurrent: Bool {
        if case .recurrent = self { return true }
        return false
    }

    /// i·o + o.
    case dense
    /// (∏kernel · i/groups + 1)·o.
    case conv
    /// n·((h+i)·h + h) per direction, n gates.
    case recurrent(gates: Int64)
    /// vocab · width.
    case embedding
    /// γ and β: 2x.
    case affineNorm
    /// γ only: x.
    case scaleNorm
    /// γ and β (2x) plus running statistics.
    case batchNorm
    /// 4·(x·x + x).
    case attention
    /// The note's one-layer FFN x·x + x; real ones are two-layer or gated.
    case feedForward
    /// Encoder MHA + 2·LN + FFN; decoder 2·MHA + 3·LN + FFN.
    case block(decoder: Bool)
}
