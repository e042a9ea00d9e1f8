import Foundation
import Testing
@testable import OnnxScope

/// Every renderer's output for a few fixtures, compared with files under `Golden/`.
/// Re-record with `ONNXSCOPE_RECORD_GOLDEN=1 swift test --filter RenderingGoldenTests`
/// and review the diff.
@Suite("Rendering golden files")
struct RenderingGoldenTests {
    static let cases: [(String, OutputFormat)] = [
        ("pytorch/tiny_gpt.torchscript.onnx", .table),
        ("pytorch/tiny_gpt.torchscript.onnx", .markdown),
        ("pytorch/tiny_gpt.torchscript.onnx", .json),
        ("handbuilt/external_missing.onnx", .table),
        ("handbuilt/shared.onnx", .table),
        ("handbuilt/subgraphs.onnx", .json),
    ]

    @Test(arguments: cases)
    func matchesGolden(file: String, format: OutputFormat) throws {
        var report = InspectReport(file: try ModelFile.open(Fixtures.path(file)))
        report.file = file  // the absolute path differs per checkout
        let rendered = InspectRendering.render(report, as: format) + "\n"
        try Golden.check(file.replacingOccurrences(of: "/", with: "__") + "." + format.rawValue + ".golden", rendered)
    }

    static let layerCases: [(String, OutputFormat)] = [
        ("pytorch/tiny_gpt.torchscript.onnx", .table),
        ("pytorch/transformer_decoder.dynamo.onnx", .markdown),
        ("keras/lstm.onnx", .json),
        ("pytorch/lstm.torchscript.onnx", .table),
        ("deploy/resnet_small.static_qdq.onnx", .table),
    ]

    @Test(arguments: layerCases)
    func layersMatchGolden(file: String, format: OutputFormat) throws {
        var report = LayersReport(file: try ModelFile.open(Fixtures.path(file)))
        report.file = file
        let rendered = LayersRendering.render(report, as: format) + "\n"
        try Golden.check("layers__" + file.replacingOccurrences(of: "/", with: "__") + "." + format.rawValue + ".golden", rendered)
    }

    /// Names from a file never put control characters on the terminal.
    @Test func controlCharactersAreEscaped() {
        #expect(TextFormatting.safe("ok\u{1b}[31mred\u{7}") == "ok\\u{1b}[31mred\\u{7}")
        #expect(TextFormatting.safe("tab\there") == "tab\\u{9}here")
        #expect(TextFormatting.safe(String(repeating: "a", count: 100), limit: 11) == "aaaaa…aaaaa")
        #expect(TextFormatting.safe("zero\u{200B}width") == "zero\\u{200b}width")
    }

    @Test func numbersAndBytes() {
        #expect(TextFormatting.grouped(1_234_567) == "1,234,567")
        #expect(TextFormatting.grouped(-12) == "-12")
        #expect(TextFormatting.bytes(512) == "512 B")
        #expect(TextFormatting.bytes(2_040_109_465) == "1.9 GiB")
    }
}
