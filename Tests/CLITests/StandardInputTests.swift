import Foundation
import Testing

/// `-` reads the model from standard input, redirected from a file or piped.
@Suite("onnxscope with standard input")
struct StandardInputTests {
    static let model = CLI.fixture("pytorch/mlp.torchscript.onnx")

    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func inspectFromARedirectedFileEqualsTheFile() throws {
        let fromStdin = try CLI.run(["inspect", "-f", "json", "-"], input: .file(Self.model))
        let fromFile = try CLI.run(["inspect", "-f", "json", Self.model])
        #expect(fromStdin.status == 0)
        #expect(fromStdin.stderr.isEmpty)
        var a = try object(fromStdin.stdout), b = try object(fromFile.stdout)
        #expect(a["file"] as? String == "-")
        a["file"] = nil
        b["file"] = nil
        #expect(NSDictionary(dictionary: a).isEqual(to: b))
        // 840: the manifest's parameter count of this export.
        #expect((a["weights"] as? [String: Any])?["elements"] as? Int == 840)
    }

    @Test func layersAndAuditFromAPipe() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.model)))
        let layers = try CLI.run(["layers", "-f", "json", "-"], input: .piped(bytes))
        #expect(layers.status == 0)
        let totals = try #require(try object(layers.stdout)["totals"] as? [String: Any])
        #expect(totals["trainable"] as? Int == 840)
        let audit = try CLI.run(["audit", "--params", "840", "-"], input: .piped(bytes))
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        let failing = try CLI.run(["audit", "--params", "900", "-f", "json", "-"], input: .piped(bytes))
        #expect(failing.status == 1)
    }

    @Test func stdinAmongFiles() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.model)))
        let run = try CLI.run(["inspect", "-f", "json", CLI.fixture("keras/lstm.onnx"), "-"], input: .piped(bytes))
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(try object(String(lines[1]))["file"] as? String == "-")
    }

    @Test func badStandardInputIsOneLineExitThree() throws {
        let empty = try CLI.run(["inspect", "-"], input: .piped([]))
        #expect(empty.status == 3)
        #expect(empty.stderr == "onnxscope: -: empty file, not an ONNX model\n")
        let gzip = try CLI.run(["audit", "-"], input: .piped([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0]))
        #expect(gzip.status == 3)
        #expect(gzip.stderr == "onnxscope: -: this is a gzip-compressed file, not an ONNX model; decompress it first (gunzip)\n")
    }

    @Test func standardInputOnlyOnce() throws {
        let run = try CLI.run(["inspect", "-", "-"], input: .piped([]))
        #expect(run.status == 2)
        #expect(run.stderr.contains("'-' (standard input) can be given only once"))
    }
}
