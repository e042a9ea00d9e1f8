import Foundation

/// The bytes of JSON's scalars and layout: numbers, strings with their escapes, indentation.
extension JSONWriter {
    @inline(__always) func append2(_ a: UInt8, _ b: UInt8) {
        bytes.append(a)
        bytes.append(b)
    }

    @inline(__always) func append3(_ a: UInt8, _ b: UInt8, _ c: UInt8) {
        bytes.append(a)
        bytes.append(b)
        bytes.append(c)
    }

    static let spaces = [UInt8](repeating: 0x20, count: 64)

    func indent(_ level: Int) {
        var n = 2 * level
        while n > 0 {
            let k = min(n, 64)
            JSONWriter.spaces.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<k])) }
            n -= k
        }
    }

    func writeNull() {
        append2(0x6E, 0x75)
        append2(0x6C, 0x6C)
    }

    func writeBool(_ v: Bool) {
        if v {
            append2(0x74, 0x72)
            append2(0x75, 0x65)
        } else {
            append3(0x66, 0x61, 0x6C)
            append2(0x73, 0x65)
        }
    }

    func writeSigned(_ v: Int64) {
        if v < 0 { bytes.append(0x2D) }
        writeUnsigned(v.magnitude)
    }

    func writeUnsigned(_ v: UInt64) {
        var digits = 1
        var t = v
        while t >= 10 {
            t /= 10
            digits += 1
        }
        let end = bytes.count + digits
        bytes.append(contentsOf: repeatElement(0x30, count: digits))
        var x = v
        var i = end - 1
        while x >= 10 {
            bytes[i] = 0x30 &+ UInt8(truncatingIfNeeded: x % 10)
            x /= 10
            i -= 1
        }
        bytes[i] = 0x30 &+ UInt8(truncatingIfNeeded: x)
    }

    /// A finite float as `JSONEncoder` writes it: its `description` without a final `.0`.
    func writeFloat<F: BinaryFloatingPoint & CustomStringConvertible>(_ v: F) throws {
        guard v.isFinite else { throw Failure.nonConformingFloat }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        writeRaw(text)
    }

    /// Text that needs no escaping (a number), unquoted.
    func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `s` quoted, with JSON's escapes and the terminal-control escapes; true when `s` is ASCII.
    @discardableResult
    func writeString(_ s: String) -> Bool {
        bytes.append(0x22)
        var s = s
        let ascii = s.withUTF8 { appendEscaped($0) }
        bytes.append(0x22)
        return ascii
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    func appendEscaped(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = u.count
        var i = 0
        var mark = 0
        var ascii = true
        func flush(_ upTo: Int) {
            if upTo > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[mark..<upTo])) }
        }
        while i < n {
            let b = u[i]
            if b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C {
                i += 1
                continue
            }
            if b >= 0x80 {
                ascii = false
                let (scalar, length) = JSONWriter.scalar(u, at: i)
                if let scalar, TextFormatting.isTerminalControl(scalar) {
                    flush(i)
                    escapeScalar(scalar.value)
                    mark = i + length
                }
                i += length
                continue
            }
            flush(i)
            switch b {
            case 0x22: append2(0x5C, 0x22)
            case 0x5C: append2(0x5C, 0x5C)
            case 0x08: append2(0x5C, 0x62)
            case 0x0C: append2(0x5C, 0x66)
            case 0x0A: append2(0x5C, 0x6E)
            case 0x0D: append2(0x5C, 0x72)
            case 0x09: append2(0x5C, 0x74)
            default: escapeUnit(UInt32(b))  // other C0 controls and DEL
            }
            i += 1
            mark = i
        }
        flush(n)
        return ascii
    }

    /// The scalar starting at `i` of valid UTF-8, and its length in bytes.
    static func scalar(_ u: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar?, Int) {
        let b = UInt32(u[i])
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
        guard i + length <= u.count else { return (nil, u.count - i) }
        var v = b & (0x7F >> UInt32(length))
        for k in 1..<length { v = v << 6 | UInt32(u[i + k] & 0x3F) }
        return (Unicode.Scalar(v), length)
    }

    func escapeScalar(_ v: UInt32) {
        if v > 0xFFFF {
            let w = v - 0x10000
            escapeUnit(0xD800 + (w >> 10))
            escapeUnit(0xDC00 + (w & 0x3FF))
        } else {
            escapeUnit(v)
        }
    }

    /// `\u` and four lowercase hex digits.
    func escapeUnit(_ unit: UInt32) {
        let hex = JSONWriter.hex
        append2(0x5C, 0x75)
        bytes.append(hex[Int(unit >> 12 & 0xF)])
        bytes.append(hex[Int(unit >> 8 & 0xF)])
        bytes.append(hex[Int(unit >> 4 & 0xF)])
        bytes.append(hex[Int(unit & 0xF)])
    }
}
