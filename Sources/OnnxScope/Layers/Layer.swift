/// A hyper-parameter's name: the keys of `hyper` in JSON, as a closed set, so that no
/// recognizer, renderer or audit can misspell one.
public enum HyperKey: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable, Comparable {
    case inputSize, outputSize, inChannels, outChannels, kernel, groups, hiddenSize, directions, layers
    case vocabSize, width, heads, kdim, vdim, ffnSize, bias, bits, norms, preNorm, selfAttention
    case linearBeforeReset, peepholes
    case kvHeads, headDim, rotary, causal, crossAttention, gated

    /// The short label tables use (`i=16`), or the key itself.
    public var label: String {
        switch self {
        case .inputSize: "i"
        case .outputSize: "o"
        case .inChannels: "in"
        case .outChannels: "out"
        case .kernel: "k"
        case .groups: "g"
        case .hiddenSize: "h"
        case .directions: "dirs"
        case .vocabSize: "vocab"
        case .width: "x"
        case .ffnSize: "d_ff"
        case .layers, .heads, .kdim, .vdim, .bias, .bits, .norms, .preNorm, .selfAttention, .linearBeforeReset, .peepholes,
             .kvHeads, .headDim, .rotary, .causal, .crossAttention, .gated:
            rawValue
        }
    }

    /// True when `value` is this key's unremarkable default, which tables leave out
    /// (one direction, one group, a bias present).
    public func isQuiet(_ value: HyperValue) -> Bool {
        switch self {
        case .directions, .groups: value == .int(1)
        case .bias: value != .bool(false)
        case .inputSize, .outputSize, .inChannels, .outChannels, .kernel, .hiddenSize, .layers, .vocabSize, .width, .heads,
             .kdim, .vdim, .ffnSize, .bits, .norms, .preNorm, .selfAttention, .linearBeforeReset, .peepholes,
             .kvHeads, .headDim, .causal, .crossAttention:
            false
        case .rotary, .gated: value != .bool(true)
        }
    }

    /// Orders keys by their JSON name.
    public static func < (a: HyperKey, b: HyperKey) -> Bool { a.rawValue < b.rawValue }

    /// Keys compare and hash by their case, not by their JSON name (the default for a
    /// `String`-backed enum): every layer's `hyper` is read a dozen times on the way to the
    /// output, and a 100k-node model has tens of thousands of layers.
    public static func == (a: HyperKey, b: HyperKey) -> Bool { a.tag == b.tag }

    /// Hashes the case's tag (see ``==(_:_:)``).
    public func hash(into hasher: inout Hasher) { hasher.combine(tag) }

    /// The case's tag: a case without a payload is stored as its one-byte position among the cases.
    private var tag: UInt8 { withUnsafeBytes(of: self) { $0[0] } }
}

/// Hyper-parameters of a layer, by typed key.
public typealias Hyper = [HyperKey: HyperValue]

/// A hyper-parameter value.
public enum HyperValue: Hashable, Sendable, Codable {
    case int(Int64)
    case bool(Bool)
    case ints([Int64])
    case text(String)

    /// Writes the bare value: a number, a boolean, a list of numbers or text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .ints(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        }
    }

    /// Reads a value written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Int64.self) {
            self = .int(v)
        } else if let v = try? c.decode([Int64].self) {
            self = .ints(v)
        } else {
            self = .text(try c.decode(String.self))
        }
    }

    /// The value as an integer, for `int`.
    public var int: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }

    /// Short text for tables: `16`, `yes`, `3x3`.
    public var text: String {
        switch self {
        case .int(let v): String(v)
        case .bool(let v): v ? "yes" : "no"
        case .ints(let v): v.map(String.init).joined(separator: "x")
        case .text(let v): v
        }
    }
}

/// Something a recognizer noticed about how a layer is stored, which the formula audit
/// uses to explain a difference instead of flagging it.
enum LayerObservation: Hashable, Sendable {
    /// Q, K and V projections packed into one weight.
    case packedQKV
    /// A weight stored transposed relative to the op's natural layout.
    case transposedWeight
    /// No bias stored (the layer has none, or an all-zero bias was dropped).
    case noBias
    /// The recurrent R-bias half of B is all zero (a single-bias framework such as Keras).
    case recurrentBiasAllZero
    /// Initial states stored as constants (folded zeros), with their elements.
    case foldedInitialStates(Int64)
    /// LSTM peephole weights are present.
    case peepholes
    /// The Conv bias may hold a folded BatchNorm (weights renamed by the exporter).
    case possiblyFoldedBatchNorm
    /// The exporter recorded that it folded a BatchNorm into this Conv.
    case foldedBatchNorm
    /// The exporter folded the named framework BatchNorm layer into this Conv (tf2onnx's
    /// `_weights_fused_bn`/`_bias_fused_bn`, the Conv writing the BatchNorm's output).
    case foldedBatchNormLayer(String)
    /// The layer comes from a Keras layer through tf2onnx; the text is Keras's class where
    /// the graph tells it (`GRU(reset_after=True)`): its parameter convention audits it.
    case kerasLayer(String)
    /// A weight shared with another layer (a tied head); counted once, in that layer.
    case sharesWeight(with: String, elements: Int64)
    /// The weight duplicates another layer's values byte for byte (a tied head stored twice).
    case duplicatesWeight(of: String)
    /// The recurrence is unrolled: by time step, or into a `Loop` body.
    case unrolled(String)
    /// BatchNorm running mean and variance are stored (non-trainable).
    case runningStatistics
    /// Weights stored quantized; the text says how.
    case quantized(String)
    /// Only part of this weight belongs to the layer (a slice of a packed weight).
    case partOfPackedWeight(String)
    /// A position table folded for the example's length: the rows stored, not the model's.
    case positionTable(rows: Int64)
    /// A relative position bias added to the attention scores, stored folded as
    /// [1, heads, N, N] (its elements); the model's own table is smaller.
    case relativePositionBias(Int64)
    /// A norm without learnt affine parameters: its scale and shift are stored constants
    /// of ones and zeros (non-trainable).
    case constantAffine
    /// Extra key/value rows appended by the attention: learnt `bias_k`/`bias_v`
    /// (`add_bias_kv`, trainable) and stored zeros (`add_zero_attn`, non-trainable), in elements.
    case attentionBuffers(biasKV: Int64, zeroAttn: Int64)
    /// The cos and sin caches a fused rotary embedding reads (com.microsoft
    /// `GroupQueryAttention`, `RotaryEmbedding`): stored, non-trainable, in elements.
    case rotaryCaches(Int64)
}

