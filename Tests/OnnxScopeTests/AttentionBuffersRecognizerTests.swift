import Testing
@testable import OnnxScope

/// `nn.MultiheadAttention(add_bias_kv=True)` (and with `add_zero_attn=True`) by both
/// exporters: `bias_k` and `bias_v` belong to the attention layer as parameters, the
/// zero rows as non-trainable constants, and the audit explains them in one line.
@Suite("Attention buffers: add_bias_kv, add_zero_attn")
struct AttentionBuffersRecognizerTests {
    static let files = [
        "pytorch/mha_bias_kv.torchscript.onnx", "pytorch/mha_bias_kv.dynamo.onnx",
        "pytorch/mha_bias_kv_zero_attn.torchscript.onnx", "pytorch/mha_bias_kv_zero_attn.dynamo.onnx",
    ]

    @Test("bias_k and bias_v are the attention layer's; nothing floating-point is left unattributed", arguments: files)
    func buffersBelongToAttention(file: String) throws {
        let framework = try #require(Fixtures.entry(file)?.framework)
        let module = try #require(framework.modules.first { $0.type == "MultiheadAttention" })
        // torch's numel of bias_k and bias_v, from the truth's parameter shapes.
        let biasKV = ["attn.bias_k", "attn.bias_v"].compactMap { framework.parameters[$0] }
            .map { $0.reduce(Int64(1), *) }.reduce(0, +)
        #expect(biasKV == 32)
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let layer = try #require(report.layers.first { $0.name == module.name })
        #expect(layer.status == .explained, "\(layer.explanation)")
        #expect(layer.explanation.contains("add_bias_kv"))
        if file.contains("torchscript") {
            #expect(layer.stored == module.parameters)
        } else {
            // The dynamo exporter folds the batch repeat (2) into the stored rows.
            #expect(layer.stored == module.parameters + biasKV)
            #expect(layer.explanation.contains("repeated, 2×"))
        }
        #expect(report.unattributed.filter { DataTypeName.isFloating($0.type) && $0.elements > 1 }.isEmpty)
        #expect(report.totals.unattributed == 0)
        if file.contains("zero_attn") {
            #expect(layer.nonTrainable > 0)
            #expect(layer.explanation.contains("add_zero_attn"))
        } else {
            #expect(layer.nonTrainable == 0)
        }
    }
}
