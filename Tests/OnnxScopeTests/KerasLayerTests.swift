import Testing
@testable import OnnxScope

/// Keras models converted by tf2onnx (issue 18; Fixtures/generate/keras_models.py, source
/// `keras-issue18`): keras.applications builders, text models, a transformer, a ViT and a
/// Sequential MLP. Every Keras layer with weights of a scored class is found with Keras's
/// hyper-parameters and bias flag, under its Keras layer path, storing Keras's trainable count
/// or a difference the explanation gives with its number. Truth is Keras's own config,
/// weights' shapes and `count_params()`, in Fixtures/manifest.json.
@Suite("Keras layers through tf2onnx against Keras's own layers")
struct KerasLayerTests {
    static var entries: [Manifest.Entry] { Fixtures.manifest.fixtures.filter { $0.source == "keras-issue18" } }
    static var files: [String] { entries.map(\.file) }

    static let recurrent: [String: LayerKind] = ["LSTM": .lstm, "GRU": .gru, "SimpleRNN": .rnn]

    /// The kinds a Keras class may be reported as, and the hyper-parameters the layer must state.
    static func expected(_ m: Manifest.Module, _ framework: Manifest.Framework) -> (kind: LayerKind, hyper: Hyper)? {
        let h = m.hyper
        func int(_ k: String) -> Int64? { h[k]?.int }
        func ints(_ k: String) -> [Int64]? { if case .ints(let v)? = h[k] { v } else { nil } }
        switch m.type {
        case "Dense", "EinsumDense":
            guard let i = h["inputSize"], let o = h["outputSize"], let b = h["bias"] else { return nil }
            return (.dense, [.inputSize: i, .outputSize: o, .bias: b])
        case "Conv1D", "Conv2D":
            guard let k = ints("kernelShape"), k.count >= 3, let f = h["filters"], let ks = h["kernel_size"] else { return nil }
            let g = int("groups") ?? 1
            return (.conv, [.inChannels: .int(k[k.count - 2] * g), .outChannels: f, .kernel: ks, .groups: .int(g)])
        case "DepthwiseConv2D":
            guard let k = ints("kernelShape") ?? framework.parameters[m.name + "/depthwise_kernel:0"], k.count == 4,
                  let ks = h["kernel_size"] else { return nil }
            return (.conv, [.inChannels: .int(k[2]), .outChannels: .int(k[2] * k[3]), .kernel: ks, .groups: .int(k[2])])
        case "Embedding":
            guard let v = h["input_dim"], let w = h["output_dim"] else { return nil }
            return (.embedding, [.vocabSize: v, .width: w])
        case "PositionTable":
            guard let dims = framework.parameters.first(where: { $0.key.hasPrefix(m.name + "/") })?.value, dims.count >= 2 else { return nil }
            return (.embedding, [.vocabSize: .int(dims[dims.count - 2]), .width: .int(dims[dims.count - 1])])
        case "LayerNormalization":
            return h["width"].map { (.layerNorm, [.width: $0]) }
        case "BatchNormalization":
            return h["width"].map { (.batchNorm, [.width: $0]) }
        case "LSTM", "GRU", "SimpleRNN", "Bidirectional":
            let cls: String
            if m.type == "Bidirectional" {
                guard case .text(let wrapped)? = h["wrapped"] else { return nil }
                cls = wrapped
            } else {
                cls = m.type
            }
            guard let kind = recurrent[cls], let i = h["inputSize"], let u = h["units"] else { return nil }
            var e: Hyper = [.inputSize: i, .hiddenSize: u, .directions: .int(m.type == "Bidirectional" ? 2 : 1)]
            if let reset = h["reset_after"] { e[.linearBeforeReset] = reset }
            return (kind, e)
        case "MultiHeadAttention":
            guard let w = h["width"], let n = h["num_heads"], let d = h["key_dim"], let b = h["bias"] else { return nil }
            return (.multiHeadAttention, [.width: w, .heads: n, .headDim: d, .bias: b])
        default:
            return nil
        }
    }

