import Foundation
import Testing
@testable import OnnxScope

/// The main graph's nodes as the decoder keeps them (flat columns, made into values on
/// first ask) against the same nodes converted one by one, on every fixture.
@Suite("Flat nodes")
struct FlatNodesTests {
    /// The fixture decoded twice: as it is (main-graph nodes set aside, kept as columns) and
    /// with an empty second `graph` field, which protobuf merges into nothing but which makes
    /// the decoder convert the nodes in place, into values.
    private func bothWays(_ file: String) throws -> (flat: Model, values: Model) {
        let path = Fixtures.path(file)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let flat = try ModelFile.open(bytes: bytes, name: path).model
        let values = try ModelFile.open(bytes: bytes + [0x3A, 0x00], name: path).model
        return (flat, values)
    }

    @Test func madeNodesEqualNodesConvertedInPlace() throws {
        var nodes = 0
        for file in Fixtures.allFiles {
            let (flat, values) = try bothWays(file)
            #expect(flat.graph.nodeStore.flatWiring != nil, "\(file): the main graph's nodes are not kept as columns")
            #expect(values.graph.nodeStore.flatWiring == nil, "\(file)")
            #expect(flat.graph.nodes == values.graph.nodes, "\(file)")
            #expect(flat.graph == values.graph, "\(file)")
            nodes += flat.graph.nodes.count
        }
        #expect(nodes > 1000)
    }

    @Test func columnsAnswerAsTheNodesDo() throws {
        for file in Fixtures.allFiles {
            let (flat, values) = try bothWays(file)
            let store = flat.graph.nodeStore, nodes = values.graph.nodes
            #expect(store.count == nodes.count, "\(file)")
            guard store.count == nodes.count else { continue }
            for (i, node) in nodes.enumerated() {
                let at = "\(file) node \(i)"
                #expect(store.name(i) == node.name, "\(at)")
                #expect(store.opType(i) == node.opType, "\(at)")
                #expect(store.domain(i) == node.domain, "\(at)")
                #expect(store.isDefaultDomain(i) == node.isDefaultDomain, "\(at)")
                #expect(store.qualifiedOpType(i) == node.qualifiedOpType, "\(at)")
                #expect(Array(store.attributes(i)) == node.attributes, "\(at)")
                #expect(store.firstOutput(i) == (node.outputs.first ?? ""), "\(at)")
                #expect(store.mayHoldGraphs(i) == node.attributes.contains { !$0.value.subgraphs.isEmpty }, "\(at)")
                #expect(store.label(i) == (node.name.isEmpty ? "\(node.opType)#\(i)" : node.name), "\(at)")
            }
            #expect(store.mayHoldGraphs() == nodes.indices.filter { store.mayHoldGraphs($0) }, "\(file)")
            for op in Set(nodes.map(\.opType)) {
                #expect(store.positions(of: op) == nodes.indices.filter { nodes[$0].opType == op }, "\(file): \(op)")
            }
            var histogram: [String: Int] = [:]
            for node in nodes { histogram[node.qualifiedOpType, default: 0] += 1 }
            var counted: [String: Int] = [:]
            for op in store.opCounts() { counted[Node(opType: op.opType, domain: op.domain).qualifiedOpType, default: 0] += op.count }
            #expect(counted == histogram, "\(file)")
        }
    }

    @Test func changingDecodedNodesChangesTheGraph() throws {
        let file = try #require(Fixtures.allFiles.first { $0.hasPrefix("pytorch/") })
        var model = try bothWays(file).flat
        let before = model.graph.nodes
        let first = try #require(before.first)
        model.graph.nodes[0].name = "renamed"
        #expect(model.graph.nodeStore.flatWiring == nil)
        #expect(model.graph.nodes.count == before.count)
        #expect(model.graph.nodes[0].name == "renamed")
        #expect(Array(model.graph.nodes.dropFirst()) == Array(before.dropFirst()))
        #expect(first.name != "renamed")
        model.graph.nodes.append(Node(opType: "Identity", inputs: [first.outputs[0]], outputs: ["appended"]))
        #expect(model.graph.nodes.count == before.count + 1)
        #expect(WeightCatalog(model: model).opCounts["Identity", default: 0] == before.filter { $0.opType == "Identity" && $0.isDefaultDomain }.count + 1)
    }
}
