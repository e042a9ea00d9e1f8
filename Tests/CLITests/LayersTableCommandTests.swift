import Foundation
import Testing

/// `layers` table options through the binary: width, whole names, module view, filters,
/// MACs with assumed dimensions, and their usage errors.
@Suite("onnxscope layers table options")
struct LayersTableCommandTests {
    static let gpt = CLI.fixture("pytorch/tiny_gpt_static.dynamo.onnx")

    private func tableLines(_ stdout: String) -> [Substring] {
        Array(stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix { !$0.isEmpty })
    }

    @Test func shareColumnAndMACs() throws {
        let run = try CLI.run(["layers", CLI.fixture("pytorch/mlp.dynamo.onnx")])
        #expect(run.status == 0)
        let lines = tableLines(run.stdout)
        #expect(lines.first?.contains("%") == true && lines.first?.contains("MACs") == true)
        // fc1 holds 544 of 840 trainable elements (64.8%) and does 2·16·32 MACs.
        #expect(lines.contains { $0.contains("fc1") && $0.contains("64.8%") && $0.hasSuffix("1,024") })
        #expect(run.stdout.contains("  MACs: 1,600 per forward pass"))
    }

    @Test func namesFitColumnsOrStayWholeWithWide() throws {
        let long = "tok_emb.positions"
        let narrow = try CLI.run(["layers", Self.gpt], environment: ["COLUMNS": "60"])
        #expect(narrow.status == 0)
        #expect(!narrow.stdout.contains(long))
        #expect(narrow.stdout.contains("tok_emb…"))
        let wide = try CLI.run(["layers", "--wide", Self.gpt], environment: ["COLUMNS": "60"])
        #expect(wide.stdout.contains(long))
        let roomy = try CLI.run(["layers", Self.gpt], environment: ["COLUMNS": "200"])
        #expect(roomy.stdout.contains(long))
        for line in tableLines(roomy.stdout) { #expect(line.count <= 200) }
    }

    @Test func modulesToDepthTwo() throws {
        let run = try CLI.run(["layers", "--by", "module", "--depth", "2", Self.gpt])
        #expect(run.status == 0)
        let lines = tableLines(run.stdout)
        // blocks: 2 · 3,280 trainable elements of 8,768 (74.8%), 2 · 26,624 MACs.
        #expect(lines.contains { $0.hasPrefix("  blocks ") && $0.contains("module") && $0.contains("6,560") && $0.contains("74.8%") && $0.hasSuffix("53,248") })
        #expect(lines.contains { $0.hasPrefix("    blocks.0 ") })
        #expect(!lines.contains { $0.hasPrefix("      ") })
    }

    @Test func filtersAndSort() throws {
        let run = try CLI.run(["layers", "--kind", "Dense", "--name", "fc", "--sort", "params", Self.gpt])
        let names = tableLines(run.stdout).dropFirst().map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(names == ["blocks.0.fc", "blocks.1.fc", "blocks.0.fc_out", "blocks.1.fc_out"])
    }

    @Test func assumedDimensions() throws {
        let file = CLI.fixture("pytorch/tiny_gpt.dynamo.onnx")
        let without = try CLI.run(["layers", file])
        #expect(without.stdout.contains("MACs: not all known (shapes not declared) · unresolved seq (use --assume NAME=N)"))
        let with = try CLI.run(["layers", "--assume", "seq=8", file])
        #expect(with.stdout.contains("MACs: 61,440 per forward pass · assumed seq=8"))
    }

    @Test("usage errors", arguments: [
        (["--kind", "Lstm"], "unknown layer kind 'Lstm' in --kind (did you mean 'LSTM'?); valid: Dense,"),
        (["--name", "("], "--name takes a regular expression"),
        (["--depth", "0"], "--depth must be at least 1"),
        (["--assume", "batch"], "--assume takes NAME=N"),
        (["--by", "block"], "Please provide one of 'layer' and 'module'"),
        (["--sort", "size"], "Please provide one of 'graph' and 'params'"),
    ])
    func usageErrors(options: [String], message: String) throws {
        let run = try CLI.run(["layers"] + options + [Self.gpt])
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }
}

/// `inspect` tables follow the same layout rules: 48 characters when stdout is not a
/// terminal, the width of COLUMNS when set, whole with --wide.
@Suite("onnxscope inspect table width")
struct InspectTableWidthTests {
    static let model = CLI.fixture("keras/simplernn.onnx")
    static let name = "simplernn/simplernn/simple_rnn_cell/MatMul_1/ReadVariableOp/resource:0"

    @Test func longNamesFitOrStayWhole() throws {
        let piped = try CLI.run(["inspect", Self.model])
        #expect(piped.status == 0)
        #expect(!piped.stdout.contains(Self.name))
        #expect(piped.stdout.contains("  simplernn/simplernn/sim…eadVariableOp/resource:0  FLOAT"))
        let wide = try CLI.run(["inspect", "--wide", Self.model])
        #expect(wide.stdout.contains(Self.name))
        let roomy = try CLI.run(["inspect", Self.model], environment: ["COLUMNS": "160"])
        #expect(roomy.stdout.contains(Self.name))
        let narrow = try CLI.run(["inspect", Self.model], environment: ["COLUMNS": "80"])
        let largest = narrow.stdout.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("Largest weights") }.dropFirst().prefix { !$0.isEmpty }
        #expect(!largest.isEmpty)
        for line in largest { #expect(line.count <= 80, "\(line)") }
    }
}
