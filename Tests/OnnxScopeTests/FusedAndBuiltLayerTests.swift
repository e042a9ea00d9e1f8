import Testing
@testable import OnnxScope

/// Transformers after onnxruntime's transformer optimizer (com.microsoft `Attention`,
/// `SkipLayerNormalization`, `BiasGelu`, `FastGelu`) and after the onnxruntime-genai model
/// builder (`GroupQueryAttention` with rotary, `SkipSimplifiedLayerNormalization`,
/// `MatMulNBits`), issue #14: every attention, FFN, norm, block and Dense module of the source
/// model is found with the framework's hyper-parameters. Truth: the source's framework modules,
/// and the transform's record of what it did to their weights (packed Q, K and V into one
/// weight, split Phi-3's gate_up_proj, renamed the weights), read from the result by value.
@Suite("Fused and genai-built transformer layers")
struct FusedAndBuiltLayerTests {
    static let files = Fixtures.manifest.fixtures.filter {
        guard let t = $0.transform else { return false }
        return t.fusedOperators != nil || t.builtOperators != nil
    }.map(\.file)

    typealias Entry = LayersReport.Entry

    /// Found and exact counts of the scored modules, with what was missed or differs.
    struct Outcome {
        var total = 0, found = 0, exact = 0
        var problems: [String] = []
    }

