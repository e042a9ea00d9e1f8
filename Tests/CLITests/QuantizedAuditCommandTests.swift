import Foundation
import Testing

/// `onnxscope audit` on quantized models (issue #14): `--quantized KIND=BITS` and
/// `--allow-dtypes` judged against the quantizer's own record in Fixtures/manifest.json.
@Suite("onnxscope audit on quantized models")
struct QuantizedAuditCommandTests {
    /// The manifest entry of `file`, as JSON.
    static func entry(_ file: String) throws -> [String: Any] {
        let data = try Data(contentsOf: CLI.packageRoot.appendingPathComponent("Fixtures/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let fixtures = try #require(manifest["fixtures"] as? [[String: Any]])
        return try #require(fixtures.first { $0["file"] as? String == file })
    }

    /// Number of torch Linear modules in the source model.
    static func linearModules(_ entry: [String: Any]) throws -> Int {
        let framework = try #require(entry["framework"] as? [String: Any])
        let modules = try #require(framework["modules"] as? [[String: Any]])
        return modules.filter { $0["type"] as? String == "Linear" }.count
    }

    @Test func everyDenseLayerIsFourBit() throws {
        let file = "deploy/llama_gqa.matmul_4bits_block32.onnx"
        let transform = try #require(try Self.entry(file)["transform"] as? [String: Any])
        let nodes = try #require(transform["matMulNBits"] as? [[String: Any]])
        // The quantizer turned every Linear into a 4-bit MatMulNBits.
        #expect(nodes.count == (try Self.linearModules(Self.entry(file))))
        #expect(nodes.allSatisfy { $0["bits"] as? Int == 4 })
        let run = try CLI.run(["audit", CLI.fixture(file), "--quantized", "Dense=4", "--allow-mismatch", "-f", "json"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains(#""name":"quantized.Dense","passed":true"#))
        let eight = try CLI.run(["audit", CLI.fixture(file), "--quantized", "Dense=8", "--allow-mismatch"])
        #expect(eight.status == 1)
        #expect(eight.stdout.contains("FAIL  quantized.Dense"))
    }

    @Test func floatModelIsNotQuantized() throws {
        let run = try CLI.run(["audit", CLI.fixture("deploy/gpt2.float16.onnx"), "--quantized", "Dense=8", "--allow-mismatch"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("not quantized"))
    }

    @Test func dataTypesOfQuantizedLayers() throws {
        let file = "deploy/bert_eager.dynamic_qint8.onnx"
        let entry = try Self.entry(file)
        let transform = try #require(entry["transform"] as? [String: Any])
        let quantized = try #require(transform["quantizedWeights"] as? [[String: Any]])
        // Every Linear (and the three embedding tables) was quantized to 8 bits.
        #expect(quantized.filter { !(($0["source"] as? String) ?? "").hasPrefix("embeddings.") }.count == (try Self.linearModules(entry)))
        let types = Set(quantized.compactMap { $0["type"] as? String } + ["FLOAT"]).sorted()
        let pass = try CLI.run(["audit", CLI.fixture(file), "--allow-dtypes", types.joined(separator: ","), "--quantized", "Dense=8"])
        #expect(pass.status == 0, "\(pass.stdout)")
        let fail = try CLI.run(["audit", CLI.fixture(file), "--allow-dtypes", "FLOAT"])
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("also " + types.filter { $0 != "FLOAT" }.joined(separator: ",")))
    }

    @Test func unknownKindIsAUsageError() throws {
        let run = try CLI.run(["audit", CLI.fixture("deploy/gpt2.float16.onnx"), "--quantized", "dense=4"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--quantized takes KIND=BITS"))
    }
}
