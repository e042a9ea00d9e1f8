/// Why a tensor's elements could not be read.
///
/// Every case renders as one phrase; ``PayloadError`` adds the file, the tensor and,
/// where known, the byte offset. Sizes in these cases come from the file, so they are
/// reported, never trusted.
public enum PayloadFailure: Error, Hashable, Sendable {
    /// A dimension is negative, or the element count overflows 64 bits.
    case invalidDims([Int64])
    /// The element count does not fit in this machine's address space.
    case tooLarge(elements: Int64)
    /// The tensor has elements but no stored data.
    case noData(elements: Int64)
    /// The type has no element encoding the reader knows (UNDEFINED, unknown codes).
    case unsupportedType(DataType)
    /// The payload is held in a field the IR does not allow for this type.
    case fieldMismatch(field: PayloadField, type: DataType)
    /// The stored payload holds a different amount of data than dims × element size.
    case sizeMismatch(expected: Int64, found: Int64, unit: String)
    /// The packed varints of the payload hold between `least` and `most` values (by their
    /// byte count), and dims × element size needs a number outside that range.
    case sizeOutOfRange(expected: Int64, least: Int64, most: Int64)
    /// The payload bytes are not a valid encoding of their field (a broken varint).
    case malformed(String)
    /// The external-data reference could not be followed.
    case externalData(ExternalDataStatus)
    /// The external data file exists but cannot be opened or mapped.
    case externalUnreadable(file: String, reason: String)

    /// The reason as a short phrase.
    public var description: String {
        switch self {
        case .invalidDims(let dims): "dims \(dims) have a negative dimension or overflow 64 bits"
        case .tooLarge(let n): "\(n) elements do not fit in memory addresses"
        case .noData(let n): "no stored data for \(n) elements"
        case .unsupportedType(let t): "data type \(t.name) has no known element encoding"
        case .fieldMismatch(let field, let type): "\(field.name) cannot hold \(type.name) elements"
        case .sizeMismatch(let expected, let found, let unit):
            "payload holds \(found) \(unit), dims and type require \(expected)"
        case .sizeOutOfRange(let expected, let least, let most):
            "payload holds \(least) to \(most) values, dims and type require \(expected)"
        case .malformed(let what): "malformed payload: \(what)"
        case .externalData(let status):
            switch status {
            case .available(let file): "external data file '\(file)' is available"
            case .missingFile(let file): "external data file '\(file)' does not exist"
            case .refused(let reason): "external data not followed: \(reason)"
            case .outOfRange(let file, let needed, let size):
                "external data file '\(file)' has \(size) bytes, the reference needs \(needed)"
            }
        case .externalUnreadable(let file, let reason): "external data file '\(file)' cannot be read: \(reason)"
        }
    }
}

/// A failure to read one tensor's elements, with where it happened.
public struct PayloadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The model file as the user named it.
    public var path: String
    /// The tensor's name (empty for unnamed attribute tensors).
    public var tensor: String
    /// What went wrong.
    public var failure: PayloadFailure
    /// The byte offset in the model file where the payload starts, when known.
    public var offset: Int?

    /// Creates a payload error.
    public init(path: String, tensor: String, failure: PayloadFailure, offset: Int? = nil) {
        self.path = path
        self.tensor = tensor
        self.failure = failure
        self.offset = offset
    }

    /// One line: `PATH: tensor 'w': reason (at byte N)`.
    public var description: String {
        var line = "\(path): tensor '\(tensor)': \(failure.description)"
        if let offset { line += " (at byte \(offset))" }
        return line
    }
}
