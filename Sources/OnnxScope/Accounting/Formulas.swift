/// The textbook formulas of the well-known note on counting parameters by hand, and the
/// storage conventions of ONNX exporters. All arithmetic saturates instead of trapping.
enum Formulas {
    /// FFNN layer: i·o + o.
    public static func dense(inputs i: Int64, outputs o: Int64) -> Int64 { add(mul(i, o), o) }

    /// RNN family, one direction: n·((h+i)·h + h), n = 1 (RNN), 3 (GRU), 4 (LSTM).
    public static func recurrentTextbook(gates n: Int64, inputs i: Int64, hidden h: Int64) -> Int64 {
        mul(n, add(mul(add(h, i), h), h))
    }

    /// RNN family as ONNX and PyTorch store it, one direction: n·(h·i + h·h + 2h).
    public static func recurrentTwoBias(gates n: Int64, inputs i: Int64, hidden h: Int64) -> Int64 {
        mul(n, add(add(mul(h, i), mul(h, h)), mul(2, h)))
    }

    /// Convolution: (f·f·i + 1)·o, generalised to any kernel rank and to groups:
    /// (∏kernel · i/groups + 1)·o.
    public static func conv(kernel: [Int64], inputs i: Int64, outputs o: Int64, groups g: Int64) -> Int64 {
        let k = kernel.reduce(Int64(1)) { mul($0, $1) }
        return mul(add(mul(k, g > 0 ? i / g : i), 1), o)
    }

    /// Multi-head attention: 4·(x·x + x) for the Q, K, V and output projections.
    public static func attention(width x: Int64) -> Int64 { mul(4, add(mul(x, x), x)) }

    /// LayerNorm: 2x (γ and β).
    public static func layerNorm(width x: Int64) -> Int64 { mul(2, x) }

    /// The note's feed-forward network: one x·x + x layer.
    public static func noteFeedForward(width x: Int64) -> Int64 { dense(inputs: x, outputs: x) }

    /// A real two-layer feed-forward network: x·d_ff + d_ff + d_ff·x + x.
    public static func feedForward(width x: Int64, inner d: Int64) -> Int64 {
        add(dense(inputs: x, outputs: d), dense(inputs: d, outputs: x))
    }

    /// Encoder block: MHA + 2·LN + FFN.
    public static func encoderBlock(width x: Int64, ffn: Int64) -> Int64 {
        add(add(attention(width: x), mul(2, layerNorm(width: x))), ffn)
    }

    /// Decoder block: 2·MHA + 3·LN + FFN.
    public static func decoderBlock(width x: Int64, ffn: Int64) -> Int64 {
        add(add(mul(2, attention(width: x)), mul(3, layerNorm(width: x))), ffn)
    }

    static func mul(_ a: Int64, _ b: Int64) -> Int64 { Saturating.mul(a, b) }

    static func add(_ a: Int64, _ b: Int64) -> Int64 { Saturating.add(a, b) }
}
