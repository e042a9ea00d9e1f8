import Foundation
import Testing
@testable import OnnxScope

/// The three buckets of stored elements: `trainable` (parameters of recognized layers),
/// `nonTrainable` (state and constants known not to be trained) and `unattributed`
/// (floating-point or quantized weights no layer claimed). They always sum to every stored
/// element, and a missed layer moves its weights to `unattributed`, not to `nonTrainable`.
@Suite("Trainable, non-trainable and unattributed")
struct TrainableBucketsTests {
    static let files = Fixtures.manifest.fixtures.filter { ["pytorch", "torch-issue13", "keras", "keras-issue18"].contains($0.source) }.map(\.file)

    @Test("the buckets sum to the stored elements onnx counted", arguments: files)
    func bucketsSumToStored(file: String) throws {
        let entry = try #require(Fixtures.entry(file))
        let t = LayersReport(file: try ModelFile.open(Fixtures.path(file))).totals
        #expect(Saturating.add(Saturating.add(t.trainable, t.nonTrainable), t.unattributed) == entry.stored.weights.elements)
        // Only floating-point (or quantized) weights can be unattributed.
        #expect(t.unattributed <= entry.stored.weights.floatElements + entry.stored.weights.byDataType["INT8", default: 0]
                    + entry.stored.weights.byDataType["UINT8", default: 0])
    }

    /// The torch fixtures of #13 whose stored weights fold nothing: trainable + unattributed
    /// is torch's own parameter count. Left out, with the fold the layers report explains:
    /// the dynamo exports of add_bias_kv (bias_k/bias_v stored repeated over the batch) and
    /// tiny_gpt_functions (the tied lm_head stored twice).
    static let unfolded = Fixtures.manifest.fixtures.filter { $0.source == "torch-issue13" }.map(\.file).filter {
        !($0.hasPrefix("pytorch/mha_bias_kv") && $0.contains("dynamo")) && !$0.contains("tiny_gpt_functions")
    }

    @Test("trainable + unattributed is torch's parameter count", arguments: unfolded)
    func parametersAreTorchs(file: String) throws {
        let framework = try #require(Fixtures.entry(file)?.framework)
        let t = LayersReport(file: try ModelFile.open(Fixtures.path(file))).totals
        #expect(Saturating.add(t.trainable, t.unattributed) == framework.totalParameters)
    }

    /// A FLOAT [4, 4] weight only a `Relu` reads (no layer), an INT64 [3] index constant and a FLOAT scalar.
    static let unrecognized: [UInt8] = ModelBytes.model(ModelBytes.graph(
        nodes: [
            ModelBytes.node("Relu", name: "relu", inputs: ["w"], outputs: ["y"]),
            ModelBytes.node("Mul", name: "scale", inputs: ["y", "s"], outputs: ["z"]),
            ModelBytes.node("Reshape", name: "reshape", inputs: ["z", "shape"], outputs: ["out"]),
        ],
        initializers: [
            ModelBytes.tensor("w", dims: [4, 4], raw: ModelBytes.floatBytes(Array(repeating: 0.5, count: 16))),
            ModelBytes.tensor("s", dims: [], raw: ModelBytes.floatBytes([2])),
            ModelBytes.tensor("shape", type: 7, dims: [3], raw: [Int64](arrayLiteral: 2, 2, 4).flatMap { v in
                withUnsafeBytes(of: v.littleEndian, Array.init)
            }),
        ],
        outputs: ["out"]))

    @Test("weights no layer claims are unattributed; constants and scalars are non-trainable")
    func missedWeightsAreUnattributed() throws {
        let file = try ModelFile.open(bytes: Self.unrecognized, name: "unrecognized.onnx")
        let t = ModelAnalysis(file: file).layers.totals
        #expect(t.trainable == 0)
        #expect(t.unattributed == 16)
        #expect(t.nonTrainable == 3 + 1)
    }

    @Test("audit --params checks trainable + unattributed, unless --strict-layers")
    func auditCountsUnattributed() throws {
        let analysis = ModelAnalysis(file: try ModelFile.open(bytes: Self.unrecognized, name: "unrecognized.onnx"))
        var expectations = AuditExpectations()
        expectations.parameters = 16
        #expect(analysis.audit(expectations).checks.first { $0.name == "parameters" }?.passed == true)
        expectations.strictLayers = true
        #expect(analysis.audit(expectations).checks.first { $0.name == "parameters" }?.passed == false)
    }
}
