import Foundation
import Testing
@testable import OnnxScope

/// The decoder's wiring (names interned from protobuf-c's bytes as the graphs are
/// converted) against the wiring made from the decoded strings, and the rule that a model
/// changed in code is wired again.
@Suite("Model wiring")
struct ModelWiringTests {
    /// Every graph, subgraph and function body of `model`, depth first, with its wiring.
    private func wirings(_ model: Model) -> [(path: String, nodes: [Node], wiring: Wiring?, declared: [String])] {
        var result: [(String, [Node], Wiring?, [String])] = []
        func visit(_ graph: Graph, _ path: String) {
            let declared = graph.inputs.map(\.name) + graph.initializers.map(\.name) + graph.sparseInitializers.map(\.name)
            result.append((path, graph.nodes, graph.wiring.value, declared))
            for (i, node) in graph.nodes.enumerated() {
                for attribute in node.attributes {
                    for (k, sub) in attribute.value.subgraphs.enumerated() { visit(sub, "\(path)/\(i).\(attribute.name)[\(k)]") }
                }
            }
        }
        visit(model.graph, "main")
        for function in model.functions {
            result.append(("function \(function.qualifiedName)", function.nodes, function.wiring.value, function.inputs))
            for (i, node) in function.nodes.enumerated() {
                for attribute in node.attributes {
                    for (k, sub) in attribute.value.subgraphs.enumerated() { visit(sub, "function \(function.qualifiedName)/\(i).\(attribute.name)[\(k)]") }
                }
            }
        }
        return result
    }

    /// The names a wiring's ids spell, "" for -1.
    private func spelled(_ ids: some Collection<Int32>, _ table: NameTable) -> [String] {
        ids.map { $0 < 0 ? "" : table.name($0) }
    }

    /// Checks that every graph of `model` is wired to `table` and that the ids spell the
    /// nodes' own names.
    private func expectWired(_ model: Model, _ table: NameTable, _ file: String) {
        for graph in wirings(model) {
            guard let wiring = graph.wiring else {
                Issue.record("\(file): \(graph.path) is not wired")
                continue
            }
            #expect(wiring.table === table, "\(file): \(graph.path)")
            #expect(wiring.nodeCount == graph.nodes.count, "\(file): \(graph.path)")
            guard wiring.nodeCount == graph.nodes.count else { continue }
            for (i, node) in graph.nodes.enumerated() {
                #expect(spelled(wiring.inputs(of: i), table) == node.inputs, "\(file): \(graph.path) node \(i)")
                #expect(spelled(wiring.outputs(of: i), table) == node.outputs, "\(file): \(graph.path) node \(i)")
            }
            #expect(spelled(wiring.declared, table) == graph.declared, "\(file): \(graph.path)")
        }
    }

    @Test func decodedFixturesAreWiredToTheirOwnNames() throws {
        var graphs = 0
        for file in Fixtures.allFiles {
            let model = try ModelFile.open(Fixtures.path(file)).model
            let table = try #require(model.names.value, "\(file) has no name table")
            expectWired(model, table, file)
            graphs += wirings(model).count
            // A name occurs in the table once.
            #expect(Set(table.names).count == table.count, "\(file)")
        }
        #expect(graphs > Fixtures.allFiles.count)
    }

    @Test func theDecoderAndTheStringsGiveTheSameFindingsAndWeights() throws {
        for file in Fixtures.allFiles {
            let decoded = try ModelFile.open(Fixtures.path(file)).model
            var rebuilt = decoded
            rebuilt.graph = decoded.graph
            #expect(rebuilt.names.value == nil, "\(file): a changed graph keeps its table")
            let wired = rebuilt.wired()
            let table = try #require(wired.names.value)
            #expect(table !== decoded.names.value)
            expectWired(wired, table, file)
            #expect(GraphChecks.findings(wired) == GraphChecks.findings(decoded), "\(file)")
            let a = WeightCatalog(model: decoded), b = WeightCatalog(model: wired)
            #expect(a.weights.map(\.name) == b.weights.map(\.name), "\(file)")
            #expect(a.weights.map { a.consumers(of: $0) } == b.weights.map { b.consumers(of: $0) }, "\(file)")
        }
    }

