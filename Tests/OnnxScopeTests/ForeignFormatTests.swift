import Foundation
import Testing
@testable import OnnxScope

/// Files often mistaken for ONNX models get a one-line hint naming their real format;
/// every input is built here, byte by byte, from the format's published layout.
@Suite("Wrong-file hints")
struct ForeignFormatTests {
    /// A zip archive of stored (uncompressed) entries: local file headers only, as
    /// `torch.save` writes them first.
    static func zip(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = []
        func le(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        for entry in entries {
            let name = Array(entry.name.utf8)
            bytes += [0x50, 0x4B, 0x03, 0x04] + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            bytes += le(entry.data.count, 4) + le(entry.data.count, 4) + le(name.count, 2) + le(0, 2)
            bytes += name + entry.data
        }
        return bytes + [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
    }

    static func safetensors() -> [UInt8] {
        var header = Array(#"{"fc.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        let length = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
        return length + header + [UInt8](repeating: 0, count: 8)
    }

    /// A GraphDef whose first NodeDef is `x = Placeholder()`.
    static func graphDef() -> [UInt8] {
        let node: [UInt8] = [0x0A, 1, UInt8(ascii: "x"), 0x12, 11] + Array("Placeholder".utf8)
        return [0x0A, UInt8(node.count)] + node + [0x22, 2, 0x08, 0x1B]
    }

    /// saved_model.pb: schema version 1, one MetaGraphDef with tags ["serve"].
    static func savedModel() -> [UInt8] {
        let metaInfo: [UInt8] = [0x22, 5] + Array("serve".utf8)
        let metaGraph: [UInt8] = [0x0A, UInt8(metaInfo.count)] + metaInfo
        return [0x08, 0x01, 0x12, UInt8(metaGraph.count)] + metaGraph
    }

    static let cases: [(String, [UInt8], ForeignFormat)] = [
        ("torch.save zip", zip([("archive/data.pkl", [0x80, 0x02, 0x7D, 0x2E]), ("archive/version", Array("3\n".utf8))]), .pytorchCheckpoint),
        ("torch.save zip, version first", zip([("model/.data/version", Array("3\n".utf8))]), .pytorchCheckpoint),
        ("zipped ONNX", zip([("exports/model.onnx", [0x08, 0x07])]), .zippedONNX(entry: "exports/model.onnx")),
        ("other zip", zip([("README.txt", Array("hello".utf8))]), .zip),
        ("empty zip", [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18), .zip),
        ("legacy pickle", [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E], .pickle),
        ("gzip", [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0], .gzip),
        ("Git LFS pointer", Array("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 527863\n".utf8), .gitLFSPointer),
        ("HTML page", Array("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n".utf8), .html),
        ("HTML after BOM and blank lines", [0xEF, 0xBB, 0xBF] + Array("\r\n  <html lang=\"en\"><body>Sign in</body></html>".utf8), .html),
        ("XML", Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code></Error>".utf8), .xml),
        ("safetensors", safetensors(), .safetensors),
        ("TFLite", [0x1C, 0, 0, 0] + Array("TFL3".utf8) + [UInt8](repeating: 0, count: 24), .tfLite),
        ("HDF5", [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 16), .hdf5),
        ("NumPy", [0x93] + Array("NUMPY".utf8) + [1, 0, 0x76, 0] + Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }".utf8), .numpy),
        ("TF GraphDef", graphDef(), .tensorFlowGraphDef),
        ("TF SavedModel", savedModel(), .tensorFlowSavedModel),
    ]

    @Test("each wrong-file class gets its hint", arguments: cases.indices)
    func hint(index: Int) throws {
        let (label, bytes, expected) = Self.cases[index]
        let folder = try TemporaryFolder()
        let path = try folder.write("model.onnx", bytes)
        let error = try #require(throws: DecodeError.self, "\(label)") { try ModelFile.open(path) }
        #expect(error.failure == .foreignFormat(expected), "\(label)")
        #expect(error.description == "\(path): \(expected.hint)")
        #expect(!error.description.contains("\n"))
        // The in-memory path (stdin) says the same.
        let fromMemory = try #require(throws: DecodeError.self) { try ModelFile.open(bytes: bytes, name: "-") }
        #expect(fromMemory.failure == .foreignFormat(expected), "\(label) from memory")
    }

    @Test func theIssuesExampleMessage() {
        #expect(ForeignFormat.pytorchCheckpoint.hint
            == "this is a PyTorch checkpoint (zip archive), not an ONNX model; export it with torch.onnx.export")
    }

    @Test func emptyFileKeepsItsMessage() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("model.onnx", [])
        let error = try #require(throws: DecodeError.self) { try ModelFile.open(path) }
        #expect(error.description == "\(path): empty file, not an ONNX model")
    }

    /// No real export is mistaken for another format, before or after decoding.
    @Test func realExportsAreNotForeign() throws {
        for file in ["pytorch/mlp.torchscript.onnx", "pytorch/tiny_gpt.dynamo.onnx", "keras/lstm.onnx", "handbuilt/subgraphs.onnx"] {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path(file))))
            bytes.withUnsafeBytes { raw in
                #expect(ForeignFormat.recognize(raw) == nil, "\(file)")
                #expect(ForeignFormat.recognizeRefused(raw) == nil, "\(file)")
            }
        }
    }

    /// Signature-like bytes that are not the format stay the decoder's error.
    @Test func nearMissesAreNotHinted() throws {
        let nearMisses: [[UInt8]] = [
            Array("<3 not markup".utf8),
            [0x50, 0x4B, 0x07],
            [0x80, 0x09, 0x00],
            [0x0A, 0x03, 0x0A, 0x01, 0x78],
        ]
        for bytes in nearMisses {
            let error = try #require(throws: DecodeError.self) { try ModelFile.open(bytes: bytes, name: "m.onnx") }
            if case .foreignFormat = error.failure { Issue.record("\(bytes) was hinted as \(error.failure)") }
        }
    }
}