    /// The BatchNormalization a Conv says tf2onnx folded into it.
    static func foldedBatchNorm(_ layer: LayersReport.Entry) -> String? {
        guard let range = layer.explanation.range(of: "folded the BatchNormalization ") else { return nil }
        return layer.explanation[range.upperBound...].split(separator: " ").first.map(String.init)
    }

    static func flattened(_ e: LayersReport.Entry) -> [LayersReport.Entry] { [e] + e.children.flatMap(flattened) }

    @Test("every Keras layer is found by its Keras path with Keras's hyper-parameters, bias flag and count", arguments: files)
    func layers(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let framework = try #require(entry.framework)
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let layers = report.layers.flatMap(Self.flattened)
        let folded = Dictionary(layers.compactMap { l in Self.foldedBatchNorm(l).map { ($0, l) } }, uniquingKeysWith: { a, _ in a })
        var scored = 0
        for module in framework.modules {
            guard let (kind, hyper) = Self.expected(module, framework) else { continue }
            scored += 1
            if module.type == "BatchNormalization", let conv = folded[module.name] {
                // Folded: gone from the file, named by the Conv that absorbed it, of its width.
                #expect(conv.hyper[.outChannels] == hyper[.width], "\(module.name) folded into \(conv.name)")
                continue
            }
            let layer = try #require(layers.first { $0.name == module.name && $0.kind == kind }, "\(file): \(module.name) (\(module.type))")
            for (key, value) in hyper {
                #expect(layer.hyper[key] == value, "\(file): \(module.name) \(key)")
            }
            // The bias flag: Keras's use_bias, or the folded BatchNorm's shift that is stored as the bias.
            let useBias = module.hyper["bias"] ?? module.hyper["use_bias"]
            if let useBias, [.dense, .conv, .multiHeadAttention].contains(kind) {
                let absorbs = Self.foldedBatchNorm(layer) != nil
                #expect(layer.hyper[.bias] == (absorbs ? .bool(true) : useBias), "\(file): \(module.name) bias")
            }
            let trainable = try #require(module.trainable)
            if layer.stored != trainable {
                // Only the differences the explanation states, with their numbers.
                let units = module.hyper["units"]?.int ?? 0
                let directions: Int64 = module.type == "Bidirectional" ? 2 : 1
                let zeroRBias = layer.explanation.contains("R-bias is all zero") && layer.stored == trainable + directions * 4 * units
                let foldedShift = Self.foldedBatchNorm(layer) != nil && useBias == .bool(false)
                    && layer.stored == trainable + (layer.hyper[.outChannels]?.int ?? -1)
                #expect(zeroRBias || foldedShift, "\(file): \(module.name) stored \(layer.stored), Keras \(trainable): \(layer.explanation)")
                #expect(layer.status != .mismatch, "\(file): \(module.name)")
            }
        }
        #expect(scored > 0)
        #expect(report.coverage.ratio >= 0.99, "\(file): \(report.unattributed.map(\.name))")
    }

