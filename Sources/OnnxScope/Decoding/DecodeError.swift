/// Why a file could not be read as an ONNX model.
///
/// Every case renders as one line naming the problem; ``DecodeError`` adds the file and,
/// where known, the byte offset. The CLI maps all of them to exit code 3.
public enum DecodeFailure: Error, Hashable, Sendable {
    /// No file at the path.
    case notFound
    /// The path names a directory, not a file.
    case isDirectory
    /// The file exists but cannot be opened or mapped (the system's reason).
    case unreadable(String)
    /// The file has no bytes.
    case empty
    /// A field claims more bytes than the file (or its enclosing message) has left.
    case truncated(String)
    /// The bytes are not a valid protobuf encoding of an ONNX model.
    case malformed(String)
    /// Messages nest deeper than ``DecodingLimits/maxMessageDepth``.
    case nestedTooDeep(limit: Int)
    /// The metadata (everything but tensor payloads) is larger than the decoder accepts.
    case metadataTooLarge(bytes: Int)
    /// More fields, nodes, tensors or attributes than ``DecodingLimits`` allows
    /// (`what` names which, e.g. `nodes`).
    case tooMany(what: String, limit: Int)
    /// A tensor or shape has more dimensions than ``DecodingLimits/maxTensorRank``.
    case rankTooHigh(what: String, rank: Int, limit: Int)
    /// A string field is longer than its limit (``DecodingLimits/maxNameBytes`` for
    /// names, ``DecodingLimits/maxTextBytes`` for other text).
    case stringTooLong(field: String, bytes: Int, limit: Int)
    /// A valid protobuf, but not an ONNX model (for example, no graph).
    case notAModel(String)
    /// protobuf-c refused the payload-free copy of the metadata.
    case rejectedByProtobufC
    /// The file is of another format, recognized from its first bytes (a PyTorch
    /// checkpoint, a gzip file, a Git LFS pointer, ...): the message says which and what to do.
    case foreignFormat(ForeignFormat)
    /// Another process truncated the file while it was mapped and read.
    case changedWhileRead
    /// So many (mostly empty) messages for the file's size that decoding would need more
    /// memory than the budget (see the README's limits).
    case tooManySmallMessages(estimatedBytes: Int, allowedBytes: Int)

    /// The reason as a short phrase.
    public var description: String {
        switch self {
        case .notFound: "no such file"
        case .isDirectory: "is a directory, not a model file"
        case .unreadable(let why): "cannot be read: \(why)"
        case .empty: "empty file, not an ONNX model"
        case .truncated(let what): "truncated: \(what)"
        case .malformed(let what): "not a valid ONNX protobuf: \(what)"
        case .nestedTooDeep(let limit):
            "nested too deep: messages nest more than \(limit) levels (limit on subgraph nesting)"
        case .metadataTooLarge(let bytes): "model metadata too large (\(bytes) bytes without tensor data)"
        case .tooMany(let what, let limit): "too many \(what): more than \(limit) (limit)"
        case .rankTooHigh(let what, let rank, let limit): "\(what) has \(rank) dimensions, more than \(limit) (limit)"
        case .stringTooLong(let field, let bytes, let limit): "\(field) is \(bytes) bytes long, more than \(limit) (limit)"
        case .notAModel(let what): "not an ONNX model: \(what)"
        case .rejectedByProtobufC: "not a valid ONNX protobuf: protobuf-c rejected the message structure"
        case .foreignFormat(let format): format.hint
        case .changedWhileRead: "the file changed while it was read"
        case .tooManySmallMessages(let estimated, let allowed):
            "too many small messages for the file's size: decoding would need about \(estimated >> 20) MB, "
                + "more than the \(allowed >> 20) MB allowed (16 MB + 50 bytes per byte of file; limit)"
        }
    }
}

/// A failure to read one file, with where it happened.
public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file as the user named it.
    public var path: String
    /// What went wrong.
    public var failure: DecodeFailure
    /// The byte offset in the file where the problem was found, when known.
    public var offset: Int?

    /// Creates a decode error.
    public init(path: String, failure: DecodeFailure, offset: Int? = nil) {
        self.path = path
        self.failure = failure
        self.offset = offset
    }

    /// One line: `PATH: reason (at byte N)`.
    public var description: String {
        "\(path): \(reason)"
    }

    /// The reason without the path: `reason (at byte N)`.
    public var reason: String {
        var line = failure.description
        if let offset { line += " (at byte \(offset))" }
        return line
    }
}

/// Hard limits the decoder enforces: nesting and counts in the pre-pass, before protobuf-c
/// allocates anything; ranks and string lengths while converting to Swift values. A file
/// past any of them is refused with a ``DecodeFailure`` (exit code 3), never truncated.
public enum DecodingLimits {
    /// Deepest allowed nesting of protobuf messages. The model is level 1; each
    /// `If`/`Loop`/`Scan` subgraph adds three levels (node, attribute, graph), so this
    /// allows about 30 levels of nested subgraphs. protobuf-c recurses per level.
    public static let maxMessageDepth = 100
    /// Largest accepted metadata (the file less its tensor payloads), in bytes.
    public static let maxMetadataBytes = 1 << 31
    /// Most protobuf fields of metadata (every name, number, dim and message counts one;
    /// a packed list counts one). protobuf-c allocates per field, so this bounds its memory.
    public static let maxFields = 16_000_000
    /// Most nodes, over all graphs, subgraphs and functions.
    public static let maxNodes = 2_000_000
    /// Most tensors (`TensorProto` messages: initializers, attribute values, sparse parts).
    public static let maxTensors = 2_000_000
    /// Most attributes, over all nodes and functions.
    public static let maxAttributes = 4_000_000
    /// Most dimensions of a tensor's `dims`, a sparse tensor's dense shape, or a declared shape.
    public static let maxTensorRank = 64
    /// Longest name: value, node, graph, tensor and attribute names, op types, domains,
    /// node inputs and outputs, symbolic dimensions, metadata keys.
    public static let maxNameBytes = 65_536
    /// Longest other text: doc strings, producer, metadata values, external-data entries.
    /// (Attribute byte strings are bounded by the metadata size only: runtimes keep
    /// compiled engines in them.)
    public static let maxTextBytes = 16 << 20
    /// Most bytes read from standard input (`onnxscope inspect -`), which is held in
    /// memory: 2 GiB, the most a protobuf message (so a single-file model) may hold.
    public static let maxStandardInputBytes = 1 << 31
    /// Most elements a sparse tensor may have once made dense (for `diff`, which compares
    /// dense values): 2^26, 512 MiB of doubles.
    public static let maxDenseSparseElements = 1 << 26
}
