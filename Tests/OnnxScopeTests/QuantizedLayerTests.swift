import Testing
@testable import OnnxScope

/// onnxruntime's quantizers applied to float fixtures (Fixtures/deploy, issue #14): each
/// quantized layer is the layer it was, counted as the float layer was, and says how the
/// tool stored it. Truth: the transform's own record of which weights it quantized, to how
/// many bits and in which blocks, and the source model's framework numbers.
@Suite("Quantized layers")
struct QuantizedLayerTests {
    static let quantized = Fixtures.manifest.fixtures.filter {
        guard let t = $0.transform else { return false }
        return !t.quantizedWeights.isEmpty || !t.matMulNBits.isEmpty
    }.map(\.file)

    static func report(_ file: String) throws -> LayersReport {
        LayersReport(file: try ModelFile.open(Fixtures.path(file)))
    }

    /// Elements of the stored weight `name`, as its dims give them.
    static func elements(_ file: String, _ name: String) throws -> Int64? {
        let opened = try ModelFile.open(Fixtures.path(file))
        return WeightCatalog(model: opened.model).weights.first { $0.name == name }.map { $0.dims.reduce(1, *) }
    }

    /// Each layer with the layers of its descendants, depth first.
    static func flattened(_ entries: [LayersReport.Entry]) -> [LayersReport.Entry] {
        entries.flatMap { [$0] + flattened($0.children) }
    }

    /// The scheme the tool's own options name.
    static func scheme(_ t: Manifest.Transform, kind: LayerKind) -> Quantization.Scheme {
        if !t.matMulNBits.isEmpty { return .blockwise }
        if t.format == "QOperator" { return .qoperator }
        if t.format == "QDQ" { return .qdq }
        // quantize_dynamic: integer ops with a run-time activation scale; a Gather's table is dequantized after it.
        return kind == .embedding ? .qdq : .dynamic
    }

