extension Tensor {
    /// Why this tensor's stored payload cannot hold dims × element size, judged from the
    /// byte counts the pre-pass recorded and the external-data `length` entry: no payload
    /// byte is read. Nil when the sizes agree, or when dims or type leave the size unknown
    /// (those are findings of their own).
    ///
    /// `raw_data`, packed fixed-width fields, unpacked fields and strings are checked
    /// exactly; a packed varint field (`int32_data`, `int64_data`, `uint64_data`) holds
    /// between ⌈bytes / 10⌉ and `bytes` values, and only a count outside that range is
    /// reported here (``ModelFile/values(of:)`` counts them exactly).
    public var payloadSizeProblem: PayloadFailure? {
        guard case .success(let elements) = TensorSize.elements(dims), let count = Int(exactly: elements) else { return nil }
        let type = dataType
        guard type.bitsPerElement != nil || type == .string else { return nil }
        switch payload {
        case .none:
            return count == 0 ? nil : .noData(elements: elements)
        case .external(let reference):
            if type == .string { return .fieldMismatch(field: .rawData, type: type) }
            guard let lengthText = reference.length, let length = Int64(lengthText), length >= 0,
                  case .some(.success(let expected)) = TensorSize.bytes(elements: elements, type: type, stringBytes: nil)
            else { return nil }
            return length == expected ? nil : .sizeMismatch(expected: expected, found: length, unit: "bytes")
        case .inline(let inline):
            return Tensor.inlineProblem(inline, type: type, count: count)
        }
    }

    private static func inlineProblem(_ payload: InlinePayload, type: DataType, count: Int) -> PayloadFailure? {
        if let raw = payload.run.last(where: { $0.field == .rawData }) {
            if type == .string { return .fieldMismatch(field: .rawData, type: type) }
            guard case .some(.success(let expected)) = TensorSize.bytes(elements: Int64(count), type: type, stringBytes: nil)
            else { return nil }
            let found = Int64(raw.range.count)
            return found == expected ? nil : .sizeMismatch(expected: expected, found: found, unit: "bytes")
        }
        let field = PayloadReader.typedField(for: type)
        let pieces = payload.run.filter { $0.field == field }
        if pieces.isEmpty, let other = payload.run.first { return .fieldMismatch(field: other.field, type: type) }
        if field == .stringData {
            let found = pieces.reduce(0) { $0 + $1.occurrences }
            return found == count ? nil : .sizeMismatch(expected: Int64(count), found: Int64(found), unit: "strings")
        }
        let perWord = WordElements.perWord(type)
        let components = type == .complex64 || type == .complex128 ? count * 2 : count
        let expected = components / perWord + (components % perWord == 0 ? 0 : 1)
        var least = 0, most = 0
        for piece in pieces {
            if piece.encoding == .repeated {
                least += piece.occurrences
                most += piece.occurrences
            } else if let width = PayloadReader.wordField(field).fixedWidth {
                guard piece.contentBytes % width == 0 else {
                    return .malformed("packed \(field.name) of \(piece.contentBytes) bytes is not whole \(width)-byte values")
                }
                least += piece.contentBytes / width
                most += piece.contentBytes / width
            } else {
                least += (piece.contentBytes + 9) / 10
                most += piece.contentBytes
            }
        }
        if least == most { return least == expected ? nil : .sizeMismatch(expected: Int64(expected), found: Int64(least), unit: "values") }
        return (least...most).contains(expected) ? nil : .sizeOutOfRange(expected: Int64(expected), least: Int64(least), most: Int64(most))
    }
}