    @Test func aNodeAddedInCodeIsSeenByTheChecks() throws {
        let bytes = ModelBytes.modelWithWeight(ModelBytes.tensor("w", dims: [1], floats: [1]))
        var model = try ModelFile.open(bytes: bytes, name: "/nonexistent/added.onnx").model
        #expect(model.names.value != nil)
        #expect(GraphChecks.findings(model).isEmpty)
        model.graph.nodes.append(Node(name: "late", opType: "Relu", inputs: ["nowhere"], outputs: ["w"]))
        #expect(model.names.value == nil)
        let codes = GraphChecks.findings(model).map(\.code)
        #expect(codes.contains("undefined-input"))
        #expect(codes.contains("duplicate-output"))
        let before = WeightCatalog(model: model)
        let w = try #require(before.weights.first { $0.name == "w" })
        model.graph.nodes.append(Node(name: "reader", opType: "Relu", inputs: ["w", "w"], outputs: ["r"]))
        let after = WeightCatalog(model: model)
        #expect(after.consumers(of: w) == before.consumers(of: w) + ["reader"])
    }

    @Test func namesThatRepairAlikeAreOneName() throws {
        // The node reads "w\u{E2}…" and the initializer is "w\u{B4}…": both invalid UTF-8,
        // both the string "w\u{FFFD}", as every other part of the tool sees them.
        let tensor = ProtoWriter.message { t in
            t.field(1, varint: 1)
            t.field(2, varint: 1)
            t.field(4, bytes: ModelBytes.floatBytes([1]))
            t.field(8, bytes: [0x77, 0xB4])
        }
        let node = ProtoWriter.message { n in
            n.field(1, bytes: [0x77, 0xE2])
            n.field(2, string: "y")
            n.field(4, string: "Relu")
        }
        let bytes = ModelBytes.model(ModelBytes.graph(nodes: [node], initializers: [tensor], outputs: ["y"]))
        let model = try ModelFile.open(bytes: bytes, name: "/nonexistent/repaired.onnx").model
        #expect(model.graph.nodes[0].inputs == ["w\u{FFFD}"])
        #expect(model.graph.initializers[0].name == "w\u{FFFD}")
        #expect(GraphChecks.findings(model).isEmpty)
        let catalog = WeightCatalog(model: model)
        #expect(catalog.weights.map { catalog.consumers(of: $0) } == [["Relu#0@main"]])
    }

    @Test func namesAreFoundByTheirBytes() {
        let table = NameTable()
        let names = (0..<5000).map { "/layers.\($0 % 97)/blocks.\($0)/MatMul_output_0" } + ["", "a", "é", "naïve/ü", "x\u{0}y"]
        let ids = names.map { table.intern($0) }
        #expect(table.count == Set(names).count)
        for (name, id) in zip(names, ids) {
            #expect(table.id(name) == id)
            #expect(table.name(id) == name)
        }
        #expect(table.id("/layers.0/blocks.0/MatMul_output_1") == nil)
        #expect(table.id("x") == nil)
        // The strings of all names, made on the first ask, in first-seen order; names added
        // after it are in the next ask, and the ids already handed out still hold.
        var firstSeen: [String] = []
        var seen: Set<String> = []
        for name in names where seen.insert(name).inserted { firstSeen.append(name) }
        #expect(table.names == firstSeen)
        let later = (0..<3000).map { "later.\($0)" }
        let laterIDs = later.map { table.intern($0) }
        #expect(table.names == firstSeen + later)
        #expect(laterIDs.map { table.name($0) } == later)
        #expect(zip(names, ids).allSatisfy { table.id($0) == $1 && table.name($1) == $0 })
    }
}