    @Test("every weight the tool quantized belongs to a layer stating its bits, scheme and block size", arguments: quantized)
    func quantizedWeightsAreLayers(file: String) throws {
        let t = try #require(Fixtures.entry(file)?.transform)
        let layers = Self.flattened(try Self.report(file).layers)
        for q in t.quantizedWeights {
            let layer = try #require(layers.first { $0.weights.first == q.quantized }, "\(q.quantized) is no layer's weight")
            let got = try #require(layer.quantization, "\(layer.name)")
            #expect(got.bits == t.bits, "\(layer.name)")
            #expect(got.blockSize == nil, "\(layer.name)")
            #expect(got.perChannel == (t.perChannel ?? false), "\(layer.name)")
            #expect(got.scheme == Self.scheme(t, kind: layer.kind), "\(layer.name)")
            #expect(layer.dataType == q.type, "\(layer.name)")
            // The scale and zero point are the layer's quantization overhead, not unattributed.
            #expect(layer.weights.contains(q.scale) && layer.weights.contains(q.zeroPoint), "\(layer.name)")
            // stored = the float weight's elements (the source's dims) + its bias.
            var bias: Int64 = 0
            if layer.hyper[.bias] == .bool(true) { bias = try #require(try Self.elements(file, layer.weights[1])) }
            #expect(layer.stored == q.sourceDims.reduce(1, *) + bias, "\(layer.name)")
        }
        for m in t.matMulNBits {
            let layer = try #require(layers.first { $0.weights.first == m.packedWeight }, "\(m.packedWeight) is no layer's weight")
            let got = try #require(layer.quantization)
            #expect(got.scheme == .blockwise && got.bits == m.bits && got.blockSize == m.blockSize, "\(layer.name)")
            #expect(layer.kind == .dense && layer.hyper[.inputSize] == .int(m.K) && layer.hyper[.outputSize] == .int(m.N))
            // 4-bit values counted unpacked: K·N, the source weight's elements.
            #expect(m.sourceDims.reduce(1, *) == m.K * m.N)
            // (+ N when a bias is added after it: Qwen2's packed q/k/v bias)
            #expect(layer.stored == m.K * m.N + (layer.hyper[.bias] == .bool(true) ? m.N : 0), "\(layer.name)")
            // One scale per block of each of the N columns.
            #expect(got.scaleElements == m.N * ((m.K + m.blockSize - 1) / m.blockSize), "\(layer.name)")
        }
    }

    @Test("coverage counts the integer weights as parameters, and stays ≥ 0.99", arguments: quantized)
    func coverageOfQuantizedModels(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let t = try #require(entry.transform)
        let report = try Self.report(file)
        #expect(report.coverage.floatElements == entry.stored.weights.floatElements)
        // The integer weights the tool wrote: INT8/UINT8 tables as stored, 4-bit weights packed two to a byte.
        let integers = t.quantizedWeights.map { $0.dims.reduce(1, *) }.reduce(0, +)
            + t.matMulNBits.map { $0.K * $0.N * $0.bits / 8 }.reduce(0, +)
        // QDQ and QOperator models also store each bias as INT32 (not in the tool's list of quantized weights).
        let int32 = t.format == nil ? 0 : entry.stored.weights.byDataType["INT32", default: 0]
        #expect(report.coverage.parameterElements <= entry.stored.weights.floatElements + integers + int32)
        #expect(report.coverage.parameterElements >= entry.stored.weights.floatElements + integers)
        #expect(report.coverage.ratio >= 0.99, "\(report.unattributed.prefix(5).map(\.name))")
        #expect(!report.unattributed.contains { w in t.quantizedWeights.contains { $0.scale == w.name || $0.zeroPoint == w.name } })
    }

    @Test("trainable equals the source's trainable parameters, up to the folded BatchNorms", arguments: quantized)
    func trainableIsTheSourcesCount(file: String) throws {
        let framework = try #require(Fixtures.entry(file)?.framework)
        let trainable = try #require(framework.trainableParameters)
        // The exporter folded each BatchNorm into the Conv before it: γ and β (2 per channel)
        // are gone, and the Conv gained a bias (1 per channel).
        let folded = framework.modules.filter { $0.type.hasPrefix("BatchNorm") }.compactMap { $0.hyper["num_features"]?.int }.reduce(0, +)
        let entry = try #require(Fixtures.entry(file))
        let t = try #require(entry.transform)
        let totals = try Self.report(file).totals
        #expect(totals.trainable == trainable - folded)
        // Trainable + non-trainable = the stored elements, with each packed 4-bit weight's K·N/2 bytes counted as K·N values.
        let unpacked = t.matMulNBits.map { $0.K * $0.N - $0.K * $0.N * $0.bits / 8 }.reduce(0, +)
        #expect(totals.nonTrainable >= 0)
        // (with the third bucket: unattributed weights are neither)
        #expect(totals.trainable + totals.nonTrainable + totals.unattributed == entry.stored.weights.elements + unpacked)
    }

    @Test("the source's layers are found again, with their hyper-parameters", arguments: quantized)
    func sourceLayersAreFound(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        // Modules the tool packed into one weight or split over several are checked by FusedAndBuiltLayerTests.
        let t = entry.transform
        let repacked = Set((t?.packedWeights ?? []).flatMap(\.modules) + (t?.splitWeights ?? []).map(\.module))
        let modules = try #require(entry.framework).modules.filter { ["Linear", "Conv2d", "Embedding"].contains($0.type) && !repacked.contains($0.name) }
        let layers = Self.flattened(try Self.report(file).layers)
        for module in modules {
            let h = module.hyper
            let found = layers.contains { layer in
                switch module.type {
                case "Linear": layer.kind == .dense && layer.hyper[.inputSize] == h["in_features"] && layer.hyper[.outputSize] == h["out_features"]
                case "Conv2d": layer.kind == .conv && layer.hyper[.inChannels] == h["in_channels"] && layer.hyper[.kernel] == h["kernel_size"]
                default: layer.kind == .embedding && layer.name == module.name && layer.hyper[.vocabSize] == h["num_embeddings"]
                    && layer.hyper[.width] == h["embedding_dim"]
                }
            }
            #expect(found, "\(module.type) \(module.name)")
        }
    }
}
