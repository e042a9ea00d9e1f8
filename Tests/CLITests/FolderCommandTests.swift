import Foundation
import Testing

/// Writes small, distinct ONNX models byte by byte: model `i` has one FLOAT initializer
/// `w` of `i + 1` elements added to the input, so each file's report is predictable.
enum TinyModelWriter {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
    }

    static func field(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    static func number(_ number: UInt64, _ value: UInt64) -> [UInt8] { varint(number << 3) + varint(value) }

    static func model(elements: Int) -> [UInt8] {
        let node = field(1, "x") + field(1, "w") + field(2, "y") + field(3, "add") + field(4, "Add")
        let weight = number(1, UInt64(elements)) + number(2, 1) + field(8, "w")
            + field(9, [UInt8](repeating: 0, count: elements * 4))
        let graph = field(1, node) + field(2, "g") + field(5, weight) + field(11, field(1, "x")) + field(12, field(1, "y"))
        return number(1, 8) + field(2, "tiny-writer") + field(8, field(1, "") + number(2, 17)) + field(7, graph)
    }
}

@Suite("onnxscope inspect and layers on folders")
struct FolderCommandTests {
    /// A folder of 1,000 models in ten subfolders (plus a file that is not a model), and
    /// the paths in the order the output must follow.
    final class ModelFolder {
        let root: URL
        let paths: [String]
        let elements: [String: Int]

        init(count: Int = 1000, corrupt: Int? = nil) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-folder-\(UUID().uuidString)")
            var paths: [String] = []
            var elements: [String: Int] = [:]
            for i in 0..<count {
                let folder = root.appendingPathComponent("d\(i % 10)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let file = folder.appendingPathComponent(String(format: "model_%04d.onnx", i))
                let bytes = i == corrupt ? Array("not a model at all".utf8) : TinyModelWriter.model(elements: i + 1)
                try Data(bytes).write(to: file)
                paths.append(file.path)
                elements[file.path] = i + 1
            }
            try Data("notes".utf8).write(to: root.appendingPathComponent("d0/README.txt"))
            self.paths = paths.sorted()
            self.elements = elements
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    private func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func thousandModelsInPathOrderWithTheirOwnCounts() throws {
        let folder = try ModelFolder()
        let run = try CLI.run(["inspect", "-f", "json", "--summary", folder.root.path])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let lines = try jsonLines(run.stdout)
        try #require(lines.count == 1001)
        for (line, path) in zip(lines, folder.paths) {
            #expect(line["file"] as? String == path)
            let weights = try #require(line["weights"] as? [String: Any])
            #expect((weights["elements"] as? NSNumber)?.intValue == folder.elements[path])
        }
        let summary = try #require(lines.last?["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == 1000)
        #expect(summary["failed"] as? Int == 0)
        #expect((summary["parameters"] as? NSNumber)?.int64Value == Int64(1000 * 1001 / 2))
    }

    @Test func corruptFileIsReportedInPlaceAndExitsThree() throws {
        let folder = try ModelFolder(corrupt: 503)
        let bad = folder.root.appendingPathComponent("d3/model_0503.onnx").path
        let run = try CLI.run(["inspect", "-f", "json", "--summary", "--jobs", "4", folder.root.path])
        #expect(run.status == 3)
        #expect(run.stderr.hasPrefix("onnxscope: \(bad): "))
        #expect(run.stderr.split(separator: "\n").count == 1)
        let lines = try jsonLines(run.stdout)
        try #require(lines.count == 1001)
        let position = try #require(folder.paths.firstIndex(of: bad))
        #expect(lines[position]["file"] as? String == bad)
        #expect(lines[position]["error"] is String)
        #expect(lines[position]["weights"] == nil)
        for (k, path) in folder.paths.enumerated() where k != position {
            #expect(lines[k]["file"] as? String == path)
            #expect(lines[k]["error"] == nil)
        }
        let summary = try #require(lines.last?["summary"] as? [String: Any])
        #expect(summary["failed"] as? Int == 1)
        #expect(summary["failedFiles"] as? [String] == [bad])
    }

    @Test func layersOnAFolderAndFilesMixedKeepsArgumentOrder() throws {
        let folder = try ModelFolder(count: 30)
        let single = CLI.fixture("keras/mlp.onnx")
        let run = try CLI.run(["layers", "-f", "json", single, folder.root.path, "--quiet"])
        #expect(run.status == 0)
        let files = try jsonLines(run.stdout).map { $0["file"] as? String }
        #expect(files == [single] + folder.paths)
    }

    @Test func tableOutputHasOneBlockPerFileAndASummary() throws {
        let folder = try ModelFolder(count: 12, corrupt: 4)
        let run = try CLI.run(["inspect", "--summary", folder.root.path])
        #expect(run.status == 3)
        let headers = run.stdout.split(separator: "\n").filter { $0.hasPrefix(folder.root.path) }
        #expect(headers.map(String.init) == folder.paths.filter { !$0.hasSuffix("model_0004.onnx") })
        #expect(run.stdout.contains("Summary (inspect)\n  12 files · 11 read · 1 failed"))
        // Not a terminal: no progress bar, only the error line.
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func folderWithoutModelsSaysSo() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let run = try CLI.run(["inspect", empty.path])
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "onnxscope: \(empty.path): no .onnx files found\n")
    }
}
