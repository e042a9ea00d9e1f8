extension TensorSize {
    /// Bytes of `elements` elements of `type`: sub-byte types packed and rounded up per
    /// tensor; STRING uses the stored string lengths. Nil when the type has no known size.
    public static func bytes(elements: Int64, type: DataType, stringBytes: Int?) -> Result<Int64, Problem>? {
        if type == .string { return .success(Int64(stringBytes ?? 0)) }
        guard let bits = type.bitsPerElement else { return nil }
        return bytes(elements: elements, bitsPerElement: bits)
    }
}
