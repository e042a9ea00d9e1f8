/// The elements of one stored tensor, read in place from the memory-mapped model (or
/// external data) file: nothing is copied until ``doubles()`` or a cursor asks for it.
///
/// Numbers are read as `Double`: integers exactly up to 2^53, every float type exactly.
/// COMPLEX64 and COMPLEX128 elements read as two components each (real, imaginary), so
/// ``componentCount`` is twice ``count`` for them. STRING tensors have no numbers; read
/// them with ``strings()``.
public struct TensorValues: @unchecked Sendable {
    /// The element type.
    public let dataType: DataType
    /// The shape from `dims`.
    public let dims: [Int64]
    /// Number of elements (the product of ``dims``).
    public let count: Int
    let layout: ValueLayout
    /// Keeps the memory that ``layout`` points into alive (a mapping or owned bytes).
    let owner: AnyObject?

    init(dataType: DataType, dims: [Int64], count: Int, layout: ValueLayout, owner: AnyObject?) {
        self.dataType = dataType
        self.dims = dims
        self.count = count
        self.layout = layout
        self.owner = owner
    }

    /// Values already in memory, e.g. a `Constant`'s `value_floats`, or a sparse tensor
    /// made dense. They are stored (and hashed) as doubles.
    public init(numbers: [Double], dataType: DataType, dims: [Int64]) {
        let storage = OwnedBytes(count: numbers.count * MemoryLayout<Double>.stride)
        numbers.withUnsafeBytes { storage.bytes.copyMemory(from: $0) }
        let typed = storage.readable.assumingMemoryBound(to: Double.self)
        let complex = dataType == .complex64 || dataType == .complex128
        self.init(dataType: dataType, dims: dims, count: complex ? numbers.count / 2 : numbers.count,
                  layout: .numbers(typed), owner: storage)
    }

    /// Numbers the cursor yields: ``count``, or twice it for complex types, 0 for STRING.
    public var componentCount: Int {
        switch dataType {
        case .string: 0
        case .complex64, .complex128: count * 2
        case .undefined, .float, .uint8, .int8, .uint16, .int16, .int32, .int64, .bool, .float16, .double,
             .uint32, .uint64, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz,
             .uint4, .int4, .float4e2m1, .float8e8m0, .uint2, .int2, .float6e2m3, .float6e3m2, .unknown:
            count
        }
    }

    /// True for every type but STRING.
    public var isNumeric: Bool { dataType != .string }

    /// The stored byte regions, in file order: the content of `raw_data` or of packed
    /// fields; for unpacked fields and `string_data`, whole runs including tags.
    var regions: [UnsafeRawBufferPointer] {
        switch layout {
        case .empty: []
        case .raw(let bytes): [bytes]
        case .words(let runs, _): runs.map(\.bytes)
        case .strings(let runs): runs
        case .numbers(let numbers): [UnsafeRawBufferPointer(numbers)]
        }
    }

    /// Bytes of stored payload (what ``storedHash()`` reads).
    public var storedByteCount: Int { regions.reduce(0) { $0 + $1.count } }

    /// A 64-bit XXH3 hash of the stored bytes, read straight from the mapping.
    ///
    /// Equal hashes mean equal stored bytes (up to hash collisions); the same numbers
    /// stored in `raw_data` and in a packed `float_data` hash alike, other encodings differ.
    public func storedHash() -> UInt64 {
        adviseSequentialRead()
        guard let mapping = owner as? MappedFile else { return PayloadHasher.hash(regions) }
        return PayloadHasher.hash(regions) { window in
            if window.count >= PayloadHasher.window, let range = mapping.range(of: window) { mapping.doneReading(range) }
        }
    }

    /// A cursor that reads the numbers from the start, in chunks.
    public func makeCursor() -> ValueCursor {
        adviseSequentialRead()
        return ValueCursor(self)
    }

    /// Large payloads are about to be read whole: ask for read-ahead on them.
    private func adviseSequentialRead() {
        guard let mapping = owner as? MappedFile else { return }
        for region in regions where region.count >= 1 << 20 {
            if let range = mapping.range(of: region) { mapping.willReadSequentially(range) }
        }
    }

    /// Every number, in order (``componentCount`` of them); empty for STRING.
    public func doubles() -> [Double] {
        var cursor = makeCursor()
        let total = componentCount
        return [Double](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = cursor.next(into: buffer)
        }
    }

