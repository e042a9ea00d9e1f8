import Foundation
import Testing
@testable import OnnxScope

/// Paths and the fixture manifest shared by the tests.
enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static let manifest: Manifest = {
        do {
            let data = try Data(contentsOf: root.appendingPathComponent("manifest.json"))
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            fatalError("Fixtures/manifest.json cannot be read: \(error)")
        }
    }()

    static var allFiles: [String] { manifest.fixtures.map(\.file) }

    static func entry(_ file: String) -> Manifest.Entry? {
        manifest.fixtures.first { $0.file == file }
    }

    /// Every graph index of fixture `file`: subgraphs and function bodies, then the main
    /// graph again with its function calls expanded (whose wiring the index builds itself).
    static func graphIndexes(_ file: String) throws -> [GraphIndex] {
        let opened = try ModelFile.open(path(file))
        let catalog = WeightCatalog(model: opened.model)
        return catalog.graphIndexes(of: opened.model, reader: opened, includingFunctions: true)
            + catalog.graphIndexes(of: opened.model, reader: opened, inliningCalls: true)
    }
}

/// The parts of Fixtures/manifest.json the tests read. `stored` was computed by the
/// `onnx` Python package (Fixtures/generate/onnx_counts.py) when the file was made;
/// `framework` holds the exporting framework's own numbers.
struct Manifest: Decodable {
    var fixtures: [Entry]

    struct Entry: Decodable, Sendable {
        var file: String
        var source: String
        var exporter: String
        var model: String
        var framework: Framework?
        var stored: Stored
        var expectedLayers: [ExpectedLayer]?
        var transform: Transform?
    }

    /// What a deployment tool did to a source fixture (Fixtures/generate/deploy_models.py): its own rules.
    struct Transform: Decodable, Sendable {
        var tool: String
        var sourceFile: String
        var bits: Int64?
        var blockSize: Int64?
        var perChannel: Bool?
        var format: String?
        var quantizedWeights: [QuantizedWeight]
        var matMulNBits: [MatMulNBits]
        var convertedToFloat16: [String]
        var fusedOperators: [String: Int]?
        /// Stored weight → the framework parameters it holds, where the tool renamed them (genai builder).
        var renamedWeights: [String: [String]]?
        /// Stored weights the tool made by concatenating several modules' weights (a fused QKV).
        var packedWeights: [PackedWeight]?
        /// Modules whose one weight the tool stored as several (Phi-3's gate_up_proj as gate and up).
        var splitWeights: [SplitWeight]?
        /// com.microsoft and contrib ops the genai builder wrote, with their counts.
        var builtOperators: [String: Int]?
        /// The framework modules a file of a split export holds (optimum's encoder, decoder, merged decoder).
        var modulesInFile: [String]?
        /// numel of the unique framework parameters the file stores (a tied tensor once).
        var parametersInFile: Int64?
        /// optimum's own names for the key/value cache this file takes and returns.
        var pastKeyValues: PastKeyValues?
        /// The merged decoder's If: which main-graph initializers each branch reads.
        var mergedBranches: MergedBranches?
    }

    /// Cache inputs and outputs as optimum's OnnxConfig.add_past_key_values names them.
    struct PastKeyValues: Decodable, Sendable {
        struct Name: Decodable, Sendable {
            var name: String
            var layer: Int
            var part: String
            var attention: String
        }
        var inputs: [Name]
        var outputs: [Name]
    }

    /// optimum's merged decoder: one If whose branches read main-graph initializers.
    struct MergedBranches: Decodable, Sendable {
        var node: String
        var condition: String
        var thenBranch: String
        var elseBranch: String
        var readByBoth: [String]
        var onlyThen: [String]
        var onlyElse: [String]
    }

    /// One stored weight holding several framework modules' weights side by side.
    struct PackedWeight: Decodable, Sendable {
        var weight: String
        var modules: [String]
        var axis: Int
    }

    /// One framework module's weight stored as several tensors.
    struct SplitWeight: Decodable, Sendable {
        var module: String
        var weights: [String]
    }

    /// A source float weight and the quantized tensor the tool stored for it.
    struct QuantizedWeight: Decodable, Sendable {
        var source: String
        var sourceDims: [Int64]
        var quantized: String
        var dims: [Int64]
        var type: String
        var scale: String
        var zeroPoint: String
    }

    /// One com.microsoft MatMulNBits node the quantizer wrote.
    struct MatMulNBits: Decodable, Sendable {
        var node: String
        var K: Int64
        var N: Int64
        var bits: Int64
        var blockSize: Int64
        var packedWeight: String
        var source: String
        var sourceDims: [Int64]
    }

    struct Framework: Decodable, Sendable {
        var name: String
        var totalParameters: Int64
        var trainableParameters: Int64?
        var buffers: Int64?
        var parameters: [String: [Int64]]
        var modules: [Module]
        /// The transformer stack's config values (transformers fixtures).
        var stack: Stack?
    }

