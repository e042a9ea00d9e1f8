import Foundation
import Testing
@testable import OnnxScope

/// The HTML pages: golden files, escaping, one inline script and no network, and the size of the
/// page for a model with 100,000 layers.
@Suite("HTML report pages")
struct HTMLReportTests {
    private func summary(_ file: String) throws -> ModelSummary {
        var s = ModelSummary(file: try ModelFile.open(Fixtures.path(file)))
        s.inspect.file = file
        s.layers.file = file
        return s
    }

    @Test func modelPageGolden() throws {
        try Golden.check("report__transformer_encoder.torchscript.html.golden",
                   ModelReportPage.render(try summary("pytorch/transformer_encoder.torchscript.onnx")))
    }

    @Test func diffPageGolden() throws {
        let a = "diff/layer_added_removed.a.onnx", b = "diff/layer_added_removed.b.onnx"
        var diff = try DiffReport(a: ModelFile.open(Fixtures.path(a)), b: ModelFile.open(Fixtures.path(b)))
        diff.a = a
        diff.b = b
        let page = DiffReportPage.render(diff, after: try summary(b))
        #expect(page.contains("hl-added"))
        try Golden.check("report__diff_layer_added_removed.html.golden", page)
    }

    @Test func pagesAreSelfContained() throws {
        let page = ModelReportPage.render(try summary("pytorch/tiny_gpt.dynamo.onnx"))
        // One inline script (the layer table's filter and fold buttons), nothing loaded.
        #expect(page.components(separatedBy: "<script").count == 2)
        #expect(!page.contains("<script src"))
        #expect(!page.contains("http://") || !page.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(!page.contains("https://"))
        #expect(!page.contains("@import") && !page.contains("url("))
        #expect(page.contains("prefers-color-scheme: dark"))
    }

    @Test func namesAreEscaped() {
        #expect(HTMLDocument.escape("<script>\"x\" & 'y'\u{1b}[2J") == "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;\\u{1b}[2J")
    }

    /// 100,000 layers still give a page under 10 MB: small layers are merged in the
    /// treemap and the table lists top-level layers only.
    @Test func hugeModelsStayUnderTenMegabytes() throws {
        let count = 100_000
        var layers: [LayersReport.Entry] = []
        var sizes: [String: Int64] = [:]
        layers.reserveCapacity(count)
        for i in 0..<count {
            let n = Int64(16 + (i % 7) * 16)
            layers.append(LayersReport.Entry(
                name: "layer\(i)", kind: .dense, nodes: ["n\(i)"], nodeNames: ["n\(i)"], weights: ["w\(i)"],
                hyper: [.inputSize: .int(4), .outputSize: .int(n / 4)], stored: n, nonTrainable: 0,
                predicted: .init(textbook: n, convention: n), status: .match, explanation: "", children: []))
            sizes["w\(i)"] = n
        }
        let report = LayersReport(
            file: "huge.onnx", layers: layers,
            totals: .init(byKind: ["Dense": 1], blocks: [:], trainable: 1, nonTrainable: 0, layerCount: count),
            coverage: .init(attributedElements: 1, floatElements: 1, parameterElements: 1, ratio: 1), unattributed: [],
            quantizationOverhead: [], readOnlyForShape: [], findings: [])
        let inspect = InspectReport(file: try ModelFile.open(Fixtures.path("keras/mlp.onnx")))
        let page = ModelReportPage.render(ModelSummary(inspect: inspect, layers: report, weightElements: sizes))
        #expect(page.utf8.count < 10_000_000)
        #expect(page.contains("small layers"))
    }
}
