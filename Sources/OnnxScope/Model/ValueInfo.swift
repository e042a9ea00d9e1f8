/// A declared value: a graph input, output, or annotated intermediate.
public struct ValueInfo: Hashable, Sendable {
    /// The value's name.
    public var name: String
    /// Its type, when declared.
    public var type: TypeInfo?

    /// Creates a value declaration.
    public init(name: String, type: TypeInfo?) {
        self.name = name
        self.type = type
    }
}

/// The type of a value (`TypeProto`).
public indirect enum TypeInfo: Hashable, Sendable {
    /// A dense tensor; shape nil when the rank is unknown.
    case tensor(elementType: DataType, shape: [Dimension]?)
    /// A sparse tensor; shape nil when the rank is unknown.
    case sparseTensor(elementType: DataType, shape: [Dimension]?)
    /// A sequence of values of one type.
    case sequence(TypeInfo?)
    /// A map from a key type to values of one type.
    case map(key: DataType, value: TypeInfo?)
    /// An optional value.
    case optional(TypeInfo?)
    /// A type opaque to ONNX, named by domain and name.
    case opaque(domain: String, name: String)
    /// A type proto with no variant set.
    case unspecified

    /// A short human description: `FLOAT`, `sequence(FLOAT)`, `map(INT64, FLOAT)`.
    public var description: String {
        switch self {
        case .tensor(let t, _): t.name
        case .sparseTensor(let t, _): "sparse(\(t.name))"
        case .sequence(let e): "sequence(\(e?.description ?? "?"))"
        case .map(let k, let v): "map(\(k.name), \(v?.description ?? "?"))"
        case .optional(let e): "optional(\(e?.description ?? "?"))"
        case .opaque(let d, let n): "opaque(\(d.isEmpty ? n : d + "." + n))"
        case .unspecified: "?"
        }
    }

    /// The tensor shape, for dense and sparse tensor types.
    public var shape: [Dimension]? {
        switch self {
        case .tensor(_, let s), .sparseTensor(_, let s): s
        case .sequence, .map, .optional, .opaque, .unspecified: nil
        }
    }
}

/// One dimension of a declared shape.
public enum Dimension: Hashable, Sendable {
    /// A fixed size.
    case value(Int64)
    /// A symbolic size such as `batch`.
    case symbol(String)
    /// Neither given.
    case unknown
}
