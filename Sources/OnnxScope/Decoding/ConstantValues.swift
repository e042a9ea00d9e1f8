/// Small reads that layer recognition needs: shape constants, biases to test for zero,
/// and whether two weights hold the same values. Everything else stays unread.
/// All go through ``ModelFile/values(of:)``, so external data is read with the same checks.
extension ModelFile {
    /// The elements of `tensor` as doubles, when it has a real numeric type, at most
    /// `limit` elements, and readable values; nil otherwise.
    public func numericValues(of tensor: Tensor, limit: Int = 1 << 16) -> [Double]? {
        guard tensor.dataType != .string, tensor.dataType != .complex64, tensor.dataType != .complex128,
              case .success(let n) = TensorSize.elements(tensor.dims), n <= Int64(limit),
              let values = try? values(of: tensor) else { return nil }
        return values.doubles()
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

    /// True when two tensors of the same type and shape hold the same values.
    public func sameStoredValues(_ a: Tensor, _ b: Tensor) -> Bool {
        guard a.dataType == b.dataType, a.dims == b.dims, let va = try? values(of: a), let vb = try? values(of: b),
              va.storedByteCount == vb.storedByteCount, va.storedHash() == vb.storedHash() else { return false }
        return true
    }
}
