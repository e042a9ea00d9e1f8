/// The values of one weight as `diff` reads them: a tensor in place, or a sparse tensor's
/// stored entries (never made dense).
enum DiffValues {
    case dense(TensorValues)
    case sparse(SparseEntries)

    /// True for every type but STRING.
    var isNumeric: Bool {
        switch self {
        case .dense(let values): values.isNumeric
        case .sparse: true
        }
    }

    /// Numbers of the dense form: elements, twice that for complex types, 0 for STRING.
    var componentCount: Int64 {
        switch self {
        case .dense(let values): Int64(values.componentCount)
        case .sparse(let entries): Saturating.mul(entries.denseCount, Int64(entries.components))
        }
    }

    /// The hash `diff` pairs and compares by: the stored bytes of a tensor, the entries of
    /// a sparse one.
    func hash() -> UInt64 {
        switch self {
        case .dense(let values): values.storedHash()
        case .sparse(let entries): entries.hash()
        }
    }
}

extension ValueComparison {
    /// Compares two weights of the same number of elements, whatever their storage:
    /// dense numbers in aligned chunks, STRING tensors string by string, sparse entries
    /// by merging their indices (positions stored on neither side are zero on both).
    init(_ a: DiffValues, _ b: DiffValues) {
        switch (a, b) {
        case (.dense(let x), .dense(let y)):
            self = x.isNumeric ? ValueComparison(x, y) : ValueComparison(strings: x, y)
        case (.sparse(let x), .sparse(let y)):
            self = ValueComparison(sparse: x, y)
        case (.dense(let x), .sparse(let y)):
            self = ValueComparison(dense: x, sparse: y, denseFirst: true)
        case (.sparse(let x), .dense(let y)):
            self = ValueComparison(dense: y, sparse: x, denseFirst: false)
        }
    }

    /// Two sparse tensors: only the union of their stored indices is visited.
    init(sparse a: SparseEntries, _ b: SparseEntries) {
        self.init()
        let n = Swift.min(a.components, b.components)
        var i = 0, j = 0
        while i < a.indices.count || j < b.indices.count {
            let ia = i < a.indices.count ? a.indices[i] : .max, ib = j < b.indices.count ? b.indices[j] : .max
            for c in 0..<n {
                let u = ia <= ib ? a.numbers[i * a.components + c] : 0
                let v = ib <= ia ? b.numbers[j * b.components + c] : 0
                add(u, v)
            }
            if ia <= ib { i += 1 }
            if ib <= ia { j += 1 }
        }
    }

    /// A dense tensor against a sparse one, in chunks of the dense numbers.
    init(dense: TensorValues, sparse: SparseEntries, denseFirst: Bool) {
        self.init()
        let components = sparse.components
        var position: Int64 = 0  // index of the next dense number
        var next = 0  // next sparse entry
        dense.forEachChunk { chunk in
            for d in chunk {
                let element = position / Int64(components), component = Int(position % Int64(components))
                while next < sparse.indices.count, sparse.indices[next] < element { next += 1 }
                let s = next < sparse.indices.count && sparse.indices[next] == element
                    ? sparse.numbers[next * components + component] : 0
                if denseFirst { add(d, s) } else { add(s, d) }
                position += 1
            }
        }
    }
}
