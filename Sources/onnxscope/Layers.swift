import ArgumentParser
import OnnxScope

/// `onnxscope layers PATH...`: recognized layers, hyper-parameters and the formula audit.
struct Layers: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named here: else ArgumentParser makes the name from the type's name each time it is
        // asked, several times per run (9M instructions of start-up in a profile).
        commandName: "layers",
        abstract: "List the layers found in ONNX model files, with hyper-parameters and stored vs. textbook parameter counts.",
        discussion: """
        Folders are searched recursively for *.onnx files, read in parallel and reported in \
        order. With --format json, prints one JSON object per line. The table options shape \
        the table only: JSON and Markdown list every layer.
        """
    )

    @OptionGroup var options: BatchOptions

    @OptionGroup(title: "Table") var table: LayersViewArguments

    func run() throws {
        let format = options.format
        let viewOptions = try table.options()
        let layout = options.layout
        try BatchRun(options: options, command: "layers").run { path in
            let file = try ModelSource.open(path)
            // The table's view (modules, MACs, sorting) is built for the table only; its
            // declared shapes on the second core, while the layers are recognized.
            let model = file.model
            let shapes = format == .table ? BackgroundWork { LayersView.Shapes(of: model, options: viewOptions) } : nil
            let report = LayersReport(file: file)
            try file.verifyUnchanged()
            let text = PhaseClock.measure(.rendering) {
                let view = shapes.map { LayersView(report, shapes: $0.value, options: viewOptions) }
                return LayersRendering.render(report, as: format, view: view, layout: layout)
            }
            let item = BatchItem(text: text, contribution: .init(report))
            // A large model, its report and the shapes work (which holds the model too) are
            // freed on another core while the output is written.
            let size = file.metadataBytes
            BackgroundFree.free((consume file, consume report, consume shapes, consume model), metadataBytes: size)
            return item
        }
    }
}