    /// Calls `body` with consecutive chunks of at most `chunkSize` numbers; the slice
    /// is only valid during the call.
    public func forEachChunk(size chunkSize: Int = 1 << 16, _ body: (ArraySlice<Double>) throws -> Void) rethrows {
        var cursor = makeCursor()
        var buffer = [Double](repeating: 0, count: Swift.max(1, chunkSize))
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { cursor.next(into: $0) }
            if n == 0 { return }
            try body(buffer[0..<n])
        }
    }

    /// Reads two tensors side by side: `body` gets aligned chunks of both, until the
    /// shorter one ends.
    public static func forEachChunkPair(
        _ a: TensorValues, _ b: TensorValues, size chunkSize: Int = 1 << 16,
        _ body: (ArraySlice<Double>, ArraySlice<Double>) throws -> Void
    ) rethrows {
        var ca = a.makeCursor(), cb = b.makeCursor()
        var ba = [Double](repeating: 0, count: Swift.max(1, chunkSize))
        var bb = ba
        while true {
            let na = ba.withUnsafeMutableBufferPointer { ca.next(into: $0) }
            let nb = bb.withUnsafeMutableBufferPointer { cb.next(into: UnsafeMutableBufferPointer(rebasing: $0[0..<na])) }
            if nb == 0 { return }
            try body(ba[0..<nb], bb[0..<nb])
        }
    }

    /// True when every number is zero (negative zero included); false for STRING
    /// tensors with elements.
    public var isAllZero: Bool {
        if !isNumeric { return count == 0 }
        var zero = true
        forEachChunk { chunk in
            if zero, chunk.contains(where: { $0 != 0 }) { zero = false }
        }
        return zero
    }

    /// The byte strings of a STRING tensor, in order; empty for other types.
    public func strings() -> [[UInt8]] {
        stringSlices().map { Array($0) }
    }

    /// The byte strings of a STRING tensor as regions of the mapping, without copying.
    func stringSlices() -> [UnsafeRawBufferPointer] {
        guard case .strings(let runs) = layout else { return [] }
        var out: [UnsafeRawBufferPointer] = []
        for run in runs {
            var position = 0
            while position < run.count {
                guard (try? run.readVarint(at: &position, end: run.count)) != nil,
                      let length = try? run.readVarint(at: &position, end: run.count),
                      length <= UInt64(run.count - position) else { break }
                out.append(UnsafeRawBufferPointer(rebasing: run[position..<position + Int(length)]))
                position += Int(length)
            }
        }
        return out
    }
}

/// Where a tensor's numbers are, as the reader validated them.
enum ValueLayout {
    /// No stored bytes (zero elements).
    case empty
    /// Fixed-width little-endian elements (`raw_data`, external data, dense copies).
    case raw(UnsafeRawBufferPointer)
    /// A typed field (`float_data`, `int32_data`, ...): runs of protobuf words.
    case words([WordRun], WordField)
    /// `string_data` runs, each occurrence with its tag.
    case strings([UnsafeRawBufferPointer])
    /// Numbers already decoded into owned memory.
    case numbers(UnsafeBufferPointer<Double>)
}

/// One run of a typed field: packed content, or unpacked occurrences with tags.
struct WordRun {
    var bytes: UnsafeRawBufferPointer
    var packed: Bool
}

/// The typed field a ``ValueLayout/words(_:_:)`` layout reads, and its wire width.
enum WordField {
    case float32, float64, int32, int64, uint64

    /// Bytes per word for fixed-width fields; nil for varints.
    var fixedWidth: Int? {
        switch self {
        case .float32: 4
        case .float64: 8
        case .int32, .int64, .uint64: nil
        }
    }
}

/// Owned bytes laid out like `raw_data` (dense copies of sparse tensors, `Constant`
/// attribute values), freed with the last ``TensorValues`` that uses them.
final class OwnedBytes {
    let bytes: UnsafeMutableRawBufferPointer
    let count: Int

    /// `count` zeroed bytes.
    init(count: Int) {
        self.count = count
        bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count, 1), alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }

    /// The bytes, read-only.
    var readable: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<count]) }

    deinit {
        bytes.deallocate()
    }
}
