import ArgumentParser
import Foundation
import OnnxScope

/// `onnxscope report FILE -o report.html` or `onnxscope report A B -o diff.html`.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report of one model, or of the diff of two.",
        discussion: "The page has inline CSS and SVG only: no scripts, no network. Exit 0 on success, 2 usage error, 3 unreadable input."
    )

    @Option(name: .shortAndLong, help: "The HTML file to write (refused if it is one of the inputs).")
    var output: String

    @Argument(help: "One model, or two (before and after) for a diff report.")
    var files: [String]

    func validate() throws {
        guard files.count == 1 || files.count == 2 else { throw ValidationError("give one model, or two to compare") }
        let target = URL(fileURLWithPath: output).standardizedFileURL.path
        if files.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.path == target }) {
            throw ValidationError("the report would overwrite an input model: \(output)")
        }
    }

    func run() throws {
        let html: String
        do {
            if files.count == 1 {
                html = ModelReportPage.render(try ModelAnalysis(path: files[0]).summary)
            } else {
                let a = try ModelAnalysis(path: files[0]), b = try ModelAnalysis(path: files[1])
                html = DiffReportPage.render(try a.diff(to: b), after: b.summary)
            }
        } catch {
            Output.error(ErrorRendering.line(error))
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Output.error(ErrorRendering.line(path: output, reason: "cannot write the report: \(error.localizedDescription)"))
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
    }
}
