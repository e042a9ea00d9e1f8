/// The last few `dims` lists made while converting a run of tensors, handed out again when
/// a tensor has the same: a graph's initializers repeat a few shapes (each block's weight,
/// bias and scale), and an array of its own for each would be a heap block per initializer.
/// Arrays are values, so sharing one changes nothing a reader can see. One per thread.
struct RecentShapes {
    /// How many shapes are kept; the oldest is replaced by the next new one.
    static let kept = 8

    private var shapes: [[Int64]] = []
    private var next = 0

    /// `dims` as an array: one of the recent ones when equal, else a new one, kept.
    mutating func shape(_ dims: UnsafeBufferPointer<Int64>) -> [Int64] {
        guard !dims.isEmpty else { return [] }
        for shape in shapes where shape.count == dims.count && shape.elementsEqual(dims) { return shape }
        let made = Array(dims)
        if shapes.count < RecentShapes.kept {
            shapes.append(made)
        } else {
            shapes[next] = made
            next = (next + 1) % RecentShapes.kept
        }
        return made
    }
}
