import Foundation
import Testing
@testable import OnnxScope

/// Equal within a relative 1e-6 (B dequantized in float32 on both sides; sums in another order).
private func near(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= 1e-6 * max(abs(b), 1e-12)
}

/// Issue #15: a model against its converted self. Every answer is restored_truth.py's
/// (numpy, dequantized with the onnx reference), in Fixtures/diff/expected.json.
@Suite("diff of re-stored models")
struct RestoredDiffTests {
    static func report(_ e: DiffExpectations.Case) throws -> DiffReport {
        try DiffReport(a: ModelFile.open(Fixtures.path(e.a)), b: ModelFile.open(Fixtures.path(e.b)))
    }

    @Test("verdict, pairs, bounds and errors as numpy computed them", arguments: DiffExpectations.names)
    func matchesTruth(_ name: String) throws {
        let e = try #require(DiffExpectations.shared.cases[name])
        let want = e.restoredAnswer
        let r = try RestoredDiffTests.report(e)
        #expect(r.verdict == want.verdict)
        let t = r.tensors
        #expect(t.removed == want.removed)
        #expect(t.added == want.added)
        #expect(t.nonParameters == want.nonParameters)
        let got = Dictionary(t.restored.map { ($0.to, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(got.keys) == Set(want.restored.map(\.to)))
        for w in want.restored {
            guard let g = got[w.to] else { continue }
            #expect(g.from == w.from && g.how == w.how && g.elements == w.elements, "\(w.to)")
            #expect(g.bits == w.bits && g.granularity == w.granularity && g.before == w.before && g.after == w.after, "\(w.to)")
            #expect(near(g.maxAbsError, w.maxAbsError), "\(w.to) maxAbsError \(g.maxAbsError) vs \(w.maxAbsError)")
            #expect(near(g.bound, w.bound), "\(w.to) bound \(g.bound) vs \(w.bound)")
            #expect(near(g.sqnrDb, w.sqnrDb), "\(w.to) sqnrDb")
            #expect(g.maxAbsError <= g.bound || g.how == .retyped)
        }
        let changed = Dictionary(t.valuesChanged.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(changed.keys) == Set(want.valuesChanged.map(\.name)))
        for w in want.valuesChanged {
            guard let g = changed[w.name] else { continue }
            #expect(g.how == w.how && g.from == w.from && g.changedElements == w.changedElements, "\(w.name)")
            #expect(near(g.maxAbsDiff, w.maxAbsDiff) && near(g.bound, w.bound), "\(w.name)")
        }
    }

    /// The "done when", spelled out so that a regenerated truth that lost its meaning is noticed.
    @Test func everyConversionIsRestoredAndEveryMutantChanged() throws {
        let cases = DiffExpectations.shared.cases.filter { $0.key.hasPrefix("restored_") }
        #expect(cases.count == 26)
        for (name, e) in cases {
            let r = try RestoredDiffTests.report(e)
            if let weight = e.mutates {
                #expect(r.verdict == .changed, "\(name)")
                #expect(r.tensors.valuesChanged.contains { $0.name == weight }, "\(name) names \(weight)")
                #expect(r.verdictSentence.hasPrefix("models differ"))
            } else {
                #expect(r.verdict == .restored, "\(name)")
                #expect(r.tensors.removed.isEmpty, "\(name): every float parameter of A paired")
                #expect(r.layers.isEmpty, "\(name): no layer added or removed")
                #expect(!r.tensors.restored.isEmpty || name == "restored_onnxslim")
                for p in r.tensors.restored where p.how == .quantized {
                    #expect(p.maxAbsError > 0 && p.sqnrDb != nil && p.bits != nil, "\(name) \(p.to)")
                }
                #expect(r.verdictSentence.hasPrefix("same parameters, re-stored"))
            }
        }
        let c = DiffExpectations.shared.cases
        #expect(c["restored_matmul_4bits"]?.restoredAnswer.restored.filter { $0.granularity == "block 32" }.count == 15)
        #expect(c["restored_ort_fusion"]?.restoredAnswer.restored.filter { $0.how == .packed }.count == 4)
        #expect(c["restored_bn_fold"]?.restoredAnswer.restored.filter { $0.how == .folded }.count == 4)
        #expect(c["restored_qdq_per_channel"]?.restoredAnswer.restored.allSatisfy { $0.granularity == "per-channel" } == true)
        #expect(c["exporters_mlp"]?.restoredAnswer.restored.map(\.how) == [.transposed])
    }

    @Test func boundsAreHalfAnUlpAndHalfAStep() {
        let fp16 = RoundingBound.rounding(.float16)
        #expect(fp16?.relative == 0x1p-11 && fp16?.floor == 0x1p-25)
        #expect(RoundingBound.rounding(.bfloat16)?.relative == 0x1p-8)
        #expect(RoundingBound.retyped(1e-9, (0x1p-11, 0x1p-25)) == 0x1p-25)  // subnormal floor
        var j = PairJudgement()
        j.add(70000, 65504, bound: 70000 * 0x1p-11, saturation: 65504)  // saturated: within bound
        j.add(-1e6, -.infinity, bound: 1, saturation: 65504)
        #expect(j.beyond == 0)
        j.add(1, 1.1, bound: 0.01)
        #expect(j.beyond == 1)
        // Half a step of scale 0.1, within range; one step of saturation at most.
        #expect(abs(RoundingBound.quantized(0, scale: 0.1, lo: -12.8, hi: 12.7) - 0.05) < 1e-12)
        #expect(RoundingBound.quantized(12.8, scale: 0.1, lo: -12.8, hi: 12.7) > 0.14)
        #expect(RoundingBound.quantized(20, scale: 0.1, lo: -12.8, hi: 12.7) < 0.16)
    }

    @Test func allTensorsListsConstantsTheDefaultCountsThem() throws {
        let e = try #require(DiffExpectations.shared.cases["exporters_lstm"])
        let summarized = try RestoredDiffTests.report(e)
        let all = try DiffReport(a: ModelFile.open(Fixtures.path(e.a)), b: ModelFile.open(Fixtures.path(e.b)),
                                 options: DiffReport.Options(allTensors: true))
        #expect(summarized.tensors.nonParameters.removed == 18)
        #expect(all.tensors.removed.count == summarized.tensors.removed.count + 18)
        let table = DiffRendering.render(summarized, as: .table)
        #expect(table.contains("18 removed (22 elements)"))
        #expect(!table.contains("onnx::Unsqueeze_151"))
    }

    @Test func tableAndMarkdownStartWithTheVerdictSentence() throws {
        let e = try #require(DiffExpectations.shared.cases["restored_dynamic_conv"])
        let r = try RestoredDiffTests.report(e)
        let first = DiffRendering.render(r, as: .table).split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasSuffix(": " + r.verdictSentence))
        #expect(r.verdictSentence.contains("13 weights FLOAT → INT8 (per-tensor, 8-bit) quantized, max dequantization error"))
        let md = DiffRendering.render(r, as: .markdown).split(separator: "\n").first.map(String.init) ?? ""
        #expect(md.hasPrefix("### ") && md.contains("same parameters, re-stored"))
    }
}
