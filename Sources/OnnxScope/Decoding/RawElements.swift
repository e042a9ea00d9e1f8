/// Decodes fixed-width little-endian elements (`raw_data` layout) into `Double`s.
///
/// One loop per type, chosen once per chunk. Sub-byte types are packed from the least
/// significant bits: 4-bit two per byte, 2-bit four per byte, 6-bit as a bit stream
/// (four elements per three bytes). Complex types decode as their float components.
enum RawElements {
    /// Decodes numbers `start ..< start + count` of `bytes` into `out[0 ..< count]`.
    /// The caller guarantees `bytes` holds them.
    static func decode(_ type: DataType, _ bytes: UnsafeRawBufferPointer, from start: Int, count: Int,
                       into out: UnsafeMutableBufferPointer<Double>) {
        @inline(__always)
        func each(_ element: (Int) -> Double) {
            for i in 0..<count { out[i] = element(start + i) }
        }
        @inline(__always)
        func u16(_ i: Int) -> UInt16 { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) }
        @inline(__always)
        func u32(_ i: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
        @inline(__always)
        func u64(_ i: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }

        switch type {
        case .float, .complex64: each { Double(Float(bitPattern: u32($0))) }
        case .double, .complex128: each { Double(bitPattern: u64($0)) }
        case .int32: each { Double(Int32(bitPattern: u32($0))) }
        case .uint32: each { Double(u32($0)) }
        case .int64: each { Double(Int64(bitPattern: u64($0))) }
        case .uint64: each { Double(u64($0)) }
        case .float16: each { ScalarCodec.float16(u16($0)) }
        case .bfloat16: each { ScalarCodec.bfloat16(u16($0)) }
        case .int16: each { Double(Int16(bitPattern: u16($0))) }
        case .uint16: each { Double(u16($0)) }
        case .int8: each { Double(Int8(bitPattern: bytes[$0])) }
        case .uint8: each { Double(bytes[$0]) }
        case .bool: each { bytes[$0] != 0 ? 1 : 0 }
        case .float8e4m3fn: let t = ScalarCodec.float8e4m3fn; each { t[Int(bytes[$0])] }
        case .float8e4m3fnuz: let t = ScalarCodec.float8e4m3fnuz; each { t[Int(bytes[$0])] }
        case .float8e5m2: let t = ScalarCodec.float8e5m2; each { t[Int(bytes[$0])] }
        case .float8e5m2fnuz: let t = ScalarCodec.float8e5m2fnuz; each { t[Int(bytes[$0])] }
        case .float8e8m0: let t = ScalarCodec.float8e8m0; each { t[Int(bytes[$0])] }
        case .uint4, .int4, .float4e2m1:
            each { i in ScalarCodec.narrow(UInt32(bytes[i >> 1]) >> UInt32((i & 1) * 4), as: type) ?? 0 }
        case .uint2, .int2:
            each { i in ScalarCodec.narrow(UInt32(bytes[i >> 2]) >> UInt32((i & 3) * 2), as: type) ?? 0 }
        case .float6e2m3, .float6e3m2:
            each { i in
                let bit = i * 6
                let at = bit >> 3
                var bits = UInt32(bytes[at]) >> UInt32(bit & 7)
                if at + 1 < bytes.count { bits |= UInt32(bytes[at + 1]) << UInt32(8 - (bit & 7)) }
                return ScalarCodec.narrow(bits, as: type) ?? 0
            }
        case .undefined, .string, .unknown:
            each { _ in 0 }
        }
    }
}
