import Testing
@testable import OnnxScope

/// The main graph's nodes are set aside by the pre-pass and unpacked, converted and freed
/// a slice at a time: the model, and the error a broken one ends in, are what unpacking the
/// whole file at once gives.
@Suite("Main-graph nodes decoded in slices")
struct SlicedNodeDecodingTests {
    /// A chain of `count` Relu nodes (more than one slice), with `edit` applied to some.
    private func chain(_ count: Int, edit: (Int, [UInt8]) -> [UInt8] = { $1 }) -> [UInt8] {
        let nodes = (0..<count).map { i in
            edit(i, ModelBytes.node("Relu", name: "relu_\(i)", inputs: [i == 0 ? "x" : "v\(i - 1)"], outputs: ["v\(i)"]))
        }
        return ModelBytes.model(ModelBytes.graph(nodes: nodes, inputs: ["x"], outputs: ["v\(count - 1)"]))
    }

    private func decodeFailure(_ bytes: [UInt8]) -> DecodeFailure? { ModelBytes.decodeFailure(bytes) }

    private let tooLong = String(repeating: "n", count: DecodingLimits.maxNameBytes + 1)

    @Test func aLongChainComesBackNodeForNodeAndWired() throws {
        let model = try ModelFile.open(bytes: chain(20_000), name: "/nonexistent/sliced.onnx").model
        #expect(model.graph.nodes.count == 20_000)
        #expect(model.graph.nodes.map(\.name) == (0..<20_000).map { "relu_\($0)" })
        #expect(model.graph.nodes[12_345].inputs == ["v12344"])
        #expect(model.graph.nodes[12_345].outputs == ["v12345"])
        let table = try #require(model.names.value)
        let wiring = try #require(model.graph.wiring.value)
        #expect(wiring.nodeCount == 20_000)
        #expect(wiring.inputs(of: 19_999).map { table.name($0) } == ["v19998"])
        #expect(GraphChecks.findings(model).isEmpty)
    }

    /// protobuf-c unpacks each slice into one arena per core, in 1 MiB blocks; an array larger
    /// than a quarter of a block gets a block of its own. Nodes whose `ints` fill many blocks,
    /// and some whose one array does not fit in a block at all, come back value for value, in
    /// a slice split over the cores and in the short slice after it.
    @Test func nodesThatFillManyArenaBlocksComeBackWhole() throws {
        // 9,000 nodes: a slice of 8,192 (split over the cores) and one of 808.
        func ints(_ i: Int) -> [Int64] { (0..<(i % 1_000 == 7 ? 200_000 : 40 + i % 50)).map { Int64(($0 + i) % 100) } }
        let bytes = chain(9_000) { i, _ in
            let attribute = ProtoWriter.message { a in
                a.field(1, string: "values")
                a.field(8, bytes: ints(i).map { UInt8($0) })  // packed: one byte per value below 128
                a.field(20, varint: 7)
            }
            return ModelBytes.node("Relu", name: "relu_\(i)", inputs: [i == 0 ? "x" : "v\(i - 1)"], outputs: ["v\(i)"],
                                   attributes: [attribute])
        }
        let nodes = try ModelFile.open(bytes: bytes, name: "/nonexistent/arena.onnx").model.graph.nodes
        #expect(nodes.count == 9_000)
        var mismatched: [Int] = []
        for (i, node) in nodes.enumerated() where node.attributes.map(\.value) != [.ints(ints(i))] { mismatched.append(i) }
        #expect(mismatched.isEmpty, "nodes whose ints came back different: \(mismatched.prefix(5))")
        #expect(nodes.filter { if case .ints(let v) = $0.attributes.first?.value { v.count == 200_000 } else { false } }.count == 9)
    }

    @Test func theFirstFailureInFileOrderIsThrownAcrossSlices() {
        // Node 100's name and node 15,000's op type are both too long: the name is first.
        let bytes = chain(20_000) { i, node in
            switch i {
            case 100: ModelBytes.node("Relu", name: tooLong, inputs: ["v99"], outputs: ["v100"])
            case 15_000: ModelBytes.node(tooLong, name: "late", inputs: ["v14999"], outputs: ["v15000"])
            default: node
            }
        }
        guard case .stringTooLong(let field, _, _) = decodeFailure(bytes) else {
            Issue.record("expected stringTooLong, got \(String(describing: decodeFailure(bytes)))")
            return
        }
        #expect(field == "NodeProto.name")
    }

