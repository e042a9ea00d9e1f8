/// Element and byte counts of stored tensors, with checked arithmetic: sizes come from
/// the file, so a product of dims can be negative or overflow 64 bits. (The byte size of
/// a typed tensor is in Model/DataTypeSize.swift, beside the types it knows.)
public enum TensorSize {
    /// Why a size could not be computed.
    public enum Problem: Error, Hashable, Sendable {
        /// A dimension below zero.
        case negativeDimension(Int64)
        /// The product (or the byte size) does not fit in 64 bits.
        case overflow
    }

    /// The number of elements of a tensor with these dims (1 for a scalar).
    public static func elements(_ dims: [Int64]) -> Result<Int64, Problem> {
        var product: Int64 = 1
        for d in dims {
            if d < 0 { return .failure(.negativeDimension(d)) }
            let (next, overflow) = product.multipliedReportingOverflow(by: d)
            if overflow { return .failure(.overflow) }
            product = next
        }
        return .success(product)
    }

    /// Bytes of `elements` elements of `bits` bits each, packed and rounded up to a whole byte.
    public static func bytes(elements: Int64, bitsPerElement bits: Int) -> Result<Int64, Problem> {
        // ceil(n * bits / 8) without forming n * bits.
        let (whole, overflow) = (elements / 8).multipliedReportingOverflow(by: Int64(bits))
        if overflow { return .failure(.overflow) }
        let rest = ((elements % 8) * Int64(bits) + 7) / 8
        let (total, overflow2) = whole.addingReportingOverflow(rest)
        return overflow2 ? .failure(.overflow) : .success(total)
    }
}

/// A running sum that remembers whether it ever overflowed (and then stays at Int64.max).
struct CheckedSum: Sendable {
    private(set) var value: Int64 = 0
    private(set) var overflowed = false

    mutating func add(_ amount: Int64) {
        let (next, overflow) = value.addingReportingOverflow(amount)
        if overflow {
            overflowed = true
            value = .max
        } else {
            value = next
        }
    }
}
