/// Element-by-element statistics of two tensors of the same number of elements.
struct ValueComparison {
    /// Elements that differ; NaN equals NaN.
    var changedElements: Int64 = 0
    /// Largest |a − b| over finite pairs.
    var maxAbsDiff: Double = 0
    /// A pair differed where one side is NaN or infinite.
    var nonFinite = false
    private var differenceSquares: Double = 0
    private var referenceSquares: Double = 0

    /// Compares the numbers of `a` and `b` in aligned chunks.
    init(_ a: TensorValues, _ b: TensorValues) {
        self.init()
        TensorValues.forEachChunkPair(a, b) { x, y in
            for (u, v) in zip(x, y) { add(u, v) }
        }
    }

    /// No elements compared yet.
    init() {}

    /// Adds one pair of numbers (A's, B's).
    mutating func add(_ u: Double, _ v: Double) {
        referenceSquares += u * u
        if u == v || (u.isNaN && v.isNaN) { return }
        changedElements += 1
        let d = v - u
        if d.isFinite {
            maxAbsDiff = Swift.max(maxAbsDiff, Swift.abs(d))
            differenceSquares += d * d
        } else {
            nonFinite = true
        }
    }

    /// Compares the strings of two STRING tensors, in place.
    init(strings a: TensorValues, _ b: TensorValues) {
        let x = a.stringSlices(), y = b.stringSlices()
        changedElements = Int64(zip(x, y).filter { !$0.elementsEqual($1) }.count + Swift.abs(x.count - y.count))
    }

    /// The largest difference, nil when a difference is not finite.
    var reportedMaxAbsDiff: Double? { nonFinite ? nil : maxAbsDiff }

    /// ‖b − a‖₂ / ‖a‖₂; 0 when nothing changed; nil when A is all zeros or not finite.
    var relativeL2: Double? {
        if changedElements == 0 { return 0 }
        guard !nonFinite, referenceSquares > 0, referenceSquares.isFinite else { return nil }
        return (differenceSquares / referenceSquares).squareRoot()
    }
}
