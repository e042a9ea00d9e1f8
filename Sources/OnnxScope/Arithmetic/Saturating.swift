/// Saturating arithmetic on element and byte counts: sizes come from the file, so any sum
/// or product of them may overflow 64 bits. A result that does not fit is `Int64.max`,
/// never a trap. This folder is a leaf: every other folder may use it, it uses none.
enum Saturating {
    /// a + b, or `Int64.max` (`Int64.min` below) when it does not fit.
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? .max : .min) : r
    }

    /// a · b, or `Int64.max` when it does not fit.
    static func mul(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? .max : r
    }
}

extension Sequence where Element == Int64 {
    /// The saturating sum of the elements.
    var saturatingSum: Int64 { reduce(0, Saturating.add) }
}
