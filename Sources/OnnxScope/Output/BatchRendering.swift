import Foundation

/// Renders what a run over many files adds to the per-file reports: the error object of
/// a file that failed (JSON Lines) and the final summary.
public enum BatchRendering {
    /// The JSON Lines object for a file that could not be read: `{"error": ..., "file": ...}`.
    public static func errorObject(file: String, reason: String) -> String {
        JSONRendering.render(FileError(error: reason, file: file))
    }

    /// The summary in `format`, ending without a newline.
    public static func render(_ summary: BatchSummary, as format: OutputFormat) -> String {
        let s = summary.summary
        switch format {
        case .json:
            return JSONRendering.render(summary)
        case .table:
            var lines = ["Summary (\(s.command))", "  " + totals(s)]
            lines += s.failedFiles.map { "  failed: \(TextFormatting.safe($0, limit: 200))" }
            return lines.joined(separator: "\n")
        case .markdown:
            var lines = ["### Summary (`\(s.command)`)", "", totals(s)]
            if !s.failedFiles.isEmpty {
                lines.append("")
                lines += s.failedFiles.map { "- failed: `\(TextFormatting.safe($0, limit: 200))`" }
            }
            return lines.joined(separator: "\n")
        }
    }

    private static func totals(_ s: BatchSummary.Totals) -> String {
        let F = TextFormatting.self
        var parts = ["\(F.grouped(s.files)) file\(s.files == 1 ? "" : "s")", "\(F.grouped(s.succeeded)) read",
                     "\(F.grouped(s.failed)) failed"]
        if s.command == "layers" {
            parts.append("\(F.grouped(s.layers)) layers")
            parts.append("\(F.grouped(s.parameters)) trainable parameters")
        } else {
            parts.append("\(F.grouped(s.nodes)) nodes")
            parts.append("\(F.grouped(s.parameters)) parameters")
            parts.append("\(F.bytes(s.weightBytes)) of weights")
        }
        parts.append("\(F.grouped(s.findings)) findings")
        return parts.joined(separator: " · ")
    }

    private struct FileError: Encodable {
        var error: String
        var file: String
    }
}
