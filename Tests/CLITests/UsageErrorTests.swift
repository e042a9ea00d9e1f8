import Foundation
import Testing

/// Usage mistakes exit 2 with a line that says what is valid.
@Suite("usage errors")
struct UsageErrorTests {
    static let model = CLI.fixture("pytorch/mlp.dynamo.onnx")

    @Test func mistypedSubcommandGetsASuggestion() throws {
        let run = try CLI.run(["inspectt", Self.model])
        #expect(run.status == 2)
        #expect(run.stderr == "Error: unknown subcommand 'inspectt'. Did you mean 'inspect'? Subcommands: inspect, layers, diff, audit, report, schema.\n")
        let file = try CLI.run([Self.model])
        #expect(file.status == 2)
        #expect(file.stderr.contains("Did you mean 'onnxscope inspect \(Self.model)'?"))
    }

    @Test func mistypedOptionGetsArgumentParsersSuggestion() throws {
        let run = try CLI.run(["inspect", "--formatt", "json", Self.model])
        #expect(run.status == 2)
        #expect(run.stderr.contains("Did you mean '--format'?"))
    }

    @Test("unknown audit values are usage errors", arguments: [
        (["--layers", "Lstm=1"], "unknown layer kind 'Lstm' in --layers / layerCounts (did you mean 'LSTM'?); valid: Dense, Conv, ConvTranspose, RNN, GRU, LSTM,"),
        (["--kind-params", "dense=840"], "unknown layer kind 'dense' in --kind-params / kindParameters (did you mean 'Dense'?)"),
        (["--allow-dtypes", "FLOAT,float32"], "unknown data type 'float32' in --allow-dtypes / allowedDataTypes (did you mean 'FLOAT'?); valid: FLOAT, UINT8,"),
        (["--allow-ops", "Gemm,Relu,Gemmm"], "unknown op 'Gemmm' in --allow-ops / allowedOps (did you mean 'Gemm'?)"),
    ])
    func auditValues(options: [String], message: String) throws {
        let run = try CLI.run(["audit"] + options + [Self.model])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test func expectationsFileIsCheckedToo() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-expect-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"layerCounts": {"Lstm": 1}}"#.utf8).write(to: file)
        let run = try CLI.run(["audit", "--expect", file.path, Self.model])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unknown layer kind 'Lstm'"))
        // Valid values still audit the model: the manifest gives this export 3 Gemm nodes, each a Dense layer.
        try Data(#"{"layerCounts": {"Dense": 3}, "allowedOps": ["Gemm", "Relu"]}"#.utf8).write(to: file)
        let ok = try CLI.run(["audit", "--expect", file.path, Self.model])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
    }
}
