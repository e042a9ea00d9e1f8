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
    /// A valid protobuf, but not an ONNX model (for example, no graph).
    case notAModel(String)
    /// protobuf-c refused the payload-free copy of the metadata.
    case rejectedByProtobufC

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
        case .notAModel(let what): "not an ONNX model: \(what)"
        case .rejectedByProtobufC: "not a valid ONNX protobuf: protobuf-c rejected the message structure"
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

/// Hard limits the decoder enforces before any recursive code sees the bytes.
public enum DecodingLimits {
    /// Deepest allowed nesting of protobuf messages. The model is level 1; each
    /// `If`/`Loop`/`Scan` subgraph adds three levels (node, attribute, graph), so this
    /// allows about 30 levels of nested subgraphs. protobuf-c recurses per level.
    public static let maxMessageDepth = 100
    /// Largest accepted metadata (the file less its tensor payloads), in bytes.
    public static let maxMetadataBytes = 1 << 31
}
