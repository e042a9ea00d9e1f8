import Testing
@testable import OnnxScope

/// Layer patterns the fixture exporters do not produce, built by hand with known
/// hyper-parameters (Fixtures/generate/handbuilt_layers.py records them as expectedLayers).
@Suite("Hand-built layer patterns")
struct HandbuiltLayerTests {
    static let files = Fixtures.manifest.fixtures.filter { $0.expectedLayers != nil }.map(\.file)

    @Test("each expected layer is found with its hyper-parameters and count", arguments: files)
    func expectedLayers(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let opened = try ModelFile.open(Fixtures.path(file))
        let layers = LayerRecognition(file: opened, catalog: WeightCatalog(model: opened.model)).layers
        let expected = try #require(entry.expectedLayers)
        #expect(layers.count == expected.count, "\(layers.map(\.kind))")
        for (want, got) in zip(expected, layers) {
            #expect(got.kind.rawValue == want.kind)
            for (key, value) in want.hyper {
                #expect(got.hyper[key] == value, "\(want.kind).\(key)")
            }
            #expect(got.stored == want.stored, "\(want.kind) stored")
            if let n = want.nonTrainable { #expect(got.nonTrainable == n, "\(want.kind) non-trainable") }
        }
    }

    @Test func peepholesAreInTheConvention() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("layers/lstm_peepholes.onnx")))
        let lstm = try #require(report.layers.first)
        #expect(lstm.status == .explained)
        #expect(lstm.predicted.convention == lstm.stored)
        #expect(lstm.explanation.contains("peephole"))
    }

    @Test func unfusedBatchNormKeepsRunningStatisticsApart() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("layers/conv_batchnorm.onnx")))
        #expect(report.totals.nonTrainable == 16)
        #expect(report.totals.trainable == 216 + 16)
        #expect(report.layers[0].status == .explained)
        #expect(report.layers[0].explanation.contains("no bias"))
    }
}

/// A weight read by an embedding and by two projections (a tied head) belongs to the
/// embedding and is counted once.
@Suite("Shared weights")
struct SharedWeightTests {
    @Test func tiedTableIsOwnedByTheEmbeddingAndCountedOnce() throws {
        let file = "handbuilt/shared.onnx"
        let opened = try ModelFile.open(Fixtures.path(file))
        let recognition = LayerRecognition(file: opened, catalog: WeightCatalog(model: opened.model))
        let embedding = try #require(recognition.layers.first { $0.kind == .embedding })
        let heads = recognition.layers.filter { $0.kind == .dense }
        #expect(heads.count == 2)
        #expect(heads.allSatisfy { $0.observations.contains(.sharesWeight(with: embedding.name, elements: 64)) })
        let report = LayersReport(file: opened)
        let stored = try #require(Fixtures.entry(file)).stored.weights.floatElements
        #expect(report.totals.byKind == ["Embedding": stored])
        #expect(report.totals.trainable == stored)
    }
}

/// With a static sequence length, exporters fold pos_emb(arange(T)) into a [T, x] table.
@Suite("Folded position tables")
struct PositionTableTests {
    @Test(arguments: ["pytorch/tiny_gpt_static.torchscript.onnx", "pytorch/tiny_gpt_static.dynamo.onnx"])
    func foldedPositionTableIsExplained(file: String) throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let table = try #require(report.layers.first { $0.name.hasSuffix(".positions") })
        #expect(table.kind == .embedding)
        #expect(table.hyper[.vocabSize] == .int(8))  // the example's length, not pos_emb's 16 rows
        #expect(table.explanation.contains("sliced to the example length"))
    }
}
