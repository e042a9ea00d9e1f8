import ArgumentParser
import OnnxScope

/// `onnxscope layers PATH...`: recognized layers, hyper-parameters and the formula audit.
struct Layers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the layers found in ONNX model files, with hyper-parameters and stored vs. textbook parameter counts.",
        discussion: """
        Folders are searched recursively for *.onnx files, read in parallel and reported in \
        order. With --format json, prints one JSON object per line.
        """
    )

    @OptionGroup var options: BatchOptions

    func run() throws {
        let format = options.format
        try BatchRun(options: options, command: "layers").run { path in
            let file = try ModelFile.open(path)
            let report = LayersReport(file: file)
            try file.verifyUnchanged()
            return BatchItem(text: LayersRendering.render(report, as: format), contribution: .init(report))
        }
    }
}
