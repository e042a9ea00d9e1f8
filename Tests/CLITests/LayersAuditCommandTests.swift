import Foundation
import Testing

/// `onnxscope layers` and `onnxscope audit` as a user runs them.
@Suite("onnxscope layers and audit")
struct LayersAuditCommandTests {
    @Test func layersJSONCarriesTheContractKeys() throws {
        let run = try CLI.run(["layers", "--format", "json", CLI.fixture("keras/lstm.onnx")])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["schemaVersion", "file", "layers", "totals", "coverage", "unattributed"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let layer = try #require((object["layers"] as? [[String: Any]])?.first)
        for key in ["name", "kind", "nodes", "weights", "hyper", "stored", "predicted", "status", "explanation", "children"] {
            #expect(layer[key] != nil, "missing layers[].\(key)")
        }
        #expect(layer["kind"] as? String == "LSTM")
        #expect((layer["hyper"] as? [String: Any])?["hiddenSize"] as? Int == 16)
        #expect((layer["predicted"] as? [String: Any])?["textbook"] as? Int == 1600)
        let totals = try #require(object["totals"] as? [String: Any])
        for key in ["byKind", "trainable", "nonTrainable", "unattributed"] { #expect(totals[key] != nil, "missing totals.\(key)") }
        let coverage = try #require(object["coverage"] as? [String: Any])
        for key in ["attributedElements", "floatElements", "ratio"] { #expect(coverage[key] != nil, "missing coverage.\(key)") }
    }

    @Test func layersTableShowsBlocksAndFooter() throws {
        let run = try CLI.run(["layers", CLI.fixture("pytorch/transformer_encoder.dynamo.onnx")])
        #expect(run.status == 0)
        #expect(run.stdout.contains("TransformerEncoderBlock"))
        #expect(run.stdout.contains("    encoder.layers.0.self_attn "))
        #expect(run.stdout.contains("Total: 4,474 · Trainable: 4,448"))
        #expect(run.stdout.contains("Coverage:"))
    }

    @Test func layersOnAnUnreadableFileExitsThree() throws {
        let run = try CLI.run(["layers", "/nonexistent.onnx"])
        #expect(run.status == 3)
        #expect(run.stderr == "onnxscope: /nonexistent.onnx: no such file\n")
    }

    @Test func auditPassesAndFails() throws {
        let file = CLI.fixture("pytorch/mlp.torchscript.onnx")
        let pass = try CLI.run(["audit", file, "--params", "840", "--layers", "Dense=3", "--allow-dtypes", "FLOAT", "--opset-max", "17"])
        #expect(pass.status == 0, "\(pass.stdout)")
        #expect(pass.stdout.contains("audit passed"))
        let fail = try CLI.run(["audit", file, "--params", "1000", "--tolerance", "5%", "--allow-ops", "Gemm,Relu"])
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("FAIL  parameters"))
        #expect(fail.stdout.contains("not allowed: MatMul"))
    }

    /// handbuilt/dtypes.onnx has weights of every type and no layer: its floating-point and
    /// quantized elements (onnx's counts in the manifest) are parameters nobody claimed.
    @Test func auditParamsCountUnattributedUnlessStrict() throws {
        let manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: CLI.fixture("manifest.json")))) as? [String: Any])
        let entry = try #require((manifest["fixtures"] as? [[String: Any]])?.first { $0["file"] as? String == "handbuilt/dtypes.onnx" })
        let weights = try #require((entry["stored"] as? [String: Any])?["weights"] as? [String: Any])
        let types = try #require(weights["byDataType"] as? [String: Int])
        let floats = try #require(weights["floatElements"] as? Int)
        let parameters = floats + ["INT8", "UINT8", "INT4", "UINT4"].reduce(0) { $0 + types[$1, default: 0] }
        let file = CLI.fixture("handbuilt/dtypes.onnx")
        let pass = try CLI.run(["audit", file, "--params", "\(parameters)"])
        #expect(pass.status == 0, "\(pass.stdout)")
        #expect(pass.stdout.contains("unattributed"))
        let strict = try CLI.run(["audit", file, "--params", "\(parameters)", "--strict-layers"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("FAIL  parameters"))
        let layers = try CLI.run(["layers", file])
        #expect(layers.stdout.contains("Trainable: 0 · Non-trainable: \(types["INT64", default: 0] + types["BOOL", default: 0]) · Unattributed: \(parameters)"))
    }

    @Test func auditReadsExpectationsFromJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let expectations = folder.appendingPathComponent("expect.json")
        try Data(#"{"parameters": 9728, "layerCounts": {"LSTM": 3}, "maxBytes": 100000}"#.utf8).write(to: expectations)
        let run = try CLI.run(["audit", CLI.fixture("pytorch/lstm.torchscript.onnx"), "--expect", expectations.path, "-f", "json"])
        #expect(run.status == 0, "\(run.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["passed"] as? Bool == true)
        #expect((object["checks"] as? [[String: Any]])?.count == 5)
    }

    @Test func auditUsageErrorsExitTwo() throws {
        #expect(try CLI.run(["audit", CLI.fixture("keras/mlp.onnx"), "--layers", "Dense"]).status == 2)
        #expect(try CLI.run(["audit", CLI.fixture("keras/mlp.onnx"), "--tolerance", "lots"]).status == 2)
        #expect(try CLI.run(["audit"]).status == 2)
    }

    @Test func auditOfAnUnreadableModelExitsThree() throws {
        let run = try CLI.run(["audit", "/nonexistent.onnx"])
        #expect(run.status == 3)
    }
}
