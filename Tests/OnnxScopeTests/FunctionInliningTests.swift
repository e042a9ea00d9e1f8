import Testing
@testable import OnnxScope

/// Expanding function calls for recognition: formals bound to the call's weights, one
/// layer per call, and no endless expansion of a function that calls itself.
@Suite("Function calls expanded for recognition")
struct FunctionInliningTests {
    /// A node with a domain (ModelBytes.node writes none).
    private static func call(_ op: String, domain: String, name: String, inputs: [String], outputs: [String]) -> [UInt8] {
        ProtoWriter.message { n in
            for i in inputs { n.field(1, string: i) }
            for o in outputs { n.field(2, string: o) }
            n.field(3, string: name)
            n.field(4, string: op)
            n.field(7, string: domain)
        }
    }

    /// `local.Proj(x, w)`: x·w, then a call of itself (never ending if expanded blindly).
    private static let function: [UInt8] = ProtoWriter.message { f in
        f.field(1, string: "Proj")
        f.field(4, string: "x")
        f.field(4, string: "w")
        f.field(5, string: "y")
        f.field(7, bytes: ModelBytes.node("MatMul", name: "mm", inputs: ["x", "w"], outputs: ["xw"]))
        f.field(7, bytes: call("Proj", domain: "local", name: "again", inputs: ["xw", "w"], outputs: ["y"]))
        f.field(9, bytes: ProtoWriter.message { o in o.field(2, varint: 17) })
        f.field(10, string: "local")
    }

    /// The main graph calls Proj twice, with weights a.weight [4, 3] and b.weight [3, 2].
    private static let model: [UInt8] = {
        let graph = ModelBytes.graph(
            nodes: [
                call("Proj", domain: "local", name: "/a/Proj", inputs: ["x", "a.weight"], outputs: ["h"]),
                call("Proj", domain: "local", name: "/b/Proj", inputs: ["h", "b.weight"], outputs: ["y"]),
            ],
            initializers: [
                ModelBytes.tensor("a.weight", dims: [4, 3], raw: ModelBytes.floatBytes(Array(repeating: 1, count: 12))),
                ModelBytes.tensor("b.weight", dims: [3, 2], raw: ModelBytes.floatBytes(Array(repeating: 1, count: 6))),
            ],
            inputs: ["x"], outputs: ["y"])
        return ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(7, bytes: graph)
            m.field(8, bytes: ProtoWriter.message { o in o.field(2, varint: 17) })
            m.field(8, bytes: ProtoWriter.message { o in
                o.field(1, string: "local")
                o.field(2, varint: 1)
            })
            m.field(25, bytes: function)
        }
    }()

    @Test("each call is one layer owning the weights its call site passes; recursion stops")
    func callsBecomeLayers() throws {
        let report = ModelAnalysis(file: try ModelFile.open(bytes: Self.model, name: "functions.onnx")).layers
        let dense = report.layers.filter { $0.kind == .dense }
        #expect(dense.map(\.name) == ["a", "b"])
        #expect(dense.map(\.weights) == [["a.weight"], ["b.weight"]])
        #expect(dense.map { $0.hyper[.inputSize] } == [.int(4), .int(3)])
        #expect(report.totals.trainable == 12 + 6)
        #expect(report.totals.unattributed == 0)
    }
}

/// Hostile nesting: each of 12 functions calls the next one 16 times (16¹² leaf nodes if
/// expanded); expansion gives up at its node limit and recognition still ends.
@Suite("Function expansion limits")
struct FunctionExpansionLimitTests {
    @Test func exponentialNestingIsNotExpanded() throws {
        var functions: [[UInt8]] = []
        for level in 0..<12 {
            functions.append(ProtoWriter.message { f in
                f.field(1, string: "F\(level)")
                f.field(4, string: "x")
                f.field(5, string: "y")
                if level == 11 {
                    f.field(7, bytes: ModelBytes.node("Relu", inputs: ["x"], outputs: ["y"]))
                } else {
                    for k in 0..<16 {
                        f.field(7, bytes: ProtoWriter.message { n in
                            n.field(1, string: k == 0 ? "x" : "v\(k - 1)")
                            n.field(2, string: k == 15 ? "y" : "v\(k)")
                            n.field(4, string: "F\(level + 1)")
                            n.field(7, string: "local")
                        })
                    }
                }
                f.field(10, string: "local")
            })
        }
        let graph = ModelBytes.graph(
            nodes: [ProtoWriter.message { n in
                n.field(1, string: "x")
                n.field(2, string: "y")
                n.field(4, string: "F0")
                n.field(7, string: "local")
            }],
            inputs: ["x"], outputs: ["y"])
        let bytes = ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(7, bytes: graph)
            m.field(8, bytes: ProtoWriter.message { o in o.field(2, varint: 17) })
            for f in functions { m.field(25, bytes: f) }
        }
        let file = try ModelFile.open(bytes: bytes, name: "nested.onnx")
        let catalog = WeightCatalog(model: file.model)
        #expect(FunctionInlining(file.model.graph.nodes, model: file.model, weights: catalog.weights) == nil)
        #expect(ModelAnalysis(file: file).layers.layers.isEmpty)
    }
}
