import Foundation
import Testing
@testable import OnnxScope

@Suite("Decoding through the payload-stripping pre-pass")
struct DecodingTests {
    /// Stripping payloads loses no metadata: the model decoded from the stripped copy
    /// equals the one protobuf-c decodes from the original bytes, payloads aside.
    @Test("stripped decode equals a plain protobuf-c decode", arguments: Fixtures.allFiles)
    func strippedEqualsPlain(file: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(file)))
        let plain = try data.withUnsafeBytes { raw in
            try ProtobufCDecoder.decode(StrippedModel(metadata: Array(raw), payloads: PayloadTable()))
        }
        let stripped = try ModelFile.open(Fixtures.path(file))
        #expect(PayloadEraser.erase(stripped.model) == PayloadEraser.erase(plain))
    }

    /// Every inline `raw_data` payload that the pre-pass records has exactly the size
    /// the IR requires for its dims and type, so ranges point at whole payloads.
    @Test("raw_data ranges have the size their dims require", arguments: Fixtures.allFiles)
    func rawDataRangesMatchDims(file: String) throws {
        let opened = try ModelFile.open(Fixtures.path(file))
        let catalog = WeightCatalog(model: opened.model)
        var checked = 0
        for weight in catalog.weights {
            guard case .tensor(let tensor) = weight.source, case .inline(let payload) = tensor.payload,
                  payload.field == .rawData, weight.dataType != .string else { continue }
            let elements = try TensorSize.elements(tensor.dims).get()
            let expected = try #require(TensorSize.bytes(elements: elements, type: tensor.dataType, stringBytes: nil)).get()
            #expect(Int64(payload.contentBytes) == expected, "\(weight.name)")
            #expect(payload.pieces.allSatisfy { $0.range.upperBound <= opened.fileSize })
            checked += 1
        }
        // Real exporters store every initializer in raw_data.
        if !file.hasPrefix("handbuilt/") { #expect(checked > 0) }
    }

    /// Typed fields (`float_data`, `int32_data`) are recorded as packed ranges, not decoded.
    @Test func typedFieldsAreReferencedNotCopied() throws {
        let opened = try ModelFile.open(Fixtures.path("handbuilt/dtypes.onnx"))
        let typed = opened.model.graph.initializers.compactMap { tensor -> (Tensor, InlinePayload)? in
            guard case .inline(let p) = tensor.payload, p.field != .rawData else { return nil }
            return (tensor, p)
        }
        #expect(!typed.isEmpty)
        for (tensor, payload) in typed {
            #expect(payload.pieces.allSatisfy { $0.encoding == .packed || $0.encoding == .repeated }, "\(tensor.name)")
            if payload.field == .floatData {
                #expect(Int64(payload.contentBytes) == 4 * (try TensorSize.elements(tensor.dims).get()))
            }
        }
    }

    /// External tensors keep their location, offset and length; no data file is read.
    @Test func externalReferencesAreKept() throws {
        let opened = try ModelFile.open(Fixtures.path("handbuilt/external.onnx"))
        let external = opened.model.graph.initializers.compactMap { t -> ExternalDataReference? in
            if case .external(let r) = t.payload { return r }
            return nil
        }
        #expect(external.count == 2)
        #expect(external.allSatisfy { $0.location == "external.data" && $0.offset != nil && $0.length != nil })
        let report = InspectReport(file: opened)
        #expect(report.findings.isEmpty)
        #expect(report.weights.external.files == ["external.data"])
    }

    @Test func missingExternalFileIsAFindingNotAFailure() throws {
        let report = InspectReport(file: try ModelFile.open(Fixtures.path("handbuilt/external_missing.onnx")))
        #expect(report.findings.contains { $0.code == "external-data-missing" && $0.severity == .warning })
        let expected = try #require(Fixtures.entry("handbuilt/external_missing.onnx")).stored.weights
        #expect(report.weights.elements == expected.elements)
    }

    /// A file cannot forge the pre-pass's payload token: a field with that number in
    /// the input is dropped.
    @Test func forgedPayloadTokenIsIgnored() throws {
        let tensor = ProtoWriter.message { t in
            t.field(1, varint: 2)
            t.field(2, varint: 1)
            t.field(8, string: "w")
            t.field(PayloadStripper.tokenField, varint: 0)
        }
        let bytes = ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(7, bytes: ProtoWriter.message { g in g.field(5, bytes: tensor) })
        }
        let folder = try TemporaryFolder()
        let model = try ModelFile.open(try folder.write("forged.onnx", bytes)).model
        #expect(model.graph.initializers.first?.payload == TensorPayload.none)
    }

    /// Subgraphs nested to just under the limit decode and are walked without recursion.
    @Test func deepButAllowedNestingIsWalked() throws {
        let depth = (DecodingLimits.maxMessageDepth - 2) / 3
        let folder = try TemporaryFolder()
        let model = try ModelFile.open(try folder.write("deep.onnx", Hostile.nestedIfModel(depth: depth))).model
        let catalog = WeightCatalog(model: model)
        #expect(catalog.nodeCount == depth)
        #expect(catalog.graphCount == depth + 1)
    }
}

/// Replaces every tensor payload with `.none`, so two decodes can be compared on metadata.
enum PayloadEraser {
    static func erase(_ model: Model) -> Model {
        var m = model
        m.graph = erase(m.graph)
        m.functions = m.functions.map { f in
            var f = f
            f.nodes = f.nodes.map(erase)
            f.attributeDefaults = f.attributeDefaults.map(erase)
            return f
        }
        m.trainingGraphs = m.trainingGraphs.map(erase)
        return m
    }

    static func erase(_ graph: Graph) -> Graph {
        var g = graph
        g.initializers = g.initializers.map(erase)
        g.sparseInitializers = g.sparseInitializers.map(erase)
        g.nodes = g.nodes.map(erase)
        return g
    }

    static func erase(_ node: Node) -> Node {
        var n = node
        n.attributes = n.attributes.map(erase)
        return n
    }

    static func erase(_ attribute: Attribute) -> Attribute {
        var a = attribute
        switch a.value {
        case .tensor(let t): a.value = .tensor(erase(t))
        case .tensors(let ts): a.value = .tensors(ts.map(erase))
        case .graph(let g): a.value = .graph(erase(g))
        case .graphs(let gs): a.value = .graphs(gs.map(erase))
        case .sparseTensor(let s): a.value = .sparseTensor(erase(s))
        case .sparseTensors(let ss): a.value = .sparseTensors(ss.map(erase))
        case .float, .int, .string, .type, .floats, .ints, .strings, .types, .reference, .undefined: break
        }
        return a
    }

    static func erase(_ tensor: Tensor) -> Tensor {
        var t = tensor
        if case .inline = t.payload { t.payload = .none }
        return t
    }

    static func erase(_ sparse: SparseTensor) -> SparseTensor {
        SparseTensor(values: erase(sparse.values), indices: erase(sparse.indices), dims: sparse.dims)
    }
}
