import Foundation
import Testing
@testable import OnnxScope

/// Fixtures/diff/expected.json, written by Fixtures/generate/diff_pairs.py: the answer
/// for each pair, computed with onnx and numpy.
struct DiffExpectations: Decodable {
    var cases: [String: Case]

    struct Case: Decodable, Sendable {
        var a: String
        var b: String
        var identical: Bool
        var exitCode: Int32
        var parameters: DiffReport.Totals
        var bytes: DiffReport.Totals
        var tensors: Tensors
        var ops: [String: Int]
        var opsets: [String: DiffReport.VersionChange]
        var inputs: [Interface]
        var outputs: [Interface]
        /// The re-stored reading of issue #15 (restored_truth.py).
        var restoredAnswer: Restored
        /// The weight of B a mutant moved beyond its bound, for mutants.
        var mutates: String?
    }

    /// restored_truth.py's answer: verdict, pairs with their bounds, parameters without counterpart.
    struct Restored: Decodable, Sendable {
        var verdict: DiffReport.Verdict
        var exitCode: Int32
        var exitCodeRestoredOk: Int32
        var restored: [DiffReport.RestoredPair]
        var valuesChanged: [DiffReport.ValueChange]
        var removed: [String]
        var added: [String]
        var nonParameters: DiffReport.NonParameters
        /// B's scales and zero points read by the dequantized pairs.
        var pairedOverhead: [String]
    }

    struct Tensors: Decodable, Sendable {
        var added: [String]
        var removed: [String]
        var renamed: [DiffReport.Rename]
        var reshaped: [DiffReport.Reshape]
        var retyped: [DiffReport.Retype]
        var valuesChanged: [DiffReport.ValueChange]
        var storageMoved: [DiffReport.StorageMove]
        var unchanged: Int
    }

    struct Interface: Decodable, Equatable, Sendable {
        var name: String
        var change: String
    }

    static let shared: DiffExpectations = {
        do {
            let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("diff/expected.json"))
            return try JSONDecoder().decode(DiffExpectations.self, from: data)
        } catch {
            fatalError("Fixtures/diff/expected.json cannot be read: \(error)")
        }
    }()

    static var names: [String] { shared.cases.keys.sorted() }
}

/// Equal within a relative 1e-9 (the statistics are sums in a different order).
private func close(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= 1e-9 * max(1, abs(b))
}

@Suite("diff on fixture pairs")
struct DiffTests {
    /// The answers of the first diff (every tensor listed): with `--all-tensors` they hold,
    /// except that weights now paired re-stored are no longer removed and added.
    @Test("each pair gives the answer onnx/numpy computed", arguments: DiffExpectations.names)
    func pairMatchesExpected(_ name: String) throws {
        var e = try #require(DiffExpectations.shared.cases[name])
        let report = try DiffReport(a: ModelFile.open(Fixtures.path(e.a)), b: ModelFile.open(Fixtures.path(e.b)),
                                    options: DiffReport.Options(allTensors: true))
        let pairedA = Set(e.restoredAnswer.restored.flatMap(\.from) + e.restoredAnswer.valuesChanged.flatMap { $0.from ?? [] })
        let pairedB = Set(e.restoredAnswer.restored.flatMap(\.to) + e.restoredAnswer.valuesChanged.filter { $0.how != nil }.map(\.name)
            + e.restoredAnswer.pairedOverhead)
        e.tensors.removed.removeAll(where: pairedA.contains)
        e.tensors.added.removeAll(where: pairedB.contains)
        #expect(report.identical == e.identical)
        #expect(report.parameters == e.parameters)
        #expect(report.bytes == e.bytes)
        #expect(report.ops == e.ops)
        #expect(report.opsets == e.opsets)
        #expect(report.inputs.map { DiffExpectations.Interface(name: $0.name, change: $0.change.rawValue) } == e.inputs)
        #expect(report.outputs.map { DiffExpectations.Interface(name: $0.name, change: $0.change.rawValue) } == e.outputs)
        let t = report.tensors
        #expect(t.added == e.tensors.added)
        #expect(t.removed == e.tensors.removed)
        #expect(t.renamed == e.tensors.renamed)
        #expect(t.reshaped == e.tensors.reshaped)
        #expect(t.storageMoved == e.tensors.storageMoved)
        #expect(t.unchanged == e.tensors.unchanged)
        #expect(t.retyped.map(\.name) == e.tensors.retyped.map(\.name))
        for (got, want) in zip(t.retyped, e.tensors.retyped) {
            #expect(got.before == want.before && got.after == want.after)
            #expect(close(got.maxAbsDiff, want.maxAbsDiff), "\(want.name): \(String(describing: got.maxAbsDiff))")
        }
        let plain = t.valuesChanged.filter { $0.how == nil }
        #expect(plain.map(\.name) == e.tensors.valuesChanged.map(\.name))
        for (got, want) in zip(plain, e.tensors.valuesChanged) {
            #expect(got.changedElements == want.changedElements, "\(want.name)")
            #expect(close(got.maxAbsDiff, want.maxAbsDiff), "\(want.name)")
            #expect(close(got.relativeL2, want.relativeL2), "\(want.name)")
        }
        #expect(report.summary.renamed == t.renamed.count && report.summary.valuesChanged == t.valuesChanged.count)
    }

