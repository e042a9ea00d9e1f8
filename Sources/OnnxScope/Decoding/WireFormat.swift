/// Low-level reading and writing of the protobuf wire format.
enum WireType: UInt64 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// Why a read of the wire format stopped: the offset is of the byte that failed.
struct WireError: Error {
    var failure: DecodeFailure
    var offset: Int
}

extension UnsafeRawBufferPointer {
    /// Reads a varint at `position` (not past `end`), advancing `position`.
    @inline(__always)
    func readVarint(at position: inout Int, end: Int) throws(WireError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else {
                throw WireError(failure: .truncated("varint runs past the end of its message"), offset: start)
            }
            let byte = self[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw WireError(failure: .malformed("varint longer than 64 bits"), offset: start)
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 {
                throw WireError(failure: .malformed("varint longer than 10 bytes"), offset: start)
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` as a minimal varint.
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    /// Overwrites five bytes at `index` with `value` as a varint padded to five bytes
    /// (a valid, non-minimal encoding), so lengths can be patched in place. `value` < 2^35.
    @inline(__always)
    mutating func patchPaddedVarint(at index: Int, _ value: UInt64) {
        self[index] = UInt8(value & 0x7F) | 0x80
        self[index + 1] = UInt8((value >> 7) & 0x7F) | 0x80
        self[index + 2] = UInt8((value >> 14) & 0x7F) | 0x80
        self[index + 3] = UInt8((value >> 21) & 0x7F) | 0x80
        self[index + 4] = UInt8((value >> 28) & 0x7F)
    }
}
