extension ModelFile {
    /// The dense elements of a sparse tensor: zeros, with the stored non-zero values
    /// scattered to their indices (1-D linearized, or 2-D `[nnz, rank]` coordinates).
    ///
    /// An index outside the dense shape, or an index list that does not fit the values,
    /// is a ``PayloadError``, and so is a dense shape of more than
    /// ``DecodingLimits/maxDenseSparseElements`` elements. The result holds the dense
    /// numbers in memory.
    public func denseValues(of sparse: SparseTensor) throws(PayloadError) -> TensorValues {
        let values = try self.values(of: sparse.values)
        let indices = try self.values(of: sparse.indices)
        func fail(_ what: String) -> PayloadError {
            PayloadError(path: path, tensor: sparse.name, failure: .malformed(what))
        }
        guard values.isNumeric else { throw PayloadError(path: path, tensor: sparse.name, failure: .unsupportedType(.string)) }
        guard case .success(let total) = TensorSize.elements(sparse.dims), let dense = Int(exactly: total) else {
            throw PayloadError(path: path, tensor: sparse.name, failure: .invalidDims(sparse.dims))
        }
        let perElement = values.dataType == .complex64 || values.dataType == .complex128 ? 2 : 1
        let (numberCount, overflow) = dense.multipliedReportingOverflow(by: perElement)
        guard !overflow, numberCount <= DecodingLimits.maxDenseSparseElements else {
            throw PayloadError(path: path, tensor: sparse.name, failure: .tooLarge(elements: total))
        }
        let nonZero = values.doubles()
        let flat = indices.doubles()
        let rank = sparse.dims.count
        let coordinates = indices.dims.count == 2
        guard flat.count == values.count * (coordinates ? rank : 1) else {
            throw fail("\(flat.count) indices for \(values.count) values")
        }
        var numbers = [Double](repeating: 0, count: numberCount)
        for k in 0..<values.count {
            var at = 0
            if coordinates {
                for axis in 0..<rank {
                    let i = flat[k * rank + axis]
                    guard i >= 0, i < Double(sparse.dims[axis]) else { throw fail("index \(i) outside axis \(axis)") }
                    at = at * Int(sparse.dims[axis]) + Int(i)
                }
            } else {
                let i = flat[k]
                guard i >= 0, i < Double(dense) else { throw fail("index \(i) outside \(dense) elements") }
                at = Int(i)
            }
            for c in 0..<perElement { numbers[at * perElement + c] = nonZero[k * perElement + c] }
        }
        return TensorValues(numbers: numbers, dataType: values.dataType, dims: sparse.dims)
    }
}
