import ArgumentParser
import OnnxScope

/// `onnxscope layers FILE...`: recognized layers, hyper-parameters and the formula audit.
struct Layers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the layers found in ONNX model files, with hyper-parameters and stored vs. textbook parameter counts.",
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
                let report = LayersReport(file: try ModelFile.open(path))
                if format != .json, index > 0 { Output.write("") }
                Output.write(LayersRendering.render(report, as: format))
            } catch {
                Output.error(ErrorRendering.line(error))
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.unreadable.rawValue) }
    }
}
