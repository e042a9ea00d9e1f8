import Foundation

/// The rounding a conversion may cost each element, and the statistics of one re-stored pair.
///
/// Retyped to FLOAT16: half an ulp, |a|·2⁻¹¹, never below 2⁻²⁵ (half the smallest
/// subnormal); BFLOAT16 |a|·2⁻⁸; FLOAT |a|·2⁻²⁴; DOUBLE exact. A value beyond the target's
/// largest finite number that became that number or an infinity of its sign saturated:
/// within bound. Quantized: half a step of the element's own scale, plus the distance the
/// value lies outside the range the integer type can represent (saturation), up to one
/// step, plus |a|·2⁻²⁰ for the float arithmetic of the quantizer. Folded: 2⁻²⁰ times the
/// magnitudes of the fold's terms. Packed, split and transposed copies: exact.
enum RoundingBound {
    /// (relative half ulp, absolute floor) of a float target type; nil for types not judged.
    static func rounding(_ type: DataType) -> (relative: Double, floor: Double)? {
        switch type {
        case .float16: (0x1p-11, 0x1p-25)
        case .bfloat16: (0x1p-8, 0x1p-134)
        case .float: (0x1p-24, 0x1p-150)
        case .double: (0, 0)
        default: nil
        }
    }

    /// The largest finite value of a float target type, for saturation.
    static func largestFinite(_ type: DataType) -> Double? {
        switch type {
        case .float16: 65504
        case .bfloat16: 3.3895313892515355e38
        case .float: Double(Float.greatestFiniteMagnitude)
        default: nil
        }
    }

    /// The bound of `a` converted to a float type with `rounding`.
    static func retyped(_ a: Double, _ rounding: (relative: Double, floor: Double)) -> Double {
        rounding.relative == 0 ? 0 : Swift.max(Swift.abs(a) * rounding.relative, rounding.floor)
    }

    /// The bound of `a` quantized with scale `scale` to a range that dequantizes to `lo...hi`.
    static func quantized(_ a: Double, scale: Double, lo: Double, hi: Double) -> Double {
        let s = Swift.abs(scale)
        let outside = Swift.max(0, Swift.max(Swift.min(lo, hi) - a, a - Swift.max(lo, hi)))
        return s / 2 + Swift.min(outside, s) + Swift.abs(a) * 0x1p-20
    }

    /// The integer range of a quantized element type (4-bit for `bits` 4 stored in bytes).
    static func integerRange(_ type: DataType, bits: Int64) -> (Double, Double)? {
        switch type {
        case .int8: (-128, 127)
        case .uint8: bits == 4 ? (0, 15) : (0, 255)
        case .int4: (-8, 7)
        case .uint4: (0, 15)
        case .int16: (-32768, 32767)
        case .uint16: (0, 65535)
        case .int32: (-2_147_483_648, 2_147_483_647)
        default: nil
        }
    }
}

/// Element statistics of one re-stored pair: A's value against B's (dequantized,
/// converted), each element with its own bound.
struct PairJudgement {
    private(set) var elements: Int64 = 0
    /// Elements whose difference exceeds their bound (NaN and unsaturated infinities too).
    private(set) var beyond: Int64 = 0
    private(set) var maxAbsError: Double = 0
    private(set) var maxBound: Double = 0
    private var errorSquares: Double = 0
    private var referenceSquares: Double = 0

    /// Adds A's `a` and B's `b` with `bound`; `saturation` is the target's largest finite value.
    mutating func add(_ a: Double, _ b: Double, bound: Double, saturation: Double? = nil) {
        elements += 1
        referenceSquares += a * a
        maxBound = Swift.max(maxBound, bound)
        var d = Swift.abs(b - a)
        var within = d <= bound
        if let m = saturation, Swift.abs(a) > m, b == (a < 0 ? -m : m) || b == (a < 0 ? -Double.infinity : .infinity) {
            within = true
            d = 0
        }
        if !within { beyond += 1 }
        guard d.isFinite else { return }
        maxAbsError = Swift.max(maxAbsError, d)
        errorSquares += d * d
    }

    /// 10·log10(Σa² / Σ(a − b)²), nil when nothing differs or A is all zeros.
    var sqnrDb: Double? {
        guard errorSquares > 0, referenceSquares > 0 else { return nil }
        return 10 * Foundation.log10(referenceSquares / errorSquares)
    }

    /// ‖b − a‖₂ / ‖a‖₂ over finite differences, nil when A is all zeros.
    var relativeL2: Double? {
        referenceSquares > 0 ? (errorSquares / referenceSquares).squareRoot() : nil
    }
}