    /// A node whose copy would be its own bytes is left in the file and unpacked from there;
    /// the others (attributes are written again, a tensor loses its payload) are copied. Both
    /// kinds, mixed, come back in order, and a copied Constant's payload is found in the file.
    @Test func nodesLeftInTheFileAndNodesCopiedComeBackInOrder() throws {
        func raw(_ i: Int) -> [UInt8] { (0..<16).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) } }
        let bytes = chain(9_000) { i, node in
            if i % 7 == 0 {
                let tensor = ModelBytes.tensor("", dims: [4], raw: raw(i))
                return ModelBytes.node("Constant", name: "relu_\(i)", inputs: [], outputs: ["v\(i)"],
                                       attributes: [ModelBytes.tensorAttribute("value", tensor)])
            }
            guard i % 3 == 0 else { return node }
            let alpha = ProtoWriter.message { a in
                a.field(1, string: "alpha")
                a.field(3, varint: UInt64(i))
                a.field(20, varint: 2)
            }
            return ModelBytes.node("Relu", name: "relu_\(i)", inputs: [i == 0 ? "x" : "v\(i - 1)"], outputs: ["v\(i)"],
                                   attributes: [alpha])
        }
        let file = try ModelFile.open(bytes: bytes, name: "/nonexistent/mixed.onnx")
        let nodes = file.model.graph.nodes
        #expect(nodes.count == 9_000)
        #expect(nodes.map(\.name) == (0..<9_000).map { "relu_\($0)" })
        var wrong: [Int] = []
        for (i, node) in nodes.enumerated() {
            let fine: Bool
            if i % 7 == 0 {
                guard case .tensor(let t)? = node.attributes.first?.value, case .inline(let payload) = t.payload,
                      let range = payload.pieces.first?.range else {
                    wrong.append(i)
                    continue
                }
                fine = node.opType == "Constant" && node.inputs.isEmpty && t.dims == [4]
                    && Array(bytes[range]) == raw(i)
            } else if i % 3 == 0 {
                fine = node.attributes.map(\.value) == [.int(Int64(i))] && node.inputs == ["v\(i - 1)"]
            } else {
                fine = node.attributes.isEmpty && node.inputs == ["v\(i - 1)"] && node.outputs == ["v\(i)"]
            }
            if !fine { wrong.append(i) }
        }
        #expect(wrong.isEmpty, "nodes that came back different: \(wrong.prefix(5))")
    }

    /// A long slice is wired on one core while its columns are appended on the other; a name
    /// over the limit is found by the wiring, the other errors by the columns. Whichever core
    /// finds its error first, the error is the one a node-by-node conversion meets first.
    @Test func theFirstFailureInFileOrderIsThrownWhenTheCoresShareASlice() {
        let longName = ProtoWriter.message { a in
            a.field(1, string: tooLong)
            a.field(3, varint: 1)
            a.field(20, varint: 2)
        }
        func field(_ edits: [Int: [UInt8]]) -> String? {
            guard case .stringTooLong(let field, _, _) = decodeFailure(chain(9_000) { i, node in edits[i] ?? node }) else { return nil }
            return field
        }
        // In one node, an input over the limit comes before an attribute's name over it.
        #expect(field([5_000: ModelBytes.node("Relu", name: "a", inputs: [tooLong], outputs: ["v5000"], attributes: [longName])])
                == "NodeProto.input")
        // And its op type comes before its input.
        #expect(field([5_000: ModelBytes.node(tooLong, name: "a", inputs: [tooLong], outputs: ["v5000"])]) == "NodeProto.op_type")
        // An output over the limit in an earlier node comes before a later node's op type ...
        #expect(field([3_000: ModelBytes.node("Relu", name: "a", inputs: ["v2999"], outputs: [tooLong]),
                       6_000: ModelBytes.node(tooLong, name: "b", inputs: ["v5999"], outputs: ["v6000"])]) == "NodeProto.output")
        // ... and an earlier node's attribute before a later node's input.
        #expect(field([3_000: ModelBytes.node("Relu", name: "a", inputs: ["v2999"], outputs: ["v3000"], attributes: [longName]),
                       6_000: ModelBytes.node("Relu", name: "b", inputs: [tooLong], outputs: ["v6000"])]) == "AttributeProto.name")
    }

    /// Op types and domains are kept as ids of a few labels, the last ones asked for found by
    /// their bytes: more labels than it remembers, in turn, each come back on their node.
    /// Names are interned a batch at a time, their table slots read ahead: the ids still
    /// follow first appearance, and empty, non-ASCII and repeated names come back spelled as
    /// they were, across batch and slice boundaries (a slice of 4,096 or more nodes is wired
    /// beside its columns; the 904 after it, alone).
    @Test func namesInternedInBatchesKeepTheirOrderAndSpelling() throws {
        func inputs(_ i: Int) -> [String] {
            i == 0 ? ["x"] : ["v\(i - 1)", i % 3 == 0 ? "" : "w\(i % 40)", i % 7 == 0 ? "é\(i)·ü" : "v\(i - 1)"]
        }
        func outputs(_ i: Int) -> [String] { i % 11 == 0 ? ["v\(i)", "", "extra\(i)"] : ["v\(i)"] }
        let nodes = (0..<5_000).map { ModelBytes.node("Sum", name: "sum_\($0)", inputs: inputs($0), outputs: outputs($0)) }
        let bytes = ModelBytes.model(ModelBytes.graph(nodes: nodes, inputs: ["x"], outputs: ["v4999"]))
        let model = try ModelFile.open(bytes: bytes, name: "/nonexistent/batches.onnx").model
        let decoded = model.graph.nodes
        #expect(decoded.indices.filter { decoded[$0].inputs != inputs($0) || decoded[$0].outputs != outputs($0) }.isEmpty)
        let table = try #require(model.names.value)
        let wiring = try #require(model.graph.wiring.value)
        func spelled(_ ids: ArraySlice<Int32>) -> [String] { ids.map { $0 == -1 ? "" : table.name($0) } }
        #expect(decoded.indices.filter { spelled(wiring.inputs(of: $0)) != inputs($0) || spelled(wiring.outputs(of: $0)) != outputs($0) }.isEmpty)
        // Ids are given in the order names first appear: each node's inputs, then its outputs.
        var firstSeen: [String] = []
        var seen: Set<String> = []
        for i in 0..<5_000 {
            for name in inputs(i) + outputs(i) where !name.isEmpty && seen.insert(name).inserted { firstSeen.append(name) }
        }
        #expect((0..<firstSeen.count).map { table.name(Int32($0)) } == firstSeen)
    }

    @Test func manyOpTypesAndDomainsComeBackOnTheirNodes() throws {
        let ops = (0..<13).map { "Op\($0)" }
        let domains = ["", "com.microsoft", "ai.onnx.ml"]
        let bytes = chain(20_000) { i, _ in
            ProtoWriter.message { n in
                n.field(1, string: i == 0 ? "x" : "v\(i - 1)")
                n.field(2, string: "v\(i)")
                n.field(4, string: ops[i % ops.count])
                if !domains[i % domains.count].isEmpty { n.field(7, string: domains[i % domains.count]) }
            }
        }
        let nodes = try ModelFile.open(bytes: bytes, name: "/nonexistent/labels.onnx").model.graph.nodes
        #expect(nodes.count == 20_000)
        #expect(nodes.indices.filter { nodes[$0].opType != ops[$0 % ops.count] }.isEmpty)
        #expect(nodes.indices.filter { nodes[$0].domain != domains[$0 % domains.count] }.isEmpty)
    }

    @Test func aNodeProtobufCRefusesWinsOverAnEarlierConversionError() {
        // Node 100's name is too long; node 15,000 has op_type as a varint, which the pre-pass
        // passes on and protobuf-c refuses: unpacking the whole file refused it first.
        let refused = ProtoWriter.message { n in
            n.field(1, string: "v14999")
            n.field(2, string: "v15000")
            n.field(4, varint: 7)
        }
        let bytes = chain(20_000) { i, node in
            switch i {
            case 100: ModelBytes.node("Relu", name: tooLong, inputs: ["v99"], outputs: ["v100"])
            case 15_000: refused
            default: node
            }
        }
        #expect(decodeFailure(bytes) == .rejectedByProtobufC)
        // Alone, the refused node is refused too.
        #expect(decodeFailure(chain(20_000) { i, node in i == 15_000 ? refused : node }) == .rejectedByProtobufC)
    }

    @Test func twoGraphFieldsAreMergedAsProtobufCMergesThem() throws {
        let first = ModelBytes.graph(nodes: [ModelBytes.node("Relu", name: "a", inputs: ["x"], outputs: ["y"])], inputs: ["x"])
        let second = ModelBytes.graph(nodes: [ModelBytes.node("Neg", name: "b", inputs: ["y"], outputs: ["z"])], outputs: ["z"])
        let bytes = ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(7, bytes: first)
            m.field(7, bytes: second)
            m.field(8, bytes: ProtoWriter.message { o in o.field(2, varint: 17) })
        }
        let model = try ModelFile.open(bytes: bytes, name: "/nonexistent/merged.onnx").model
        #expect(model.graph.nodes.map(\.name) == ["a", "b"])
        #expect(model.graph.inputs.map(\.name) == ["x"])
        #expect(model.graph.outputs.map(\.name) == ["z"])
        #expect(GraphChecks.findings(model).isEmpty)
    }
}
