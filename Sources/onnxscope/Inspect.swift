import ArgumentParser
import OnnxScope

extension OutputFormat: ExpressibleByArgument {}

/// `onnxscope inspect FILE...`: model facts, interface, op histogram and the stored-weight account.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize ONNX model files: IR, opsets, inputs and outputs, ops, and every stored weight.",
        discussion: "With several files and --format json, prints one JSON object per line."
    )

    @Option(name: .shortAndLong, help: "Output format: table, json or markdown.")
    var format: OutputFormat = .table

    @Argument(help: "ONNX model files.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one model file") }
    }

    func run() throws {
        var failed = false
        for (index, path) in files.enumerated() {
            do {
                let report = InspectReport(file: try ModelFile.open(path))
                if format != .json, index > 0 { Output.write("") }
                Output.write(InspectRendering.render(report, as: format))
            } catch {
                Output.error(ErrorRendering.line(error))
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.unreadable.rawValue) }
    }
}
