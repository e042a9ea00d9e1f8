import Testing
@testable import OnnxScope

/// A main graph of a megabyte or more is stripped on two cores, one taking the
/// initializers and one the rest: the model decoded, and the problem a broken file is
/// refused for, are what the pass on one core gives.
@Suite("Pre-pass split over two cores")
struct SplitPrePassTests {
    /// `count` initializers interleaved with `count` nodes, every fourth node a Constant
    /// with a payload of its own (so both halves hand out payload tokens); payloads in
    /// `raw_data`, packed `float_data` and unpacked `int64_data`. `edit` and `editNode`
    /// may break initializer or node `i`.
    private func model(_ count: Int, edit: (Int, [UInt8]) -> [UInt8] = { $1 },
                       editNode: (Int, [UInt8]) -> [UInt8] = { $1 }) -> [UInt8] {
        let graph = ProtoWriter.message { g in
            for i in 0..<count {
                let tensor: [UInt8] = switch i % 3 {
                case 0: ModelBytes.tensor("w\(i)", dims: [2], raw: [UInt8](repeating: UInt8(i % 251), count: 8))
                case 1: ModelBytes.tensor("w\(i)", dims: [3], floats: [Float(i), 1, 2])
                default: ModelBytes.tensor("w\(i)", type: 7, dims: [2]) { t in
                    t.field(7, varint: UInt64(i))
                    t.field(7, varint: 5)
                }
                }
                g.field(5, bytes: edit(i, tensor))
                let node = i % 4 == 0
                    ? ModelBytes.node("Constant", name: "c\(i)", outputs: ["v\(i)"], attributes: [
                        ModelBytes.tensorAttribute("value", ModelBytes.tensor("k\(i)", dims: [1], floats: [Float(i)]))])
                    : ModelBytes.node("Add", name: "add_\(i)", inputs: [i == 0 ? "x" : "v\(i - 1)", "w\(i)"], outputs: ["v\(i)"])
                g.field(1, bytes: editNode(i, node))
            }
            g.field(2, string: "g")
            g.field(11, bytes: ModelBytes.valueInfo("x"))
            g.field(12, bytes: ModelBytes.valueInfo("v\(count - 1)"))
        }
        return ModelBytes.model(graph)
    }

    /// `bytes` stripped, on two cores or on one, and decoded; or the problem the pre-pass found.
    private func outcome(_ bytes: [UInt8], splitting: Bool) -> Result<Model, WireError> {
        bytes.withUnsafeBytes { b in
            Result { () throws(WireError) in
                let stripped = try PayloadStripper.strip(b, splitting: splitting)
                #expect((stripped.payloads.second != nil) == splitting, "the graph was not split as asked")
                do throws(DecodeFailure) {
                    return try ProtobufCDecoder.decode(stripped)
                } catch {
                    Issue.record("the stripped model did not decode: \(error)")
                    throw WireError(failure: error, offset: -1)
                }
            }
        }
    }

    @Test func theSplitPassGivesTheModelTheOneCorePassGives() throws {
        let bytes = model(24_000)
        #expect(bytes.count > 1 << 20, "the graph is too small to be split")
        let split = try outcome(bytes, splitting: true).get()
        let serial = try outcome(bytes, splitting: false).get()
        // (Compared apart from the expectation, which would print both models when they differ.)
        let differing = zip(split.graph.initializers, serial.graph.initializers).filter { $0 != $1 }.count
        #expect(differing == 0, "initializers differ")
        let same = split == serial
        #expect(same, "the models differ")
        let graph = split.graph
        #expect(graph.initializers.count == 24_000)
        #expect(graph.initializers.map(\.name) == (0..<24_000).map { "w\($0)" })
        // Every tensor, initializer or Constant, found its own payload.
        #expect(graph.initializers.allSatisfy { $0.payloadSizeProblem == nil })
        #expect(graph.initializers.allSatisfy { if case .inline = $0.payload { true } else { false } })
        let constants = graph.nodes.filter { $0.opType == "Constant" }
        #expect(constants.count == 6_000)
        #expect(constants.allSatisfy { node in
            guard case .tensor(let value)? = node.attributes.first?.value, case .inline = value.payload else { return false }
            return value.payloadSizeProblem == nil
        })
    }

    @Test func aProblemInEitherHalfIsTheOneTheOneCorePassFinds() {
        // raw_data with a varint's wire type; an attribute with a varint's wire type.
        let badTensor = ModelBytes.tensor("bad", dims: [1]) { t in t.field(9, varint: 3) }
        let badNode = ProtoWriter.message { n in
            n.field(3, string: "bad")
            n.field(4, string: "Add")
            n.field(5, varint: 1)
        }
        let cases: [(String, [UInt8])] = [
            ("an initializer", model(24_000) { i, t in i == 20_000 ? badTensor : t }),
            ("a node", model(24_000, editNode: { i, n in i == 21_000 ? badNode : n })),
            ("both, the node first", model(24_000, edit: { i, t in i == 9_000 ? badTensor : t },
                                           editNode: { i, n in i == 8_000 ? badNode : n })),
            ("both, the initializer first", model(24_000, edit: { i, t in i == 8_000 ? badTensor : t },
                                                  editNode: { i, n in i == 9_000 ? badNode : n })),
        ]
        for (what, bytes) in cases {
            guard case .failure(let serial) = outcome(bytes, splitting: false) else {
                Issue.record("\(what): the one-core pass found no problem")
                continue
            }
            guard case .failure(let split) = outcome(bytes, splitting: true) else {
                Issue.record("\(what): the split pass found no problem")
                continue
            }
            #expect(split.failure == serial.failure, "\(what)")
            #expect(split.offset == serial.offset, "\(what)")
        }
    }
}
