import ArgumentParser
import OnnxScope

extension OutputFormat: ExpressibleByArgument {}

/// `onnxscope inspect PATH...`: model facts, interface, op histogram and the stored-weight account.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named here: else ArgumentParser makes the name from the type's name each time it is
        // asked, several times per run (9M instructions of start-up in a profile).
        commandName: "inspect",
        abstract: "Summarize ONNX model files: IR, opsets, inputs and outputs, ops, and every stored weight.",
        discussion: """
        Folders are searched recursively for *.onnx files, read in parallel and reported in \
        order. With --format json, prints one JSON object per line.
        """
    )

    @OptionGroup var options: BatchOptions

    func run() throws {
        let format = options.format, layout = options.layout
        try BatchRun(options: options, command: "inspect").run { path in
            let file = try ModelSource.open(path)
            let report = InspectReport(file: file)
            try file.verifyUnchanged()
            let text = PhaseClock.measure(.rendering) { InspectRendering.render(report, as: format, layout: layout) }
            let item = BatchItem(text: text, contribution: .init(report))
            // A large model is freed on another core while the output is written.
            let size = file.metadataBytes
            BackgroundFree.free((consume file, consume report), metadataBytes: size)
            return item
        }
    }
}
