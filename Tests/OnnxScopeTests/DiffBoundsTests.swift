import Foundation
import Testing
@testable import OnnxScope

/// `diff` within bounds: sparse tensors compared sparsely (never made dense), renamed
/// tensors and layers paired by hash buckets, in time linear in their number.
@Suite("diff within bounds")
struct DiffBoundsTests {
    /// A sparse initializer `name` of dense shape `dims` holding `values` at linear `indices`.
    static func sparse(_ name: String, dims: [Int64], indices: [Int64], values: [Float]) -> [UInt8] {
        let v = ModelBytes.tensor(name, dims: [Int64(values.count)], raw: ModelBytes.floatBytes(values))
        let i = ModelBytes.tensor(name + ".indices", type: 7, dims: [Int64(indices.count)],
                                  raw: indices.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        return ProtoWriter.message { s in
            s.field(1, bytes: v)
            s.field(2, bytes: i)
            for d in dims { s.field(3, varint: UInt64(d)) }
        }
    }

    static func model(sparse: [[UInt8]] = [], initializers: [[UInt8]] = []) -> [UInt8] {
        let graph = ProtoWriter.message { g in
            g.field(2, string: "g")
            for t in initializers { g.field(5, bytes: t) }
            for s in sparse { g.field(15, bytes: s) }
        }
        return ModelBytes.model(graph)
    }

    static func seconds(_ work: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The pair: dense size 2^26, one stored value, 1 against 2. Made dense it took
    /// 1.5 GB and 3 s per tensor; compared sparsely it is instant.
    @Test func sparsePairIsComparedSparsely() throws {
        let a = try ModelFile.open(bytes: DiffBoundsTests.model(sparse: [DiffBoundsTests.sparse("s", dims: [1 << 26], indices: [5], values: [1])]),
                                   name: "a.onnx")
        let b = try ModelFile.open(bytes: DiffBoundsTests.model(sparse: [DiffBoundsTests.sparse("s", dims: [1 << 26], indices: [5], values: [2])]),
                                   name: "b.onnx")
        var report: DiffReport?
        let time = try DiffBoundsTests.seconds { report = try DiffReport(a: a, b: b) }
        let changes = try #require(report).tensors.valuesChanged
        #expect(changes == [DiffReport.ValueChange(name: "s", changedElements: 1, maxAbsDiff: 1, relativeL2: 1)])
        #expect(time < 1, "\(time) s")
    }

    /// 20 such tensors of dense size 2^40 (past what could ever be made dense): values at
    /// different indices, one equal pair.
    @Test func sparseTensorsPastAnyDenseSize() throws {
        var sa: [[UInt8]] = [], sb: [[UInt8]] = []
        for k in 0..<20 {
            sa.append(DiffBoundsTests.sparse("s\(k)", dims: [1 << 20, 1 << 20], indices: [3, 1 << 39], values: [1, 4]))
            // k == 0 equal; else index 3 moved to 7 (two elements change: 1 → 0 and 0 → 1).
            sb.append(DiffBoundsTests.sparse("s\(k)", dims: [1 << 20, 1 << 20], indices: [k == 0 ? 3 : 7, 1 << 39], values: [1, 4]))
        }
        let a = try ModelFile.open(bytes: DiffBoundsTests.model(sparse: sa), name: "a.onnx")
        let b = try ModelFile.open(bytes: DiffBoundsTests.model(sparse: sb), name: "b.onnx")
        var report: DiffReport?
        let time = try DiffBoundsTests.seconds { report = try DiffReport(a: a, b: b) }
        let r = try #require(report)
        #expect(r.tensors.unchanged == 1)
        #expect(r.tensors.valuesChanged.count == 19)
        // ‖b − a‖ = √2, ‖a‖ = √17.
        #expect(r.tensors.valuesChanged.allSatisfy {
            $0.changedElements == 2 && $0.maxAbsDiff == 1 && abs(($0.relativeL2 ?? 0) - (2.0 / 17).squareRoot()) < 1e-12
        })
        #expect(time < 2, "\(time) s")
    }

