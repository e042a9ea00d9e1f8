/// Reads the values of small inline tensors: shape constants, biases to test for zero.
/// Layer recognition needs a few such values; everything larger stays unread.
extension ModelFile {
    /// The elements of `tensor` as doubles, when it is stored inline, has a numeric type
    /// this reader knows, and has at most `limit` elements; nil otherwise.
    public func numericValues(of tensor: Tensor, limit: Int = 1 << 16) -> [Double]? {
        guard case .inline(let payload) = tensor.payload, let field = payload.field,
              case .success(let count) = TensorSize.elements(tensor.dims), count <= Int64(limit) else { return nil }
        let n = Int(count)
        let pieces = payload.pieces.filter { $0.field == field }
        var values: [Double] = []
        values.reserveCapacity(n)
        let bytes = mapping.bytes
        switch field {
        case .rawData:
            guard let piece = pieces.last, let width = ModelFile.rawWidth(tensor.dataType),
                  piece.range.count == n * width else { return nil }
            for i in 0..<n {
                let at = piece.range.lowerBound + i * width
                guard let v = ModelFile.decodeRaw(bytes, at: at, type: tensor.dataType) else { return nil }
                values.append(v)
            }
        case .floatData, .doubleData, .int32Data, .int64Data, .uint64Data:
            for piece in pieces {
                guard ModelFile.appendTyped(bytes, piece, field: field, type: tensor.dataType, into: &values) else { return nil }
            }
        case .stringData:
            return nil
        }
        return values.count == n ? values : nil
    }

    /// The elements of an integer tensor, e.g. a `Reshape` target shape; nil when a value
    /// does not fit in `Int64` (a hostile file can store any bits, NaN included).
    public func integerValues(of tensor: Tensor, limit: Int = 64) -> [Int64]? {
        switch tensor.dataType {
        case .int64, .int32, .int16, .int8, .uint8, .uint16, .uint32:
            guard let numbers = numericValues(of: tensor, limit: limit) else { return nil }
            var integers: [Int64] = []
            integers.reserveCapacity(numbers.count)
            for n in numbers {
                guard let i = Int64(exactly: n) else { return nil }
                integers.append(i)
            }
            return integers
        default:
            return nil
        }
    }

    /// True when two inline tensors hold byte-identical `raw_data` of the same type and shape.
    public func sameStoredValues(_ a: Tensor, _ b: Tensor) -> Bool {
        guard a.dataType == b.dataType, a.dims == b.dims,
              case .inline(let pa) = a.payload, case .inline(let pb) = b.payload,
              let ra = pa.pieces.last, let rb = pb.pieces.last, ra.field == .rawData, rb.field == .rawData,
              ra.range.count == rb.range.count else { return false }
        let bytes = mapping.bytes
        return bytes[ra.range].elementsEqual(bytes[rb.range])
    }

    private static func rawWidth(_ type: DataType) -> Int? {
        switch type {
        case .float, .int32, .uint32: 4
        case .double, .int64, .uint64: 8
        case .float16, .bfloat16, .int16, .uint16: 2
        case .int8, .uint8, .bool: 1
        default: nil
        }
    }

    private static func little(_ bytes: UnsafeRawBufferPointer, at: Int, count: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<count { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
        return v
    }

    private static func decodeRaw(_ bytes: UnsafeRawBufferPointer, at: Int, type: DataType) -> Double? {
        switch type {
        case .float: Double(Float(bitPattern: UInt32(little(bytes, at: at, count: 4))))
        case .double: Double(bitPattern: little(bytes, at: at, count: 8))
        case .int64: Double(Int64(bitPattern: little(bytes, at: at, count: 8)))
        case .uint64: Double(little(bytes, at: at, count: 8))
        case .int32: Double(Int32(truncatingIfNeeded: little(bytes, at: at, count: 4)))
        case .uint32: Double(UInt32(truncatingIfNeeded: little(bytes, at: at, count: 4)))
        case .int16: Double(Int16(truncatingIfNeeded: little(bytes, at: at, count: 2)))
        case .uint16: Double(UInt16(truncatingIfNeeded: little(bytes, at: at, count: 2)))
        case .int8: Double(Int8(truncatingIfNeeded: bytes[at]))
        case .uint8, .bool: Double(bytes[at])
        case .float16: halfToDouble(UInt16(truncatingIfNeeded: little(bytes, at: at, count: 2)))
        case .bfloat16: Double(Float(bitPattern: UInt32(little(bytes, at: at, count: 2)) << 16))
        default: nil
        }
    }

    /// IEEE half precision to double, without relying on a platform Float16.
    private static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let fraction = Double(h & 0x3FF)
        if exponent == 0 { return sign * fraction * 0x1p-24 }
        if exponent == 31 { return fraction == 0 ? sign * .infinity : .nan }
        return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
    }

    /// Appends the values of one typed-field run; false when the run is malformed.
    private static func appendTyped(
        _ bytes: UnsafeRawBufferPointer, _ piece: PayloadPiece, field: PayloadField, type: DataType,
        into values: inout [Double]
    ) -> Bool {
        var position = piece.range.lowerBound
        let end = piece.range.upperBound
        while position < end {
            if piece.encoding == .repeated {
                // Skip the field's key; the value follows.
                guard (try? bytes.readVarint(at: &position, end: end)) != nil else { return false }
            }
            switch field {
            case .floatData:
                guard end - position >= 4 else { return false }
                values.append(Double(Float(bitPattern: UInt32(little(bytes, at: position, count: 4)))))
                position += 4
            case .doubleData:
                guard end - position >= 8 else { return false }
                values.append(Double(bitPattern: little(bytes, at: position, count: 8)))
                position += 8
            case .int32Data, .int64Data, .uint64Data:
                guard let raw = try? bytes.readVarint(at: &position, end: end) else { return false }
                switch type {
                case .float16: values.append(halfToDouble(UInt16(truncatingIfNeeded: raw)))
                case .bfloat16: values.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw) << 16)))
                case .uint64: values.append(Double(raw))
                default: values.append(field == .int32Data ? Double(Int32(truncatingIfNeeded: raw)) : Double(Int64(bitPattern: raw)))
                }
            case .rawData, .stringData:
                return false
            }
        }
        return true
    }
}
