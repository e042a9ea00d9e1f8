import Testing
@testable import OnnxScope

/// Hugging Face models exported by optimum (issue #14): BERT, GPT-2 and LLaMA with past key
/// values, T5 as encoder, decoder, decoder with past and the merged decoder whose one `If`
/// chooses between the last two, both branches reading the main graph's weights. Truth: the
/// source's framework modules restricted to those each file holds (`modulesInFile`, by value),
/// the unique parameters it stores, optimum's own cache names (its OnnxConfig), and which
/// initializers the merged If's branches read (Fixtures/generate/optimum_models.py).
@Suite("optimum exports")
struct OptimumExportTests {
    static let files = Fixtures.manifest.fixtures.filter { $0.source == "optimum-issue14" }.map(\.file)

    /// The entry with its framework modules cut to those the file holds.
    static func inFile(_ entry: Manifest.Entry) throws -> Manifest.Entry {
        var e = entry
        let inside = Set(try #require(entry.transform?.modulesInFile))
        e.framework?.modules.removeAll { !inside.contains($0.name) }
        return e
    }

    @Test("the fixtures: seven files of four models, the merged decoder among them")
    func fixtures() {
        #expect(Self.files.count == 7)
        #expect(Self.files.contains { Fixtures.entry($0)?.transform?.mergedBranches != nil })
    }

    @Test("every module the file holds is found with its hyper-parameters, as on the source file", arguments: files)
    func modulesFound(file: String) throws {
        let entry = try Self.inFile(try #require(Fixtures.entry(file)))
        let sourceFile = try #require(entry.transform?.sourceFile)
        let exported = try FusedAndBuiltLayerTests.outcome(entry, LayersReport(file: try ModelFile.open(Fixtures.path(file))), rules: true)
        let source = try FusedAndBuiltLayerTests.outcome(entry, LayersReport(file: try ModelFile.open(Fixtures.path(sourceFile))), rules: false)
        #expect(exported.total > 20)
        #expect(exported.found == source.found && exported.exact == source.exact, "\(exported.problems) vs source \(source.problems)")
        #expect(Double(exported.exact) >= 0.98 * Double(exported.total), "\(exported.exact) of \(exported.total): \(exported.problems)")
    }

    @Test("coverage ≥ 0.99; trainable counts each stored framework parameter once", arguments: files)
    func coverageAndCounts(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        #expect(report.coverage.ratio >= 0.99, "\(report.unattributed.prefix(5).map(\.name))")
        #expect(report.totals.trainable == entry.transform?.parametersInFile)
    }

    @Test("merged decoder: the branches' layers are listed once, in the branch that reads every weight")
    func mergedDecoder() throws {
        for file in Self.files {
            let entry = try #require(Fixtures.entry(file))
            guard let truth = entry.transform?.mergedBranches else { continue }
            let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
            // The branch reading the other's weights and more (the decoder without past computes
            // the cross-attention keys and values that the one with past takes as inputs).
            #expect(truth.onlyThen.isEmpty && !truth.onlyElse.isEmpty)
            let merge = try #require(report.mergedBranches.first)
            #expect(report.mergedBranches.count == 1)
            #expect(merge.node == truth.node)
            #expect(merge.kept.hasSuffix(".else_branch") && merge.merged.hasSuffix(".then_branch"))
            #expect(merge.sharedWeights == truth.readByBoth.count)
            // Each weight read by both branches is held by exactly one layer.
            let layers = QuantizedLayerTests.flattened(report.layers)
            for weight in truth.readByBoth + truth.onlyElse {
                #expect(layers.filter { $0.weights.contains(weight) }.count == 1, "\(weight)")
            }
            // As many blocks as the file holds decoder layers, all of them decoder blocks.
            let decoderLayers = try Self.inFile(entry).framework?.modules.filter { $0.type == "DecoderLayer" }.count
            #expect(report.totals.blocks == ["TransformerDecoderBlock": try #require(decoderLayers)])
        }
    }

    @Test("inspect names the past-key-value inputs and present outputs as optimum's config does", arguments: files)
    func pastKeyValues(file: String) throws {
        let truth = try #require(Fixtures.entry(file)?.transform?.pastKeyValues)
        let report = InspectReport(file: try ModelFile.open(Fixtures.path(file)))
        func named(_ values: [InspectReport.IOValue], role: String) -> [String] {
            values.compactMap { v in v.kvCache.map { "\(v.name) \($0.role) \($0.layer) \($0.part) \($0.attention)" } }.sorted()
        }
        func expected(_ names: [Manifest.PastKeyValues.Name], role: String) -> [String] {
            names.map { "\($0.name) \(role) \($0.layer) \($0.part) \($0.attention)" }.sorted()
        }
        #expect(named(report.inputs, role: "past") == expected(truth.inputs, role: "past"))
        #expect(named(report.outputs, role: "present") == expected(truth.outputs, role: "present"))
    }

    @Test("cache names: optimum's and the genai builder's forms, and names that only look alike")
    func cacheNames() {
        #expect(KVCacheNames.role(of: "past_key_values.3.value") == .init(role: "past", part: "value", layer: 3, attention: "self"))
        #expect(KVCacheNames.role(of: "present.1.encoder.key") == .init(role: "present", part: "key", layer: 1, attention: "cross"))
        #expect(KVCacheNames.role(of: "present.0.decoder.value")?.attention == "self")
        for name in ["past_key_values", "present.x.key", "present.0.keys", "present.0.other.key", "logits", "present.-1.key", "present.0.key.extra.x"] {
            #expect(KVCacheNames.role(of: name) == nil, "\(name)")
        }
    }
}