    static func outcome(_ entry: Manifest.Entry, _ report: LayersReport, rules: Bool) throws -> Outcome {
        let layers = QuantizedLayerTests.flattened(report.layers)
        let t = rules ? entry.transform : nil
        let renamed = t?.renamedWeights ?? [:]
        // Under their framework names; with a map, only the weights that are framework parameters
        // (a rotary cache the first attention holds is none).
        func sourceWeights(_ e: Entry) -> [String] {
            TransformerLayerTests.weights(e).flatMap { renamed.isEmpty ? [$0] : renamed[$0] ?? [] }
        }
        let modules = try #require(entry.framework).modules
        let byName = Dictionary(modules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var o = Outcome()
        var used = Set<Int>()
        for module in modules {
            guard let accepted = TransformerLayerTests.kinds[module.type] else { continue }
            o.total += 1
            var (required, optional) = TransformerLayerTests.expected(module)
            var layer: Entry?
            if module.type == "Linear", let group = t?.packedWeights?.first(where: { $0.axis == 1 && $0.modules.contains(module.name) }) {
                // Packed with its siblings: the Dense layer holding the packed weight, of their combined width.
                layer = layers.first { $0.kind == .dense && $0.weights.contains(group.weight) }
                let outs = group.modules.compactMap { byName[$0]?.hyper["out_features"]?.int }.reduce(0, +)
                required[.outputSize] = .int(outs)
            } else if module.type == "Linear", let split = t?.splitWeights?.first(where: { $0.module == module.name }) {
                let parts = split.weights.compactMap { w in layers.first { $0.kind == .dense && $0.weights.contains(w) } }
                if parts.count == split.weights.count, let first = parts.first {
                    var combined = first
                    combined.hyper[.outputSize] = .int(parts.compactMap { $0.hyper[.outputSize]?.int }.reduce(0, +))
                    if parts.contains(where: { $0.hyper[.inputSize] != first.hyper[.inputSize] }) { combined.hyper[.inputSize] = nil }
                    layer = combined
                }
            } else {
                let candidates = layers.indices.filter { accepted.contains(layers[$0].kind) && !used.contains($0) }
                let prefix = module.name + "."
                let i = candidates.first { layers[$0].name == module.name }
                    ?? candidates.first { i in
                        let w = sourceWeights(layers[i])
                        return !w.isEmpty && w.allSatisfy { $0.hasPrefix(prefix) }
                    }
                    ?? candidates.first { layers[$0].name.hasPrefix(prefix) }
                if let i {
                    used.insert(i)
                    layer = layers[i]
                }
            }
            guard let layer else {
                o.problems.append("\(module.type) \(module.name) not found")
                continue
            }
            o.found += 1
            var exact = true
            for (key, value) in required where layer.hyper[key] != value {
                exact = false
                o.problems.append("\(module.name) \(key.rawValue): \(layer.hyper[key]?.text ?? "none"), framework \(value.text)")
            }
            for (key, value) in optional {
                if let stated = layer.hyper[key], stated != value {
                    exact = false
                    o.problems.append("\(module.name) \(key.rawValue): \(stated.text), framework \(value.text)")
                }
            }
            if exact { o.exact += 1 }
        }
        return o
    }

    @Test("every module of the source is found with its hyper-parameters, as on the source file", arguments: files)
    func modulesFound(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let sourceFile = try #require(entry.transform?.sourceFile)
        let built = try Self.outcome(entry, LayersReport(file: try ModelFile.open(Fixtures.path(file))), rules: true)
        let source = try Self.outcome(entry, LayersReport(file: try ModelFile.open(Fixtures.path(sourceFile))), rules: false)
        #expect(built.total > 20)
        #expect(built.exact >= source.exact, "\(built.problems)")
        #expect(Double(built.exact) >= 0.98 * Double(built.total), "\(built.exact) of \(built.total): \(built.problems)")
    }

    @Test("coverage ≥ 0.99, and trainable is the source file's", arguments: files)
    func coverageAndCounts(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let source = LayersReport(file: try ModelFile.open(Fixtures.path(try #require(entry.transform?.sourceFile))))
        #expect(report.coverage.ratio >= 0.99, "\(report.unattributed.prefix(5).map(\.name))")
        #expect(report.totals.trainable == source.totals.trainable)
        #expect(report.totals.blocks == source.totals.blocks)
    }

    @Test("blocks and their stack: as many as the config's layers, pre-norm as the framework says", arguments: files)
    func blocksAndStacks(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let framework = try #require(entry.framework)
        let layers = try #require(framework.stack?.layers)
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let blocks = report.layers.filter { $0.kind == .transformerEncoderBlock || $0.kind == .transformerDecoderBlock }
        #expect(Int64(blocks.count) == layers)
        let truth = framework.modules.filter { ["EncoderLayer", "DecoderOnlyLayer", "DecoderLayer"].contains($0.type) }
        #expect(Set(blocks.map(\.hyper[.preNorm])) == Set(truth.map { $0.hyper["preNorm"] }))
        #expect(report.stacks.map(\.count).reduce(0, +) == Int(layers), "\(report.stacks.map(\.count))")
    }

    @Test("GroupQueryAttention: kvHeads, causal and rotary from its attributes; its cos/sin caches non-trainable")
    func groupQueryAttention() throws {
        for file in Self.files where Fixtures.entry(file)?.transform?.builtOperators?["GroupQueryAttention"] != nil {
            let stack = try #require(Fixtures.entry(file)?.framework?.stack)
            let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
            let attention = QuantizedLayerTests.flattened(report.layers).filter { $0.kind == .multiHeadAttention }
            #expect(attention.count == Int(try #require(stack.layers)))
            for a in attention {
                #expect(a.hyper[.kvHeads] == stack.kvHeads.map(HyperValue.int) && a.hyper[.heads] == stack.heads.map(HyperValue.int), "\(file)")
                #expect(a.hyper[.causal] == .bool(true) && a.hyper[.rotary] == .bool(true), "\(file): \(a.name)")
            }
            // One attention holds the caches every attention reads: stored, not trainable, not unattributed.
            let caches = attention.flatMap(\.weights).filter { $0 == "cos_cache" || $0 == "sin_cache" }
            #expect(caches.sorted() == ["cos_cache", "sin_cache"], "\(file)")
            #expect(!report.unattributed.contains { $0.name.hasSuffix("_cache") })
        }
    }
}
