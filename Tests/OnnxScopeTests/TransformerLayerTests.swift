import Testing
@testable import OnnxScope

/// The transformers people ship (Hugging Face with default settings, torchvision ViT and
/// Swin, exported by TorchScript and dynamo): every Linear, Conv, Embedding, norm,
/// attention, MLP and block module of the framework is found with the framework's own
/// hyper-parameters (`named_modules()` and the config, in Fixtures/manifest.json).
/// BatchNorm modules are not counted: both exporters fold them into the Conv before them
/// (the Conv audit says so), so they are not in the file.
@Suite("Transformer layers against the framework's modules")
struct TransformerLayerTests {
    static let sources: Set<String> = ["transformers", "torchvision"]
    /// The transformers and torchvision fixtures, and torch's own nn.Transformer.
    static var entries: [Manifest.Entry] {
        Fixtures.manifest.fixtures.filter { sources.contains($0.source) || $0.model == "transformer_seq2seq" }
    }

    /// Framework module type → the kinds that may stand for it.
    static let kinds: [String: Set<LayerKind>] = [
        "Linear": [.dense], "Conv2d": [.conv], "Embedding": [.embedding], "LayerNorm": [.layerNorm], "RMSNorm": [.rmsNorm],
        "Attention": [.multiHeadAttention], "MLP": [.feedForward], "EncoderLayer": [.transformerEncoderBlock],
        "DecoderLayer": [.transformerDecoderBlock], "DecoderOnlyLayer": [.transformerDecoderBlock],
    ]

    /// What a module's hyper-parameters say a layer must state; `optional` keys may be absent.
    static func expected(_ m: Manifest.Module) -> (required: Hyper, optional: Hyper) {
        let h = m.hyper
        func v(_ key: String) -> HyperValue? { h[key] }
        var req: Hyper = [:], opt: Hyper = [:]
        switch m.type {
        case "Linear":
            req = [.inputSize: h["in_features"], .outputSize: h["out_features"], .bias: h["bias"]].compactMapValues { $0 }
        case "Conv2d":
            req = [.inChannels: h["in_channels"], .outChannels: h["out_channels"], .kernel: h["kernel_size"], .groups: h["groups"]]
                .compactMapValues { $0 }
        case "Embedding":
            req = [.vocabSize: h["num_embeddings"], .width: h["embedding_dim"]].compactMapValues { $0 }
        case "LayerNorm", "RMSNorm":
            req = [.width: h["width"]].compactMapValues { $0 }
        case "Attention":
            req = [.width: h["width"], .heads: h["heads"], .headDim: h["headDim"]].compactMapValues { $0 }
            if case .bool(let c)? = v("crossAttention") { req[.selfAttention] = .bool(!c) }
            if v("kvHeads") != v("heads"), let kv = v("kvHeads") { req[.kvHeads] = kv }
            opt[.causal] = h["causal"]
        case "MLP":
            req = [.width: h["width"], .ffnSize: h["ffnSize"], .gated: h["gated"]].compactMapValues { $0 }
        default:  // blocks
            req = [.width: h["width"], .heads: h["heads"], .ffnSize: h["ffnSize"], .gated: h["gated"], .preNorm: h["preNorm"],
                   .norms: h["norms"]].compactMapValues { $0 }
            if v("kvHeads") != v("heads"), let kv = v("kvHeads") { req[.kvHeads] = kv }
            opt[.causal] = h["causal"]
        }
        return (req, opt)
    }

    struct Outcome {
        var total = 0, exact = 0, named = 0, found = 0
        var misses: [String] = []
        var wrong: [String] = []
    }

    /// Matches each module to a layer (by name, then by the module path its weights carry,
    /// then by a layer named below it) and compares hyper-parameters.
    static func outcome() throws -> Outcome {
        var o = Outcome()
        for entry in entries {
            let report = LayersReport(file: try ModelFile.open(Fixtures.path(entry.file)))
            let layers = report.layers.flatMap(flattened)
            var used = Set<Int>()
            for module in entry.framework?.modules ?? [] {
                guard let accepted = kinds[module.type] else { continue }
                o.total += 1
                let candidates = layers.indices.filter { accepted.contains(layers[$0].kind) && !used.contains($0) }
                let prefix = module.name + "."
                let byName = candidates.first { layers[$0].name == module.name }
                let byWeights = candidates.first { i in
                    let w = weights(layers[i])
                    return !w.isEmpty && w.allSatisfy { $0.hasPrefix(prefix) }
                }
                let below = candidates.first { layers[$0].name.hasPrefix(prefix) }
                guard let i = byName ?? byWeights ?? below else {
                    o.misses.append("\(entry.file): \(module.name) (\(module.type))")
                    continue
                }
                used.insert(i)
                o.found += 1
                if byName != nil { o.named += 1 }
                let (required, optional) = expected(module)
                var exact = true
                for (key, value) in required where layers[i].hyper[key] != value {
                    exact = false
                    if let stated = layers[i].hyper[key] {
                        o.wrong.append("\(entry.file): \(module.name) \(key.rawValue) is \(stated.text), framework \(value.text)")
                    }
                }
                for (key, value) in optional {
                    if let stated = layers[i].hyper[key], stated != value {
                        exact = false
                        o.wrong.append("\(entry.file): \(module.name) \(key.rawValue) is \(stated.text), framework \(value.text)")
                    }
                }
                if exact { o.exact += 1 }
            }
        }
        return o
    }

