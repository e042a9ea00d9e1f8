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
    case transformerEncoderBlock = "TransformerEncoderBlock"
    case transformerDecoderBlock = "TransformerDecoderBlock"

    /// What the kind means to renderers and the audit.
    public var descriptor: LayerKindDescriptor {
        switch self {
        case .dense:
            .init(columns: [.inputSize, .outputSize, .bias], colour: ("#c6dbef", "#1f4e79"), formula: .dense)
        case .conv:
            .init(columns: [.inChannels, .outChannels, .kernel, .groups, .bias], colour: ("#c7e9c0", "#245c2e"), formula: .conv)
        case .convTranspose:
            .init(columns: [.inChannels, .outChannels, .kernel, .groups, .bias], colour: ("#a1d99b", "#2f6b2a"), formula: .conv)
        case .rnn:
            .init(columns: Self.recurrentColumns, colour: ("#fdd0a2", "#7a4a12"), formula: .recurrent(gates: 1))
        case .gru:
            .init(columns: Self.recurrentColumns, colour: ("#fdae6b", "#8a4f0e"), formula: .recurrent(gates: 3))
        case .lstm:
            .init(columns: Self.recurrentColumns, colour: ("#fd8d3c", "#8c3b0b"), formula: .recurrent(gates: 4))
        case .embedding:
            .init(columns: [.vocabSize, .width], colour: ("#dadaeb", "#4b3f72"), formula: .embedding)
        case .layerNorm:
            .init(columns: [.width], colour: ("#fcbba1", "#7f2a1d"), formula: .affineNorm)
        case .batchNorm:
            .init(columns: [.width], colour: ("#fc9272", "#6e1f14"), formula: .batchNorm)
        case .rmsNorm:
            .init(columns: [.width], colour: ("#fee0d2", "#5e2a20"), formula: .scaleNorm)
        case .groupNorm:
            .init(columns: [.groups, .width], colour: ("#f4cae4", "#6a2d5a"), formula: .affineNorm)
        case .instanceNorm:
            .init(columns: [.width], colour: ("#e6d5f0", "#553a6b"), formula: .affineNorm)
        case .multiHeadAttention:
            .init(columns: [.width, .heads, .kdim, .vdim, .bias], colour: ("#9ecae1", "#174a6b"), formula: .attention)
        case .transformerEncoderBlock:
            .init(columns: Self.blockColumns, colour: ("#f3f3f3", "#262626"), formula: .block(decoder: false))
        case .transformerDecoderBlock:
            .init(columns: Self.blockColumns, colour: ("#ececec", "#303030"), formula: .block(decoder: true))
        }
    }

    private static let recurrentColumns: [HyperKey] = [.inputSize, .hiddenSize, .directions, .layers]
    private static let blockColumns: [HyperKey] = [.width, .heads, .ffnSize]

    /// The recognizers, in the order they run over each graph. Node recognizers claim the
    /// nodes they match, so an earlier one wins; grouping recognizers then combine the
    /// layers found so far (recurrent stacks, attention, transformer blocks).
    static let recognizers: [any LayerRecognizer.Type] = [
        RecurrentRecognizer.self,
        UnrolledRecurrenceRecognizer.self,
        RecurrentStackRecognizer.self,
        ConvRecognizer.self,
        NormRecognizer.self,
        GroupNormRecognizer.self,
        EmbedLayerNormRecognizer.self,
        EmbeddingRecognizer.self,
        DenseRecognizer.self,
        AttentionRecognizer.self,
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
    /// Encoder MHA + 2·LN + FFN; decoder 2·MHA + 3·LN + FFN.
    case block(decoder: Bool)
}