    /// A weight moved from a dense initializer into a sparse one, values unchanged: the
    /// dense side is read in chunks against the sparse entries.
    @Test func denseAgainstSparse() throws {
        let dense = ModelBytes.tensor("w", dims: [2, 3], raw: ModelBytes.floatBytes([0, 0, 5, 0, 0, -1]))
        let a = try ModelFile.open(bytes: DiffBoundsTests.model(initializers: [dense]), name: "a.onnx")
        let same = DiffBoundsTests.sparse("w", dims: [2, 3], indices: [2, 5], values: [5, -1])
        let other = DiffBoundsTests.sparse("w", dims: [2, 3], indices: [2, 4], values: [5, -1])
        let unchanged = try DiffReport(a: a, b: try ModelFile.open(bytes: DiffBoundsTests.model(sparse: [same]), name: "b.onnx"))
        #expect(unchanged.tensors.unchanged == 1 && unchanged.tensors.valuesChanged.isEmpty)
        #expect(unchanged.tensors.storageMoved == [DiffReport.StorageMove(name: "w", before: .initializer, after: .sparseInitializer)])
        let changed = try DiffReport(a: a, b: try ModelFile.open(bytes: DiffBoundsTests.model(sparse: [other]), name: "b.onnx"))
        // Element 4: 0 → −1, element 5: −1 → 0. ‖a‖ = √26.
        #expect(changed.tensors.valuesChanged == [DiffReport.ValueChange(
            name: "w", changedElements: 2, maxAbsDiff: 1, relativeL2: (2.0 / 26).squareRoot())])
    }

    /// 100k identical tensors renamed (a0… → b0…): every one pairs by content, in file order.
    @Test func hundredThousandRenamedTensors() throws {
        let n = 100_000
        func side(_ prefix: String) throws -> ModelFile {
            let tensors = (0..<n).map { ModelBytes.tensor("\(prefix)\($0)", dims: [1], raw: ModelBytes.floatBytes([1])) }
            return try ModelFile.open(bytes: DiffBoundsTests.model(initializers: tensors), name: "\(prefix).onnx")
        }
        let a = try side("a"), b = try side("b")
        var report: DiffReport?
        // Linear pairing takes about 3 s in a debug build on a busy machine; quadratic
        // pairing took 14 s for 80k in release (minutes in debug).
        let time = try DiffBoundsTests.seconds { report = try DiffReport(a: a, b: b) }
        let r = try #require(report)
        #expect(r.tensors.renamed.count == n && r.identical)
        #expect(r.tensors.renamed.first == DiffReport.Rename(from: "a0", to: "b0"))
        #expect(r.tensors.renamed.last == DiffReport.Rename(from: "a\(n - 1)", to: "b\(n - 1)"))
        #expect(time < 60, "\(time) s")
    }

    /// 20k Dense layers renamed: paired by kind, hyper-parameters and size.
    @Test func twentyThousandRenamedLayers() throws {
        let n = 20_000
        func side(_ prefix: String) throws -> ModelFile {
            var nodes: [[UInt8]] = [], weights: [[UInt8]] = []
            for k in 0..<n {
                // Sizes repeat every 100 layers, so buckets hold many equal layers.
                weights.append(ModelBytes.tensor("\(prefix)w\(k)", dims: [1, Int64(k % 100 + 1)]))
                nodes.append(ModelBytes.node("Gemm", name: "\(prefix)\(k)", inputs: ["x", "\(prefix)w\(k)"], outputs: ["\(prefix)y\(k)"]))
            }
            return try ModelFile.open(bytes: ModelBytes.model(ModelBytes.graph(nodes: nodes, initializers: weights, inputs: ["x"])),
                                      name: "\(prefix).onnx")
        }
        let a = try side("a"), b = try side("b")
        #expect(LayerRecognition(file: a, catalog: WeightCatalog(model: a.model)).layers.count == n)
        var deltas: [LayerDelta] = []
        let before = LayerRecognition(file: a, catalog: WeightCatalog(model: a.model)).layers
        let after = LayerRecognition(file: b, catalog: WeightCatalog(model: b.model)).layers
        let time = DiffBoundsTests.seconds { deltas = LayerDiff.deltas(before, after) }
        #expect(deltas.isEmpty)
        #expect(time < 120, "\(time) s")
    }
}
