import ArgumentParser
import OnnxScope

/// `onnxscope diff A B`: what changed between two versions of a model.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two ONNX models: interface, ops, opsets, parameters and every weight's values.",
        discussion: """
        Exit codes (like diff(1)): 0 no difference (renames and storage moves alone are no \
        difference); 1 differences; 2 usage error; 3 an input could not be read; 4 output \
        could not be written.
        """
    )

    @Option(name: .shortAndLong, help: "Output format: table, json or markdown.")
    var format: OutputFormat = .table

    @Flag(help: "Print only the totals and the counts of each kind of change.")
    var summary = false

    @Argument(help: "The model before.")
    var a: String

    @Argument(help: "The model after.")
    var b: String

    func run() throws {
        let report: DiffReport
        do {
            let analysisA = try ModelAnalysis(path: a), analysisB = try ModelAnalysis(path: b)
            report = try analysisA.diff(to: analysisB)
            try analysisA.file.verifyUnchanged()
            try analysisB.file.verifyUnchanged()
        } catch {
            Output.error(ErrorRendering.line(error))
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
        Output.write(DiffRendering.render(report, as: format, summaryOnly: summary))
        if !report.identical { throw ExitCode(ExitStatus.differences.rawValue) }
    }
}
