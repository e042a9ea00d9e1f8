/// Applies the formulas to a recognized layer and explains any difference from what
/// is stored, from what the recognizer observed.
enum LayerAuditor {
    private typealias F = Formulas

    /// The audit of `layer` (its children are audited separately).
    public static func audit(_ layer: Layer) -> LayerAudit {
        switch layer.kind.descriptor.formula {
        case .dense: dense(layer)
        case .conv: conv(layer)
        case .recurrent(let gates): recurrent(layer, gates: gates)
        case .embedding: embedding(layer)
        case .affineNorm: norm(layer, textbook: F.layerNorm(width: layer.int(.width)))
        case .scaleNorm: simple(layer, layer.int(.width), what: "x (γ only)")
        case .batchNorm: batchNorm(layer)
        case .attention: attention(layer)
        case .feedForward: feedForward(layer)
        case .block(let decoder): block(layer, decoder: decoder)
        }
    }

    private static func dense(_ layer: Layer) -> LayerAudit {
        let i = layer.int(.inputSize), o = layer.int(.outputSize)
        let textbook = F.dense(inputs: i, outputs: o)
        let hasBias = layer.hyper[.bias] == .bool(true)
        let convention = hasBias ? textbook : F.mul(i, o)
        var notes: [String] = []
        for observation in layer.observations {
            switch observation {
            case .sharesWeight(let owner, _):
                notes.append("weight shared with \(owner) (tied head): counted once, there")
            case .duplicatesWeight(let of):
                notes.append("tied head stored twice: the weight repeats \(of)'s table (+\(F.mul(i, o)) stored elements)")
            case .transposedWeight:
                notes.append("weight stored transposed")
            case .quantized(let how):
                notes.append("quantized: \(how)")
            case .partOfPackedWeight(let name):
                notes.append("a slice of the packed weight \(name)")
            case .packedQKV, .noBias, .recurrentBiasAllZero, .foldedInitialStates, .peepholes, .possiblyFoldedBatchNorm,
                 .foldedBatchNorm, .foldedBatchNormLayer, .kerasLayer, .unrolled, .runningStatistics, .positionTable, .constantAffine, .relativePositionBias, .attentionBuffers,
                 .rotaryCaches:
                break
            }
        }
        if !hasBias {
            notes.insert("no bias stored: the layer has none, or the exporter dropped an all-zero bias (−\(o))", at: 0)
        }
        return verdict(layer, textbook: textbook, convention: convention, notes: notes)
    }

    private static func conv(_ layer: Layer) -> LayerAudit {
        guard case .ints(let kernel) = layer.hyper[.kernel] else {
            return LayerAudit(textbook: 0, convention: 0, status: .mismatch, explanation: "kernel unknown")
        }
        let i = layer.int(.inChannels), o = layer.int(.outChannels), g = max(1, layer.int(.groups))
        let textbook = F.conv(kernel: kernel, inputs: i, outputs: o, groups: g)
        let hasBias = layer.hyper[.bias] == .bool(true)
        let convention = hasBias ? textbook : F.add(textbook, -o)
        var notes: [String] = []
        if !hasBias { notes.append("no bias stored (−\(o)): the layer has none, or it was dropped as zero") }
        if let folded = layer.observations.lazy.compactMap({ if case .foldedBatchNormLayer(let n) = $0 { n } else { nil } }).first {
            notes.append("the exporter folded the BatchNormalization \(folded) into this Conv's weight and bias: the stored bias (\(o)) is the BatchNorm's shift, with the Conv's own bias if it had one; the BatchNorm's γ, β, moving mean and variance (4·\(o) = \(F.mul(4, o))) are gone")
        } else if layer.observations.contains(.foldedBatchNorm) {
            notes.append("the exporter folded a BatchNorm into this Conv's weight and bias (its γ, β and running statistics are gone)")
        } else if layer.observations.contains(.possiblyFoldedBatchNorm) {
            notes.append("weights renamed by the exporter: a following BatchNorm was probably folded into this Conv's weight and bias")
        }
        if g > 1 { notes.append(g == i && g == o ? "depthwise (groups = channels)" : "grouped: \(g) groups of \(i / g) input channels") }
        for case .quantized(let how) in layer.observations { notes.append("quantized: \(how)") }
        return verdict(layer, textbook: textbook, convention: convention, notes: notes)
    }

