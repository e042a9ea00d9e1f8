import Testing
@testable import OnnxScope

/// Each of the note's eight formula families, checked on a real export: the textbook
/// figure computed here by hand from torch's own hyper-parameters, and the stored count
/// against torch's `numel` for the module.
@Suite("Formula families on real exports")
struct FormulaFamilyTests {
    private func layer(_ file: String, named name: String) throws -> (Layer, LayerAudit) {
        let opened = try ModelFile.open(Fixtures.path(file))
        let layers = LayerRecognition(file: opened, catalog: WeightCatalog(model: opened.model)).layers.flatMap(\.flattened)
        let layer = try #require(layers.first { $0.name == name }, "\(name) in \(file)")
        return (layer, LayerAuditor.audit(layer))
    }

    private func torchCount(_ file: String, _ module: String) throws -> Int64 {
        try #require(Fixtures.entry(file)?.framework?.modules.first { $0.name == module }).parameters
    }

    @Test func ffnn() throws {
        let (l, a) = try layer("pytorch/mlp.torchscript.onnx", named: "fc1")
        #expect(a.textbook == 16 * 32 + 32)  // i·o + o
        #expect(l.stored == (try torchCount("pytorch/mlp.torchscript.onnx", "fc1")))
        #expect(a.status == .match)
    }

    @Test func rnn() throws {
        let (l, a) = try layer("pytorch/rnn.torchscript.onnx", named: "rnn")
        // n = 1; layer 0: i = 8, h = 16; layer 1: i = 16.
        #expect(a.textbook == 1 * ((16 + 8) * 16 + 16) + 1 * ((16 + 16) * 16 + 16))
        #expect(a.convention == 1 * (16 * 8 + 16 * 16 + 32) + 1 * (16 * 16 + 16 * 16 + 32))
        #expect(l.stored == (try torchCount("pytorch/rnn.torchscript.onnx", "rnn")))
        #expect(a.status == .explained)
    }

    @Test func gru() throws {
        let (l, a) = try layer("pytorch/gru.dynamo.onnx", named: "gru")
        // n = 3, bidirectional: two directions.
        #expect(a.textbook == 2 * 3 * ((16 + 8) * 16 + 16))
        #expect(l.stored == (try torchCount("pytorch/gru.dynamo.onnx", "gru")))
        #expect(a.explanation.contains("two biases"))
    }

    @Test func lstm() throws {
        let (l, a) = try layer("pytorch/lstm.torchscript.onnx", named: "lstm")
        // n = 4, bidirectional, 2 layers; layer 1 reads 2h = 32 inputs.
        #expect(a.textbook == 2 * 4 * ((16 + 8) * 16 + 16) + 2 * 4 * ((16 + 32) * 16 + 16))
        #expect(l.stored == (try torchCount("pytorch/lstm.torchscript.onnx", "lstm")))
    }

    @Test func kerasLSTMFollowsTheSingleBiasConvention() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("keras/lstm.onnx")))
        let lstm = try #require(report.layers.first { $0.kind == .lstm })
        #expect(lstm.predicted.textbook == 1600)  // Keras count_params for LSTM(16) on 8 features
        #expect(lstm.predicted.textbook == (try #require(Fixtures.entry("keras/lstm.onnx")?.framework?.totalParameters)))
        #expect(lstm.status == .explained)
        #expect(lstm.explanation.contains("R-bias is all zero"))
        #expect(lstm.explanation.contains("Keras single-bias convention"))
    }

    @Test func cnn() throws {
        let (l, a) = try layer("pytorch/conv.torchscript.onnx", named: "conv2d_grouped")
        // (f·f·i/g + 1)·o with f = 3, i = 4, g = 2, o = 8.
        #expect(a.textbook == (3 * 3 * (4 / 2) + 1) * 8)
        #expect(l.stored == (try torchCount("pytorch/conv.torchscript.onnx", "conv2d_grouped")))
        let (l3, a3) = try layer("pytorch/conv.dynamo.onnx", named: "conv3d")
        #expect(a3.textbook == (3 * 3 * 3 * 2 + 1) * 4)
        #expect(l3.stored == (try torchCount("pytorch/conv.dynamo.onnx", "conv3d")))
    }

    @Test func mha() throws {
        let (l, a) = try layer("pytorch/mha.dynamo.onnx", named: "attn")
        #expect(a.textbook == 4 * (16 * 16 + 16))
        #expect(l.stored == (try torchCount("pytorch/mha.dynamo.onnx", "attn")))
        #expect(l.hyper[.heads] == .int(4))
    }

    @Test func encoder() throws {
        let file = "pytorch/transformer_encoder.torchscript.onnx"
        let (l, a) = try layer(file, named: "encoder.layers.0")
        let x: Int64 = 16, dff: Int64 = 32
        let mha = 4 * (x * x + x), ln = 2 * x
        #expect(a.textbook == mha + 2 * ln + (x * x + x))
        #expect(a.convention == mha + 2 * ln + (x * dff + dff + dff * x + x))
        #expect(l.stored == (try torchCount(file, "encoder.layers.0")))
        #expect(a.status == .explained)
    }

    @Test func decoder() throws {
        let file = "pytorch/transformer_decoder.dynamo.onnx"
        let (l, a) = try layer(file, named: "decoder.layers.1")
        let x: Int64 = 16, dff: Int64 = 32
        let mha = 4 * (x * x + x), ln = 2 * x
        #expect(a.textbook == 2 * mha + 3 * ln + (x * x + x))
        #expect(a.convention == 2 * mha + 3 * ln + (x * dff + dff + dff * x + x))
        #expect(l.stored == (try torchCount(file, "decoder.layers.1")))
        #expect(l.kind == .transformerDecoderBlock)
    }

    @Test func stacksAreCounted() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("pytorch/transformer_decoder.torchscript.onnx")))
        #expect(report.totals.blocks["TransformerDecoderBlock"] == 2)
        // The GPT's blocks are decoder-only (causal self-attention, no cross-attention): decoder
        // blocks with crossAttention false, never encoder blocks (issue #12).
        let gpt = LayersReport(file: try ModelFile.open(Fixtures.path("pytorch/tiny_gpt.dynamo.onnx")))
        #expect(gpt.totals.blocks["TransformerDecoderBlock"] == 2)
        #expect(gpt.totals.blocks["TransformerEncoderBlock"] == nil)
        #expect(gpt.layers.filter { $0.kind == .transformerDecoderBlock }.allSatisfy { $0.hyper[.crossAttention] == .bool(false) })
    }

    @Test func tiedHeadIsExplained() throws {
        let (l, a) = try layer("pytorch/tiny_gpt.torchscript.onnx", named: "lm_head")
        #expect(l.observations.contains(.duplicatesWeight(of: "tok_emb")))
        #expect(a.explanation.contains("tied head stored twice"))
    }
}
