import Foundation
import Testing

/// Hostile files through the real binary: every unreadable input ends with exit 3 and one
/// line on stderr; names from the file cannot drive the terminal; inputs are never written.
@Suite("onnxscope on hostile files")
struct HostileCommandTests {
    final class Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-hostile-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let path = url.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    /// The inputs of the done-when list.
    static func doneWhenInputs() -> [(String, [UInt8])] {
        var state: UInt64 = 0x0DDB_1A5E
        let random = (0..<4096).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        // A real zip archive's local header and end-of-central-directory record around one stored file.
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x3A, 0x79, 0x6A, 0x1A, 5, 0, 0, 0,
                            5, 0, 0, 0, 5, 0, 0, 0, 0x6D, 0x2E, 0x6F, 0x6E, 0x6E] + Array("hello".utf8)
            + [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
        return [("deep.onnx", DeepModel.bytes(depth: 20_000)), ("one-byte.onnx", [0x08]), ("archive.onnx", zip),
                ("random.onnx", random)]
    }

    @Test("unreadable inputs exit 3 with one line", arguments: ["inspect", "layers", "diff"])
    func doneWhen(command: String) throws {
        let scratch = try Scratch()
        for (name, bytes) in HostileCommandTests.doneWhenInputs() {
            let path = try scratch.write(name, bytes)
            let arguments = command == "diff" ? ["diff", CLI.fixture("keras/mlp.onnx"), path] : [command, path]
            let run = try CLI.run(arguments)
            #expect(run.status == 3, "\(command) \(name)")
            #expect(run.stdout.isEmpty, "\(command) \(name)")
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty, "\(command) \(name): \(run.stderr)")
            #expect(run.stderr.hasPrefix("onnxscope: \(path): "), "\(command) \(name): \(run.stderr)")
        }
    }

    /// A FIFO is refused before it is opened: opening it would wait for a writer forever.
    @Test func fifoIsRefusedWithoutWaiting() throws {
        let scratch = try Scratch()
        let path = scratch.url.appendingPathComponent("pipe.onnx").path
        #expect(mkfifo(path, 0o600) == 0)
        let run = try CLI.run(["inspect", path])
        #expect(run.status == 3)
        #expect(run.stderr == "onnxscope: \(path): cannot be read: not a regular file\n")
    }

    // MARK: names that try to drive the terminal

    /// Names with an ANSI colour sequence, a one-byte C1 CSI, a bidi override, invalid
    /// UTF-8, a newline and 300 characters.
    static let esc = "\u{1B}[31mRED\u{1B}[0m"
    static let long = String(repeating: "L", count: 300)

    static func nastyModel() -> [UInt8] {
        let invalid: [UInt8] = Array("bad".utf8) + [0xFF, 0xFE] + Array("utf8".utf8)
        let csi = Array("c1\u{9B}2J".utf8), bidi = Array("x\u{202E}txt.exe".utf8), newline = Array("two\nlines".utf8)
        let weight = Bytes.tensor(name: Array(esc.utf8), floats: [1, 2, 3, 4])
        let other = Bytes.tensor(name: Array(long.utf8), floats: [5, 6, 7, 8])
        let nodes = [
            Bytes.node(op: "MatMul", name: invalid, inputs: [Array("x".utf8), Array(esc.utf8)], outputs: [csi]),
            Bytes.node(op: "Add", name: bidi, inputs: [csi, Array(long.utf8)], outputs: [newline]),
        ]
        return Bytes.model(nodes: nodes, initializers: [weight, other], inputs: [Array("x".utf8)], outputs: [newline],
                           docString: Array("doc \u{1B}]0;title\u{07}".utf8))
    }

    @Test("names are escaped", arguments: ["inspect", "layers", "diff"])
    func escapedEverywhere(command: String) throws {
        let scratch = try Scratch()
        let path = try scratch.write("nasty.onnx", HostileCommandTests.nastyModel())
        for format in ["table", "markdown", "json"] {
            let arguments = command == "diff"
                ? ["diff", "-f", format, CLI.fixture("keras/mlp.onnx"), path] : [command, "-f", format, path]
            let run = try CLI.runBytes(arguments)
            #expect(run.status == (command == "diff" ? 1 : 0), "\(command) \(format)")
            let out = run.stdout
            #expect(!out.contains(0x1B), "\(command) \(format): raw ESC")
            #expect(!out.contains(0x07), "\(command) \(format): raw BEL")
            #expect(!HostileCommandTests.contains(out, [0xC2, 0x9B]), "\(command) \(format): raw C1 CSI")
            #expect(!HostileCommandTests.contains(out, [0xE2, 0x80, 0xAE]), "\(command) \(format): raw bidi override")
            #expect(!HostileCommandTests.contains(out, [0xFF, 0xFE]), "\(command) \(format): invalid UTF-8")
            if format == "json" {
                // JSON keeps names whole: decoding gives back the escaped characters.
                let text = String(decoding: out, as: UTF8.self)
                for line in text.split(separator: "\n") {
                    #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(command): invalid JSON")
                }
                if command == "inspect" {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
                    let weights = try #require(object["weights"] as? [String: Any])
                    let names = (weights["largest"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                    #expect(Set(names) == [HostileCommandTests.esc, HostileCommandTests.long])
                    let outputs = (object["outputs"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                    #expect(outputs == ["two\nlines"])
                }
            } else if command == "inspect" && format == "table" {
                let text = String(decoding: out, as: UTF8.self)
                #expect(text.contains("\\u{1b}[31mRED\\u{1b}[0m"))
                #expect(!text.contains(HostileCommandTests.long), "long names are shortened in tables")
                #expect(text.contains("…"))
            }
        }
    }

    /// The error line of `diff` names a tensor from the file: escaped, and still one line.
    @Test func payloadErrorLineIsEscaped() throws {
        let scratch = try Scratch()
        let broken = Bytes.tensor(name: Array("w\u{1B}[2J\nmore".utf8), floats: [1, 2, 3], dims: [4])
        let path = try scratch.write("broken.onnx", Bytes.model(nodes: [], initializers: [broken], inputs: [], outputs: []))
        let run = try CLI.run(["diff", CLI.fixture("keras/mlp.onnx"), path])
        #expect(run.status == 3)
        #expect(run.stderr.hasPrefix("onnxscope: \(path): tensor 'w\\u{1b}[2J\\u{a}more': payload holds 3 values, dims and type require 4 (at byte "))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { i in Array(haystack[i..<i + needle.count]) == needle }
    }

    // MARK: read only

    @Test("layers and diff leave their inputs untouched", arguments: [["layers"], ["diff"], ["inspect", "-f", "json"]])
    func readOnly(command: [String]) throws {
        let model = CLI.fixture("handbuilt/external.onnx")
        let data = CLI.fixture("handbuilt/external.data")
        let other = CLI.fixture("diff/to_external.b.onnx")
        let watched = [model, data, other, CLI.fixture("diff/to_external.b.data")]
        let before = try watched.map { (try Data(contentsOf: URL(fileURLWithPath: $0)),
                                        try FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date) }
        let arguments = command == ["diff"] ? ["diff", model, other] : command + [model, other]
        let run = try CLI.run(arguments)
        #expect(run.status == 0 || run.status == 1)
        for (path, (bytes, date)) in zip(watched, before) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "\(path) changed")
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == date, "\(path) touched")
        }
    }
}