    private static func recurrent(_ layer: Layer, gates n: Int64) -> LayerAudit {
        if !layer.children.isEmpty {
            let audits = layer.children.map(audit)
            let textbook = audits.reduce(0) { F.add($0, $1.textbook) }
            let convention = audits.reduce(0) { F.add($0, $1.convention) }
            let reasons = Array(Set(audits.map(\.explanation).filter { !$0.isEmpty })).sorted()
            return verdict(layer, textbook: textbook, convention: convention,
                           notes: ["\(layer.children.count) stacked layers"] + reasons)
        }
        let i = layer.int(.inputSize), h = layer.int(.hiddenSize), dirs = max(1, layer.int(.directions))
        let textbook = F.mul(dirs, F.recurrentTextbook(gates: n, inputs: i, hidden: h))
        var convention = F.mul(dirs, F.recurrentTwoBias(gates: n, inputs: i, hidden: h))
        var notes: [String] = []
        let extra = F.mul(dirs, F.mul(n, h))
        // A Keras layer (through tf2onnx) is audited with Keras's own count: one bias vector,
        // except GRU(reset_after=True), which keeps an input and a recurrent bias (3h + 3h).
        let keras = layer.observations.lazy.compactMap { if case .kerasLayer(let k) = $0 { k } else { nil } }.first
        if let keras, !keras.hasPrefix("GRU(reset_after=True)"), !layer.observations.contains(.recurrentBiasAllZero) {
            convention = textbook
        }
        if layer.observations.contains(.noBias) {
            convention = F.mul(dirs, F.mul(n, F.add(F.mul(h, i), F.mul(h, h))))
            notes.append("no bias stored (B absent means zero biases)")
        } else if layer.stored == convention {
            if layer.observations.contains(.recurrentBiasAllZero) {
                notes.append("stored B is \(2 * n)h per direction: ONNX keeps W- and R-biases, the note counts one (+\(extra)); the R-bias is all zero, so this follows the Keras single-bias convention")
            } else if let keras, keras.hasPrefix("GRU(reset_after=True)") {
                notes.append("Keras's GRU(reset_after=True) keeps two bias vectors, input and recurrent (3h + 3h per direction), the note counts one: +\(extra)")
            } else {
                notes.append("ONNX and PyTorch keep two biases (W and R), the note counts one: +\(extra)")
            }
        }
        if layer.observations.contains(.peepholes) {
            convention = F.add(convention, F.mul(dirs, F.mul(3, h)))
            notes.append("peephole weights P: +\(F.mul(dirs, F.mul(3, h)))")
        }
        for observation in layer.observations {
            if case .unrolled(let how) = observation { notes.append("recurrence unrolled \(how)") }
            if case .foldedInitialStates(let count) = observation {
                notes.append("\(count) non-trainable elements of constant-folded initial states")
            }
        }
        return verdict(layer, textbook: textbook, convention: convention, notes: notes)
    }

    private static func norm(_ layer: Layer, textbook: Int64) -> LayerAudit {
        let x = layer.int(.width)
        if layer.observations.contains(.constantAffine) {
            return verdict(layer, textbook: textbook, convention: 0,
                           notes: ["no affine parameters: scale and shift are stored constants of ones and zeros (\(layer.nonTrainable) non-trainable elements)"])
        }
        if layer.observations.contains(.noBias) {
            return verdict(layer, textbook: textbook, convention: x, notes: ["no β stored (−\(x))"])
        }
        return verdict(layer, textbook: textbook, convention: textbook, notes: [])
    }

    private static func batchNorm(_ layer: Layer) -> LayerAudit {
        let x = layer.int(.width)
        let notes = layer.observations.contains(.runningStatistics)
            ? ["plus \(layer.nonTrainable) non-trainable running mean and variance"] : []
        return verdict(layer, textbook: F.mul(2, x), convention: F.mul(2, x), notes: notes)
    }

    private static func embedding(_ layer: Layer) -> LayerAudit {
        let formula = F.mul(layer.int(.vocabSize), layer.int(.width))
        var notes: [String] = []
        for case .quantized(let how) in layer.observations { notes.append("quantized: \(how)") }
        for case .positionTable(let rows) in layer.observations {
            notes.append("a position table sliced to the example length: the exporter folded positions 0…\(rows - 1) into \(rows) stored rows; the model's own table may be longer")
        }
        return verdict(layer, textbook: formula, convention: formula, notes: notes)
    }

    private static func simple(_ layer: Layer, _ formula: Int64, what: String) -> LayerAudit {
        verdict(layer, textbook: formula, convention: formula, notes: [])
    }

    /// match when stored is the textbook figure; explained when it is the convention's;
    /// mismatch otherwise.
    static func verdict(_ layer: Layer, textbook: Int64, convention: Int64, notes: [String]) -> LayerAudit {
        let status: LayerAudit.Status
        var lines = notes
        if layer.stored == textbook {
            status = .match
            // Reasons for a difference that did not happen are not worth saying.
            lines = notes.filter { !$0.hasPrefix("ONNX and PyTorch keep") }
        } else if layer.stored == convention {
            status = .explained
        } else if layer.observations.contains(where: { if case .duplicatesWeight = $0 { true } else if case .sharesWeight = $0 { true } else { false } }) {
            status = .explained
        } else {
            status = .mismatch
            lines.insert("stored \(layer.stored) matches neither the textbook (\(textbook)) nor the convention (\(convention))", at: 0)
        }
        return LayerAudit(textbook: textbook, convention: convention, status: status, explanation: lines.joined(separator: "; "))
    }
}
