import ArgumentParser
import Foundation
import OnnxScope

/// `onnxscope report FILE -o report.html` or `onnxscope report A B -o diff.html`.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named here: else ArgumentParser makes the name from the type's name each time it is
        // asked, several times per run (9M instructions of start-up in a profile).
        commandName: "report",
        abstract: "Write a self-contained HTML report of one model, or of the diff of two.",
        discussion: """
        The page has inline CSS and SVG only: no scripts, no network. `-o -` writes it to \
        stdout. Exit 0 on success, 2 usage error (or a refused -o target), 3 unreadable \
        input, 4 the report could not be written.
        """
    )

    @Option(name: .shortAndLong, help: "The HTML file to write, or - for stdout. Never an input model or its data, a device, FIFO or symlink.")
    var output: String

    @Flag(help: "Replace an existing report file (its mode is kept).")
    var force = false

    @Argument(help: "One model, or two (before and after) for a diff report.")
    var files: [String]

    func validate() throws {
        guard files.count == 1 || files.count == 2 else { throw ValidationError("give one model, or two to compare") }
    }

    func run() throws {
        // Refused before any model is read; checked again, with the external data, when written.
        if output != "-", let failure = OutputFile.check(output, force: force, protecting: files) {
            try Report.fail(failure, output)
        }
        let html: String
        var protected = files
        do {
            if files.count == 1 {
                let analysis = try ModelAnalysis(path: files[0])
                html = ModelReportPage.render(analysis.summary)
                protected += Report.externalData(analysis.file, analysis.inspect)
                try analysis.file.verifyUnchanged()
            } else {
                let a = try ModelAnalysis(path: files[0]), b = try ModelAnalysis(path: files[1])
                html = DiffReportPage.render(try a.diff(to: b), after: b.summary)
                protected += Report.externalData(a.file, a.inspect) + Report.externalData(b.file, b.inspect)
                try a.file.verifyUnchanged()
                try b.file.verifyUnchanged()
            }
        } catch {
            Output.error(ErrorRendering.line(error))
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
        if output == "-" {
            Output.writeRaw(html)
            return
        }
        do {
            try OutputFile.write(Array(html.utf8), to: output, force: force, protecting: protected)
        } catch {
            try Report.fail(error, output)
        }
    }

    /// One line on stderr; exit 2 for a refused target, 4 for a failed write.
    private static func fail(_ failure: OutputFile.Failure, _ output: String) throws -> Never {
        Output.error(ErrorRendering.line(path: output, reason: failure.description))
        switch failure {
        case .refused: throw ExitCode(ExitStatus.usage.rawValue)
        case .failed: throw ExitCode(ExitStatus.outputFailed.rawValue)
        }
    }

    /// The external data files a model names, as paths.
    private static func externalData(_ file: ModelFile, _ report: InspectReport) -> [String] {
        report.weights.external.files.map { file.directory + "/" + $0 }
    }
}