    @Test("two Keras LSTM layers, one feeding the other, stay two layers")
    func noStackAcrossLayers() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("keras/text_lstm2.onnx")))
        let lstms = report.layers.filter { $0.kind == .lstm }
        #expect(lstms.map(\.name) == ["lstm_1", "lstm_2"])
        #expect(lstms.allSatisfy { $0.children.isEmpty && $0.hyper[.layers] == nil })
    }

    @Test("Conv1D reports its true kernel and the bias tf2onnx adds after the Squeeze")
    func conv1D() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("keras/text_conv1d.onnx")))
        let conv = try #require(report.layers.first { $0.name == "conv_a" })
        #expect(conv.hyper[.kernel] == .ints([5]))
        #expect(conv.hyper[.bias] == .bool(true))
        #expect(!conv.explanation.contains("dropped"))
    }

    @Test("GRU(reset_after=True) is audited with Keras's two bias vectors, beside the note's formula")
    func gruResetAfter() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("keras/text_gru.onnx")))
        let gru = try #require(report.layers.first { $0.name == "gru_after" })
        let (i, h): (Int64, Int64) = (16, 24)
        #expect(gru.predicted.textbook == 3 * ((h + i) * h + h))
        #expect(gru.predicted.convention == 3 * (i * h + h * h) + 6 * h)
        #expect(gru.status == .explained)
        #expect(gru.explanation.contains("reset_after=True"))
        let before = try #require(report.layers.first { $0.name == "gru_before" })
        #expect(before.hyper[.linearBeforeReset] == .bool(false))
        #expect(before.status == .match)
    }

    @Test("Keras path cleaning: TF op tails go, paths split at the separator their style uses")
    func names() {
        #expect(LayerNaming.tensorFlowScope("m/block_0/ffn_in/Tensordot/MatMul") == "m/block_0/ffn_in")
        #expect(LayerNaming.tensorFlowScope("m/block_0/mha/query/einsum/Einsum") == "m/block_0/mha/query")
        #expect(LayerNaming.tensorFlowScope("m/expanded_conv/depthwise/depthwise") == "m/expanded_conv/depthwise")
        #expect(LayerNaming.tensorFlowWeightScope("m/pos_embed/add/ReadVariableOp:0") == "m/pos_embed")
        #expect(LayerNaming.commonPrefix(["a/mha/query", "a/mha/key"]) == "a/mha")
        #expect(LayerNaming.commonPrefix(["encoder.layers.0.q", "encoder.layers.0.k"]) == "encoder.layers.0")
    }

    /// A tf2onnx model of two Dense layers whose ops are scoped `ROOT/FIRST/…` and `ROOT/SECOND/…`.
    static func twoDense(root: String, first: String, second: String) -> [UInt8] {
        let graph = ModelBytes.graph(
            nodes: [
                ModelBytes.node("MatMul", name: "\(root)/\(first)/MatMul", inputs: ["x", "w1"], outputs: ["h"]),
                ModelBytes.node("Add", name: "\(root)/\(first)/BiasAdd", inputs: ["h", "b1"], outputs: ["hb"]),
                ModelBytes.node("MatMul", name: "\(root)/\(second)/MatMul", inputs: ["hb", "w2"], outputs: ["y"]),
            ],
            initializers: [
                ModelBytes.tensor("w1", dims: [4, 3], raw: ModelBytes.floatBytes((0..<12).map(Float.init))),
                ModelBytes.tensor("b1", dims: [3], raw: ModelBytes.floatBytes([1, 2, 3])),
                ModelBytes.tensor("w2", dims: [3, 2], raw: ModelBytes.floatBytes((0..<6).map { Float($0) + 0.5 })),
            ],
            inputs: ["x"], outputs: ["y"])
        return ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(2, string: "tf2onnx")
            m.field(7, bytes: graph)
            m.field(8, bytes: ProtoWriter.message { o in o.field(2, varint: 15) })
        }
    }

    @Test("the model's scope goes; TF's _N re-trace suffixes go only when every scope carries one")
    func retraceSuffixes() throws {
        func names(_ bytes: [UInt8]) throws -> [String] {
            LayersReport(file: try ModelFile.open(bytes: bytes, name: "keras.onnx")).layers.map(\.name)
        }
        #expect(try names(Self.twoDense(root: "mlp_1", first: "fc_1", second: "head_1")) == ["fc", "head"])
        // Keras's own default names (`dense_1`) are kept when not every scope is suffixed.
        #expect(try names(Self.twoDense(root: "mlp", first: "dense_1", second: "dense_2")) == ["dense_1", "dense_2"])
        #expect(try names(Self.twoDense(root: "model_1", first: "dense", second: "dense_1")) == ["dense", "dense_1"])
    }
}