    static func flattened(_ e: LayersReport.Entry) -> [LayersReport.Entry] { [e] + e.children.flatMap(flattened) }
    static func weights(_ e: LayersReport.Entry) -> [String] { e.weights + e.children.flatMap(weights) }

    @Test("at least 98% of the framework's modules found with exactly its hyper-parameters; names are module paths")
    func modulesFound() throws {
        let o = try Self.outcome()
        #expect(o.total > 900)
        #expect(Double(o.exact) >= 0.98 * Double(o.total), "exact \(o.exact) of \(o.total); misses: \(o.misses)")
        #expect(Double(o.named) >= 0.95 * Double(o.found), "named \(o.named) of \(o.found)")
    }

    @Test("no layer states a hyper-parameter that differs from the framework's")
    func noWrongNumbers() throws {
        let o = try Self.outcome()
        #expect(o.wrong.isEmpty, "\(o.wrong)")
    }

    @Test("every grouped-query attention reports kvHeads")
    func groupedQueryAttention() throws {
        for entry in Self.entries {
            guard let stack = entry.framework?.stack, let kv = stack.kvHeads, kv != stack.heads else { continue }
            let report = LayersReport(file: try ModelFile.open(Fixtures.path(entry.file)))
            let attention = report.layers.flatMap(Self.flattened).filter { $0.kind == .multiHeadAttention }
            #expect(!attention.isEmpty, "\(entry.file)")
            for a in attention { #expect(a.hyper[.kvHeads] == .int(kv), "\(entry.file): \(a.name)") }
        }
    }

    @Test("coverage ≥ 0.99 on every fixture; RMSNorm weights are trainable", arguments: TransformerLayerTests.entries.map(\.file))
    func coverage(file: String) throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        #expect(report.coverage.ratio >= 0.99, "\(report.unattributed.prefix(5).map(\.name))")
        let rms = report.layers.flatMap(Self.flattened).filter { $0.kind == .rmsNorm }
        for norm in rms { #expect(norm.stored == norm.hyper[.width]?.int, "\(norm.name)") }
    }

    /// The note's stack formulas, recomputed by hand from the config:
    /// MHA 4(x²+x), LN 2x, FFN x²+x; encoder m·(MHA + 2LN + FFN), decoder n·(2MHA + 3LN + FFN),
    /// decoder-only n·(MHA + 2LN + FFN).
    @Test("stack rows show the note's m·(…) and n·(…) figures", arguments: TransformerLayerTests.entries.filter { $0.exporter == "dynamo" }.map(\.file))
    func stacks(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        guard let stack = entry.framework?.stack, let x = stack.width, let layers = stack.layers, let types = stack.layerTypes else { return }
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let mha = 4 * (x * x + x), ln = 2 * x, ffn = x * x + x
        for type in types {
            let count: Int64
            let per: Int64
            let kind: LayerKind
            switch type {
            case "EncoderLayer":
                (count, per, kind) = (stack.encoderLayers ?? layers, mha + 2 * ln + ffn, .transformerEncoderBlock)
            case "DecoderLayer":
                (count, per, kind) = (stack.decoderLayers ?? layers, 2 * mha + 3 * ln + ffn, .transformerDecoderBlock)
            default:
                (count, per, kind) = (layers, mha + 2 * ln + ffn, .transformerDecoderBlock)
            }
            let rows = report.stacks.filter { $0.kind == kind && ($0.kind != .transformerDecoderBlock || (type == "DecoderLayer") == isCross($0, report)) }
            #expect(rows.map(\.count).reduce(0, +) == Int(count), "\(file) \(type): \(report.stacks.map(\.count))")
            for row in rows { #expect(row.predicted.textbook == Int64(row.count) * per, "\(file) \(type)") }
        }
    }

    private func isCross(_ stack: LayersReport.Stack, _ report: LayersReport) -> Bool {
        report.layers.first { $0.name == stack.layers.first }?.hyper[.crossAttention] != .bool(false)
    }
}
