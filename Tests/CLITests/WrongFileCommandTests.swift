import Foundation
import Testing

/// Wrong files through the binary: one line naming the real format, exit 3, for every
/// command that reads a model.
@Suite("onnxscope on wrong files")
struct WrongFileCommandTests {
    static let files: [(String, [UInt8], String)] = [
        ("checkpoint.pt",
         [0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 16, 0, 0, 0]
            + Array("archive/data.pkl".utf8) + [0x80, 0x02],
         "this is a PyTorch checkpoint (zip archive), not an ONNX model; export it with torch.onnx.export"),
        ("model.onnx.gz", [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 3],
         "this is a gzip-compressed file, not an ONNX model; decompress it first (gunzip)"),
        ("lfs.onnx", Array("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n".utf8),
         "this is a Git LFS pointer, not the model itself; fetch the content with 'git lfs pull'"),
        ("page.onnx", Array("<!doctype html><title>Error</title>".utf8),
         "this is an HTML page (an error page saved by a download?), not an ONNX model; download the file itself"),
        ("empty.onnx", [], "empty file, not an ONNX model"),
    ]

    @Test("one line and exit 3", arguments: ["inspect", "layers", "audit", "diff"])
    func oneLine(command: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-wrong-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, bytes, hint) in Self.files {
            let path = folder.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let arguments = command == "diff" ? [command, path, CLI.fixture("pytorch/mlp.dynamo.onnx")] : [command, path]
            let run = try CLI.run(arguments)
            #expect(run.status == 3, "\(command) \(name)")
            #expect(run.stderr == "onnxscope: \(path): \(hint)\n", "\(command) \(name)")
            #expect(run.stdout.isEmpty, "\(command) \(name)")
        }
    }
}
