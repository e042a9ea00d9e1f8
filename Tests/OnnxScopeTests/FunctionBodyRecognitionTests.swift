import Testing
@testable import OnnxScope

/// Layers inside model-local function bodies: the tiny GPT exported by TorchScript with
/// `export_modules_as_functions` keeps each Block and its attention in functions, called
/// once per block with that block's weights. It must report what the plain export of the
/// same model reports, and each torch module must be found with its own numel.
@Suite("Recognition inside function bodies")
struct FunctionBodyRecognitionTests {
    static let functions = "pytorch/tiny_gpt_functions.torchscript.onnx"
    static let plain = "pytorch/tiny_gpt.torchscript.onnx"

    private func flat(_ layers: [LayersReport.Entry]) -> [LayersReport.Entry] {
        layers.flatMap { [$0] + flat($0.children) }
    }

    @Test("the function export reports the plain export's layers, hyper-parameters and counts")
    func sameAsPlainExport() throws {
        let a = LayersReport(file: try ModelFile.open(Fixtures.path(Self.functions)))
        let b = LayersReport(file: try ModelFile.open(Fixtures.path(Self.plain)))
        let fa = flat(a.layers), fb = flat(b.layers)
        #expect(fa.map(\.name) == fb.map(\.name))
        #expect(fa.map(\.kind) == fb.map(\.kind))
        #expect(fa.map(\.hyper) == fb.map(\.hyper))
        #expect(fa.map(\.stored) == fb.map(\.stored))
        #expect(a.totals.trainable == b.totals.trainable)
        #expect(a.totals.blocks == b.totals.blocks)
    }

    @Test("each torch module of the function export is one layer with its numel")
    func modulesAgainstTruth() throws {
        let framework = try #require(Fixtures.entry(Self.functions)?.framework)
        let layers = flat(LayersReport(file: try ModelFile.open(Fixtures.path(Self.functions))).layers)
        #expect(framework.modules.count == 24)
        for module in framework.modules {
            let layer = try #require(layers.first { $0.name == module.name }, "\(module.name) not found")
            #expect(layer.stored == module.parameters, "\(module.name)")
        }
        // Two calls of one Block function: two blocks, each owning its own call's weights.
        let blocks = layers.filter { $0.kind.descriptor.isBlock }
        #expect(blocks.map(\.name) == ["blocks.0", "blocks.1"])
        #expect(Set(flat(blocks[0].children).flatMap(\.weights)).isDisjoint(with: flat(blocks[1].children).flatMap(\.weights)))
    }
}
