import Testing
@testable import OnnxScope

/// fp16 conversion and onnxruntime's transformer fusion of norms and embeddings (issue #14):
/// the layers are the source model's, with the framework's hyper-parameters and counts.
/// Truth: the source's framework modules, and the transform's record (converted weights,
/// fused operators).
@Suite("Converted and fused models")
struct ConvertedAndFusedLayerTests {
    static let converted = Fixtures.manifest.fixtures.filter { !($0.transform?.convertedToFloat16.isEmpty ?? true) }.map(\.file)
    static let fused = Fixtures.manifest.fixtures.filter { $0.transform?.fusedOperators != nil }.map(\.file)

    static func layers(_ file: String) throws -> [LayersReport.Entry] {
        QuantizedLayerTests.flattened(LayersReport(file: try ModelFile.open(Fixtures.path(file))).layers)
    }

    /// The layer named as the framework module, of the kind its type maps to.
    static func layer(_ module: Manifest.Module, in layers: [LayersReport.Entry]) -> LayersReport.Entry? {
        let kind: LayerKind? = ["Linear": .dense, "Embedding": .embedding, "LayerNorm": .layerNorm][module.type]
        return layers.first { $0.name == module.name && $0.kind == kind }
    }

    @Test("fp16: each converted weight's layer says FLOAT16, and the source's layers are all there", arguments: converted)
    func float16Layers(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let t = try #require(entry.transform)
        let layers = try Self.layers(file)
        let source = try Self.layers(t.sourceFile)
        let converted = Set(t.convertedToFloat16)
        for layer in layers where layer.weights.first.map(converted.contains) == true {
            #expect(layer.dataType == "FLOAT16", "\(layer.name)")
        }
        // The same layers as the float source, with the same hyper-parameters and counts.
        #expect(layers.map(\.name) == source.map(\.name))
        #expect(layers.map(\.hyper) == source.map(\.hyper))
        #expect(layers.map(\.stored) == source.map(\.stored))
        for module in try #require(entry.framework).modules where ["Linear", "Embedding", "LayerNorm"].contains(module.type) {
            #expect(Self.layer(module, in: layers)?.stored == module.parameters, "\(module.name)")
        }
    }

    @Test("ORT fusion: Linear, Embedding and LayerNorm modules keep their names and counts", arguments: fused)
    func fusedNormsAndEmbeddings(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let layers = QuantizedLayerTests.flattened(report.layers)
        #expect(report.coverage.ratio >= 0.99, "\(report.unattributed.prefix(5).map(\.name))")
        for module in try #require(entry.framework).modules {
            // Q, K and V of a fused com.microsoft Attention are one packed weight: not a module of their own here.
            guard ["Embedding", "LayerNorm"].contains(module.type)
                || (module.type == "Linear" && !module.name.contains(".attention.self.")) else { continue }
            let layer = Self.layer(module, in: layers)
            if module.name.contains(".attention.output.dense") { continue }  // named by the attention it projects for
            #expect(layer?.stored == module.parameters, "\(module.type) \(module.name)")
            if module.type == "Linear" { #expect(layer?.hyper[.bias] == module.hyper["bias"], "\(module.name)") }
            if module.type == "Embedding" {
                #expect(layer?.hyper[.vocabSize] == module.hyper["num_embeddings"] && layer?.hyper[.width] == module.hyper["embedding_dim"])
            }
        }
    }

    @Test func embedLayerNormalizationIsThreeEmbeddingsAndALayerNorm() throws {
        let file = "deploy/bert_eager.ort_optimizer.onnx"
        #expect(Fixtures.entry(file)?.transform?.fusedOperators?["EmbedLayerNormalization"] == 1)
        let layers = try Self.layers(file).filter { $0.nodes == ["EmbedLayerNormalization_0"] }
        #expect(layers.map(\.kind) == [.embedding, .embedding, .embedding, .layerNorm])
        #expect(layers.map(\.name) == ["embeddings.word_embeddings", "embeddings.position_embeddings",
                                       "embeddings.token_type_embeddings", "embeddings.LayerNorm"])
    }
}
