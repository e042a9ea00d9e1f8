/// What `onnxscope inspect` reports about one model file: one Codable value that every
/// renderer in `Output/` draws from. Its JSON keys are a contract (see README).
public struct InspectReport: Codable, Sendable, Equatable {
    /// Version of this JSON layout; bumped only when a key is renamed or removed.
    public static let currentSchemaVersion = 1

    /// Version of this JSON layout; bumped only when a key is renamed or removed.
    public var schemaVersion: Int = InspectReport.currentSchemaVersion
    /// The file as named on the command line.
    public var file: String
    /// Size of the model file.
    public var fileBytes: Int64
    /// Bytes of the file that are not tensor payloads.
    public var metadataBytes: Int64
    /// `ir_version`, nil when absent.
    @ExplicitNull public var irVersion: Int64? = nil
    /// Opset version per domain (`ai.onnx` for the default domain).
    public var opsets: [String: Int64]
    /// `producer_name` and `producer_version`.
    public var producer: Producer
    /// The model's `domain`, `model_version` and `metadata_props`.
    public var modelDomain: String
    /// The model's own version number, when it states one.
    @ExplicitNull public var modelVersion: Int64? = nil
    /// Metadata properties, by key.
    public var metadata: [String: String]
    /// Graph inputs that are not initializers.
    public var inputs: [IOValue]
    /// Graph outputs.
    public var outputs: [IOValue]
    /// Op histogram over all graphs, subgraphs and functions.
    public var ops: [String: Int]
    /// Nodes in all graphs, subgraphs and functions.
    public var nodes: Int
    /// Graphs walked: the main graph and every subgraph.
    public var graphs: Int
    /// Model-local functions.
    public var functions: Int
    /// The stored-weight account.
    public var weights: Weights
    /// Everything noticed that is not a number.
    public var findings: [Finding]

    /// `producer_name` / `producer_version`.
    public struct Producer: Codable, Sendable, Equatable {
        /// The producing tool, e.g. `pytorch`.
        public var name: String
        /// Its version.
        public var version: String
    }

    /// A graph input or output.
    public struct IOValue: Codable, Sendable, Equatable {
        /// The value's name.
        public var name: String
        /// Element type name for tensors (`FLOAT`), else a description (`sequence(FLOAT)`).
        public var type: String
        /// Dimensions: numbers, symbol names, or null for unknown; null when no shape.
        @ExplicitNull public var shape: [ShapeDimension]?
        /// The key/value cache entry this value carries (`past_key_values.0.key`), null when none.
        @ExplicitNull public var kvCache: KVCache? = nil
    }

    /// A past-key-value input or present-key-value output, as its name says.
    public struct KVCache: Codable, Sendable, Equatable {
        /// `past` (the cache read in) or `present` (the cache written out).
        public var role: String
        /// `key` or `value`.
        public var part: String
        /// The decoder layer it belongs to, from 0.
        public var layer: Int
        /// `self` (the decoder's own keys and values) or `cross` (the encoder's, in a seq2seq decoder).
        public var attention: String

        /// The cell text: `past key · layer 0`, with `· cross-attention` for the encoder's cache.
        public var label: String {
            "\(role) \(part) · layer \(layer)" + (attention == "cross" ? " · cross-attention" : "")
        }
    }

    /// One dimension of an input or output shape.
    public enum ShapeDimension: Codable, Sendable, Equatable {
        case value(Int64)
        case symbol(String)
        case unknown

        /// Writes the value with absent fields as they are documented.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .value(let v): try container.encode(v)
            case .symbol(let s): try container.encode(s)
            case .unknown: try container.encodeNil()
            }
        }

        /// Reads a value written by ``encode(to:)``.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .unknown
            } else if let v = try? container.decode(Int64.self) {
                self = .value(v)
            } else {
                self = .symbol(try container.decode(String.self))
            }
        }
    }

    /// The stored-weight account (see the README's counting rule).
    public struct Weights: Codable, Sendable, Equatable {
        /// Elements of all unique stored weights.
        public var elements: Int64 = 0
        /// Elements of floating-point weights only.
        public var floatElements: Int64 = 0
        /// Bytes by each type's element size (sub-byte types packed, rounded up per tensor).
        public var bytes: Int64 = 0
        /// Number of unique stored weights.
        public var tensors: Int = 0
        /// Elements by storage: `initializer`, `constant`, `sparseInitializer`.
        public var byStorage: [String: Int64] = ["initializer": 0, "constant": 0, "sparseInitializer": 0]
        /// Elements stored inside subgraphs of the main graph.
        public var inSubgraphs: Int64 = 0
        /// Elements stored inside model-local functions.
        public var inFunctions: Int64 = 0
        /// Weights whose elements live in external files.
        public var external = External()
        /// Elements by data type name.
        public var byDataType: [String: Int64] = [:]
        /// Sparse weights: how many, and their stored non-zero values.
        public var sparse = Sparse()
        /// The largest weights by bytes (at most ten).
        public var largest: [WeightEntry] = []
        /// Weights consumed by more than one node.
        public var shared: [SharedWeight] = []
    }

    /// External-data totals.
    public struct External: Codable, Sendable, Equatable {
        /// Tensors stored in external files.
        public var tensors: Int = 0
        /// Bytes they hold there.
        public var bytes: Int64 = 0
        /// The distinct data files referenced, in first-use order.
        public var files: [String] = []
    }

    /// Sparse totals.
    public struct Sparse: Codable, Sendable, Equatable {
        /// Sparse tensors.
        public var tensors: Int = 0
        /// Stored non-zero values in them.
        public var nonZero: Int64 = 0
    }

    /// One weight in a listing.
    public struct WeightEntry: Codable, Sendable, Equatable {
        /// The weight's name.
        public var name: String
        /// Its element type, e.g. `FLOAT`.
        public var type: String
        /// Its dims.
        public var shape: [Int64]
        /// Its element count.
        public var elements: Int64
        /// Its stored bytes.
        public var bytes: Int64
        /// How it is stored: `initializer`, `constant` or `sparseInitializer`.
        public var storage: String
        /// The path of the graph that holds it.
        public var graph: String
        /// True when its values live in an external file.
        public var external: Bool
    }

    /// A weight read by several nodes.
    public struct SharedWeight: Codable, Sendable, Equatable {
        /// The shared weight's name.
        public var name: String
        /// Its element count.
        public var elements: Int64
        /// The nodes that read it.
        public var consumers: [String]
    }
}
