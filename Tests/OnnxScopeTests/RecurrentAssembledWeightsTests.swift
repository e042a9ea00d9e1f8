import Testing
@testable import OnnxScope

/// ONNX `RNN`/`GRU`/`LSTM` ops wherever they are and however their W, R and B are built:
/// stored whole (both exporters' 2-layer bidirectional text models), or assembled by
/// Slice/Concat/Unsqueeze from torch's weights stored as `Constant` nodes inside a
/// two-level `If` (Fixtures/generate/onnx_cells.py). Truth is torch's config and numel.
@Suite("Recurrent ops with assembled weights, stacks and subgraphs")
struct RecurrentAssembledWeightsTests {
    static let files = [
        "pytorch/if_lstm_gru.onnx", "pytorch/text_lstm.dynamo.onnx", "pytorch/text_lstm.torchscript.onnx",
        "pytorch/text_gru.dynamo.onnx", "pytorch/text_gru.torchscript.onnx",
    ]
    static let kinds: [String: LayerKind] = ["LSTM": .lstm, "GRU": .gru, "RNN": .rnn]

    @Test("each torch RNN module is one layer with torch's config and numel", arguments: files)
    func modules(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let framework = try #require(entry.framework)
        let modules = framework.modules.filter { Self.kinds[$0.type] != nil }
        #expect(!modules.isEmpty)
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        for module in modules {
            let layer = try #require(report.layers.first { $0.name == module.name }, "\(module.name) not found")
            #expect(layer.kind == Self.kinds[module.type])
            #expect(layer.hyper[.inputSize] == module.hyper["input_size"], "\(module.name)")
            #expect(layer.hyper[.hiddenSize] == module.hyper["hidden_size"], "\(module.name)")
            let directions: Int64 = module.hyper["bidirectional"] == .bool(true) ? 2 : 1
            #expect(layer.hyper[.directions] == .int(directions), "\(module.name)")
            if case .int(let n) = module.hyper["num_layers"], n > 1 {
                #expect(layer.hyper[.layers] == .int(n), "\(module.name)")
                #expect(layer.children.count == Int(n), "\(module.name)")
            }
            #expect(layer.stored == module.parameters, "\(module.name)")
            #expect(layer.status == .explained, "\(module.name): \(layer.explanation)")
        }
        #expect(report.coverage.ratio == 1)
        #expect(report.totals.trainable == framework.totalParameters)
    }

    @Test("Constant weights reordered by Slice/Concat in a nested If branch")
    func assembledInsideIf() throws {
        let file = "pytorch/if_lstm_gru.onnx"
        let recognition = try recognition(file)
        let lstm = try #require(recognition.layers.first { $0.kind == .lstm })
        // The layer owns torch's four tensors, not the reordered values built from them.
        let truth = try #require(Fixtures.entry(file)?.framework?.parameters)
        #expect(Set(lstm.weights) == Set(truth.keys.filter { $0.hasPrefix("lstm.") }))
        #expect(lstm.nodes.count > 1, "the Slice/Concat/Unsqueeze nodes belong to the layer")
        let gru = try #require(recognition.layers.first { $0.kind == .gru })
        #expect(gru.hyper[.linearBeforeReset] == .bool(true))
    }

    private func recognition(_ file: String) throws -> LayerRecognition {
        let opened = try ModelFile.open(Fixtures.path(file))
        return LayerRecognition(file: opened, catalog: WeightCatalog(model: opened.model))
    }
}
