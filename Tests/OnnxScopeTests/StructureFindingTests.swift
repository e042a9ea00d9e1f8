import Foundation
import Testing
@testable import OnnxScope

/// Findings about a model's structure and stored sizes, each from a small generated
/// file whose defect is known by construction.
@Suite("Structure and size findings")
struct StructureFindingTests {
    private func report(_ bytes: [UInt8]) throws -> InspectReport {
        InspectReport(file: try ModelFile.open(bytes: bytes, name: "/nonexistent/findings.onnx"))
    }

    private func codes(_ bytes: [UInt8]) throws -> [String] {
        try report(bytes).findings.map(\.code)
    }

    private func only(_ code: String, in bytes: [UInt8]) throws -> Finding {
        let findings = try report(bytes).findings
        #expect(findings.map(\.code) == [code])
        return try #require(findings.first)
    }

    // MARK: payload sizes

    @Test func rawDataOfTheRightSizeIsNoFinding() throws {
        let w = ModelBytes.tensor("w", dims: [2, 3], raw: ModelBytes.floatBytes([1, 2, 3, 4, 5, 6]))
        #expect(try codes(ModelBytes.modelWithWeight(w)).isEmpty)
    }

    @Test func rawDataShortOfDims() throws {
        let w = ModelBytes.tensor("w", dims: [2, 3], raw: ModelBytes.floatBytes([1, 2, 3, 4, 5]))
        let finding = try only("payload-size-mismatch", in: ModelBytes.modelWithWeight(w))
        #expect(finding.severity == .error)
        #expect(finding.message == "payload holds 20 bytes, dims and type require 24")
        #expect(finding.location == "main: w")
    }