/// One recognized layer.
///
/// A value with copy-on-write storage: recognizers pass layers around, nest them and copy
/// them into spans a great deal, and a copy costs one reference count, not one per field.
struct Layer: Sendable {
    /// The fields, shared between copies until one of them changes.
    private struct Fields: Sendable {
        var name: String
        var kind: LayerKind
        var nodes: [String]
        var weights: [String]
        var hyper: Hyper
        var stored: Int64
        var nonTrainable: Int64
        var nonTrainableWeights: [String] = []
        var observations: [LayerObservation]
        var children: [Layer]
        var module: String? = nil
        var moduleClass: String? = nil
        var quantization: Quantization? = nil
        var logicalElements: [String: Int64] = [:]
        var quantizedStorage: [QuantizedStorage] = []
    }

    private var fields: CopyOnWrite<Fields>

    /// A readable name: the source module's scope when the exporter kept it, else the node's.
    public var name: String {
        get { fields.value.name }
        _modify { yield &fields.value.name }
    }

    /// What kind of layer it is.
    public var kind: LayerKind {
        get { fields.value.kind }
        _modify { yield &fields.value.kind }
    }

    /// The nodes it spans, as labels.
    public var nodes: [String] {
        get { fields.value.nodes }
        _modify { yield &fields.value.nodes }
    }

    /// The stored weights it owns (parameters and non-trainable state), by name.
    public var weights: [String] {
        get { fields.value.weights }
        _modify { yield &fields.value.weights }
    }

    /// Inferred hyper-parameters, keyed as the JSON contract documents.
    public var hyper: Hyper {
        get { fields.value.hyper }
        _modify { yield &fields.value.hyper }
    }

    /// Elements of its trainable parameters (for composite layers: of its children).
    public var stored: Int64 {
        get { fields.value.stored }
        _modify { yield &fields.value.stored }
    }

    /// Elements of attributed non-trainable weights (initial states, running statistics).
    public var nonTrainable: Int64 {
        get { fields.value.nonTrainable }
        _modify { yield &fields.value.nonTrainable }
    }

    /// The names among ``weights`` that are non-trainable state.
    public var nonTrainableWeights: [String] {
        get { fields.value.nonTrainableWeights }
        _modify { yield &fields.value.nonTrainableWeights }
    }

    /// What the recognizer noticed, for the audit.
    public var observations: [LayerObservation] {
        get { fields.value.observations }
        _modify { yield &fields.value.observations }
    }

    /// Sub-layers of a composite layer (attention projections, block parts, stacked RNN layers).
    public var children: [Layer] {
        get { fields.value.children }
        _modify { yield &fields.value.children }
    }

    /// The framework module path, when the exporter recorded one that is this layer's name.
    public var module: String? {
        get { fields.value.module }
        _modify { yield &fields.value.module }
    }

    /// The framework module's class, where the exporter recorded it (`LlamaAttention`).
    public var moduleClass: String? {
        get { fields.value.moduleClass }
        _modify { yield &fields.value.moduleClass }
    }

    /// How its weight is stored quantized, when it is.
    public var quantization: Quantization? {
        get { fields.value.quantization }
        _modify { yield &fields.value.quantization }
    }

    /// Weights stored packed (4-bit values two to a byte): their elements as the float layer had them.
    public var logicalElements: [String: Int64] {
        get { fields.value.logicalElements }
        _modify { yield &fields.value.logicalElements }
    }

    /// Where its quantized weights' numbers, scales and zero points are (what `diff` dequantizes).
    var quantizedStorage: [QuantizedStorage] {
        get { fields.value.quantizedStorage }
        _modify { yield &fields.value.quantizedStorage }
    }

    /// Creates a layer.
    public init(
        name: String, kind: LayerKind, nodes: [String], weights: [String], hyper: Hyper,
        stored: Int64, nonTrainable: Int64 = 0, observations: [LayerObservation] = [], children: [Layer] = []
    ) {
        fields = CopyOnWrite(Fields(name: name, kind: kind, nodes: nodes, weights: weights, hyper: hyper, stored: stored,
                                    nonTrainable: nonTrainable, observations: observations, children: children))
    }

    /// Integer hyper-parameter `key`, or 0.
    public func int(_ key: HyperKey) -> Int64 { hyper[key]?.int ?? 0 }

    /// This layer and all its descendants, depth first.
    public var flattened: [Layer] {
        guard !children.isEmpty else { return [self] }
        // Pre-order, into one array (not an array per level).
        var all: [Layer] = []
        forEachFlattened { all.append($0) }
        return all
    }

    /// `body` for each layer ``flattened`` lists, in its order, without listing them.
    func forEachFlattened(_ body: (Layer) -> Void) {
        body(self)
        for child in children { child.forEachFlattened(body) }
    }

    /// How many layers ``flattened`` lists, without listing them.
    public var flattenedCount: Int { children.reduce(1) { $0 + $1.flattenedCount } }
}
