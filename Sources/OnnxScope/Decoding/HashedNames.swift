#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// C names (from protobuf-c's structs) with, for each that ``asciiName(_:)`` takes, its
/// bytes and its hash in a ``NameTable``; for any other, no base address and hash 0 (the
/// converter gives it its id the slow way). Hashing only reads the table's seed, so a
/// long list is hashed on all cores, ahead of interning, which takes one.
struct HashedNames {
    /// The names, in order.
    let names: [UnsafeMutablePointer<CChar>?]
    /// Name `k`'s bytes, without base address for a name ``asciiName(_:)`` does not take.
    private(set) var bytes: [UnsafeRawBufferPointer]
    /// Name `k`'s hash in the table (0 where `bytes[k]` has no base address).
    private(set) var hashes: [UInt64]

    /// `names` hashed for `table`.
    init(_ names: [UnsafeMutablePointer<CChar>?], table: NameTable) {
        self.names = names
        let n = names.count
        bytes = [UnsafeRawBufferPointer](repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: n)
        hashes = [UInt64](repeating: 0, count: n)
        bytes.withUnsafeMutableBufferPointer { bytes in
            hashes.withUnsafeMutableBufferPointer { hashes in
                nonisolated(unsafe) let bytes = bytes, hashes = hashes
                ParallelWork.forEachChunk(n) { _, part in
                    for k in part {
                        guard let utf8 = HashedNames.asciiName(names[k]) else { continue }
                        bytes[k] = utf8
                        hashes[k] = table.hash(utf8)
                    }
                }
            }
        }
    }

    /// The bytes of a C name that is ASCII, not empty and within the length limit; nil for
    /// any other (absent, empty, over the limit or not ASCII).
    static func asciiName(_ p: UnsafeMutablePointer<CChar>?) -> UnsafeRawBufferPointer? {
        guard let p else { return nil }
        let length = strnlen(p, DecodingLimits.maxNameBytes + 1)
        guard length > 0, length <= DecodingLimits.maxNameBytes else { return nil }
        let utf8 = UnsafeRawBufferPointer(start: p, count: length)
        return isASCII(utf8) ? utf8 : nil
    }

    /// True when every byte is below 0x80.
    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var k = 0
        var high: UInt64 = 0
        while k + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            k += 8
        }
        while k < bytes.count {
            high |= UInt64(bytes[k])
            k += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