    @Test func packedFloatsOfTheWrongCount() throws {
        let w = ModelBytes.tensor("w", dims: [4], floats: [1, 2, 3])
        #expect(try only("payload-size-mismatch", in: ModelBytes.modelWithWeight(w)).message
            == "payload holds 3 values, dims and type require 4")
    }

    /// Packed varints: 3 one-byte varints can hold 1 to 3 values; 5 is out of range, 2 is not
    /// judged without reading the bytes.
    @Test func packedVarintsOutOfRange() throws {
        let tooMany = ModelBytes.tensor("w", type: 7, dims: [5]) { $0.field(7, bytes: [1, 2, 3]) }
        #expect(try only("payload-size-mismatch", in: ModelBytes.modelWithWeight(tooMany)).message
            == "payload holds 1 to 3 values, dims and type require 5")
        let plausible = ModelBytes.tensor("w", type: 7, dims: [2]) { $0.field(7, bytes: [1, 2, 3]) }
        #expect(try codes(ModelBytes.modelWithWeight(plausible)).isEmpty)
    }

    @Test func unpackedInt64sAreCountedExactly() throws {
        let w = ModelBytes.tensor("w", type: 7, dims: [3]) { t in
            t.field(7, varint: 1)
            t.field(7, varint: 2)
        }
        #expect(try only("payload-size-mismatch", in: ModelBytes.modelWithWeight(w)).message
            == "payload holds 2 values, dims and type require 3")
    }

    @Test func noStoredData() throws {
        let w = ModelBytes.tensor("w", dims: [3])
        #expect(try only("payload-size-mismatch", in: ModelBytes.modelWithWeight(w)).message == "no stored data for 3 elements")
    }

    /// (The in-memory model lives in no folder, so the reference is also refused.)
    @Test func externalLengthDisagreesWithDims() throws {
        let w = ModelBytes.tensor("w", dims: [4], external: [("location", "missing.bin"), ("length", "12")])
        let codes = try codes(ModelBytes.modelWithWeight(w))
        #expect(codes.sorted() == ["external-data-refused", "payload-size-mismatch"])
    }

    // MARK: data types

    @Test func undefinedDataTypeIsAnError() throws {
        let w = ModelBytes.tensor("w", type: 0, dims: [2], raw: [0, 0])
        let finding = try only("undefined-data-type", in: ModelBytes.modelWithWeight(w))
        #expect(finding.severity == .error)
    }

    @Test func unknownDataTypeIsAWarning() throws {
        let w = ModelBytes.tensor("w", type: 99, dims: [2], raw: [0, 0])
        let finding = try only("unknown-data-type", in: ModelBytes.modelWithWeight(w))
        #expect(finding.severity == .warning)
    }

    // MARK: graph structure

    @Test func cycle() throws {
        let graph = ModelBytes.graph(nodes: [
            ModelBytes.node("Add", name: "a", inputs: ["x", "c"], outputs: ["b"]),
            ModelBytes.node("Relu", name: "r", inputs: ["b"], outputs: ["c"]),
            ModelBytes.node("Relu", name: "fine", inputs: ["x"], outputs: ["y"]),
        ], inputs: ["x"], outputs: ["y"])
        let finding = try only("graph-cycle", in: ModelBytes.model(graph))
        #expect(finding.severity == .error)
        #expect(finding.location == "main")
        #expect(finding.message.hasPrefix("2 nodes depend on their own outputs"))
    }

    @Test func nodeReadingItsOwnOutput() throws {
        let graph = ModelBytes.graph(nodes: [ModelBytes.node("Relu", name: "self", inputs: ["z"], outputs: ["z"])])
        #expect(try codes(ModelBytes.model(graph)) == ["graph-cycle"])
    }

    @Test func undefinedInput() throws {
        let graph = ModelBytes.graph(nodes: [
            ModelBytes.node("Add", name: "add", inputs: ["x", "ghost"], outputs: ["y"]),
        ], inputs: ["x"], outputs: ["y"])
        let finding = try only("undefined-input", in: ModelBytes.model(graph))
        #expect(finding.location == "main: 'add'")
        #expect(finding.message.contains("'ghost'"))
    }

    /// Empty optional inputs, initializers, graph inputs and outer-scope values count as
    /// defined; a subgraph's own undefined input is reported with the subgraph's path.
    @Test func definedInputsAndOuterScope() throws {
        let body = ModelBytes.graph(nodes: [
            ModelBytes.node("Add", name: "inner", inputs: ["x", "w"], outputs: ["t"]),
            ModelBytes.node("Add", name: "lost", inputs: ["t", "nowhere"], outputs: ["u"]),
        ], outputs: ["u"], name: "body")
        let graph = ModelBytes.graph(nodes: [
            ModelBytes.node("Clip", name: "clip", inputs: ["x", "", "w"], outputs: ["c"]),
            ModelBytes.node("If", name: "if", inputs: ["cond"], outputs: ["y"],
                            attributes: [ModelBytes.graphAttribute("then_branch", body)]),
        ], initializers: [ModelBytes.tensor("w", dims: [1], floats: [1])], inputs: ["x", "cond"], outputs: ["y"])
        let findings = try report(ModelBytes.model(graph)).findings
        #expect(findings.map(\.code) == ["undefined-input"])
        #expect(findings.first?.location == "main/if.then_branch: 'lost'")
    }

    @Test func sameOutputProducedTwice() throws {
        let graph = ModelBytes.graph(nodes: [
            ModelBytes.node("Relu", name: "one", inputs: ["x"], outputs: ["y"]),
            ModelBytes.node("Sigmoid", name: "two", inputs: ["x"], outputs: ["y"]),
        ], inputs: ["x"], outputs: ["y"])
        let finding = try only("duplicate-output", in: ModelBytes.model(graph))
        #expect(finding.severity == .error)
        #expect(finding.location == "main: 'two'")
    }

    @Test func nodeOverwritingAGraphInput() throws {
        let graph = ModelBytes.graph(nodes: [ModelBytes.node("Relu", name: "n", inputs: ["x"], outputs: ["x"])],
                                     inputs: ["x"])
        #expect(try codes(ModelBytes.model(graph)) == ["duplicate-output"])
    }

    /// Hundreds of defects give at most `perKindLimit` findings of a kind plus one summary.
    @Test func findingsOfAKindAreCapped() throws {
        let nodes = (0..<300).map { ModelBytes.node("Relu", name: "n\($0)", inputs: ["missing\($0)"], outputs: ["o\($0)"]) }
        let findings = try report(ModelBytes.model(ModelBytes.graph(nodes: nodes))).findings
        #expect(findings.count == GraphChecks.perKindLimit + 1)
        #expect(findings.last?.message == "… and \(300 - GraphChecks.perKindLimit) more like the above")
    }

    /// A long chain and a wide cycle finish: the checks keep no recursion.
    @Test func longChainsTerminate() throws {
        var nodes = (0..<20_000).map { ModelBytes.node("Relu", inputs: ["v\($0)"], outputs: ["v\($0 + 1)"]) }
        nodes.append(ModelBytes.node("Relu", inputs: ["v20000"], outputs: ["v0"]))
        let findings = try report(ModelBytes.model(ModelBytes.graph(nodes: nodes))).findings
        #expect(findings.map(\.code) == ["graph-cycle"])
        #expect(findings.first?.message.hasPrefix("20001 nodes") == true)
    }

    /// Every fixture exported by a real framework is free of structural findings.
    @Test func fixturesHaveNoStructuralFindings() throws {
        for file in Fixtures.allFiles {
            let model = try ModelFile.open(Fixtures.path(file)).model
            #expect(GraphChecks.findings(model).isEmpty, "\(file)")
        }
    }
}
