import Foundation
import Testing
@testable import OnnxScope

/// Markdown for pull-request comments: `layers` puts a compact summary before a collapsed
/// table of at most five columns, and `inspect` keeps every section of its table output.
@Suite("Markdown for pull-request comments")
struct MarkdownCommentTests {
    /// A 60-layer MLP built here: 60 Gemm layers of a 4×4 weight and a bias, 20 elements each.
    static func sixtyLayers() throws -> ModelFile {
        var nodes: [[UInt8]] = [], weights: [[UInt8]] = []
        for i in 0..<60 {
            weights.append(ModelBytes.tensor("net.\(i).weight", dims: [4, 4], raw: ModelBytes.floatBytes(Array(repeating: 0.5, count: 16))))
            weights.append(ModelBytes.tensor("net.\(i).bias", dims: [4], raw: ModelBytes.floatBytes([1, 2, 3, 4])))
            nodes.append(ModelBytes.node("Gemm", name: "/net.\(i)/Gemm", inputs: [i == 0 ? "x" : "h\(i)", "net.\(i).weight", "net.\(i).bias"],
                                         outputs: [i == 59 ? "y" : "h\(i + 1)"],
                                         attributes: [ProtoWriter.message { a in a.field(1, string: "transB"); a.field(3, varint: 1); a.field(20, varint: 2) }]))
        }
        let bytes = ModelBytes.model(ModelBytes.graph(nodes: nodes, initializers: weights, inputs: ["x"], outputs: ["y"]))
        return try ModelFile.open(bytes: bytes, name: "sixty.onnx")
    }

    @Test func layersCommentIsASummaryThenACollapsedTable() throws {
        let report = LayersReport(file: try Self.sixtyLayers())
        #expect(report.totals.layerCount == 60)
        let markdown = LayersRendering.render(report, as: .markdown)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let details = try #require(lines.firstIndex { $0.hasPrefix("<details>") })
        // The summary: 60 · 20 trainable elements, 60 layers, full coverage, no mismatch, five largest.
        let summary = lines[..<details].joined(separator: "\n")
        #expect(summary.contains("**1,200** trainable parameters"))
        #expect(summary.contains("**60** layers · coverage **100.0%** · no mismatch"))
        #expect(lines[..<details].filter { $0.hasPrefix("| `net.") }.count == 5)
        // The full table: every layer, each row five cells.
        let rows = lines[details...].filter { $0.hasPrefix("| `") || $0.hasPrefix("| &nbsp;") }
        #expect(rows.count == 60)
        for line in lines where line.hasPrefix("|") {
            #expect(Self.cells(line) <= 5, "\(line)")
        }
        #expect(lines.contains("</details>"))
    }

    @Test func explanationsAreFootnotes() throws {
        let report = LayersReport(file: try ModelFile.open(Fixtures.path("pytorch/tiny_gpt_static.dynamo.onnx")))
        let markdown = LayersRendering.render(report, as: .markdown)
        let references = Set(markdown.split(separator: "\n").filter { $0.hasPrefix("|") }.flatMap { line in
            line.split(separator: " ").filter { $0.hasPrefix("[^") }
        })
        #expect(!references.isEmpty)
        for reference in references {
            #expect(markdown.contains("\n\(reference): "), "footnote \(reference) is not defined")
        }
        // The two blocks share one explanation: one footnote.
        #expect(markdown.components(separatedBy: "this block's has two").count == 2)
        for line in markdown.split(separator: "\n") where line.hasPrefix("|") {
            #expect(!line.contains("explained:"), "explanation glued into the status cell: \(line)")
        }
    }

    /// GitHub's renderer (cmark-gfm, with its table and footnote extensions) makes the
    /// comment a summary table, then a `<details>` holding the full table, then footnotes.
    @Test(.enabled(if: MarkdownRenderer.available || MarkdownRenderer.required, "cmark-gfm is missing (Debian: cmark-gfm)"))
    func rendersLikeGitHub() throws {
        let report = LayersReport(file: try Self.sixtyLayers())
        let html = try MarkdownRenderer.html(LayersRendering.render(report, as: .markdown))
        let details = try #require(html.range(of: "<details>"))
        let before = html[..<details.lowerBound], inside = html[details.lowerBound...]
        #expect(before.components(separatedBy: "<table>").count == 2, "one summary table before the details")
        #expect(inside.components(separatedBy: "<table>").count == 2, "one table inside the details")
        #expect(inside.components(separatedBy: "<tr>").count - 1 == 61, "header and 60 rows")
        let footnoted = LayersReport(file: try ModelFile.open(Fixtures.path("pytorch/tiny_gpt_static.dynamo.onnx")))
        let withNotes = try MarkdownRenderer.html(LayersRendering.render(footnoted, as: .markdown))
        #expect(withNotes.contains("class=\"footnotes\""))
        #expect(withNotes.contains("<sup class=\"footnote-ref\">"))
    }

    @Test func inspectMarkdownKeepsEverySection() throws {
        let shared = InspectRendering.render(InspectReport(file: try ModelFile.open(Fixtures.path("handbuilt/shared.onnx"))), as: .markdown)
        for section in ["nodes in 1 graph", "| input |", "Ops (", "**Weights:**", "| data type |", "Largest weights", "Shared weights", "**Findings:** none"] {
            #expect(shared.contains(section), "\(section)")
        }
        let external = InspectRendering.render(InspectReport(file: try ModelFile.open(Fixtures.path("handbuilt/external.onnx"))), as: .markdown)
        #expect(external.contains("| external files | `external.data` |"))
        let sparse = InspectRendering.render(InspectReport(file: try ModelFile.open(Fixtures.path("handbuilt/sparse.onnx"))), as: .markdown)
        #expect(sparse.contains("| sparse (1 tensors) |"))
    }

    /// Cells of a Markdown table row (escaped pipes excepted).
    static func cells(_ line: String) -> Int {
        line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count - 1
    }
}

enum MarkdownRenderer {
    static let path = "/usr/bin/cmark-gfm"
    static let required = ProcessInfo.processInfo.environment["ONNXSCOPE_REQUIRE_MARKDOWN_RENDERER"] == "1"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// GitHub-flavoured HTML of `markdown`.
    static func html(_ markdown: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--unsafe", "-e", "table", "-e", "footnotes", "-e", "autolink", "-e", "strikethrough"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(markdown.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
