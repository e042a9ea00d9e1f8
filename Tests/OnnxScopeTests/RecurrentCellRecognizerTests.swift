import Testing
@testable import OnnxScope

/// LSTM, GRU and RNN cells written out as matrix products: in a `Loop` body with separate
/// or concatenated weights (Fixtures/generate/onnx_cells.py), and torch's `nn.LSTMCell`,
/// `nn.GRUCell`, `nn.RNNCell` stepped over 5 time steps by both exporters. Each truth
/// module is one layer under its own name, with the module's sizes and parameter count.
@Suite("Written-out recurrent cells")
struct RecurrentCellRecognizerTests {
    static let files = [
        "pytorch/loop_lstm_cell_concat.onnx", "pytorch/loop_lstm_cell_separate.onnx", "pytorch/loop_gru_cell_separate.onnx",
        "pytorch/loop_rnn_cell_concat.onnx", "pytorch/loop_rnn_cell_separate.onnx",
        "pytorch/stepped_cells.dynamo.onnx", "pytorch/stepped_cells.torchscript.onnx",
    ]
    static let kinds: [String: LayerKind] = ["LSTMCell": .lstm, "GRUCell": .gru, "RNNCell": .rnn]

    @Test("each cell module is one layer with its sizes and count", arguments: files)
    func cells(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let framework = try #require(entry.framework)
        let cells = framework.modules.filter { Self.kinds[$0.type] != nil }
        #expect(!cells.isEmpty)
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        for module in cells {
            let layer = try #require(report.layers.first { $0.name == module.name }, "\(module.name) not found")
            #expect(layer.kind == Self.kinds[module.type])
            #expect(layer.hyper[.inputSize] == module.hyper["input_size"], "\(module.name)")
            #expect(layer.hyper[.hiddenSize] == module.hyper["hidden_size"], "\(module.name)")
            #expect(layer.hyper[.directions] == .int(1))
            #expect(layer.stored == module.parameters, "\(module.name)")
            #expect(layer.status != .mismatch, "\(module.name): \(layer.explanation)")
        }
        #expect(report.coverage.ratio == 1)
        #expect(report.totals.trainable == framework.totalParameters)
        #expect(report.totals.unattributed == 0)
    }

    @Test("a stepped cell is one layer over all its time steps")
    func steppedCellsSpanEveryStep() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("pytorch/stepped_cells.torchscript.onnx")))
        let lstm = try #require(report.layers.first { $0.name == "lstm_cell" })
        // Five steps of one LSTMCell: two Gemm nodes per step.
        #expect(lstm.nodes.filter { $0.hasSuffix("/Gemm") || $0.hasSuffix("/Gemm_1") }.count == 10)
        #expect(report.layers.filter { $0.kind == .dense }.map(\.name) == ["head"])
    }

    @Test("the single-bias concat form matches the textbook formula")
    func concatFormIsTextbook() throws {
        let file = "pytorch/loop_lstm_cell_concat.onnx"
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let layer = try #require(report.layers.first)
        // n·((h+i)·h + h), n = 4, h = 16, i = 8: the truth's own parameter count.
        #expect(layer.predicted.textbook == Fixtures.entry(file)?.framework?.totalParameters)
        #expect(layer.status == .match)
    }
}
