/// File paths as the bytes the system uses. A path that is not valid UTF-8 still has to be
/// opened as given: each byte of an invalid sequence is carried in a `String` as one
/// private-use scalar (U+10FF00 + byte), which turns back into the byte when the path is
/// handed to the system, and is shown as `\xNN` when printed.
public enum RawPath {
    /// First scalar of the byte carriers: U+10FF00 + byte, for bytes 0x80…0xFF.
    static let carrierBase: UInt32 = 0x10_FF00

    /// The path `bytes` as a string: valid UTF-8 as is, each byte of an invalid sequence
    /// as its carrier scalar.
    public static func string(_ bytes: some Collection<UInt8>) -> String {
        let array = Array(bytes)
        if let valid = String(validating: array, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < array.count {
            let length = sequenceLength(array, at: i)
            if length > 0, let piece = String(validating: array[i..<i + length], as: UTF8.self) {
                scalars.append(contentsOf: piece.unicodeScalars)
                i += length
            } else {
                scalars.append(Unicode.Scalar(carrierBase + UInt32(array[i])) ?? "\u{FFFD}")
                i += 1
            }
        }
        return String(scalars)
    }

    /// The bytes of `path` for the system: carriers back to their bytes, the rest UTF-8.
    public static func bytes(_ path: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if let byte = carried(scalar) { out.append(byte) } else { UTF8.encode(scalar) { out.append($0) } }
        }
        return out
    }

    /// Calls `body` with `path` as a NUL-terminated C string of its system bytes.
    public static func withCString<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        if !path.unicodeScalars.contains(where: { carried($0) != nil }) { return try path.withCString(body) }
        let raw = bytes(path).map { CChar(bitPattern: $0) } + [0]
        return try body(raw)
    }

    /// The byte a carrier scalar stands for; nil for other scalars.
    public static func carried(_ scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        return v >= carrierBase + 0x80 && v <= carrierBase + 0xFF ? UInt8(v - carrierBase) : nil
    }

    /// Length of the UTF-8 sequence a lead byte announces (0 for a byte that cannot lead).
    private static func sequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let lead = bytes[i]
        let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
        return i + length <= bytes.count ? length : 0
    }
}
