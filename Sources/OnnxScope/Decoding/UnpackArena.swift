internal import COnnx
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory for the C structs protobuf-c unpacks into (the model less what the pre-pass set
/// aside, and each slice of the set-aside messages): bump-allocated from large blocks and
/// let go all at once, so that a message costs no `malloc` per field when unpacked and no
/// walk over its fields to free it.
///
/// protobuf-c's calls to free are ignored: the memory comes back when the arena is reset,
/// once what was unpacked into it is converted, or when it is deinitialized. One arena
/// serves one thread at a time (hence `@unchecked Sendable`).
final class UnpackArena: @unchecked Sendable {
    /// The allocator to hand protobuf-c; valid while the arena lives.
    let allocator: UnsafeMutablePointer<ProtobufCAllocator>
    private let state: UnsafeMutablePointer<Blocks>

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: Blocks())
        allocator = .allocate(capacity: 1)
        allocator.initialize(to: ProtobufCAllocator(
            alloc: { data, size in data?.assumingMemoryBound(to: Blocks.self).pointee.allocate(size) },
            free: { _, _ in },
            allocator_data: UnsafeMutableRawPointer(state)))
    }

    /// Lets go of everything allocated so far: the structs unpacked into it are gone.
    func reset() { state.pointee.release() }

    deinit {
        state.pointee.release()
        state.deinitialize(count: 1)
        state.deallocate()
        allocator.deinitialize(count: 1)
        allocator.deallocate()
    }

    /// The blocks, each from `malloc`, chained through their first word.
    private struct Blocks {
        /// Bytes of a block; an allocation larger than a quarter of it gets a block of its own.
        static let blockBytes = 1 << 20
        /// Room at the start of each block for the link to the block before.
        static let header = 16

        var cursor: UnsafeMutableRawPointer?
        var limit: UnsafeMutableRawPointer?
        var last: UnsafeMutableRawPointer?

        /// `size` bytes aligned as `malloc`'s (16), nil when `malloc` fails or the size cannot
        /// be one (protobuf-c then refuses the message): never a trap on overflow.
        mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
            // A `size_t` above `Int.max` arrives negative.
            guard size >= 0, size <= Int.max / 2 else { return nil }
            let rounded = (Swift.max(size, 1) + 15) & ~15
            if let cursor, let limit, limit - cursor >= rounded {
                self.cursor = cursor + rounded
                return cursor
            }
            let own = rounded > Blocks.blockBytes / 4
            let bytes = own ? rounded + Blocks.header : Blocks.blockBytes
            guard let block = malloc(bytes) else { return nil }
            block.storeBytes(of: last, as: UnsafeMutableRawPointer?.self)
            last = block
            let start = block + Blocks.header
            // A block of its own holds that allocation alone; the current block stays in use.
            if !own {
                cursor = start + rounded
                limit = block + bytes
            }
            return start
        }

        /// Frees every block.
        mutating func release() {
            var block = last
            while let b = block {
                block = b.load(as: UnsafeMutableRawPointer?.self)
                free(b)
            }
            last = nil
            cursor = nil
            limit = nil
        }
    }
}
