import Foundation
import Testing
@testable import OnnxScope

/// Every hard limit of ``DecodingLimits`` refuses a file one step past it, with the
/// documented ``DecodeFailure``; the step below still decodes.
@Suite("Hard limits")
struct LimitTests {
    private func failure(_ bytes: [UInt8]) -> DecodeFailure? { ModelBytes.decodeFailure(bytes) }

    /// A model whose main graph holds `count` copies of `field` (number, bytes).
    private func graphRepeating(_ number: UInt64, _ bytes: [UInt8], count: Int) -> [UInt8] {
        var graph = ProtoWriter()
        let one = ProtoWriter.message { $0.field(number, bytes: bytes) }
        graph.bytes.reserveCapacity(one.count * count)
        for _ in 0..<count { graph.bytes.append(contentsOf: one) }
        return ModelBytes.model(graph.bytes)
    }

    @Test func nodeCount() {
        let node = ModelBytes.node("Relu")
        #expect(failure(graphRepeating(1, node, count: DecodingLimits.maxNodes + 1))
            == .tooMany(what: "nodes", limit: DecodingLimits.maxNodes))
    }

    @Test func tensorCount() {
        #expect(failure(graphRepeating(5, [], count: DecodingLimits.maxTensors + 1))
            == .tooMany(what: "tensors", limit: DecodingLimits.maxTensors))
    }

    @Test func attributeCount() {
        var node = ProtoWriter()
        let attribute = ProtoWriter.message { $0.field(5, bytes: []) }
        for _ in 0...DecodingLimits.maxAttributes { node.bytes.append(contentsOf: attribute) }
        let model = ModelBytes.model(ProtoWriter.message { $0.field(1, bytes: node.bytes) })
        #expect(failure(model) == .tooMany(what: "attributes", limit: DecodingLimits.maxAttributes))
    }

    /// Every field counts, those of messages copied whole (here shape dimensions) included.
    @Test func fieldCount() {
        var shape = ProtoWriter()
        let dim = ProtoWriter.message { $0.field(1, bytes: ProtoWriter.message { d in d.field(1, varint: 1) }) }
        for _ in 0..<(DecodingLimits.maxFields / 2) { shape.bytes.append(contentsOf: dim) }
        let input = ProtoWriter.message { v in
            v.field(1, string: "x")
            v.field(2, bytes: ProtoWriter.message { t in
                t.field(1, bytes: ProtoWriter.message { tt in tt.field(2, bytes: shape.bytes) })
            })
        }
        #expect(failure(ModelBytes.model(ProtoWriter.message { $0.field(11, bytes: input) }))
            == .tooMany(what: "fields", limit: DecodingLimits.maxFields))
    }

    @Test func tensorRank() {
        let limit = DecodingLimits.maxTensorRank
        let ok = ModelBytes.tensor("w", dims: Array(repeating: 1, count: limit), floats: [1])
        #expect(failure(ModelBytes.modelWithWeight(ok)) == nil)
        let deep = ModelBytes.tensor("w", dims: Array(repeating: 1, count: limit + 1), floats: [1])
        #expect(failure(ModelBytes.modelWithWeight(deep)) == .rankTooHigh(what: "tensor 'w'", rank: limit + 1, limit: limit))
    }

    @Test func declaredShapeRank() {
        let limit = DecodingLimits.maxTensorRank
        let graph = ProtoWriter.message { g in
            g.field(11, bytes: ModelBytes.valueInfo("x", shape: Array(repeating: 2, count: limit + 1)))
        }
        #expect(failure(ModelBytes.model(graph)) == .rankTooHigh(what: "declared shape", rank: limit + 1, limit: limit))
    }

    @Test func nameLength() {
        let limit = DecodingLimits.maxNameBytes
        let exact = String(repeating: "n", count: limit)
        #expect(failure(ModelBytes.model(ModelBytes.graph(nodes: [ModelBytes.node("Relu", name: exact)]))) == nil)
        let long = exact + "n"
        #expect(failure(ModelBytes.model(ModelBytes.graph(nodes: [ModelBytes.node("Relu", name: long)])))
            == .stringTooLong(field: "NodeProto.name", bytes: limit + 1, limit: limit))
        #expect(failure(ModelBytes.model(ModelBytes.graph(nodes: [ModelBytes.node("Relu", inputs: [long])])))
            == .stringTooLong(field: "NodeProto.input", bytes: limit + 1, limit: limit))
    }

    @Test func textLength() {
        let limit = DecodingLimits.maxTextBytes
        let graph = ProtoWriter.message { g in g.field(10, bytes: [UInt8](repeating: 0x61, count: limit + 1)) }
        #expect(failure(ModelBytes.model(graph)) == .stringTooLong(field: "GraphProto.doc_string", bytes: limit + 1, limit: limit))
    }

    /// The depth limit: the existing bad-input tests check 20,000 levels; here the
    /// description names the limit.
    @Test func nestingDescription() {
        let description = DecodeFailure.nestedTooDeep(limit: DecodingLimits.maxMessageDepth).description
        #expect(description.contains("\(DecodingLimits.maxMessageDepth) levels"))
    }

    /// A sparse tensor whose dense shape is past the limit cannot be made dense (for diff).
    @Test func denseSparseSize() throws {
        let values = ModelBytes.tensor("s", dims: [1], floats: [1])
        let indices = ModelBytes.tensor("", type: 7, dims: [1], raw: [UInt8](repeating: 0, count: 8))
        let sparse = ProtoWriter.message { s in
            s.field(1, bytes: values)
            s.field(2, bytes: indices)
            s.field(3, varint: UInt64(DecodingLimits.maxDenseSparseElements + 1))
        }
        let model = ModelBytes.model(ProtoWriter.message { g in
            g.field(2, string: "g")
            g.field(15, bytes: sparse)
        })
        let file = try ModelFile.open(bytes: model, name: "/nonexistent/sparse.onnx")
        let tensor = try #require(file.model.graph.sparseInitializers.first)
        #expect(throws: PayloadError(path: file.path, tensor: "s",
                                     failure: .tooLarge(elements: Int64(DecodingLimits.maxDenseSparseElements + 1)))) {
            try file.denseValues(of: tensor)
        }
    }
}
