import Testing
@testable import OnnxScope

/// Graphs large enough that decoding, the consumer table and recognition split their work
/// over all cores (``ParallelWork``): the layers found are those the one-by-one path finds
/// on a small graph of the same blocks, and those the graph was built from.
@Suite("large graphs on all cores")
struct LargeGraphParallelTests {
    /// A chain of `blocks` dense blocks as a TorchScript export names them: MatMul with an
    /// [8, 8] weight, Add of an [8] bias, Relu, Mul by an [8] scale; every value distinct.
    static func chain(_ blocks: Int) -> [UInt8] {
        var nodes: [[UInt8]] = [], weights: [[UInt8]] = []
        var x = "input"
        for i in 0..<blocks {
            let p = "layers.\(i)"
            let seed = Float(i % 97) / 97
            weights.append(ModelBytes.tensor("\(p).fc.weight", dims: [8, 8], raw: ModelBytes.floatBytes((0..<64).map { Float($0) / 64 + seed })))
            weights.append(ModelBytes.tensor("\(p).fc.bias", dims: [8], raw: ModelBytes.floatBytes((0..<8).map { Float($0) / 8 - seed })))
            weights.append(ModelBytes.tensor("\(p).scale", dims: [8], raw: ModelBytes.floatBytes((0..<8).map { Float($0) / 16 + seed })))
            nodes.append(ModelBytes.node("MatMul", name: "/\(p)/fc/MatMul", inputs: [x, "\(p).fc.weight"], outputs: ["/\(p)/fc/MatMul_output_0"]))
            nodes.append(ModelBytes.node("Add", name: "/\(p)/fc/Add", inputs: ["/\(p)/fc/MatMul_output_0", "\(p).fc.bias"], outputs: ["/\(p)/fc/Add_output_0"]))
            nodes.append(ModelBytes.node("Relu", name: "/\(p)/Relu", inputs: ["/\(p)/fc/Add_output_0"], outputs: ["/\(p)/Relu_output_0"]))
            x = i == blocks - 1 ? "output" : "/\(p)/Mul_output_0"
            nodes.append(ModelBytes.node("Mul", name: "/\(p)/Mul", inputs: ["/\(p)/Relu_output_0", "\(p).scale"], outputs: [x]))
        }
        return ModelBytes.model(ModelBytes.graph(nodes: nodes, initializers: weights, inputs: ["input"], outputs: ["output"]))
    }

    @Test func largeChainMatchesTheOneByOnePath() throws {
        // 5,200 blocks: 20,800 nodes and 5,200 MatMuls, over every parallel threshold.
        let blocks = 5200
        #expect(blocks >= ParallelWork.minimum && 4 * blocks >= 20_000)
        let large = LayersReport(file: try ModelFile.open(bytes: Self.chain(blocks), name: "large.onnx"))
        let small = LayersReport(file: try ModelFile.open(bytes: Self.chain(200), name: "small.onnx"))

        // Every block's Dense layer, as built: named by its module, 8 → 8 with a bias, 72 parameters.
        let dense = large.layers.flatMap { [$0] + $0.children }.filter { $0.kind == .dense }
        #expect(dense.count == blocks)
        #expect(dense.map(\.name) == (0..<blocks).map { "layers.\($0).fc" })
        #expect(dense.allSatisfy { $0.stored == 72 && $0.hyper[.inputSize]?.int == 8 && $0.hyper[.outputSize]?.int == 8 })
        #expect(dense.map(\.stored).reduce(0, +) == Int64(blocks) * 72)

        // The first layers are those the small chain (below every threshold) has, field by field.
        let shared = small.layers.count - 2
        #expect(shared > 50)
        #expect(Array(large.layers.prefix(shared)) == Array(small.layers.prefix(shared)))
    }

    @Test func parallelMapKeepsOrder() {
        let items = Array(0..<(3 * ParallelWork.minimum + 7))
        #expect(ParallelWork.map(items) { $0 * $0 - 1 } == items.map { $0 * $0 - 1 })
        #expect(ParallelWork.map(Array(items.prefix(10))) { $0 + 1 } == Array(1...10))
    }
}
