import Foundation
import Testing

/// `onnxscope inspect` as a user runs it: stdout, stderr and exit code.
@Suite("onnxscope inspect")
struct InspectCommandTests {
    @Test func tableSummaryOfARealExport() throws {
        let run = try CLI.run(["inspect", CLI.fixture("pytorch/mlp.torchscript.onnx")])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.contains("IR 8 · producer pytorch"))
        #expect(run.stdout.contains("Weights: 840 elements (840 floating-point) in 5 tensors, 3.3 KiB"))
        #expect(run.stdout.contains("Gemm"))
    }

    @Test func jsonCarriesTheContractKeys() throws {
        let run = try CLI.run(["inspect", "--format", "json", CLI.fixture("handbuilt/subgraphs.onnx")])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["schemaVersion", "file", "irVersion", "opsets", "producer", "inputs", "outputs", "ops", "weights"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let weights = try #require(object["weights"] as? [String: Any])
        for key in ["elements", "floatElements", "bytes", "tensors", "byStorage", "inSubgraphs", "inFunctions", "external", "byDataType"] {
            #expect(weights[key] != nil, "missing weights.\(key)")
        }
        #expect(object["schemaVersion"] as? Int == 1)
    }

    @Test func severalFilesInJSONAreOneObjectPerLine() throws {
        let files = ["pytorch/mlp.dynamo.onnx", "keras/lstm.onnx", "handbuilt/function.onnx"].map(CLI.fixture)
        let run = try CLI.run(["inspect", "-f", "json"] + files)
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for (line, file) in zip(lines, files) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["file"] as? String == file)
        }
    }

    @Test func markdownIsATable() throws {
        let run = try CLI.run(["inspect", "-f", "markdown", CLI.fixture("handbuilt/sparse.onnx")])
        #expect(run.status == 0)
        #expect(run.stdout.contains("| sparse initializer | 200 |"))
    }

    @Test func missingFileExitsThreeWithOneLine() throws {
        let run = try CLI.run(["inspect", "/nonexistent/model.onnx"])
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "onnxscope: /nonexistent/model.onnx: no such file\n")
    }

    @Test func notAModelExitsThree() throws {
        let run = try CLI.run(["inspect", CLI.fixture("manifest.json")])
        #expect(run.status == 3)
        #expect(run.stderr.hasPrefix("onnxscope: \(CLI.fixture("manifest.json")): not a"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func goodFilesStillPrintWhenOneFails() throws {
        let run = try CLI.run(["inspect", "-f", "json", CLI.fixture("keras/mlp.onnx"), "/nonexistent.onnx"])
        #expect(run.status == 3)
        // JSON Lines: the good file's report, then the failed file's error object.
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.last == #"{"error":"no such file","file":"/nonexistent.onnx"}"#)
        #expect(run.stderr == "onnxscope: /nonexistent.onnx: no such file\n")
    }

    @Test func deeplyNestedFileExitsThree() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("deep.onnx")
        try Data(DeepModel.bytes(depth: 20_000)).write(to: path)
        let run = try CLI.run(["inspect", path.path])
        #expect(run.status == 3)
        #expect(run.stderr.contains("deep.onnx: nested too deep"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["inspect"]).status == 2)
        #expect(try CLI.run(["inspect", "--format", "yaml", CLI.fixture("keras/mlp.onnx")]).status == 2)
        #expect(try CLI.run(["frobnicate"]).status == 2)
    }

    @Test func helpExitsZero() throws {
        let run = try CLI.run(["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("inspect"))
    }

    @Test func inspectDoesNotModifyTheFile() throws {
        let path = CLI.fixture("pytorch/conv.dynamo.onnx")
        let before = try FileManager.default.attributesOfItem(atPath: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = try CLI.run(["inspect", path])
        let after = try FileManager.default.attributesOfItem(atPath: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
    }
}

/// A model nesting `If` subgraphs `depth` deep, written byte by byte.
enum DeepModel {
    static func bytes(depth: Int) -> [UInt8] {
        func varint(_ v: Int) -> [UInt8] {
            var v = UInt64(v), out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        func field(_ n: Int, _ payload: [UInt8]) -> [UInt8] { varint(n << 3 | 2) + varint(payload.count) + payload }
        var graph: [UInt8] = field(2, Array("g".utf8))
        for _ in 0..<depth {
            let attribute = field(1, Array("then_branch".utf8)) + [0xA0, 0x01, 5] + field(6, graph)
            let node = field(4, Array("If".utf8)) + field(5, attribute)
            graph = field(1, node)
        }
        return [0x08, 8] + field(7, graph)
    }
}