    /// A transformer's stack, from its config.
    struct Stack: Decodable, Sendable {
        var width: Int64?
        var heads: Int64?
        var kvHeads: Int64?
        var ffnSize: Int64?
        var layers: Int64?
        var encoderLayers: Int64?
        var decoderLayers: Int64?
        var layerTypes: [String]?

        enum CodingKeys: String, CodingKey { case width, heads, kvHeads, ffnSize, layers, encoderLayers, decoderLayers, layerTypes }

        /// Numbers that are lists in some models (Swin's heads per stage) read as absent.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func int(_ k: CodingKeys) -> Int64? { try? c.decodeIfPresent(Int64.self, forKey: k) }
            width = int(.width)
            heads = int(.heads)
            kvHeads = int(.kvHeads)
            ffnSize = int(.ffnSize)
            layers = int(.layers)
            encoderLayers = int(.encoderLayers)
            decoderLayers = int(.decoderLayers)
            layerTypes = try? c.decodeIfPresent([String].self, forKey: .layerTypes)
        }
    }

    /// A framework module (torch) or layer (Keras) with its own parameter count.
    struct Module: Decodable, Sendable {
        var name: String
        var type: String
        var parameters: Int64
        /// Elements of its trainable weights (Keras fixtures of keras_models.py).
        var trainable: Int64?
        var hyper: [String: HyperValue]
    }

    /// A layer a hand-built fixture was made to contain.
    struct ExpectedLayer: Decodable, Sendable {
        var kind: String
        var hyper: Hyper
        var stored: Int64
        var nonTrainable: Int64?
    }

    struct Stored: Decodable, Sendable {
        var irVersion: Int64
        var opsets: [String: Int64]
        var producer: InspectReport.Producer
        var inputs: [InspectReport.IOValue]
        var outputs: [InspectReport.IOValue]
        var ops: [String: Int]
        var nodes: Int
        var weights: Weights
    }

    struct Weights: Decodable, Sendable {
        var elements: Int64
        var floatElements: Int64
        var bytes: Int64
        var tensors: Int
        var byStorage: [String: Int64]
        var inSubgraphs: Int64
        var inFunctions: Int64
        var external: External
        var byDataType: [String: Int64]
        var sparse: Sparse
    }

    struct External: Decodable, Sendable {
        var tensors: Int
        var bytes: Int64
    }

    struct Sparse: Decodable, Sendable {
        var tensors: Int
        var nonZero: Int64
    }
}

/// A minimal protobuf writer for building test inputs byte by byte.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func field(_ number: UInt64, varint value: UInt64) {
        varint(number << 3)
        varint(value)
    }

    mutating func field(_ number: UInt64, bytes payload: [UInt8]) {
        varint(number << 3 | 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    mutating func field(_ number: UInt64, string: String) {
        field(number, bytes: Array(string.utf8))
    }

    static func message(_ build: (inout ProtoWriter) -> Void) -> [UInt8] {
        var w = ProtoWriter()
        build(&w)
        return w.bytes
    }
}

/// A scratch folder removed when the value is released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Hostile and broken inputs built in code.
enum Hostile {
    /// A model whose main graph nests `If` subgraphs `depth` levels deep.
    static func nestedIfModel(depth: Int) -> [UInt8] {
        var graph = ProtoWriter.message { g in g.field(2, string: "leaf") }
        for _ in 0..<depth {
            let attribute = ProtoWriter.message { a in
                a.field(1, string: "then_branch")
                a.field(20, varint: 5)
                a.field(6, bytes: graph)
            }
            let node = ProtoWriter.message { n in
                n.field(4, string: "If")
                n.field(5, bytes: attribute)
            }
            graph = ProtoWriter.message { g in g.field(1, bytes: node) }
        }
        return ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(7, bytes: graph)
            m.field(8, bytes: ProtoWriter.message { o in o.field(2, varint: 17) })
        }
    }
}

/// Golden files under Tests/OnnxScopeTests/Golden. Re-record them all with
/// `ONNXSCOPE_RECORD_GOLDEN=1 swift test` and review the diff.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares `rendered` with the golden file `name`, or writes it when recording.
    static func check(_ name: String, _ rendered: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["ONNXSCOPE_RECORD_GOLDEN"] == "1" {
            // Recording is never a pass: the test fails after writing, so a run left with the
            // variable set cannot go green without the goldens being looked at.
            let previous = try? String(contentsOf: url, encoding: .utf8)
            try Data(rendered.utf8).write(to: url)
            Issue.record("golden \(name) \(previous == rendered ? "re-recorded unchanged" : "recorded: review the diff"); unset ONNXSCOPE_RECORD_GOLDEN",
                         sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "golden \(name)", sourceLocation: sourceLocation)
    }
}

/// A small deterministic generator for reproducible random inputs.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