/// Minimal ONNX byte writer for the CLI tests (field numbers of `proto/onnx.proto`).
enum Bytes {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }
    static func field(_ n: UInt64, _ payload: [UInt8]) -> [UInt8] { varint(n << 3 | 2) + varint(UInt64(payload.count)) + payload }
    static func field(_ n: UInt64, varint value: UInt64) -> [UInt8] { varint(n << 3) + varint(value) }

    static func tensor(name: [UInt8], floats: [Float], dims: [Int64]? = nil) -> [UInt8] {
        let shape = dims ?? [Int64(floats.count)]
        return shape.flatMap { field(1, varint: UInt64($0)) } + field(2, varint: 1) + field(8, name)
            + field(4, floats.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init) })
    }

    static func node(op: String, name: [UInt8], inputs: [[UInt8]], outputs: [[UInt8]]) -> [UInt8] {
        inputs.flatMap { field(1, $0) } + outputs.flatMap { field(2, $0) } + field(3, name) + field(4, Array(op.utf8))
    }

    static func model(nodes: [[UInt8]], initializers: [[UInt8]], inputs: [[UInt8]], outputs: [[UInt8]],
                      docString: [UInt8] = []) -> [UInt8] {
        func valueInfo(_ name: [UInt8]) -> [UInt8] {
            field(1, name) + field(2, field(1, field(1, varint: 1) + field(2, field(1, field(1, varint: 4)))))
        }
        let graph = nodes.flatMap { field(1, $0) } + field(2, Array("g".utf8)) + initializers.flatMap { field(5, $0) }
            + inputs.flatMap { field(11, valueInfo($0)) } + outputs.flatMap { field(12, valueInfo($0)) }
        return field(1, varint: 8) + field(6, docString) + field(7, graph) + field(8, field(2, varint: 17))
    }
}
