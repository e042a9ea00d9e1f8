extension ModelFile {
    /// The dense elements of a sparse tensor: zeros, with the stored non-zero values
    /// scattered to their indices (1-D linearized, or 2-D `[nnz, rank]` coordinates).
    ///
    /// An index outside the dense shape, or an index list that does not fit the values,
    /// is a ``PayloadError``, and so is a dense shape of more than
    /// ``DecodingLimits/maxDenseSparseElements`` elements. The result holds the dense
    /// numbers in memory.
    public func denseValues(of sparse: SparseTensor) throws(PayloadError) -> TensorValues {
        guard case .success(let total) = TensorSize.elements(sparse.dims), let dense = Int(exactly: total) else {
            throw PayloadError(path: path, tensor: sparse.name, failure: .invalidDims(sparse.dims))
        }
        let complex = sparse.values.dataType == .complex64 || sparse.values.dataType == .complex128
        let (numberCount, overflow) = dense.multipliedReportingOverflow(by: complex ? 2 : 1)
        guard !overflow, numberCount <= DecodingLimits.maxDenseSparseElements else {
            throw PayloadError(path: path, tensor: sparse.name, failure: .tooLarge(elements: total))
        }
        let entries = try sparseEntries(of: sparse)
        var numbers = [Double](repeating: 0, count: numberCount)
        for (k, index) in entries.indices.enumerated() {
            for c in 0..<entries.components {
                numbers[Int(index) * entries.components + c] = entries.numbers[k * entries.components + c]
            }
        }
        return TensorValues(numbers: numbers, dataType: entries.dataType, dims: sparse.dims)
    }
}

/// A sparse tensor's stored elements by linear index, never made dense: memory in
/// proportion to the stored entries, whatever the dense shape.
public struct SparseEntries: Sendable {
    /// The element type of the values.
    public let dataType: DataType
    /// The dense shape.
    public let dims: [Int64]
    /// Elements of the dense shape.
    public let denseCount: Int64
    /// Numbers per element: 2 for COMPLEX64 and COMPLEX128, else 1.
    public let components: Int
    /// Linear indices of the stored elements, ascending, each once (for an index stored
    /// twice, the last value wins, as when the tensor is made dense).
    public let indices: [Int64]
    /// ``components`` numbers per index, in the order of ``indices``.
    public let numbers: [Double]

    /// XXH3 of the dims, the indices and the numbers: equal for equal dense contents
    /// stored as sparse entries (explicitly stored zeros aside).
    public func hash() -> UInt64 {
        dims.withUnsafeBytes { d in
            indices.withUnsafeBytes { i in
                numbers.withUnsafeBytes { n in PayloadHasher.hash([d, i, n]) }
            }
        }
    }
}

extension ModelFile {
    /// The stored entries of a sparse tensor, validated as ``denseValues(of:)`` does
    /// (every index inside the dense shape, as many indices as values) but never made
    /// dense, so any dense shape that fits in 64 bits is accepted.
    public func sparseEntries(of sparse: SparseTensor) throws(PayloadError) -> SparseEntries {
        let values = try self.values(of: sparse.values)
        let indices = try self.values(of: sparse.indices)
        func fail(_ what: String) -> PayloadError {
            PayloadError(path: path, tensor: sparse.name, failure: .malformed(what))
        }
        guard values.isNumeric else { throw PayloadError(path: path, tensor: sparse.name, failure: .unsupportedType(.string)) }
        guard case .success(let total) = TensorSize.elements(sparse.dims) else {
            throw PayloadError(path: path, tensor: sparse.name, failure: .invalidDims(sparse.dims))
        }
        let components = values.dataType == .complex64 || values.dataType == .complex128 ? 2 : 1
        let stored = values.doubles()
        let flat = indices.doubles()
        let rank = sparse.dims.count
        let coordinates = indices.dims.count == 2
        guard flat.count == values.count * (coordinates ? rank : 1) else {
            throw fail("\(flat.count) indices for \(values.count) values")
        }
        // Linear index of each stored element; every partial product stays below `total`.
        var linear = [Int64](repeating: 0, count: values.count)
        for k in 0..<values.count {
            if coordinates {
                var at: Int64 = 0
                for axis in 0..<rank {
                    let i = flat[k * rank + axis]
                    guard i >= 0, i < Double(sparse.dims[axis]) else { throw fail("index \(i) outside axis \(axis)") }
                    at = at * sparse.dims[axis] + Int64(i)
                }
                linear[k] = at
            } else {
                let i = flat[k]
                guard i >= 0, i < Double(total) else { throw fail("index \(i) outside \(total) elements") }
                linear[k] = Int64(i)
            }
        }
        // Ascending by index; of repeated indices the last stored one is kept.
        let order = linear.indices.sorted { (linear[$0], $0) < (linear[$1], $1) }
        var keptIndices: [Int64] = []
        var keptNumbers: [Double] = []
        keptIndices.reserveCapacity(order.count)
        keptNumbers.reserveCapacity(order.count * components)
        for (position, k) in order.enumerated() {
            if position + 1 < order.count, linear[order[position + 1]] == linear[k] { continue }
            keptIndices.append(linear[k])
            keptNumbers.append(contentsOf: stored[(k * components)..<((k + 1) * components)])
        }
        return SparseEntries(dataType: values.dataType, dims: sparse.dims, denseCount: total, components: components,
                             indices: keptIndices, numbers: keptNumbers)
    }
}
