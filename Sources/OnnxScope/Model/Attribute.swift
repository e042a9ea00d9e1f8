/// A named attribute of a node or a function.
public struct Attribute: Hashable, Sendable {
    /// The attribute's name.
    public var name: String
    /// The value; ``AttributeValue/reference(_:)`` inside functions that forward an attribute.
    public var value: AttributeValue

    /// Creates an attribute.
    public init(name: String, value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// The value of an attribute, one case per `AttributeProto.AttributeType`.
public enum AttributeValue: Hashable, Sendable {
    case float(Float)
    case int(Int64)
    case string([UInt8])
    case tensor(Tensor)
    case graph(Graph)
    case sparseTensor(SparseTensor)
    case type(TypeInfo)
    case floats([Float])
    case ints([Int64])
    case strings([[UInt8]])
    case tensors([Tensor])
    case graphs([Graph])
    case sparseTensors([SparseTensor])
    case types([TypeInfo])
    /// A function-body attribute that refers to an attribute of the calling node.
    case reference(String)
    /// No value, or a type code this schema does not know.
    case undefined

    /// The subgraphs this value holds (for `GRAPH` and `GRAPHS`).
    public var subgraphs: [Graph] {
        switch self {
        case .graph(let g): [g]
        case .graphs(let gs): gs
        case .float, .int, .string, .tensor, .sparseTensor, .type, .floats, .ints, .strings,
             .tensors, .sparseTensors, .types, .reference, .undefined:
            []
        }
    }
}

extension Node {
    /// The integer attribute `name`, if present.
    public func intAttribute(_ name: String) -> Int64? {
        if case .int(let v) = attribute(name)?.value { return v }
        return nil
    }

    /// The integer-list attribute `name`, if present.
    public func intsAttribute(_ name: String) -> [Int64]? {
        if case .ints(let v) = attribute(name)?.value { return v }
        return nil
    }

    /// The string attribute `name` as UTF-8 text, if present.
    public func stringAttribute(_ name: String) -> String? {
        if case .string(let v) = attribute(name)?.value { return String(decoding: v, as: UTF8.self) }
        return nil
    }
}
