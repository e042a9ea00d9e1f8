import Testing
@testable import OnnxScope

/// The lookups by a node's input or output slot read the graph's wiring instead of hashing
/// the value's name: on every graph of every fixture (subgraphs, function bodies, and main
/// graphs with their function calls expanded, whose wiring the index builds itself) they
/// give what the lookups by name give.
@Suite("Graph index lookups by slot")
struct GraphIndexSlotTests {
    private func same(_ a: WeightTrace?, _ b: WeightTrace?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?):
            a.weight === b.weight && a.via == b.via && a.dims == b.dims && a.isPart == b.isPart
                && a.transposed == b.transposed && a.shapeKnown == b.shapeKnown
        default: false
        }
    }

    @Test func slotLookupsAgreeWithNameLookupsOnEveryFixture() throws {
        var slots = 0, traced = 0, mismatches: [String] = []
        for file in Fixtures.allFiles {
            for graph in try Fixtures.graphIndexes(file) {
                for (i, node) in graph.nodes.enumerated() {
                    for (slot, value) in node.inputs.enumerated() {
                        slots += 1
                        if graph.inputNumber(i, slot) != graph.valueNumber(value) { mismatches.append("\(file) \(graph.path) node \(i) input \(slot)") }
                        if graph.producer(ofInput: slot, of: i) != graph.producer(of: value) { mismatches.append("\(file) producer of \(value)") }
                        let byName = graph.traceWeight(value)
                        if byName != nil { traced += 1 }
                        if !same(graph.traceWeight(input: slot, of: i), byName) { mismatches.append("\(file) trace of \(value)") }
                    }
                    for (slot, value) in node.outputs.enumerated() {
                        if graph.outputNumber(i, slot) != graph.valueNumber(value) { mismatches.append("\(file) \(graph.path) node \(i) output \(slot)") }
                        if graph.uses(ofOutput: slot, of: i) != graph.uses(of: value) { mismatches.append("\(file) uses of \(value)") }
                    }
                    // A slot past the node's last input or output is no value.
                    if graph.inputNumber(i, node.inputs.count) != nil || graph.outputNumber(i, -1) != nil {
                        mismatches.append("\(file) node \(i): a slot out of range has a number")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, first: \(mismatches.prefix(5))")
        // The fixtures exercise the lookups: many inputs, many of them weights.
        #expect(slots > 10_000)
        #expect(traced > 1_000)
    }
}
