import Foundation
import Testing
@testable import OnnxScope

/// Broken and hostile inputs end in a ``DecodeError``: never a crash, hang or trap.
@Suite("Bad input")
struct BadInputTests {
    private func failure(of bytes: [UInt8], name: String = "bad.onnx") throws -> DecodeError? {
        let folder = try TemporaryFolder()
        let path = try folder.write(name, bytes)
        do {
            _ = try ModelFile.open(path)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyFile() throws {
        let error = try #require(try failure(of: []))
        #expect(error.failure == .empty)
        #expect(error.description.hasSuffix("bad.onnx: empty file, not an ONNX model"))
    }

    @Test func missingFileAndDirectory() throws {
        #expect(throws: DecodeError(path: "/nonexistent/m.onnx", failure: .notFound)) {
            try ModelFile.open("/nonexistent/m.onnx")
        }
        let folder = try TemporaryFolder()
        #expect(throws: DecodeError(path: folder.url.path, failure: .isDirectory)) {
            try ModelFile.open(folder.url.path)
        }
    }

    /// Cutting a real export anywhere either fails cleanly or, at a field boundary,
    /// leaves a shorter valid message; a cut inside the graph always fails as truncated.
    @Test("truncated real exports", arguments: [
        "pytorch/tiny_gpt.torchscript.onnx", "pytorch/lstm.dynamo.onnx", "keras/lstm.onnx", "handbuilt/subgraphs.onnx",
    ])
    func truncations(file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(file))))
        var cuts = Set(stride(from: 1, to: bytes.count, by: max(1, bytes.count / 97)))
        cuts.formUnion([1, 2, 3, bytes.count - 1, bytes.count / 2])
        for cut in cuts.sorted() {
            _ = try failure(of: Array(bytes[..<cut]))
        }
        let middle = try #require(try failure(of: Array(bytes[..<(bytes.count / 2)])))
        guard case .truncated = middle.failure else {
            Issue.record("cut in the middle gave \(middle.failure)")
            return
        }
        #expect(middle.offset != nil)
    }

    @Test func randomBytesNeverCrash() throws {
        var generator = SplitMix64(seed: 0x5EED)
        var rejected = 0
        for round in 0..<300 {
            let count = 1 + Int(generator.next() % 2048)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if try failure(of: bytes, name: "random\(round).onnx") != nil { rejected += 1 }
        }
        #expect(rejected >= 295)
    }

    @Test func twentyThousandDeepNestingIsRefused() throws {
        let bytes = Hostile.nestedIfModel(depth: 20_000)
        let error = try #require(try failure(of: bytes))
        #expect(error.failure == .nestedTooDeep(limit: DecodingLimits.maxMessageDepth))
        #expect(error.offset != nil)
    }

    @Test func oneLevelPastTheLimitIsRefused() throws {
        let allowed = (DecodingLimits.maxMessageDepth - 2) / 3
        #expect(try failure(of: Hostile.nestedIfModel(depth: allowed)) == nil)
        #expect(try failure(of: Hostile.nestedIfModel(depth: allowed + 1))?.failure
            == .nestedTooDeep(limit: DecodingLimits.maxMessageDepth))
    }

    /// A valid protobuf of another ONNX message is not a model.
    @Test func validProtobufThatIsNotAModel() throws {
        let tensor = ProtoWriter.message { t in
            t.field(1, varint: 3)
            t.field(1, varint: 4)
            t.field(8, string: "w")
        }
        let fromTensor = try #require(try failure(of: tensor))
        #expect(fromTensor.description.contains("not a valid ONNX protobuf") || fromTensor.description.contains("not an ONNX model"))

        let modelWithoutGraph = ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(2, string: "someone")
        }
        #expect(try failure(of: modelWithoutGraph)?.failure == .notAModel("no graph (ModelProto field 7 is missing)"))

        let text = Array("ir_version: 8\ngraph { name: \"g\" }\n".utf8)
        #expect(try failure(of: text) != nil)
    }

    @Test func wrongWireTypeForASubmessage() throws {
        let bytes = ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(7, varint: 1)
        }
        let error = try #require(try failure(of: bytes))
        guard case .malformed(let why) = error.failure else {
            Issue.record("expected malformed, got \(error.failure)")
            return
        }
        #expect(why.contains("field 7 of ModelProto"))
        #expect(error.offset == 2)
    }
}
