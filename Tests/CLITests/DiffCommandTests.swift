import Foundation
import Testing

/// `onnxscope diff` as a user runs it: stdout, stderr and exit code.
@Suite("onnxscope diff")
struct DiffCommandTests {
    /// Exit code of every fixture pair, from Fixtures/diff/expected.json.
    static let expectedExits: [(String, String, String, Int32, Int32)] = {
        let url = CLI.packageRoot.appendingPathComponent("Fixtures/diff/expected.json")
        guard let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [String: [String: Any]] else { return [] }
        return cases.keys.sorted().compactMap { name in
            guard let c = cases[name], let a = c["a"] as? String, let b = c["b"] as? String,
                  let code = c["exitCode"] as? Int, let restored = c["restoredAnswer"] as? [String: Any],
                  let ok = restored["exitCodeRestoredOk"] as? Int else { return nil }
            return (name, a, b, Int32(code), Int32(ok))
        }
    }()

    @Test func everyPairExitsAsExpected() throws {
        #expect(Self.expectedExits.count == 40)
        for (name, a, b, code, restoredOk) in Self.expectedExits {
            let run = try CLI.run(["diff", CLI.fixture(a), CLI.fixture(b)])
            #expect(run.status == code, "\(name)")
            #expect(run.stderr.isEmpty, "\(name): \(run.stderr)")
            let ok = try CLI.run(["diff", "--restored-ok", "--summary", CLI.fixture(a), CLI.fixture(b)])
            #expect(ok.status == restoredOk, "\(name) --restored-ok")
        }
    }

    @Test func restoredSaysWhatTheConversionCost() throws {
        let a = CLI.fixture("pytorch/resnet_small.torchscript.onnx")
        let run = try CLI.run(["diff", a, CLI.fixture("deploy/resnet_small.dynamic_qint8.onnx")])
        #expect(run.status == 1)
        let first = run.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains(": same parameters, re-stored: 13 weights FLOAT → INT8 (per-tensor, 8-bit) quantized"))
        #expect(try CLI.run(["diff", "--restored-ok", a, CLI.fixture("deploy/resnet_small.dynamic_qint8.onnx")]).status == 0)
        let mutant = try CLI.run(["diff", "--restored-ok", a, CLI.fixture("diff/restored_dynamic_conv.mutant.onnx")])
        #expect(mutant.status == 1)
        #expect(mutant.stdout.contains("models differ: 1 weight beyond its rounding bound (onnx::Conv_135_quantized)"))
    }

    @Test func tableStartsWithAStatSummary() throws {
        let run = try CLI.run(["diff", CLI.fixture("diff/single_element.a.onnx"), CLI.fixture("diff/single_element.b.onnx")])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix(": models differ: 1 weight with other values") == true)
        #expect(run.stdout.contains("1 values changed"))
        #expect(run.stdout.contains("fc1.weight") && run.stdout.contains("1 elements changed, max |Δ| 0.25"))
    }

    @Test func noDifferenceSaysWhy() throws {
        let run = try CLI.run(["diff", CLI.fixture("diff/to_external.a.onnx"), CLI.fixture("diff/to_external.b.onnx")])
        #expect(run.status == 0)
        #expect(run.stdout.contains("no difference"))
        #expect(run.stdout.contains("storage initializer → external"))
        #expect(run.stdout.contains("storage moves do not count"))
    }

    @Test func summaryPrintsOnlyTotalsAndCounts() throws {
        let run = try CLI.run(["diff", "--summary", CLI.fixture("diff/lstm_resized.a.onnx"), CLI.fixture("diff/lstm_resized.b.onnx")])
        #expect(run.status == 1)
        #expect(run.stdout.contains("parameters"))
        #expect(run.stdout.contains("3 reshaped"))
        #expect(!run.stdout.contains("Tensors"))
        let json = try CLI.run(["diff", "--summary", "-f", "json", CLI.fixture("diff/lstm_resized.a.onnx"), CLI.fixture("diff/lstm_resized.b.onnx")])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["parameters"] as? [String: Any])?["delta"] as? Int == 1600)
        #expect(object["tensors"] == nil)
        #expect(object["summary"] != nil)
    }

    @Test func jsonIsOneSortedObject() throws {
        let run = try CLI.run(["diff", "-f", "json", CLI.fixture("diff/fp16.a.onnx"), CLI.fixture("diff/fp16.b.onnx")])
        #expect(run.status == 1)
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.stdout.hasPrefix("{\"a\":"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((object["layers"] as? [Any])?.isEmpty == true)
        let retyped = try #require((object["tensors"] as? [String: Any])?["retyped"] as? [[String: Any]])
        #expect(retyped.count == 6 && retyped.allSatisfy { $0["after"] as? String == "FLOAT16" })
    }

    @Test func markdownHasATotalsTable() throws {
        let run = try CLI.run(["diff", "-f", "markdown", CLI.fixture("diff/layer_added_removed.a.onnx"),
                               CLI.fixture("diff/layer_added_removed.b.onnx")])
        #expect(run.status == 1)
        #expect(run.stdout.contains("| parameters |"))
        #expect(run.stdout.contains("| + | `fc4.weight` | added |"))
    }

    @Test func unreadableInputExitsThree() throws {
        let run = try CLI.run(["diff", CLI.fixture("diff/scaled.a.onnx"), "/nonexistent/b.onnx"])
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "onnxscope: /nonexistent/b.onnx: no such file\n")
        let missing = try CLI.run(["diff", CLI.fixture("handbuilt/external.onnx"), CLI.fixture("handbuilt/external_missing.onnx")])
        #expect(missing.status == 3)
        #expect(missing.stderr.hasPrefix("onnxscope: \(CLI.fixture("handbuilt/external_missing.onnx")): tensor '"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["diff", CLI.fixture("diff/scaled.a.onnx")]).status == 2)
        #expect(try CLI.run(["diff", "--format", "yaml", CLI.fixture("diff/scaled.a.onnx"), CLI.fixture("diff/scaled.b.onnx")]).status == 2)
    }
}
