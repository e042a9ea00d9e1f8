import ArgumentParser
import OnnxScope

extension OutputSchema: ExpressibleByArgument {}

/// `onnxscope schema NAME`: prints the JSON Schema of a command's JSON output.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named here: else ArgumentParser makes the name from the type's name each time it is
        // asked, several times per run (9M instructions of start-up in a profile).
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of a JSON output: inspect, layers, diff, audit or summary.",
        discussion: "summary is the last line of inspect/layers --summary --format json."
    )

    @Argument(help: "Which output: inspect, layers, diff, audit or summary.")
    var output: OutputSchema

    func run() throws {
        Output.write(output.text)
    }
}
