import Foundation
import OnnxScope
import Testing

/// The library as a user imports it: `import OnnxScope`, no `@testable`. Everything here
/// goes through the public entry point ``ModelAnalysis`` and the public report types, and
/// checks the answers against the fixture manifest's independent counts.
@Suite("Public API")
struct PublicAPITests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The parts of Fixtures/manifest.json this suite reads.
    struct Manifest: Decodable {
        struct Entry: Decodable {
            struct Stored: Decodable {
                struct Weights: Decodable { var elements: Int64; var tensors: Int }
                var weights: Weights
                var nodes: Int
            }
            struct Framework: Decodable { var totalParameters: Int64 }
            var file: String
            var stored: Stored
            var framework: Framework?
        }
        var fixtures: [Entry]
    }

    static func entry(_ file: String) throws -> Manifest.Entry {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("manifest.json"))
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        return try #require(manifest.fixtures.first { $0.file == file })
    }

    @Test func analysisOfAFile() throws {
        let file = "pytorch/transformer_encoder.torchscript.onnx"
        let truth = try Self.entry(file)
        let analysis = try ModelAnalysis(path: Self.fixtures.appendingPathComponent(file).path)
        #expect(analysis.inspect.weights.elements == truth.stored.weights.elements)
        #expect(analysis.inspect.nodes == truth.stored.nodes)
        #expect(analysis.layers.totals.trainable == truth.framework?.totalParameters)
        #expect(analysis.layers.layers.contains { $0.kind == .transformerEncoderBlock })
        #expect(analysis.summary.layers.totals == analysis.layers.totals)
        let table = LayersRendering.render(analysis.layers, as: .table)
        #expect(table.contains("TransformerEncoderBlock"))
    }

    @Test func analysisOfBytesInMemory() throws {
        let file = "pytorch/mlp.dynamo.onnx"
        let bytes = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(file)))
        let analysis = try ModelAnalysis(bytes: bytes, name: file)
        #expect(analysis.inspect.weights.elements == (try Self.entry(file)).stored.weights.elements)
    }

    @Test func diffAndAudit() throws {
        let a = try ModelAnalysis(path: Self.fixtures.appendingPathComponent("diff/identical.a.onnx").path)
        let b = try ModelAnalysis(path: Self.fixtures.appendingPathComponent("diff/identical.b.onnx").path)
        #expect(try a.diff(to: b).identical)
        var expectations = AuditExpectations()
        expectations.parameters = a.layers.totals.trainable
        #expect(a.audit(expectations).passed)
        expectations.parameters = a.layers.totals.trainable + 1
        #expect(!a.audit(expectations).passed)
    }

    @Test func unreadableFileIsATypedError() {
        #expect(throws: DecodeError.self) { try ModelAnalysis(path: "/nonexistent/model.onnx") }
    }
}
