import Foundation
import Testing
@testable import OnnxScope

/// The diff renderers' output for a few pairs, compared with files under `Golden/`.
/// Re-record with `ONNXSCOPE_RECORD_GOLDEN=1 swift test --filter DiffRenderingGoldenTests`
/// and review the diff.
@Suite("Diff rendering golden files")
struct DiffRenderingGoldenTests {
    static let cases: [(String, OutputFormat, Bool)] = [
        ("layer_added_removed", .table, false),
        ("layer_added_removed", .markdown, false),
        ("layer_added_removed", .json, false),
        ("renamed", .table, false),
        ("symbolic_batch", .table, false),
        ("exporters_lstm", .table, true),
        ("fp16", .json, true),
        ("restored_dynamic_conv", .table, false),
        ("restored_ort_fusion", .markdown, false),
        ("restored_bn_fold_mutant", .table, false),
    ]

    @Test(arguments: cases)
    func matchesGolden(pair: String, format: OutputFormat, summary: Bool) throws {
        let e = try #require(DiffExpectations.shared.cases[pair])
        var report = try DiffReport(a: ModelFile.open(Fixtures.path(e.a)), b: ModelFile.open(Fixtures.path(e.b)))
        (report.a, report.b) = (e.a, e.b)  // the absolute paths differ per checkout
        let rendered = DiffRendering.render(report, as: format, summaryOnly: summary) + "\n"
        try Golden.check("diff__\(pair).\(format.rawValue)\(summary ? ".summary" : "").golden", rendered)
    }
}
