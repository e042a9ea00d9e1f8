import Testing
@testable import OnnxScope

/// Every torch module of the kinds OnnxScope recognizes, in every PyTorch fixture, is
/// found under its own name with the hyper-parameters torch recorded, and its stored
/// count equals torch's `numel` count for the module, or the audit explains the difference.
@Suite("Torch modules found as layers")
struct TorchModuleLayerTests {
    /// torch class → OnnxScope kind.
    static let kinds: [String: LayerKind] = [
        "Linear": .dense, "Conv1d": .conv, "Conv2d": .conv, "Conv3d": .conv, "ConvTranspose2d": .convTranspose,
        "RNN": .rnn, "GRU": .gru, "LSTM": .lstm, "Embedding": .embedding, "LayerNorm": .layerNorm,
        "MultiheadAttention": .multiHeadAttention, "TransformerEncoderLayer": .transformerEncoderBlock,
        "TransformerDecoderLayer": .transformerDecoderBlock,
    ]

    struct Outcome {
        var found = 0
        var total = 0
        var misses: [String] = []
    }

    /// Checks one module; returns nil when found and right, else why not.
    static func check(_ module: Manifest.Module, in layers: [Layer]) -> String? {
        guard let kind = kinds[module.type] else { return "not a recognized kind" }
        guard let layer = layers.first(where: { $0.name == module.name && $0.kind == kind }) else {
            return "no \(kind.rawValue) layer named \(module.name)"
        }
        let h = module.hyper
        func int(_ key: String) -> Int64? { h[key]?.int }
        var expected: Hyper = [:]
        switch kind {
        case .dense:
            expected = [.inputSize: h["in_features"]!, .outputSize: h["out_features"]!]
        case .conv, .convTranspose:
            expected = [.inChannels: h["in_channels"]!, .outChannels: h["out_channels"]!, .kernel: h["kernel_size"]!,
                        .groups: h["groups"]!]
        case .rnn, .gru, .lstm:
            expected = [.inputSize: h["input_size"]!, .hiddenSize: h["hidden_size"]!,
                        .directions: .int(h["bidirectional"] == .bool(true) ? 2 : 1)]
            if let layers = int("num_layers"), layers > 1 { expected[.layers] = .int(layers) }
        case .embedding:
            expected = [.vocabSize: h["num_embeddings"]!, .width: h["embedding_dim"]!]
        case .layerNorm:
            if case .ints(let shape)? = h["normalized_shape"] { expected = [.width: .int(shape.reduce(1, *))] }
        case .multiHeadAttention:
            expected = [.width: h["embed_dim"]!, .heads: h["num_heads"]!]
            if let k = int("kdim"), let e = int("embed_dim"), k != e { expected[.kdim] = .int(k) }
            if let v = int("vdim"), let e = int("embed_dim"), v != e { expected[.vdim] = .int(v) }
        case .transformerEncoderBlock, .transformerDecoderBlock:
            expected = [.width: h["d_model"]!, .heads: h["nhead"]!, .ffnSize: h["dim_feedforward"]!]
        case .batchNorm, .rmsNorm, .groupNorm, .instanceNorm, .feedForward:
            break
        }
        for (key, value) in expected where layer.hyper[key] != value {
            return "\(module.name): \(key) is \(layer.hyper[key]?.text ?? "missing"), torch says \(value.text)"
        }
        if layer.stored != module.parameters {
            let audit = LayerAuditor.audit(layer)
            if audit.status == .mismatch || audit.explanation.isEmpty {
                return "\(module.name): stored \(layer.stored), torch \(module.parameters), unexplained"
            }
        }
        return nil
    }

    static func outcome(exporter: String) throws -> Outcome {
        var outcome = Outcome()
        for entry in Fixtures.manifest.fixtures where entry.source == "pytorch" && entry.exporter == exporter {
            let file = try ModelFile.open(Fixtures.path(entry.file))
            let layers = LayerRecognition(file: file, catalog: WeightCatalog(model: file.model)).layers.flatMap(\.flattened)
            for module in entry.framework?.modules ?? [] where kinds[module.type] != nil {
                outcome.total += 1
                if let miss = check(module, in: layers) {
                    outcome.misses.append("\(entry.file): \(miss)")
                } else {
                    outcome.found += 1
                }
            }
        }
        return outcome
    }

    @Test("TorchScript exports: at least 95% of modules found exactly")
    func torchScriptModules() throws {
        let o = try Self.outcome(exporter: "torchscript")
        #expect(o.total > 40)
        #expect(Double(o.found) >= 0.95 * Double(o.total), "misses: \(o.misses)")
    }

    @Test("dynamo exports: at least 90% of modules found exactly")
    func dynamoModules() throws {
        let o = try Self.outcome(exporter: "dynamo")
        #expect(o.total > 40)
        #expect(Double(o.found) >= 0.90 * Double(o.total), "misses: \(o.misses)")
    }

    /// Coverage is at least 95% on every fixture a real framework exported. An allow-list of
    /// sources: the transformers, torchvision and torch-issue13 fixtures (issues #12, #13, #17)
    /// get their own coverage tests together with their recognizers.
    @Test("coverage of real exports", arguments: Fixtures.manifest.fixtures
        .filter { ["pytorch", "keras"].contains($0.source) }.map(\.file))
    func coverage(file: String) throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        #expect(report.coverage.ratio >= 0.95, "\(report.unattributed.map(\.name))")
    }
}
