/// The audit of the transformer kinds: attention, feed-forward networks and blocks. Their
/// convention is the sum of their parts' conventions (each part explains its own
/// difference), so grouped-query attention, gated FFNs, RMSNorm and missing biases all
/// add up; the explanation names each difference from the note's formulas in one clause.
extension LayerAuditor {
    private typealias F = Formulas

    static func attention(_ layer: Layer) -> LayerAudit {
        let x = layer.int(.width)
        let textbook = F.attention(width: x)
        var convention = textbook
        var notes: [String] = []
        if let kdim = layer.hyper[.kdim]?.int, let vdim = layer.hyper[.vdim]?.int {
            // Q and output projections are x·x + x; K and V read kdim and vdim inputs.
            convention = F.add(F.mul(2, F.add(F.mul(x, x), x)), F.add(F.add(F.mul(x, kdim), x), F.add(F.mul(x, vdim), x)))
            notes.append("K and V project from kdim \(kdim) and vdim \(vdim), not x: \(signed(F.add(convention, -textbook)))")
        }
        if layer.hyper[.bias] == .bool(false) {
            convention = F.add(convention, -F.mul(4, x))
            notes.append("no projection biases stored (−\(F.mul(4, x)))")
        }
        if !layer.children.isEmpty {
            // The projections as stored: grouped-query widths, biases on some only.
            convention = F.add(layer.children.map { audit($0).convention }.saturatingSum, extraElements(layer))
        }
        if let kv = layer.hyper[.kvHeads]?.int, let h = layer.hyper[.heads]?.int, let d = layer.hyper[.headDim]?.int {
            notes.append("grouped-query attention: \(kv) key/value heads for \(h) query heads, so K and V project x→\(F.mul(kv, d)), not x→x")
        }
        let biased = layer.children.filter { !$0.observations.contains(.noBias) }
        if layer.hyper[.bias] == .bool(true), !biased.isEmpty, biased.count < layer.children.count {
            notes.append("biases on \(biased.map { lastComponent($0.name) }.joined(separator: ", ")) only")
        }
        if layer.hyper[.heads] == nil {
            notes.append("heads not stated: no num_heads attribute, head-splitting reshape or score scale in the graph gives it")
        }
        if layer.observations.contains(.packedQKV) {
            if let kv = layer.hyper[.kvHeads]?.int, let d = layer.hyper[.headDim]?.int {
                notes.append("Q, K and V packed in one [x, x + 2·\(F.mul(kv, d))] weight")
            } else {
                notes.append("Q, K and V packed in one [x, 3x] weight")
            }
        }
        for case .relativePositionBias(let n) in layer.observations {
            notes.append("a relative position bias added to the scores: \(n) elements, folded by the exporter to [1, heads, N, N] (the model's own table is smaller)")
        }
        if layer.hyper[.rotary] == .bool(true) { notes.append("rotary position embeddings: no stored parameters") }
        for case .rotaryCaches(let n) in layer.observations {
            notes.append("the rotary embedding's cos and sin caches: \(n) stored elements, non-trainable")
        }
        for case .attentionBuffers(let biasKV, let zeroAttn) in layer.observations {
            if layer.children.isEmpty { convention = F.add(convention, biasKV) }
            var words: [String] = []
            if biasKV > 0 {
                let folded = biasKV > F.mul(2, x) ? " (the exporter stored them repeated, \(biasKV / max(1, F.mul(2, x)))×)" : ""
                words.append("learnt bias_k and bias_v rows appended to K and V (add_bias_kv): +\(biasKV)\(folded)")
            }
            if zeroAttn > 0 { words.append("\(zeroAttn) non-trainable stored zeros appended to K and V (add_zero_attn)") }
            notes.append(words.joined(separator: "; "))
        }
        if layer.hyper[.selfAttention] == .bool(false) { notes.append("cross-attention") }
        return verdict(layer, textbook: textbook, convention: convention, notes: notes)
    }

    static func feedForward(_ layer: Layer) -> LayerAudit {
        let x = layer.int(.width), d = layer.int(.ffnSize)
        let textbook = F.noteFeedForward(width: x)
        let convention = layer.children.map { audit($0).convention }.saturatingSum
        let shape: String
        if layer.hyper[.gated] == .bool(true) {
            shape = layer.children.count == 2
                ? "gated, with gate and up fused in one x→2·\(d) weight and down \(d)→x"
                : "gated (gate and up x→\(d), down \(d)→x)"
        } else {
            shape = "two layers, x→\(d)→x"
        }
        var notes = ["the note's FFN is one x·x + x layer (\(textbook)); this one is \(shape) (\(convention)): \(signed(F.add(convention, -textbook)))"]
        if layer.hyper[.bias] == .bool(false) { notes.append("no biases") }
        return verdict(layer, textbook: textbook, convention: convention, notes: notes)
    }

    static func block(_ layer: Layer, decoder: Bool) -> LayerAudit {
        let x = layer.int(.width), d = layer.int(.ffnSize)
        let cross = decoder && layer.hyper[.crossAttention] != .bool(false)
        let note = F.noteFeedForward(width: x)
        let textbook = cross ? F.decoderBlock(width: x, ffn: note) : F.encoderBlock(width: x, ffn: note)
        let ffn = layer.children.first { $0.kind == .feedForward }
        let real = ffn.map { audit($0).convention } ?? F.feedForward(width: x, inner: d)
        var notes: [String]
        if let ffn, ffn.hyper[.gated] == .bool(true) {
            notes = ["the note's FFN is one x·x + x layer (\(note)); this block's is gated, x→\(d)→x with a gate (\(real)): \(signed(F.add(real, -note)))"]
        } else {
            notes = ["the note's FFN is one x·x + x layer (\(note)); this block's has two, x→\(d)→x (\(real)): \(signed(F.add(real, -note)))"]
        }
        if decoder && !cross { notes.append("decoder-only: self-attention and no cross-attention, n·(MHA + 2·LN + FFN)") }
        // Sub-layers that differ from their own textbook figures (grouped-query attention,
        // RMSNorm, kdim, missing biases) carry over.
        let parts = layer.children.filter { $0.kind != .feedForward }
        let childDelta = parts.map { audit($0) }.reduce(Int64(0)) { F.add($0, F.add($1.convention, -$1.textbook)) }
        var convention = F.add(F.add(textbook, F.add(real, -note)), childDelta)
        if ffn != nil || parts.count != layer.children.count {
            convention = layer.children.map { audit($0).convention }.saturatingSum
        }
        if childDelta != 0 { notes.append("sub-layers differ from their formulas by \(childDelta)") }
        if layer.children.contains(where: { $0.kind == .rmsNorm }) { notes.append("RMSNorm stores γ only: x per norm, not 2x") }
        return verdict(layer, textbook: textbook, convention: convention, notes: notes)
    }

    /// Elements of weights the layer owns itself, beside its children's.
    private static func extraElements(_ layer: Layer) -> Int64 {
        Saturating.add(layer.stored, -layer.children.map(\.stored).saturatingSum)
    }

    private static func lastComponent(_ name: String) -> String {
        name.split(separator: ".").last.map(String.init) ?? name
    }

    private static func signed(_ n: Int64) -> String { n >= 0 ? "+\(n)" : "\(n)" }
}
