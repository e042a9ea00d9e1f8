import Foundation

/// Renders an ``AuditReport``: each check as pass/FAIL with expected and actual values.
public enum AuditRendering {
    /// The report in `format`, ending without a newline.
    public static func render(_ report: AuditReport, as format: OutputFormat) -> String {
        switch format {
        case .json: JSONRendering.render(report)
        case .table: table(report)
        case .markdown: markdown(report)
        }
    }

    private typealias F = TextFormatting

    static func table(_ r: AuditReport) -> String {
        let failed = r.checks.filter { !$0.passed }.count
        var out = ["\(F.safe(r.file, limit: 200)): \(r.passed ? "audit passed" : "audit FAILED (\(failed) of \(r.checks.count) checks)")"]
        var t = TextTable([.left, .left, .left, .left])
        for c in r.checks {
            t.add([c.passed ? "pass" : "FAIL", c.name, "expected \(F.safe(c.expected, limit: 60))", "got \(F.safe(c.actual, limit: 80))"])
        }
        out.append(t.render())
        return out.joined(separator: "\n")
    }

    static func markdown(_ r: AuditReport) -> String {
        func cell(_ s: String) -> String { F.markdownCell(s, limit: 120) }
        var out = ["### Audit of `\(cell(r.file))`: \(r.passed ? "✅ passed" : "❌ failed")", "",
                   "| | check | expected | actual |", "|---|---|---|---|"]
        for c in r.checks {
            out.append("| \(c.passed ? "✅" : "❌") | \(cell(c.name)) | \(cell(c.expected)) | \(cell(c.actual)) |")
        }
        return out.joined(separator: "\n")
    }
}
