import ArgumentParser
import OnnxScope

/// `onnxscope diff A B`: what changed between two versions of a model.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named here: else ArgumentParser makes the name from the type's name each time it is
        // asked, several times per run (9M instructions of start-up in a profile).
        commandName: "diff",
        abstract: "Compare two ONNX models: interface, ops, opsets, parameters and every weight's values.",
        discussion: """
        The verdict: identical (the same parameters stored the same way), restored (every \
        parameter of A paired with B stored another way, retyped, quantized, packed, split, \
        transposed or folded, each within its conversion's rounding bound, with the interface \
        and layer structure unchanged), or changed.

        Exit codes (like diff(1)): 0 identical (renames and storage moves alone are no \
        difference), and restored with --restored-ok; 1 restored or changed; 2 usage error; \
        3 an input could not be read; 4 output could not be written.
        """
    )

    @Option(name: .shortAndLong, help: "Output format: table, json or markdown.")
    var format: OutputFormat = .table

    @Flag(help: "Print only the totals and the counts of each kind of change.")
    var summary = false

    @Flag(help: "Exit 0 when the verdict is restored (a conversion within its rounding bounds), for CI.")
    var restoredOk = false

    @Flag(help: "List every tensor without a counterpart and every value change, not only parameters.")
    var allTensors = false

    @Argument(help: "The model before.")
    var a: String

    @Argument(help: "The model after.")
    var b: String

    func run() throws {
        let report: DiffReport
        do {
            let analysisA = try ModelAnalysis(path: a), analysisB = try ModelAnalysis(path: b)
            report = try analysisA.diff(to: analysisB, options: DiffReport.Options(allTensors: allTensors))
            try analysisA.file.verifyUnchanged()
            try analysisB.file.verifyUnchanged()
        } catch {
            Output.error(ErrorRendering.line(error))
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
        Output.write(DiffRendering.render(report, as: format, summaryOnly: summary))
        switch report.verdict {
        case .identical: return
        case .restored: if !restoredOk { throw ExitCode(ExitStatus.differences.rawValue) }
        case .changed: throw ExitCode(ExitStatus.differences.rawValue)
        }
    }
}
