import Testing
@testable import OnnxScope

/// The main graph's initializers are set aside by the pre-pass like its nodes, and
/// unpacked, converted and freed a slice at a time: the tensors, and the error a broken
/// model ends in, are what unpacking the whole file at once gives.
@Suite("Main-graph initializers decoded in slices")
struct SlicedInitializerDecodingTests {
    /// One Add node per initializer (more than one slice of each), with `edit` applied to
    /// some initializers and `editNode` to some nodes.
    private func model(_ count: Int, edit: (Int, [UInt8]) -> [UInt8] = { $1 },
                       editNode: (Int, [UInt8]) -> [UInt8] = { $1 }) -> [UInt8] {
        let initializers = (0..<count).map { i in
            edit(i, ModelBytes.tensor("w\(i)", dims: [2], raw: [UInt8](repeating: UInt8(i % 251), count: 8)))
        }
        let nodes = (0..<count).map { i in
            editNode(i, ModelBytes.node("Add", name: "add_\(i)", inputs: [i == 0 ? "x" : "v\(i - 1)", "w\(i)"], outputs: ["v\(i)"]))
        }
        return ModelBytes.model(ModelBytes.graph(nodes: nodes, initializers: initializers, inputs: ["x"], outputs: ["v\(count - 1)"]))
    }

    private let tooLong = String(repeating: "n", count: DecodingLimits.maxNameBytes + 1)

    /// A tensor of rank one more than the limit.
    private func tooHighRank(_ name: String) -> [UInt8] {
        ModelBytes.tensor(name, dims: [Int64](repeating: 1, count: DecodingLimits.maxTensorRank + 1))
    }

    @Test func manyInitializersComeBackInOrderNamedAndCounted() throws {
        let bytes = model(20_000)
        let stripped = try bytes.withUnsafeBytes { b throws(WireError) in try PayloadStripper.strip(b) }
        #expect(stripped.mainInitializers?.ranges.count == 20_000, "the initializers were not set aside")
        let file = try ModelFile.open(bytes: bytes, name: "/nonexistent/initializers.onnx")
        let graph = file.model.graph
        #expect(graph.initializers.count == 20_000)
        #expect(graph.initializers.map(\.name) == (0..<20_000).map { "w\($0)" })
        #expect(graph.initializers.allSatisfy { $0.dims == [2] && $0.dataType == .float })
        #expect(graph.initializers[17_000].payloadSizeProblem == nil)
        let wiring = try #require(graph.wiring.value), table = try #require(file.model.names.value)
        #expect(wiring.declared.map { $0 < 0 ? "" : table.name($0) } == ["x"] + (0..<20_000).map { "w\($0)" })
        let report = InspectReport(file: file)
        #expect(report.weights.tensors == 20_000)
        #expect(report.weights.elements == 40_000)
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    @Test func theFirstFailureInFileOrderIsThrownAcrossSlices() {
        // Initializer 100's rank and initializer 15,000's name are both over their limits: the rank is first.
        let bytes = model(20_000) { i, tensor in
            switch i {
            case 100: tooHighRank("w100")
            case 15_000: ModelBytes.tensor(tooLong, dims: [2])
            default: tensor
            }
        }
        guard case .rankTooHigh = ModelBytes.decodeFailure(bytes) else {
            Issue.record("expected rankTooHigh, got \(String(describing: ModelBytes.decodeFailure(bytes)))")
            return
        }
    }

    @Test func aNodeErrorComesBeforeAnInitializerErrorAsInTheGraph() {
        // GraphProto's nodes are converted before its initializers.
        let bytes = model(20_000, edit: { i, t in i == 10 ? tooHighRank("w10") : t }) { i, node in
            i == 19_000 ? ModelBytes.node("Add", name: tooLong, inputs: ["v18999", "w19000"], outputs: ["v19000"]) : node
        }
        guard case .stringTooLong(let field, _, _) = ModelBytes.decodeFailure(bytes) else {
            Issue.record("expected stringTooLong, got \(String(describing: ModelBytes.decodeFailure(bytes)))")
            return
        }
        #expect(field == "NodeProto.name")
    }

    @Test func anInitializerProtobufCRefusesWinsOverAnEarlierConversionError() {
        // Node 5's name is too long; initializer 15,000 has its name as a varint, which the
        // pre-pass passes on and protobuf-c refuses: unpacking the whole file refused it first.
        let refused = ProtoWriter.message { t in
            t.field(1, varint: 2)
            t.field(2, varint: 1)
            t.field(8, varint: 7)
        }
        let bytes = model(20_000, edit: { i, t in i == 15_000 ? refused : t }) { i, node in
            i == 5 ? ModelBytes.node("Add", name: tooLong, inputs: ["v4", "w5"], outputs: ["v5"]) : node
        }
        #expect(ModelBytes.decodeFailure(bytes) == .rejectedByProtobufC)
    }
}
