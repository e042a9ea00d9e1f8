import ArgumentParser
import Foundation
import OnnxScope

/// `onnxscope audit FILE`: checks a model against expectations; exit 1 when any fails.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named here: else ArgumentParser makes the name from the type's name each time it is
        // asked, several times per run (9M instructions of start-up in a profile).
        commandName: "audit",
        abstract: "Check a model against expectations: parameter count, layer kinds, data types, size, ops, opsets, formula mismatches.",
        discussion: """
        Expectations come from options or a JSON file (--expect); options override the file. \
        Without any, the audit still fails on layers whose stored count matches neither formula \
        and on error-severity findings. Exit codes: 0 all checks pass; 1 a check failed; \
        2 usage error; 3 the model is unreadable; 4 output could not be written.
        """
    )

    @Option(name: .shortAndLong, help: "Output format: table, json or markdown.")
    var format: OutputFormat = .table

    @Option(help: "JSON file of expectations (keys: parameters, tolerance, layerCounts, kindParameters, allowedDataTypes, maxBytes, allowedOps, opsetMin, opsetMax, allowMismatch, strictLayers, quantizedBits).")
    var expect: String?

    @Option(help: "Expected parameter count: trainable elements in layers plus unattributed weights (see --strict-layers).")
    var params: Int64?

    @Flag(name: .customLong("strict-layers"), help: "Check --params against the recognized layers' trainable count only.")
    var strictLayers = false

    @Option(help: "Allowed relative deviation of --params, e.g. 0.01 or 1%.")
    var tolerance: String?

    @Option(name: .customLong("layers"), help: "Expected layer count per kind, e.g. LSTM=2 (repeatable).")
    var layerCounts: [String] = []

    @Option(name: .customLong("kind-params"), help: "Expected elements per layer kind, e.g. Dense=840 (repeatable).")
    var kindParams: [String] = []

    @Option(name: .customLong("allow-dtypes"), help: "Comma-separated data types weights may use, e.g. FLOAT,FLOAT16.")
    var allowDataTypes: String?

    @Option(name: .customLong("max-bytes"), help: "Largest allowed weight bytes.")
    var maxBytes: Int64?

    @Option(name: .customLong("allow-ops"), help: "Comma-separated ops the model may use.")
    var allowOps: String?

    @Option(name: .customLong("opset-min"), help: "Lowest allowed ai.onnx opset.")
    var opsetMin: Int64?

    @Option(name: .customLong("opset-max"), help: "Highest allowed ai.onnx opset.")
    var opsetMax: Int64?

    @Option(name: .customLong("quantized"), help: "Bits every layer of a kind must be quantized to, e.g. Dense=4 (repeatable).")
    var quantized: [String] = []

    @Flag(name: .customLong("allow-mismatch"), help: "Do not fail on layers whose stored count matches neither formula.")
    var allowMismatch = false

    @Argument(help: "The ONNX model file, or - for standard input.")
    var file: String

    func run() throws {
        let expectations = try loadExpectations()
        let opened: ModelFile
        do {
            opened = try ModelSource.open(file)
        } catch {
            Output.error(ErrorRendering.line(error))
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
        let report = ModelAnalysis(file: opened).audit(expectations)
        do {
            try opened.verifyUnchanged()
        } catch {
            Output.error(ErrorRendering.line(error))
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
        Output.write(AuditRendering.render(report, as: format))
        if !report.passed { throw ExitCode(ExitStatus.differences.rawValue) }
    }

    private func loadExpectations() throws -> AuditExpectations {
        var fromFile = AuditExpectations()
        if let expect {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: expect))
                fromFile = try JSONDecoder().decode(AuditExpectations.self, from: data)
            } catch {
                throw ValidationError("cannot read expectations from \(expect): \(error.localizedDescription)")
            }
        }
        var options = AuditExpectations()
        options.parameters = params
        if let tolerance {
            let text = tolerance.hasSuffix("%") ? String(tolerance.dropLast()) : tolerance
            guard let value = Double(text), value >= 0 else { throw ValidationError("--tolerance takes a number such as 0.01 or 1%") }
            options.tolerance = tolerance.hasSuffix("%") ? value / 100 : value
        }
        if !layerCounts.isEmpty {
            options.layerCounts = try pairs(layerCounts, option: "--layers").mapValues { Int($0) }
        }
        if !kindParams.isEmpty { options.kindParameters = try pairs(kindParams, option: "--kind-params") }
        options.allowedDataTypes = allowDataTypes.map(list)
        options.maxBytes = maxBytes
        options.allowedOps = allowOps.map(list)
        options.opsetMin = opsetMin
        options.opsetMax = opsetMax
        options.allowMismatch = allowMismatch ? true : nil
        if !quantized.isEmpty {
            let bits = try pairs(quantized, option: "--quantized")
            for (kind, n) in bits where LayerKind(rawValue: kind) == nil || n <= 0 {
                throw ValidationError("--quantized takes KIND=BITS with a layer kind (\(LayerKind.allCases.map(\.rawValue).joined(separator: ", "))) and bits > 0, got \(kind)=\(n)")
            }
            options.quantizedBits = bits
        }
        options.strictLayers = strictLayers ? true : nil
        let merged = fromFile.merged(with: options)
        let problems = merged.problems()
        if !problems.isEmpty { throw ValidationError(problems.map(\.description).joined(separator: "; ")) }
        return merged
    }

    private func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func pairs(_ items: [String], option: String) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = Int64(parts[1]) else { throw ValidationError("\(option) takes KIND=NUMBER, got \(item)") }
            result[String(parts[0])] = n
        }
        return result
    }
}
