import Testing
@testable import OnnxScope

/// GroupNorm and InstanceNorm, as torch exports `nn.GroupNorm` and `nn.InstanceNorm2d`
/// with both exporters (Fixtures/generate/norm_models.py): every such torch module is found
/// under its own name with torch's groups and channels, and its stored count is torch's
/// parameter count (none for an InstanceNorm without affine parameters).
@Suite("GroupNorm and InstanceNorm recognizer")
struct GroupNormRecognizerTests {
    static let files = ["pytorch/norms.torchscript.onnx", "pytorch/norms.dynamo.onnx"]

    @Test("torch's GroupNorm and InstanceNorm2d modules", arguments: files)
    func modules(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let modules = try #require(entry.framework?.modules).filter { ["GroupNorm", "InstanceNorm2d"].contains($0.type) }
        #expect(modules.count == 4)
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        for module in modules {
            let kind: LayerKind = module.type == "GroupNorm" ? .groupNorm : .instanceNorm
            let layer = try #require(report.layers.first { $0.name == module.name }, "\(module.name) not found")
            #expect(layer.kind == kind)
            let channels = module.hyper["num_channels"] ?? module.hyper["num_features"]
            #expect(layer.hyper[.width] == channels, "\(module.name)")
            if kind == .groupNorm { #expect(layer.hyper[.groups] == module.hyper["num_groups"], "\(module.name)") }
            #expect(layer.stored == module.parameters, "\(module.name)")
            // Formula 2x for an affine norm; an InstanceNorm without parameters is explained.
            #expect(layer.status == (module.parameters == 0 ? .explained : .match), "\(module.name): \(layer.explanation)")
        }
        #expect(report.coverage.ratio == 1)
        #expect(report.totals.trainable == entry.framework?.totalParameters)
    }

    @Test("the opset-21 GroupNormalization op, built with onnx.helper")
    func groupNormalizationOp() throws {
        let file = try ModelFile.open(Fixtures.path("layers/group_normalization_op.onnx"))
        let expected = try #require(Fixtures.entry("layers/group_normalization_op.onnx")?.expectedLayers)
        let layers = LayerRecognition(file: file, catalog: WeightCatalog(model: file.model)).layers
        #expect(layers.count == expected.count)
        for (got, want) in zip(layers, expected) {
            #expect(got.kind.rawValue == want.kind)
            #expect(got.stored == want.stored)
            for (key, value) in want.hyper { #expect(got.hyper[key] == value, "\(key)") }
        }
    }
}
