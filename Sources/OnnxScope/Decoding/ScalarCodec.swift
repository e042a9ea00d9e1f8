/// Bit patterns of the small floating-point formats, turned into `Double`.
///
/// Formats follow the ONNX IR: FLOAT16 and FLOAT8E5M2 are IEEE-like (infinities and
/// NaNs at the top exponent); FLOAT8E4M3FN has no infinities and one NaN pattern per
/// sign (`S.1111.111`); the `FNUZ` types have no negative zero, their `0x80` is NaN;
/// FLOAT8E8M0 is a power of two, `0xFF` NaN; FLOAT6 and FLOAT4 have neither infinities
/// nor NaNs. 8-bit and smaller formats are decoded through tables built once.
enum ScalarCodec {
    /// How a format spends its special bit patterns.
    private enum Specials {
        /// Top exponent: infinity when the mantissa is zero, else NaN.
        case ieee
        /// All exponent and mantissa bits set: NaN. No infinities.
        case finiteAllOnesNaN
        /// Sign bit alone set (negative zero's pattern): NaN. No infinities.
        case negativeZeroNaN
        /// Every pattern is a finite number.
        case none
    }

    /// A sign–exponent–mantissa value of `1 + exponentBits + mantissaBits` bits.
    private static func minifloat(_ bits: UInt32, exponentBits e: Int, mantissaBits m: Int, bias: Int,
                                  specials: Specials) -> Double {
        let negative = (bits >> UInt32(e + m)) & 1 == 1
        let exponent = Int((bits >> UInt32(m)) & ((1 << UInt32(e)) - 1))
        let mantissa = Int(bits & ((1 << UInt32(m)) - 1))
        let topExponent = (1 << e) - 1
        switch specials {
        case .ieee:
            if exponent == topExponent { return mantissa == 0 ? (negative ? -.infinity : .infinity) : .nan }
        case .finiteAllOnesNaN:
            if exponent == topExponent, mantissa == (1 << m) - 1 { return .nan }
        case .negativeZeroNaN:
            if negative, exponent == 0, mantissa == 0 { return .nan }
        case .none:
            break
        }
        let magnitude = exponent == 0
            ? Double(sign: .plus, exponent: 1 - bias - m, significand: Double(mantissa))
            : Double(sign: .plus, exponent: exponent - bias - m, significand: Double((1 << m) | mantissa))
        return negative ? -magnitude : magnitude
    }

    /// IEEE half precision.
    @inline(__always)
    static func float16(_ bits: UInt16) -> Double {
        minifloat(UInt32(bits), exponentBits: 5, mantissaBits: 10, bias: 15, specials: .ieee)
    }

    /// bfloat16: the top half of a FLOAT.
    @inline(__always)
    static func bfloat16(_ bits: UInt16) -> Double {
        Double(Float(bitPattern: UInt32(bits) << 16))
    }

    private static func table(_ count: Int, _ decode: (UInt32) -> Double) -> [Double] {
        (0..<count).map { decode(UInt32($0)) }
    }

    static let float8e4m3fn = table(256) { minifloat($0, exponentBits: 4, mantissaBits: 3, bias: 7, specials: .finiteAllOnesNaN) }
    static let float8e4m3fnuz = table(256) { minifloat($0, exponentBits: 4, mantissaBits: 3, bias: 8, specials: .negativeZeroNaN) }
    static let float8e5m2 = table(256) { minifloat($0, exponentBits: 5, mantissaBits: 2, bias: 15, specials: .ieee) }
    static let float8e5m2fnuz = table(256) { minifloat($0, exponentBits: 5, mantissaBits: 2, bias: 16, specials: .negativeZeroNaN) }
    static let float8e8m0 = table(256) { $0 == 0xFF ? .nan : Double(sign: .plus, exponent: Int($0) - 127, significand: 1) }
    static let float4e2m1 = table(16) { minifloat($0, exponentBits: 2, mantissaBits: 1, bias: 1, specials: .none) }
    static let float6e2m3 = table(64) { minifloat($0, exponentBits: 2, mantissaBits: 3, bias: 1, specials: .none) }
    static let float6e3m2 = table(64) { minifloat($0, exponentBits: 3, mantissaBits: 2, bias: 3, specials: .none) }

    /// The value of one element of a type narrower than 32 bits, from its bit pattern
    /// (the low bits of `bits`); also how `int32_data` entries of those types decode.
    /// Nil for types that are not narrower than 32 bits.
    static func narrow(_ bits: UInt32, as type: DataType) -> Double? {
        switch type {
        case .bool: bits & 0xFF != 0 ? 1 : 0
        case .uint8: Double(bits & 0xFF)
        case .int8: Double(Int8(truncatingIfNeeded: bits))
        case .uint16: Double(bits & 0xFFFF)
        case .int16: Double(Int16(truncatingIfNeeded: bits))
        case .float16: float16(UInt16(truncatingIfNeeded: bits))
        case .bfloat16: bfloat16(UInt16(truncatingIfNeeded: bits))
        case .float8e4m3fn: float8e4m3fn[Int(bits & 0xFF)]
        case .float8e4m3fnuz: float8e4m3fnuz[Int(bits & 0xFF)]
        case .float8e5m2: float8e5m2[Int(bits & 0xFF)]
        case .float8e5m2fnuz: float8e5m2fnuz[Int(bits & 0xFF)]
        case .float8e8m0: float8e8m0[Int(bits & 0xFF)]
        case .uint4: Double(bits & 0xF)
        case .int4: Double(Int8(truncatingIfNeeded: (bits & 0xF) << 4) >> 4)
        case .float4e2m1: float4e2m1[Int(bits & 0xF)]
        case .uint2: Double(bits & 0x3)
        case .int2: Double(Int8(truncatingIfNeeded: (bits & 0x3) << 6) >> 6)
        case .float6e2m3: float6e2m3[Int(bits & 0x3F)]
        case .float6e3m2: float6e3m2[Int(bits & 0x3F)]
        case .undefined, .float, .int32, .int64, .string, .double, .uint32, .uint64,
             .complex64, .complex128, .unknown:
            nil
        }
    }
}
