import Testing
@testable import OnnxScope

/// `inspect`'s account of every fixture equals what the `onnx` Python package computed
/// when the fixture was made (Fixtures/manifest.json, `stored`).
@Suite("Counting against the manifest")
struct CountingTests {
    @Test("weights, ops and interface match the onnx package", arguments: Fixtures.allFiles)
    func matchesManifest(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let report = InspectReport(file: try ModelFile.open(Fixtures.path(file)))
        let expected = entry.stored
        let w = report.weights

        #expect(report.irVersion == expected.irVersion)
        #expect(report.opsets == expected.opsets)
        #expect(report.producer == expected.producer)
        // Names, types and shapes as onnx reads them; the cache roles are OptimumExportTests' (optimum's truth).
        func interface(_ values: [InspectReport.IOValue]) -> [InspectReport.IOValue] {
            values.map { var v = $0; v.kvCache = nil; return v }
        }
        #expect(interface(report.inputs) == expected.inputs)
        #expect(interface(report.outputs) == expected.outputs)
        #expect(report.ops == expected.ops)
        #expect(report.nodes == expected.nodes)

        #expect(w.elements == expected.weights.elements)
        #expect(w.floatElements == expected.weights.floatElements)
        #expect(w.bytes == expected.weights.bytes)
        #expect(w.tensors == expected.weights.tensors)
        #expect(w.byStorage == expected.weights.byStorage)
        #expect(w.inSubgraphs == expected.weights.inSubgraphs)
        #expect(w.inFunctions == expected.weights.inFunctions)
        #expect(w.external.tensors == expected.weights.external.tensors)
        #expect(w.external.bytes == expected.weights.external.bytes)
        #expect(w.byDataType == expected.weights.byDataType)
        #expect(w.sparse.tensors == expected.weights.sparse.tensors)
        #expect(w.sparse.nonZero == expected.weights.sparse.nonZero)
    }

    /// Where the exporter stores every parameter as-is (no folding, no tying), the
    /// floating-point weights equal the framework's own `sum(p.numel())`.
    @Test("float weights equal the framework's parameter count", arguments: [
        "pytorch/mlp.torchscript.onnx", "pytorch/mlp.dynamo.onnx",
        "pytorch/embed_ln.torchscript.onnx", "pytorch/embed_ln.dynamo.onnx",
        "keras/mlp.onnx", "keras/conv2d.onnx", "keras/embedding.onnx",
    ])
    func floatWeightsEqualFrameworkCount(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let framework = try #require(entry.framework)
        let report = InspectReport(file: try ModelFile.open(Fixtures.path(file)))
        #expect(report.weights.floatElements == framework.totalParameters)
    }

    /// Every named torch parameter that the TorchScript exporter keeps under its own
    /// name is found with the same element count.
    @Test("torch parameters kept by name have their numel", arguments: Fixtures.manifest.fixtures
        .filter { $0.exporter == "torchscript" }.map(\.file))
    func torchParametersByName(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let framework = try #require(entry.framework)
        let catalog = WeightCatalog(model: try ModelFile.open(Fixtures.path(file)).model)
        var matched = 0
        for weight in catalog.weights {
            guard let shape = framework.parameters[weight.name] else { continue }
            let numel = shape.reduce(1, *)
            #expect(try TensorSize.elements(weight.dims).get() == numel, "\(weight.name)")
            matched += 1
        }
        // The TorchScript exporter re-packs recurrent weights into W/R/B under new names.
        if !["rnn", "gru", "lstm"].contains(entry.model) { #expect(matched > 0) }
    }
}
