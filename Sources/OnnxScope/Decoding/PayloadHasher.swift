private import CXXHash

/// Hashes stored payload bytes with XXH3 (64-bit), straight from the mapped memory.
///
/// The only Swift file that sees libxxhash. Several regions hash as their
/// concatenation, so a payload split into runs hashes like the same bytes in one piece.
enum PayloadHasher {
    /// Bytes hashed between two calls of the `done` callback.
    static let window = 8 << 20

    /// XXH3-64 of the concatenation of `regions` (seed 0). `done` is called with each
    /// window of at most ``window`` bytes once it is hashed, so large mapped payloads can
    /// be released as the hash goes.
    static func hash(_ regions: [UnsafeRawBufferPointer], done: (UnsafeRawBufferPointer) -> Void = { _ in }) -> UInt64 {
        if regions.count == 1, let only = regions.first, only.count <= window {
            defer { done(only) }
            return XXH3_64bits(only.baseAddress, only.count)
        }
        guard let state = XXH3_createState() else {
            // Allocation failure: fall back to hashing a copy in one piece.
            let joined = regions.flatMap { Array($0) }
            return joined.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count) }
        }
        defer { XXH3_freeState(state) }
        XXH3_64bits_reset(state)
        for region in regions where region.count > 0 {
            var start = 0
            while start < region.count {
                let piece = UnsafeRawBufferPointer(rebasing: region[start..<Swift.min(region.count, start + window)])
                XXH3_64bits_update(state, piece.baseAddress, piece.count)
                done(piece)
                start += piece.count
            }
        }
        return XXH3_64bits_digest(state)
    }
}
