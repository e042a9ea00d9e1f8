import Testing
@testable import OnnxScope

/// The shortcuts that spare recognizers work on large graphs give what the long way gives:
/// a norm anchor left out of a graph could have matched nothing there, and the module-path
/// counts a feed-forward network is named by are the counts by string.
@Suite("Recognition shortcuts")
struct RecognitionShortcutTests {
    /// In every graph of every fixture, each `Mul` and `Div` that `anchorOps(in:)` leaves out
    /// anchors no norm; and some fixture graphs keep them (a mean op is there) and find one.
    @Test func normAnchorsLeftOutMatchNothing() throws {
        var skipped = 0, kept = 0, mismatches: [String] = []
        for file in Fixtures.allFiles {
            let graphs = try Fixtures.graphIndexes(file)
            let context = RecognitionContext(indexes: graphs)
            for graph in graphs {
                let ops = NormRecognizer.anchorOps(in: graph) ?? []
                let left = ["Mul", "Div"].filter { !ops.contains($0) }
                if left.isEmpty { kept += 1; continue }
                for i in graph.nodes(ofType: Set(left)) {
                    skipped += 1
                    if NormRecognizer.match(graph, i, context) != nil { mismatches.append("\(file) \(graph.path) node \(i)") }
                }
            }
        }
        let none = mismatches.isEmpty
        #expect(none, "\(mismatches.count) left-out anchors match, first \(mismatches.prefix(5))")
        #expect(skipped > 1000)
        #expect(kept > 0)
    }

    /// tf2onnx's Keras LayerNorm takes its mean with `GlobalAveragePool` (8 of them in the
    /// Keras transformer, beside one `ReduceMean`): its four norms are still found, named as
    /// Keras names its `LayerNormalization` modules.
    @Test func kerasNormsAreFoundWithTheShortcut() throws {
        let file = "keras/transformer.onnx"
        let report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        let found = report.layers.flatMap { flatten($0) }.filter { $0.kind == .layerNorm }.map(\.name)
        let modules = try #require(Fixtures.entry(file)?.framework).modules.filter { $0.type == "LayerNormalization" }.map(\.name)
        #expect(modules.count == 4)
        #expect(found.sorted() == modules.sorted())
    }

    private func flatten(_ entry: LayersReport.Entry) -> [LayersReport.Entry] {
        [entry] + entry.children.flatMap(flatten)
    }

    @Test func modulePathCountsByBytes() {
        let paths = FeedForwardRecognizer.ModulePaths(["a.b.c", "a.b", "a.x.y", "m/d/k", "m/d"])
        #expect(paths.names(at: "a") == 3)
        #expect(paths.names(at: "a.b") == 2)
        #expect(paths.names(at: "a.b.c") == 1)
        #expect(paths.names(at: "a.x") == 1)
        #expect(paths.names(at: "m/d") == 2)
        #expect(paths.names(at: "m") == 2)
        #expect(paths.names(at: "b") == 0)
        #expect(paths.names(at: "a.") == 0)
    }

    /// A non-ASCII name is counted by string, as Swift compares strings: a path in NFC and
    /// one in NFD are the same path.
    @Test func modulePathCountsByStringWhenNotASCII() {
        let composed = "bl\u{F6}ck", decomposed = "blo\u{308}ck"
        let paths = FeedForwardRecognizer.ModulePaths([composed + ".up", decomposed + ".down", "other.x"])
        #expect(paths.names(at: composed) == 2)
        #expect(paths.names(at: decomposed) == 2)
        #expect(paths.names(at: "other") == 1)
    }
}
