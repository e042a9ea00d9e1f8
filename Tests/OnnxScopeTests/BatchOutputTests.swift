import Testing
@testable import OnnxScope

@Suite("Progress line, batch summary and error objects")
struct BatchOutputTests {
    @Test func progressLineShowsCountRateAndFile() {
        let line = ProgressRendering.line(done: 250, total: 1000, current: "models/a.onnx", seconds: 2, width: 80)
        #expect(line == "[#####---------------]  250/1000  125 files/s  models/a.onnx")
    }

    @Test func progressLineFitsTheWidth() {
        let long = String(repeating: "d/", count: 100) + "model.onnx"
        let line = ProgressRendering.line(done: 3, total: 7, current: long, seconds: 4, width: 60)
        #expect(line.count == 59)
        #expect(line.hasPrefix("[########------------] 3/7  0.8 files/s  d/d/"))
        #expect(line.hasSuffix("d/d/d/d/…odel.onnx"))
    }

    @Test func progressLineEscapesControlCharacters() {
        let line = ProgressRendering.line(done: 0, total: 1, current: "evil\u{1b}[2J.onnx", seconds: 0, width: 80)
        #expect(!line.contains("\u{1b}"))
        #expect(line.contains("\\u{1b}"))
    }

    @Test func summaryCountsFilesAndFailuresAndSaturates() {
        var summary = BatchSummary(command: "inspect")
        var big = BatchSummary.Contribution(InspectReport.emptyForTests(elements: .max - 1))
        summary.add(big)
        big.parameters = 5
        summary.add(big)
        summary.addFailure(path: "bad.onnx")
        #expect(summary.summary.files == 3)
        #expect(summary.summary.succeeded == 2)
        #expect(summary.summary.failed == 1)
        #expect(summary.summary.failedFiles == ["bad.onnx"])
        #expect(summary.summary.parameters == .max)
        #expect(summary.summary.weightElements == .max)
        #expect(summary.summary.trainableParameters == nil)
    }

    /// The summary's new keys carry one meaning each: 840 trainable parameters is the
    /// manifest's (PyTorch's) count for the MLP, in both exports.
    @Test func summaryKeysHaveOneMeaning() throws {
        let files = [Fixtures.path("pytorch/mlp.torchscript.onnx"), Fixtures.path("pytorch/mlp.dynamo.onnx")]
        var inspect = BatchSummary(command: "inspect"), layers = BatchSummary(command: "layers")
        for file in files {
            let opened = try ModelFile.open(file)
            inspect.add(.init(InspectReport(file: opened)))
            layers.add(.init(LayersReport(file: opened)))
        }
        let stored = try files.map { try InspectReport(file: ModelFile.open($0)).weights.elements }
        #expect(inspect.summary.weightElements == stored.reduce(0, +))
        #expect(inspect.summary.trainableParameters == nil)
        #expect(layers.summary.weightElements == nil)
        #expect(layers.summary.trainableParameters == Int64(840 * 2))
    }

    @Test func summaryAndErrorObjectsAreOneJSONLine() {
        var summary = BatchSummary(command: "layers")
        summary.addFailure(path: "x.onnx")
        let json = BatchRendering.render(summary, as: .json)
        #expect(json == #"{"schemaVersion":1,"summary":{"command":"layers","failed":1,"failedFiles":["x.onnx"],"# +
            #""files":1,"findings":0,"layers":0,"nodes":0,"parameters":0,"succeeded":0,"trainableParameters":0,"# +
            #""weightBytes":0,"weightElements":null}}"#)
        #expect(BatchRendering.errorObject(file: "a/b.onnx", reason: "no such file")
            == #"{"error":"no such file","file":"a/b.onnx"}"#)
        #expect(BatchRendering.render(summary, as: .table)
            == "Summary (layers)\n  1 file · 0 read · 1 failed · 0 layers · 0 trainable parameters · 0 findings\n  failed: x.onnx")
    }
}

extension InspectReport {
    /// A report with no model behind it, holding `elements` weight elements.
    static func emptyForTests(elements: Int64) -> InspectReport {
        var weights = Weights()
        weights.elements = elements
        return InspectReport(
            file: "t.onnx", fileBytes: 0, metadataBytes: 0, irVersion: 8, opsets: [:], producer: Producer(name: "", version: ""),
            modelDomain: "", modelVersion: nil, metadata: [:], inputs: [], outputs: [], ops: [:], nodes: 3, graphs: 1,
            functions: 0, weights: weights, findings: [])
    }
}
