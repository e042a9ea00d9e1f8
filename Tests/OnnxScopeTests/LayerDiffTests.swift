import Testing
@testable import OnnxScope

/// Per-layer deltas of `diff`, checked against the parameter deltas onnx/numpy computed
/// for the pairs (Fixtures/diff/expected.json).
@Suite("diff: layer deltas")
struct LayerDiffTests {
    private func report(_ name: String) throws -> (DiffReport, DiffExpectations.Case) {
        let e = try #require(DiffExpectations.shared.cases[name])
        return (try DiffReport(a: ModelFile.open(Fixtures.path(e.a)), b: ModelFile.open(Fixtures.path(e.b))), e)
    }

    @Test func lstmResizedIsOneResizedLayer() throws {
        let (r, e) = try report("lstm_resized")
        #expect(r.layers.count == 1)
        let l = try #require(r.layers.first)
        #expect(l.kind == .lstm && l.change == .resized)
        #expect(l.detail.contains("hiddenSize 16 → 24"))
        #expect(l.delta == e.parameters.delta)
    }

    @Test func addedAndRemovedLayersAccountForTheParameterDelta() throws {
        let (r, e) = try report("layer_added_removed")
        #expect(r.layers.map(\.change.rawValue).sorted() == ["added", "removed"])
        #expect(r.layers.reduce(0) { $0 + $1.delta } == e.parameters.delta)
    }

    @Test("pairs with no layer change report none", arguments: ["identical", "doc_string", "renamed", "to_constants", "to_external", "scaled", "fp16"])
    func noLayerChange(name: String) throws {
        let (r, _) = try report(name)
        #expect(r.layers.isEmpty)
    }
}