    /// The cases the issue names, spelled out so that a regenerated expected.json that
    /// lost its meaning would be noticed.
    @Test func theIssuesCasesSayWhatTheyShould() throws {
        let c = DiffExpectations.shared.cases
        #expect(c.count == 40)
        #expect(try #require(c["identical"]).identical)
        #expect(try #require(c["doc_string"]).identical)
        #expect(try #require(c["renamed"]).tensors.renamed.count == 6)
        #expect(try #require(c["to_constants"]).tensors.storageMoved.count == 6)
        #expect(try #require(c["to_external"]).tensors.storageMoved.allSatisfy { $0.after == .external })
        #expect(try #require(c["scaled"]).tensors.valuesChanged.first?.changedElements == 256)
        #expect(try #require(c["single_element"]).tensors.valuesChanged.first?.changedElements == 1)
        #expect(try #require(c["lstm_resized"]).parameters.delta == 1600)
        #expect(try #require(c["fp16"]).tensors.retyped.count == 6)
        #expect(try #require(c["opset_bump"]).opsets["ai.onnx"] == DiffReport.VersionChange(before: 17, after: 18))
        #expect(try #require(c["symbolic_batch"]).inputs == [.init(name: "x", change: "changed")])
        #expect(!(try #require(c["layer_added_removed"]).tensors.added.isEmpty))
    }

    @Test func renamesAndStorageMovesAreSaidToBeNoDifference() throws {
        let report = try DiffReport(a: ModelFile.open(Fixtures.path("diff/renamed.a.onnx")),
                                    b: ModelFile.open(Fixtures.path("diff/renamed.b.onnx")))
        #expect(report.identical)
        #expect(report.notes.contains { $0.contains("6 renamed") && $0.contains("do not count") })
    }

    @Test func docStringIsAFactNotADifference() throws {
        let report = try DiffReport(a: ModelFile.open(Fixtures.path("diff/doc_string.a.onnx")),
                                    b: ModelFile.open(Fixtures.path("diff/doc_string.b.onnx")))
        #expect(report.identical)
        #expect(report.model.map(\.fact) == ["docString"])
    }

    @Test func unreadableValuesAreAnError() throws {
        let a = try ModelFile.open(Fixtures.path("handbuilt/external.onnx"))
        let b = try ModelFile.open(Fixtures.path("handbuilt/external_missing.onnx"))
        #expect(throws: PayloadError.self) { try DiffReport(a: a, b: b) }
    }

    @Test func jsonHasTheContractKeys() throws {
        let report = try DiffReport(a: ModelFile.open(Fixtures.path("diff/scaled.a.onnx")),
                                    b: ModelFile.open(Fixtures.path("diff/scaled.b.onnx")))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONRendering.render(report).utf8)) as? [String: Any])
        for key in ["schemaVersion", "a", "b", "identical", "parameters", "bytes", "tensors", "ops", "inputs", "outputs",
                    "opsets", "layers"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let tensors = try #require(object["tensors"] as? [String: Any])
        for key in ["added", "removed", "renamed", "reshaped", "retyped", "valuesChanged", "storageMoved"] {
            #expect(tensors[key] != nil, "missing tensors.\(key)")
        }
        #expect(object["schemaVersion"] as? Int == 1)
    }
}
