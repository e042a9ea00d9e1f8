import Testing
@testable import OnnxScope

/// Mistaken expectations are found before any model is read, with the closest valid name.
@Suite("Audit expectations validation")
struct AuditValidationTests {
    @Test func closestNames() {
        #expect(NameSuggestion.closest(to: "Lstm", among: ["Dense", "LSTM", "GRU"]) == "LSTM")
        #expect(NameSuggestion.closest(to: "inspectt", among: ["inspect", "layers"]) == "inspect")
        #expect(NameSuggestion.closest(to: "lyers", among: ["inspect", "layers"]) == "layers")
        #expect(NameSuggestion.closest(to: "FLOT", among: AuditExpectations.validDataTypes) == "FLOAT")
        #expect(NameSuggestion.closest(to: "xyz", among: ["inspect", "layers"]) == nil)
        #expect(NameSuggestion.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
    }

    @Test func validExpectationsHaveNoProblems() {
        var e = AuditExpectations()
        e.layerCounts = ["LSTM": 1, "Dense": 2]
        e.kindParameters = ["MultiHeadAttention": 10]
        e.allowedDataTypes = ["FLOAT", "FLOAT16", "INT64"]
        e.allowedOps = ["Gemm", "Relu", "LSTM", "com.microsoft.Attention", "ai.onnx.ml.LinearClassifier", "ImageScaler"]
        #expect(e.problems().isEmpty)
    }

    @Test func everyUnknownValueIsAProblem() {
        var e = AuditExpectations()
        e.layerCounts = ["Lstm": 1]
        e.kindParameters = ["Dens": 5]
        e.allowedDataTypes = ["FLOAT", "QUBIT"]
        e.allowedOps = ["Gemmm", "Relu"]
        let problems = e.problems()
        #expect(problems.map(\.value) == ["Lstm", "Dens", "QUBIT", "Gemmm"])
        #expect(problems.map(\.suggestion) == ["LSTM", "Dense", nil, "Gemm"])
        #expect(problems[0].description.hasPrefix("unknown layer kind 'Lstm' in --layers / layerCounts (did you mean 'LSTM'?); valid: Dense, Conv,"))
        #expect(problems[2].valid.contains("FLOAT16"))
        #expect(!problems[2].valid.contains("UNDEFINED"))
    }

    @Test func theOperatorListHasTheCommonOps() {
        for op in ["Conv", "Gemm", "MatMul", "LSTM", "LayerNormalization", "Attention", "Upsample", "Scatter"] {
            #expect(StandardOperators.names.contains(op), "\(op)")
        }
        #expect(!StandardOperators.names.contains("Gemmm"))
    }
}
